/**
 * A tenant schema file over HTTP (test/fixtures/schema/tenant.yaml): the custom object
 * subscription__gc with every field type, custom fields on Company and Person, lookups both ways
 * (subscription__gc.Company__gc -> Company, Company.Subscription__gc -> subscription__gc). The NXT
 * data API (insert, update by keys, get, delete, query with lookups), every field type's round
 * trip and refusal, unique fields, picklists as labels or option Gsids (--picklist-values gsid),
 * the dropdown API and the da_picklist rows, describe and list, reports and their CSV, cascades,
 * the seed surface untouched; then the standard objects every server has, without a schema file.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

const SCHEMA_FILE = fileURLToPath(new URL('../fixtures/schema/tenant.yaml', import.meta.url));

const GSID = /^[0-9A-Z]{36}$/;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MISSING_ID = 'Z'.repeat(36);
const OBJECT_NOT_FOUND = 'Requested object not found.';

const SUBSCRIPTION_FIELDS = [
  'Gsid', 'Name', 'Code__gc', 'Seats__gc', 'Amount__gc', 'Discount__gc', 'AutoRenew__gc', 'StartDate__gc', 'SignedAt__gc',
  'BillingEmail__gc', 'Portal__gc', 'Notes__gc', 'ExternalRef__gc', 'Company__gc', 'Owner__gc', 'Tier__gc', 'Modules__gc',
  'CreatedDate', 'ModifiedDate',
];
const COMPANY_FIELDS = [
  'Gsid', 'Name', 'Industry', 'ARR', 'Stage', 'Status', 'CSMName', 'Employees', 'OriginalContractDate', 'RenewalDate',
  'Csm', 'ParentCompany', 'Mrr', 'Users', 'LifecycleInWeeks', 'CustomerlifetimeInMonths', 'CompanyType', 'ManagedAs',
  'Tags', 'TickerSymbol', 'SfdcAccountId', 'BillingAddress', 'Summary', 'IndustryNew', 'CreatedDate', 'ModifiedDate',
];
const COMPANY_CUSTOM_FIELDS = ['Subscription__gc', 'Segment__gc', 'HealthScore__gc'];
const STANDARD_OBJECTS = ['da_picklist', 'cta_group', 'call_to_action', 'cs_task', 'activity_timeline'];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const MODULES = ['Analytics', 'Cockpit', 'Journeys'];
const SEGMENTS = ['Enterprise', 'Mid-Market', 'SMB'];

const sorted = (names: readonly string[]) => [...names].sort();

type Condition = { name: string; alias?: string; operator: string; value: unknown[] };

/** Gainsight's query form, aliases A, B, ... and an AND of all unless an expression is given. */
function where(conditions: Condition[], expression?: string) {
  const withAliases = conditions.map((c, i) => ({ alias: String.fromCharCode(65 + i), ...c }));
  return { conditions: withAliases, expression: expression ?? withAliases.map((c) => c.alias).join(' AND ') };
}

/** What a client needs of a picklist field: its category and its options (Gsid and label), in order. */
interface Picklist {
  readonly categoryId: string;
  readonly options: readonly { gsid: string; label: string }[];
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell, 'CSV ends with CRLF').toBe('');
  return rows;
}

/** Requests and helpers every suite here shares; `app()` is the suite's server. */
function clientOf(app: () => TestApp) {
  let sequence = 0;
  const unique = (prefix: string) => `${prefix} ${++sequence}`;

  async function insert(object: string, records: unknown[]): Promise<string[]> {
    const res = await app().request('POST', `/v1/data/objects/${object}`, { body: { records } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.count).toBe(records.length);
    return res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
  }

  async function update(object: string, keys: string, records: unknown[]): Promise<string[]> {
    const res = await app().request('PUT', `/v1/data/objects/${object}?keys=${keys}`, { body: { records } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
  }

  async function get(object: string, gsid: string): Promise<any> {
    const res = await app().request('GET', `/v1/data/objects/${object}/${gsid}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.records).toHaveLength(1);
    return res.body.data.records[0];
  }

  async function query(object: string, body: Record<string, unknown>): Promise<any[]> {
    const res = await app().request('POST', `/v1/data/objects/query/${object}`, { body: { limit: 5000, ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  /** Every Gsid of an object, sorted (the suites' databases stay small). */
  async function allGsids(object: string): Promise<string[]> {
    return (await query(object, { select: ['Gsid'] })).map((r) => r.Gsid).sort();
  }

  /** Every record of an object, whole, by Gsid: to show that a refused request changed nothing. */
  async function snapshot(object: string): Promise<Record<string, unknown>> {
    return Object.fromEntries((await query(object, {})).map((r) => [r.Gsid, r]));
  }

  async function describeObject(object: string): Promise<any> {
    const res = await app().request('GET', `/v1/meta/services/objects/${object}/describe`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toHaveLength(1);
    return res.body.data[0];
  }

  /** A picklist field as a client learns it: the category id from describe, the options from the dropdown API. */
  async function picklist(object: string, fieldName: string): Promise<Picklist> {
    const field = (await describeObject(object)).fields.find((f: any) => f.fieldName === fieldName);
    const categoryId = field.meta.properties.PICKLIST_CATEGORY_ID;
    expect(categoryId).toMatch(GSID);
    const res = await app().request('GET', `/v1/meta/services/dropdowns/${categoryId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { categoryId, options: res.body.data.childItems.map((item: any) => ({ gsid: item.gsid, label: item.name })) };
  }

  return { unique, insert, update, get, query, allGsids, snapshot, describeObject, picklist };
}

/** The failure's per-record entry: `data.errors[i].errors[0]`. */
function recordError(res: TestResponse, i = 0): any {
  const entry = res.body.data?.errors?.find((e: any) => e.index === i);
  expect(entry, JSON.stringify(res.body)).toBeDefined();
  return entry.errors[0];
}

describeEachBackend('Tenant schema: subscription__gc and custom fields on the NXT surface', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { schemaFile: SCHEMA_FILE });
  });
  afterAll(() => t?.close());

  const { unique, insert, update, get, query, allGsids, snapshot, describeObject, picklist } = clientOf(() => t);

  async function newCompany(extra: Record<string, unknown> = {}): Promise<string> {
    return (await insert('Company', [{ Name: unique('Company'), ...extra }]))[0]!;
  }

  async function newUser(): Promise<string> {
    const name = unique('user').replace(' ', '');
    return (await insert('gsuser', [{ FirstName: 'Casey', LastName: name, Email: `${name}@example.com` }]))[0]!;
  }

  async function newSubscription(extra: Record<string, unknown> = {}): Promise<string> {
    return (await insert('subscription__gc', [{ Name: unique('Subscription'), Amount__gc: 1, ...extra }]))[0]!;
  }

  describe('insert and get: every field type round trips', () => {
    it('a full record comes back with every field, each as its type', async () => {
      const company = await newCompany();
      const owner = await newUser();
      const name = unique('Full');
      const full = {
        Name: name,
        Code__gc: unique('F').replace(' ', '-'),
        Seats__gc: 25,
        Amount__gc: 1234.5,
        Discount__gc: 12.25,
        AutoRenew__gc: true,
        StartDate__gc: '2024-02-29',
        SignedAt__gc: '2024-03-01T10:15:30.250Z',
        BillingEmail__gc: 'billing@example.com',
        Portal__gc: 'https://portal.example.com/acme?x=1',
        Notes__gc: '<p>Renewal <b>at risk</b> – 🚀</p>',
        ExternalRef__gc: 'A'.repeat(36),
        Company__gc: company,
        Owner__gc: owner,
        Tier__gc: 'Silver',
        Modules__gc: 'Analytics;Journeys',
      };
      const [gsid] = await insert('subscription__gc', [full]);
      expect(gsid).toMatch(GSID);
      const record = await get('subscription__gc', gsid!);
      expect(Object.keys(record)).toEqual(SUBSCRIPTION_FIELDS);
      expect(record).toEqual({
        ...full,
        Gsid: gsid,
        CreatedDate: expect.stringMatching(ISO_DATE_TIME),
        ModifiedDate: expect.stringMatching(ISO_DATE_TIME),
      });
    });

    it('values read as Gainsight reads them: numeric strings, "true"/"false", date-time offsets, names in any case', async () => {
      const name = unique('Lenient');
      const [gsid] = await insert('subscription__gc', [
        {
          name,
          AMOUNT__GC: '99.75',
          Seats__gc: '7',
          Discount__gc: '0.5',
          AutoRenew__gc: 'false',
          SignedAt__gc: '2024-01-01T10:00:00+02:00',
          tier__gc: 'BRONZE',
        },
      ]);
      const record = await get('subscription__gc', gsid!);
      expect(record).toMatchObject({
        Name: name,
        Amount__gc: 99.75,
        Seats__gc: 7,
        Discount__gc: 0.5,
        AutoRenew__gc: false,
        SignedAt__gc: '2024-01-01T08:00:00.000Z',
        Tier__gc: 'Bronze',
      });
      const again = await insert('subscription__gc', [{ Name: unique('Lenient'), Amount__gc: 1, AutoRenew__gc: 'TRUE' }]);
      expect((await get('subscription__gc', again[0]!)).AutoRenew__gc).toBe(true);
    });

    it('a sparse record: every optional field is present as null; null on insert means no value', async () => {
      const name = unique('Sparse');
      const [gsid] = await insert('subscription__gc', [{ Name: name, Amount__gc: 0, Tier__gc: null, Modules__gc: null, Notes__gc: null }]);
      const record = await get('subscription__gc', gsid!);
      for (const field of SUBSCRIPTION_FIELDS) {
        if (['Gsid', 'Name', 'Amount__gc', 'CreatedDate', 'ModifiedDate'].includes(field)) continue;
        expect(record[field], field).toBeNull();
      }
      expect(record.Amount__gc).toBe(0);
    });

    it('object names in any case: insert, get, query, update, delete on SUBSCRIPTION__GC', async () => {
      const name = unique('Upper');
      const [gsid] = await insert('SUBSCRIPTION__GC', [{ Name: name, Amount__gc: 3 }]);
      expect((await get('Subscription__GC', gsid!)).Name).toBe(name);
      expect(await query('SUBSCRIPTION__GC', { select: ['Name'], where: where([{ name: 'Gsid', operator: 'EQ', value: [gsid] }]) })).toEqual([
        { Name: name },
      ]);
      await update('subscription__GC', 'Gsid', [{ Gsid: gsid, Seats__gc: 2 }]);
      expect((await get('subscription__gc', gsid!)).Seats__gc).toBe(2);
      const res = await t.request('DELETE', `/v1/data/objects/SUBSCRIPTION__GC/${gsid}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ Gsid: gsid });
      expectError(await t.request('GET', `/v1/data/objects/subscription__gc/${gsid}`), 400, 'GSOBJ_1011');
      expectError(await t.request('GET', `/v1/data/objects/subscriptions__gc/${gsid}`), 400, 'GSAPI_4001');
    });

    it('Company and Person custom fields round trip on the NXT surface', async () => {
      const name = unique('Custom Co');
      const [company] = await insert('Company', [{ Name: name, Segment__gc: 'mid-market', HealthScore__gc: '72.5', ARR: 1000 }]);
      const record = await get('Company', company!);
      expect(Object.keys(record)).toEqual([...COMPANY_FIELDS, ...COMPANY_CUSTOM_FIELDS]);
      expect(record).toMatchObject({ Name: name, ARR: 1000, Segment__gc: 'Mid-Market', HealthScore__gc: 72.5, Subscription__gc: null });

      const nickname = unique('Nick');
      const [person] = await insert('Person', [{ FirstName: 'Pat', Email: `${nickname.replace(' ', '')}@example.com`, Nickname__gc: nickname, Champion__gc: 'true' }]);
      expect(await get('Person', person!)).toMatchObject({ FirstName: 'Pat', Nickname__gc: nickname, Champion__gc: true });
      const res = await t.request('POST', '/v1/data/objects/Person', { body: { records: [{ FirstName: 'Long', Nickname__gc: 'n'.repeat(41) }] } });
      expectError(res, 400, 'GSOBJ_1001', 'Nickname__gc');
    });
  });

  describe('each field type refuses what it cannot hold (400 naming the field, nothing written)', () => {
    const cases: { title: string; field: string; value: unknown; code: string }[] = ([
      ['Name over 120 characters', 'Name', 'n'.repeat(121), 'GSOBJ_1001'],
      ['Code__gc over 20 characters', 'Code__gc', 'c'.repeat(21), 'GSOBJ_1001'],
      ['a blank Name', 'Name', '   ', 'GSOBJ_1007'],
      ['Amount__gc not a number', 'Amount__gc', 'ten', 'GSOBJ_1008'],
      ['Amount__gc out of range', 'Amount__gc', 1e20, 'GSOBJ_1008'],
      ['Seats__gc a boolean', 'Seats__gc', true, 'GSOBJ_1008'],
      ['Discount__gc an object', 'Discount__gc', { value: 5 }, 'GSOBJ_1008'],
      ['AutoRenew__gc "yes"', 'AutoRenew__gc', 'yes', 'GSOBJ_1008'],
      ['StartDate__gc an impossible date', 'StartDate__gc', '2023-02-29', 'GSOBJ_1006'],
      ['SignedAt__gc not a date-time', 'SignedAt__gc', 'yesterday', 'GSOBJ_1005'],
      ['BillingEmail__gc not an address', 'BillingEmail__gc', 'billing-at-example.com', 'GSOBJ_1008'],
      ['Portal__gc a number', 'Portal__gc', 42, 'GSOBJ_1008'],
      ['Notes__gc an array', 'Notes__gc', ['a'], 'GSOBJ_1008'],
      ['ExternalRef__gc not a Gsid', 'ExternalRef__gc', 'abc', 'GSOBJ_1004'],
      ['ExternalRef__gc in lower case', 'ExternalRef__gc', 'a'.repeat(36), 'GSOBJ_1004'],
      ['Company__gc not a Gsid', 'Company__gc', 'acme', 'GSOBJ_1004'],
      ['Company__gc an object', 'Company__gc', { Gsid: MISSING_ID }, 'GSOBJ_1008'],
      ['Tier__gc not an option', 'Tier__gc', 'Platinum', 'GSOBJ_1008'],
      ['Tier__gc an array', 'Tier__gc', ['Gold'], 'GSOBJ_1008'],
      ['Tier__gc a number', 'Tier__gc', 1, 'GSOBJ_1008'],
      ['Tier__gc empty', 'Tier__gc', '', 'GSOBJ_1008'],
      ['Modules__gc with an unknown option', 'Modules__gc', 'Analytics;Bogus', 'GSOBJ_1008'],
      ['Modules__gc an array with a number', 'Modules__gc', ['Analytics', 5], 'GSOBJ_1008'],
      ['Modules__gc an object', 'Modules__gc', { Analytics: true }, 'GSOBJ_1008'],
      ['Name a NUL character', 'Name', 'a\u0000b', 'GSOBJ_1008'],
    ] as const).map(([title, field, value, code]) => ({ title, field, value, code }));
    it.each(cases)('$title -> $code', async ({ field, value, code }) => {
      const before = await allGsids('subscription__gc');
      const res = await t.request('POST', '/v1/data/objects/subscription__gc', {
        body: { records: [{ Name: unique('Fine'), Amount__gc: 1 }, { Name: unique('Bad'), Amount__gc: 1, [field]: value }] },
      });
      expectError(res, 400, code, field);
      expect(res.body.errorDesc).toContain('records[1]');
      expect(recordError(res, 1)).toMatchObject({ fieldName: field, errorCode: code });
      expect(await allGsids('subscription__gc')).toEqual(before);
    });

    it('CURRENCY Amount__gc is required: missing or null is GSOBJ_1007 on insert, null is GSOBJ_1007 on update', async () => {
      const before = await allGsids('subscription__gc');
      expectError(
        await t.request('POST', '/v1/data/objects/subscription__gc', { body: { records: [{ Name: unique('No amount') }] } }),
        400,
        'GSOBJ_1007',
        'Amount__gc',
      );
      expectError(
        await t.request('POST', '/v1/data/objects/subscription__gc', { body: { records: [{ Name: unique('Null amount'), Amount__gc: null }] } }),
        400,
        'GSOBJ_1007',
        'Amount__gc',
      );
      expect(await allGsids('subscription__gc')).toEqual(before);
      const gsid = await newSubscription({ Amount__gc: 5 });
      expectError(
        await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Gsid', { body: { records: [{ Gsid: gsid, Amount__gc: null }] } }),
        400,
        'GSOBJ_1007',
        'Amount__gc',
      );
      expect((await get('subscription__gc', gsid)).Amount__gc).toBe(5);
    });

    it('exactly the maximum length is fine (Name 120, Code__gc 20, code points)', async () => {
      const name = `${unique('Max')} `.padEnd(119, 'x') + '🚀';
      const code = `${'c'.repeat(19)}é`;
      const [gsid] = await insert('subscription__gc', [{ Name: name, Code__gc: code, Amount__gc: 1 }]);
      expect(await get('subscription__gc', gsid!)).toMatchObject({ Name: name, Code__gc: code });
    });

    it('a lookup to a record that does not exist: 400 naming the field, nothing written (insert and update)', async () => {
      const before = await snapshot('subscription__gc');
      for (const field of ['Company__gc', 'Owner__gc']) {
        const res = await t.request('POST', '/v1/data/objects/subscription__gc', {
          body: { records: [{ Name: unique('Ghost'), Amount__gc: 1, [field]: MISSING_ID }] },
        });
        expectError(res, 400, 'GSOBJ_PEOPLE1001', field);
        expect(recordError(res)).toMatchObject({ fieldName: field, invalidValue: MISSING_ID });
      }
      const gsid = await newSubscription();
      const after = await snapshot('subscription__gc');
      const res = await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Gsid', {
        body: { records: [{ Gsid: gsid, Seats__gc: 3 }, { Gsid: gsid, Company__gc: MISSING_ID }] },
      });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', 'Company__gc');
      expect(await snapshot('subscription__gc')).toEqual(after);
      expect(Object.keys(after).length).toBe(Object.keys(before).length + 1);
      // Company.Subscription__gc looks up subscription__gc: the same rule the other way.
      const company = await newCompany();
      expectError(
        await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', { body: { records: [{ Gsid: company, Subscription__gc: MISSING_ID }] } }),
        400,
        'GSOBJ_PEOPLE1001',
        'Subscription__gc',
      );
      expect((await get('Company', company)).Subscription__gc).toBeNull();
    });

    it('unknown and read-only fields are refused by name', async () => {
      expectError(
        await t.request('POST', '/v1/data/objects/subscription__gc', { body: { records: [{ Name: unique('X'), Amount__gc: 1, Bogus__gc: 1 }] } }),
        400,
        'GSOBJ_1002',
        'Bogus__gc',
      );
      expectError(
        await t.request('POST', '/v1/data/objects/subscription__gc', { body: { records: [{ Name: unique('X'), Amount__gc: 1, Gsid: MISSING_ID }] } }),
        400,
        'GSOBJ_1002',
        'Gsid',
      );
      // Person's custom field is not Company's.
      expectError(
        await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: unique('X'), Nickname__gc: 'n' }] } }),
        400,
        'GSOBJ_1002',
        'Nickname__gc',
      );
    });
  });

  describe('unique fields (Name, Code__gc) ignore case; a duplicate is 409 GSAPI_4090 and nothing is written', () => {
    it('a duplicate of a stored Name or Code__gc, in another case, fails the whole batch', async () => {
      const name = unique('Unique');
      const code = unique('U').replace(' ', '-');
      await insert('subscription__gc', [{ Name: name, Code__gc: code, Amount__gc: 1 }]);
      const before = await snapshot('subscription__gc');
      for (const dup of [{ Name: name.toUpperCase() }, { Name: unique('Other'), Code__gc: code.toLowerCase() }]) {
        const res = await t.request('POST', '/v1/data/objects/subscription__gc', {
          body: { records: [{ Name: unique('Innocent'), Amount__gc: 1 }, { Amount__gc: 2, ...dup }] },
        });
        expectError(res, 409, 'GSAPI_4090', Object.keys(dup).at(-1));
        expect(await snapshot('subscription__gc')).toEqual(before);
      }
    });

    it('the same Code__gc twice in one batch (case differs): 409, nothing written', async () => {
      const before = await allGsids('subscription__gc');
      const code = unique('Twice').replace(' ', '-');
      const res = await t.request('POST', '/v1/data/objects/subscription__gc', {
        body: { records: [{ Name: unique('T1'), Code__gc: code, Amount__gc: 1 }, { Name: unique('T2'), Code__gc: code.toUpperCase(), Amount__gc: 1 }] },
      });
      expectError(res, 409, 'GSAPI_4090', 'Code__gc');
      expect(await allGsids('subscription__gc')).toEqual(before);
    });

    it('an update taking another record’s Name: 409, nothing of the batch written', async () => {
      const [a, b] = await insert('subscription__gc', [
        { Name: unique('Taken'), Amount__gc: 1 },
        { Name: unique('Taker'), Amount__gc: 1, Seats__gc: 1 },
      ]);
      const taken = (await get('subscription__gc', a!)).Name as string;
      const before = await snapshot('subscription__gc');
      const res = await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Gsid', {
        body: { records: [{ Gsid: b, Seats__gc: 99 }, { Gsid: b, Name: taken.toLowerCase() }] },
      });
      expectError(res, 409, 'GSAPI_4090', 'Name');
      expect(await snapshot('subscription__gc')).toEqual(before);
    });

    it('a record may keep its own unique values, and change their case', async () => {
      const name = unique('Recase');
      const [gsid] = await insert('subscription__gc', [{ Name: name, Code__gc: 'recase-1', Amount__gc: 1 }]);
      await update('subscription__gc', 'Gsid', [{ Gsid: gsid, Name: name.toUpperCase(), Code__gc: 'RECASE-1' }]);
      expect(await get('subscription__gc', gsid!)).toMatchObject({ Name: name.toUpperCase(), Code__gc: 'RECASE-1' });
    });
  });

  describe('update by keys', () => {
    it('keys=Code__gc updates the matching record and only it; the key matches ignoring case, as the field is unique so', async () => {
      const code = unique('K').replace(' ', '-');
      const [target, other] = await insert('subscription__gc', [
        { Name: unique('Keyed'), Code__gc: code, Amount__gc: 10, Tier__gc: 'Gold' },
        { Name: unique('Bystander'), Amount__gc: 10, Tier__gc: 'Gold' },
      ]);
      const otherBefore = await get('subscription__gc', other!);
      const changed = await update('subscription__gc', 'Code__gc', [
        { Code__gc: code, Amount__gc: '20.5', Tier__gc: 'silver', Modules__gc: ['Journeys', 'Cockpit'], AutoRenew__gc: 'true' },
      ]);
      expect(changed).toEqual([target]);
      expect(await get('subscription__gc', target!)).toMatchObject({
        Code__gc: code,
        Amount__gc: 20.5,
        Tier__gc: 'Silver',
        Modules__gc: 'Cockpit;Journeys',
        AutoRenew__gc: true,
      });
      expect(await update('subscription__gc', 'code__GC', [{ Code__gc: code.toLowerCase(), Seats__gc: 8 }])).toEqual([target]);
      expect((await get('subscription__gc', target!)).Seats__gc).toBe(8);
      expect(await get('subscription__gc', other!)).toEqual(otherBefore);
    });

    it('keys=Gsid: fields not sent are kept, null clears optional fields', async () => {
      const company = await newCompany();
      const gsid = await newSubscription({ Seats__gc: 5, Tier__gc: 'Gold', Modules__gc: 'Cockpit', Company__gc: company, Notes__gc: 'keep' });
      await update('subscription__gc', 'Gsid', [{ Gsid: gsid, Tier__gc: null, Modules__gc: null, Company__gc: null }]);
      expect(await get('subscription__gc', gsid)).toMatchObject({ Seats__gc: 5, Notes__gc: 'keep', Tier__gc: null, Modules__gc: null, Company__gc: null });
    });

    it('a key that matches nothing: 400 GSOBJ_1011 naming the record, nothing written', async () => {
      const gsid = await newSubscription({ Seats__gc: 1 });
      const before = await snapshot('subscription__gc');
      const res = await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Code__gc', {
        body: { records: [{ Code__gc: 'no-such-code', Seats__gc: 2 }] },
      });
      expectError(res, 400, 'GSOBJ_1011', 'records[0]');
      const mixed = await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Gsid', {
        body: { records: [{ Gsid: gsid, Seats__gc: 2 }, { Gsid: MISSING_ID, Seats__gc: 3 }] },
      });
      expectError(mixed, 400, 'GSOBJ_1011', 'records[1]');
      expect(await snapshot('subscription__gc')).toEqual(before);
    });

    it('keys naming no field: 400 GSOBJ_1002; a record without its key value: 400 GSOBJ_1007', async () => {
      expectError(
        await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Nope__gc', { body: { records: [{ Nope__gc: 'x' }] } }),
        400,
        'GSOBJ_1002',
        'Nope__gc',
      );
      expectError(
        await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Code__gc', { body: { records: [{ Seats__gc: 1 }] } }),
        400,
        'GSOBJ_1007',
        'Code__gc',
      );
    });
  });

  describe('query with lookups both ways', () => {
    let prefix: string;
    let acme: string;
    let globex: string;
    let subs: Record<string, string>;
    beforeAll(async () => {
      prefix = unique('Q');
      [acme, globex] = await insert('Company', [
        { Name: `${prefix} Acme`, Segment__gc: 'Enterprise', HealthScore__gc: 80 },
        { Name: `${prefix} Globex`, Segment__gc: 'SMB', HealthScore__gc: 40 },
      ]) as [string, string];
      const names = ['Alpha', 'Bravo', 'Charlie', 'Delta'];
      const gsids = await insert('subscription__gc', [
        { Name: `${prefix} Alpha`, Amount__gc: 300, Company__gc: acme, Tier__gc: 'Gold', Modules__gc: 'Analytics;Cockpit', StartDate__gc: '2024-01-10' },
        { Name: `${prefix} Bravo`, Amount__gc: 100, Company__gc: acme, Tier__gc: 'Bronze', Modules__gc: 'Journeys', StartDate__gc: '2024-03-01' },
        { Name: `${prefix} Charlie`, Amount__gc: 200, Company__gc: globex, Tier__gc: 'Silver', Modules__gc: 'Cockpit' },
        { Name: `${prefix} Delta`, Amount__gc: 50 },
      ]);
      subs = Object.fromEntries(names.map((n, i) => [n, gsids[i]!]));
      await update('Company', 'Gsid', [
        { Gsid: acme, Subscription__gc: subs.Alpha },
        { Gsid: globex, Subscription__gc: subs.Charlie },
      ]);
    });

    const mine = () => ({ name: 'Name', operator: 'STARTS_WITH', value: [prefix] });

    it('subscription__gc -> Company: Company__gc__gr.Name in select, orderBy and where', async () => {
      const rows = await query('subscription__gc', {
        select: ['Name', 'Company__gc__gr.Name', 'company__gc__GR.segment__gc', 'Amount__gc'],
        where: where([mine()]),
        orderBy: { 'Company__gc__gr.Name': 'desc', Amount__gc: 'asc' },
      });
      expect(rows).toEqual([
        { Name: `${prefix} Charlie`, 'Company__gc__gr.Name': `${prefix} Globex`, 'company__gc__GR.segment__gc': 'SMB', Amount__gc: 200 },
        { Name: `${prefix} Bravo`, 'Company__gc__gr.Name': `${prefix} Acme`, 'company__gc__GR.segment__gc': 'Enterprise', Amount__gc: 100 },
        { Name: `${prefix} Alpha`, 'Company__gc__gr.Name': `${prefix} Acme`, 'company__gc__GR.segment__gc': 'Enterprise', Amount__gc: 300 },
        // NULLs sort last, in both directions.
        { Name: `${prefix} Delta`, 'Company__gc__gr.Name': null, 'company__gc__GR.segment__gc': null, Amount__gc: 50 },
      ]);
      const filtered = await query('subscription__gc', {
        select: ['Name'],
        where: where([mine(), { name: 'Company__gc__gr.Name', operator: 'EQ', value: [`${prefix} Acme`] }]),
        orderBy: { Name: 'asc' },
      });
      expect(filtered.map((r) => r.Name)).toEqual([`${prefix} Alpha`, `${prefix} Bravo`]);
      const byHealth = await query('subscription__gc', {
        select: ['Name'],
        where: where([mine(), { name: 'Company__gc__gr.HealthScore__gc', operator: 'LT', value: ['50'] }]),
      });
      expect(byHealth.map((r) => r.Name)).toEqual([`${prefix} Charlie`]);
    });

    it('Company -> subscription__gc: Subscription__gc__gr.Name, and two hops back to Company', async () => {
      const rows = await query('Company', {
        select: ['Name', 'Subscription__gc__gr.Name', 'Subscription__gc__gr.Amount__gc', 'Subscription__gc__gr.Company__gc__gr.Name', 'Segment__gc'],
        where: where([mine()]),
        orderBy: { Name: 'asc' },
      });
      expect(rows).toEqual([
        {
          Name: `${prefix} Acme`,
          'Subscription__gc__gr.Name': `${prefix} Alpha`,
          'Subscription__gc__gr.Amount__gc': 300,
          'Subscription__gc__gr.Company__gc__gr.Name': `${prefix} Acme`,
          Segment__gc: 'Enterprise',
        },
        {
          Name: `${prefix} Globex`,
          'Subscription__gc__gr.Name': `${prefix} Charlie`,
          'Subscription__gc__gr.Amount__gc': 200,
          'Subscription__gc__gr.Company__gc__gr.Name': `${prefix} Globex`,
          Segment__gc: 'SMB',
        },
      ]);
    });

    it('filters on a lookup path: a picklist two hops away, a number one hop away, three hops', async () => {
      const byTier = await query('Company', {
        select: ['Name'],
        where: where([mine(), { name: 'Subscription__gc__gr.Tier__gc', operator: 'EQ', value: ['gold'] }]),
      });
      expect(byTier).toEqual([{ Name: `${prefix} Acme` }]);
      const byAmount = await query('Company', {
        select: ['Name'],
        where: where([mine(), { name: 'Subscription__gc__gr.Amount__gc', operator: 'GTE', value: [250] }]),
      });
      expect(byAmount).toEqual([{ Name: `${prefix} Acme` }]);
      const threeHops = await query('subscription__gc', {
        select: ['Name', 'Company__gc__gr.Subscription__gc__gr.Company__gc__gr.Segment__gc'],
        where: where([mine(), { name: 'Company__gc__gr.Subscription__gc__gr.Company__gc__gr.Segment__gc', operator: 'EQ', value: ['smb'] }]),
      });
      expect(threeHops).toEqual([{ Name: `${prefix} Charlie`, 'Company__gc__gr.Subscription__gc__gr.Company__gc__gr.Segment__gc': 'SMB' }]);
      const four = await t.request('POST', '/v1/data/objects/query/subscription__gc', {
        body: { select: ['Company__gc__gr.Subscription__gc__gr.Company__gc__gr.Subscription__gc__gr.Name'] },
      });
      expectError(four, 400, 'GSOBJ_1008', 'at most 3');
    });

    it('picklist filters: labels in any case, IN, NE (empty included), CONTAINS on a multi-select', async () => {
      const names = async (conditions: Condition[]) =>
        (await query('subscription__gc', { select: ['Name'], where: where([mine(), ...conditions]), orderBy: { Name: 'asc' } })).map((r) =>
          (r.Name as string).slice(prefix.length + 1),
        );
      expect(await names([{ name: 'Tier__gc', operator: 'EQ', value: ['SILVER'] }])).toEqual(['Charlie']);
      expect(await names([{ name: 'Tier__gc', operator: 'IN', value: ['gold', 'Bronze'] }])).toEqual(['Alpha', 'Bravo']);
      expect(await names([{ name: 'Tier__gc', operator: 'NE', value: ['gold'] }])).toEqual(['Bravo', 'Charlie', 'Delta']);
      expect(await names([{ name: 'Tier__gc', operator: 'IS_NULL', value: [] }])).toEqual(['Delta']);
      expect(await names([{ name: 'Modules__gc', operator: 'CONTAINS', value: ['cockpit'] }])).toEqual(['Alpha', 'Charlie']);
      expect(await names([{ name: 'Modules__gc', operator: 'EQ', value: ['analytics;COCKPIT'] }])).toEqual(['Alpha']);
      expect(await names([{ name: 'StartDate__gc', operator: 'BTW', value: ['2024-01-01', '2024-01-31'] }])).toEqual(['Alpha']);
    });

    it('a multi-select filter value is read as a written one: options in any order match the stored value', async () => {
      // Writing "Cockpit;Analytics" stores "Analytics;Cockpit"; filtering by the same text finds it.
      const rows = await query('subscription__gc', {
        select: ['Name'],
        where: where([mine(), { name: 'Modules__gc', operator: 'EQ', value: ['Cockpit;Analytics'] }]),
      });
      expect(rows).toEqual([{ Name: `${prefix} Alpha` }]);
    });

    it('limit and offset page through a lookup-ordered result; ties end on Gsid', async () => {
      const all = await query('subscription__gc', { select: ['Gsid', 'Name'], where: where([mine()]), orderBy: { 'Company__gc__gr.Segment__gc': 'asc' } });
      expect(all.map((r) => (r.Name as string).slice(prefix.length + 1))).toEqual(
        // Enterprise (Alpha, Bravo: tie broken by Gsid, i.e. insertion order here), SMB (Charlie), none (Delta).
        [subs.Alpha! < subs.Bravo! ? 'Alpha' : 'Bravo', subs.Alpha! < subs.Bravo! ? 'Bravo' : 'Alpha', 'Charlie', 'Delta'],
      );
      const pages: any[] = [];
      for (let offset = 0; offset < 4; offset += 3) {
        pages.push(
          ...(await query('subscription__gc', {
            select: ['Gsid', 'Name'],
            where: where([mine()]),
            orderBy: { 'Company__gc__gr.Segment__gc': 'asc' },
            limit: 3,
            offset,
          })),
        );
      }
      expect(pages).toEqual(all);
    });

    it('lookup paths through a field that is not a lookup, or to no field: 400 GSOBJ_1002', async () => {
      for (const path of ['Tier__gc__gr.Name', 'Company__gc__gr.Nope__gc', 'Subscription__gc__gr.Name', 'Company__gc.Name']) {
        expectError(
          await t.request('POST', '/v1/data/objects/query/subscription__gc', { body: { select: [path] } }),
          400,
          'GSOBJ_1002',
          path,
        );
      }
    });
  });

  describe('picklists (labels by default)', () => {
    it('written as a label in any case or as the option Gsid; read back as the label', async () => {
      const tier = await picklist('subscription__gc', 'Tier__gc');
      const modules = await picklist('subscription__gc', 'Modules__gc');
      expect(tier.options.map((o) => o.label)).toEqual(TIERS);
      expect(modules.options.map((o) => o.label)).toEqual(MODULES);
      const [byLabel, byGsid, mixed] = await insert('subscription__gc', [
        { Name: unique('P1'), Amount__gc: 1, Tier__gc: 'gOLD', Modules__gc: 'JOURNEYS;analytics' },
        { Name: unique('P2'), Amount__gc: 1, Tier__gc: tier.options[2]!.gsid, Modules__gc: [modules.options[1]!.gsid] },
        { Name: unique('P3'), Amount__gc: 1, Tier__gc: ` ${tier.options[1]!.gsid} `, Modules__gc: [modules.options[2]!.gsid, 'cockpit', ' Analytics '] },
      ]);
      expect(await get('subscription__gc', byLabel!)).toMatchObject({ Tier__gc: 'Gold', Modules__gc: 'Analytics;Journeys' });
      expect(await get('subscription__gc', byGsid!)).toMatchObject({ Tier__gc: 'Bronze', Modules__gc: 'Cockpit' });
      expect(await get('subscription__gc', mixed!)).toMatchObject({ Tier__gc: 'Silver', Modules__gc: 'Analytics;Cockpit;Journeys' });
    });

    it('a multi-select as a ";"-joined string: blanks and repeats dropped, options’ order kept; empty means no value', async () => {
      const [gsid, empty] = await insert('subscription__gc', [
        { Name: unique('M1'), Amount__gc: 1, Modules__gc: 'Journeys; ;cockpit;;JOURNEYS' },
        { Name: unique('M2'), Amount__gc: 1, Modules__gc: ' ; ' },
      ]);
      expect((await get('subscription__gc', gsid!)).Modules__gc).toBe('Cockpit;Journeys');
      expect((await get('subscription__gc', empty!)).Modules__gc).toBeNull();
    });

    it('a multi-select array is read like the same ";"-joined string, an option repeated included', async () => {
      const values = ['Cockpit', 'cockpit', 'Analytics', 'JOURNEYS'];
      const asString = await t.request('POST', '/v1/data/objects/subscription__gc', {
        body: { records: [{ Name: unique('Joined'), Amount__gc: 1, Modules__gc: values.join(';') }] },
      });
      expect(asString.status, JSON.stringify(asString.body)).toBe(200);
      const asArray = await t.request('POST', '/v1/data/objects/subscription__gc', {
        body: { records: [{ Name: unique('Array'), Amount__gc: 1, Modules__gc: values }] },
      });
      expect(asArray.status, JSON.stringify(asArray.body)).toBe(200);
      expect((await get('subscription__gc', asArray.body.data.records[0].Gsid)).Modules__gc).toBe('Analytics;Cockpit;Journeys');
    });

    it('an invalid option is 400 GSOBJ_1008 naming the field and the value, on Company too', async () => {
      const company = await newCompany({ Segment__gc: 'SMB' });
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', { body: { records: [{ Gsid: company, Segment__gc: 'Startup' }] } });
      expectError(res, 400, 'GSOBJ_1008', 'Segment__gc');
      expect(res.body.errorDesc).toContain('Startup');
      expect(recordError(res)).toMatchObject({ fieldName: 'Segment__gc', invalidValue: 'Startup' });
      expect((await get('Company', company)).Segment__gc).toBe('SMB');
      // Another picklist's option Gsid is not an option of this one.
      const tier = await picklist('subscription__gc', 'Tier__gc');
      expectError(
        await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', { body: { records: [{ Gsid: company, Segment__gc: tier.options[0]!.gsid }] } }),
        400,
        'GSOBJ_1008',
        'Segment__gc',
      );
    });
  });

  describe('dropdown categories and da_picklist rows', () => {
    it('GET /v1/meta/services/dropdowns/{categoryId} answers the category and its items in order', async () => {
      for (const [object, field, labels, variant] of [
        ['subscription__gc', 'Tier__gc', TIERS, 'SINGLE_SELECT'],
        ['subscription__gc', 'Modules__gc', MODULES, 'MULTI_SELECT'],
        ['Company', 'Segment__gc', SEGMENTS, 'SINGLE_SELECT'],
      ] as const) {
        const described = (await describeObject(object)).fields.find((f: any) => f.fieldName === field);
        const categoryId = described.meta.properties.PICKLIST_CATEGORY_ID;
        const res = await t.request('GET', `/v1/meta/services/dropdowns/${categoryId}`);
        expect(res.status).toBe(200);
        expect(res.body.data.categoryDetails).toMatchObject({ gsid: categoryId, variant, count: labels.length });
        expect(res.body.data.childItems.map((item: any) => item.name)).toEqual(labels);
        for (const [i, item] of res.body.data.childItems.entries()) {
          expect(item).toMatchObject({ gsid: expect.stringMatching(GSID), displayOrder: i + 1, categoryId, active: true });
        }
        expect(new Set(res.body.data.childItems.map((item: any) => item.gsid)).size).toBe(labels.length);
      }
    });

    it('the categories of different fields differ, and so do their option Gsids', async () => {
      const a = await picklist('subscription__gc', 'Tier__gc');
      const b = await picklist('Company', 'Segment__gc');
      expect(a.categoryId).not.toBe(b.categoryId);
      const gsids = [...a.options, ...b.options].map((o) => o.gsid);
      expect(new Set(gsids).size).toBe(gsids.length);
    });

    it('describe lists each picklist’s options: label and value (the Gsid), as the dropdown API has them', async () => {
      for (const [object, field] of [
        ['subscription__gc', 'Tier__gc'],
        ['subscription__gc', 'Modules__gc'],
        ['Company', 'Segment__gc'],
      ]) {
        const described = (await describeObject(object!)).fields.find((f: any) => f.fieldName === field);
        const { options } = await picklist(object!, field!);
        expect(described.options, `${object}.${field} options in describe`).toEqual(
          options.map((o, i) => expect.objectContaining({ label: o.label, value: o.gsid, displayOrder: i + 1 })),
        );
      }
    });

    it('an unknown category: GSOBJ_1011 with a status the OpenAPI document declares for the route', async () => {
      const openapi = await t.request('GET', '/openapi.json');
      const declared = Object.keys(openapi.body.paths['/v1/meta/services/dropdowns/{categoryId}'].get.responses);
      for (const id of [MISSING_ID, 'nope']) {
        const res = await t.request('GET', `/v1/meta/services/dropdowns/${id}`);
        expect(res.body.errorCode).toBe('GSOBJ_1011');
        expect(res.body.errorDesc).toContain(id);
        expect(declared, `status ${res.status} is declared`).toContain(String(res.status));
      }
    });

    it('the options are da_picklist records: query by CategoryId gives their Gsid and Name; a lookup could reach them', async () => {
      for (const [object, field] of [
        ['subscription__gc', 'Tier__gc'],
        ['subscription__gc', 'Modules__gc'],
        ['Company', 'Segment__gc'],
      ]) {
        const { categoryId, options } = await picklist(object!, field!);
        const rows = await query('da_picklist', {
          select: ['Gsid', 'Name', 'CategoryId', 'DisplayOrder'],
          where: where([{ name: 'CategoryId', operator: 'EQ', value: [categoryId] }]),
          orderBy: { DisplayOrder: 'asc' },
        });
        expect(rows).toEqual(options.map((o, i) => ({ Gsid: o.gsid, Name: o.label, CategoryId: categoryId, DisplayOrder: i + 1 })));
        for (const option of options) expect((await get('da_picklist', option.gsid)).Name).toBe(option.label);
      }
    });
  });

  describe('describe and list', () => {
    it('describe subscription__gc: every field with its data type, required, CUSTOM group for __gc fields', async () => {
      const described = await describeObject('SUBSCRIPTION__GC');
      expect(described).toMatchObject({ objectName: 'subscription__gc', label: 'Subscription', labelPlural: 'Subscriptions', objectType: 'CUSTOM' });
      const fields = Object.fromEntries(described.fields.map((f: any) => [f.fieldName, f]));
      expect(Object.keys(fields)).toEqual(SUBSCRIPTION_FIELDS);
      const types: Record<string, string> = {
        Gsid: 'GSID', Name: 'STRING', Code__gc: 'STRING', Seats__gc: 'NUMBER', Amount__gc: 'CURRENCY', Discount__gc: 'PERCENTAGE',
        AutoRenew__gc: 'BOOLEAN', StartDate__gc: 'DATE', SignedAt__gc: 'DATETIME', BillingEmail__gc: 'EMAIL', Portal__gc: 'URL',
        Notes__gc: 'RICHTEXTAREA', ExternalRef__gc: 'GSID', Company__gc: 'LOOKUP', Owner__gc: 'LOOKUP', Tier__gc: 'PICKLIST',
        Modules__gc: 'MULTISELECTDROPDOWNLIST', CreatedDate: 'DATETIME', ModifiedDate: 'DATETIME',
      };
      for (const [name, type] of Object.entries(types)) {
        const field = fields[name];
        expect(field.dataType, name).toBe(type);
        expect(field.objectName).toBe('subscription__gc');
        expect(field.meta.fieldGroupType, name).toBe(name.endsWith('__gc') ? 'CUSTOM' : ['Gsid', 'CreatedDate', 'ModifiedDate'].includes(name) ? 'SYSTEM' : 'STANDARD');
        expect(field.meta.required, name).toBe(name === 'Name' || name === 'Amount__gc');
        expect(field.meta.hasLookup, name).toBe(type === 'LOOKUP');
      }
      expect(fields.Name.meta.length).toBe(120);
      expect(fields.Code__gc.meta.length).toBe(20);
      expect(fields.Code__gc.label).toBe('Code');
      expect(fields.Company__gc.meta.lookupDetail).toEqual({ lookupName: 'Company__gc__gr', fieldName: 'Gsid', lookupObjects: [{ objectName: 'Company' }] });
      expect(fields.Owner__gc.meta.lookupDetail.lookupObjects).toEqual([{ objectName: 'gsuser' }]);
      expect(fields.Tier__gc.meta.properties).toMatchObject({ PICKLIST_CATEGORY_ID: expect.stringMatching(GSID) });
    });

    it('describe Company: the standard fields unchanged, then the custom ones (LOOKUP to subscription__gc, PICKLIST, NUMBER)', async () => {
      const described = await describeObject('company');
      const fields = Object.fromEntries(described.fields.map((f: any) => [f.fieldName, f]));
      expect(Object.keys(fields)).toEqual([...COMPANY_FIELDS, ...COMPANY_CUSTOM_FIELDS]);
      expect(fields.Subscription__gc).toMatchObject({ dataType: 'LOOKUP', label: 'Main Subscription', meta: { fieldGroupType: 'CUSTOM', required: false, hasLookup: true } });
      expect(fields.Subscription__gc.meta.lookupDetail.lookupObjects).toEqual([{ objectName: 'subscription__gc' }]);
      expect(fields.Segment__gc).toMatchObject({ dataType: 'PICKLIST', meta: { fieldGroupType: 'CUSTOM' } });
      expect(fields.HealthScore__gc).toMatchObject({ dataType: 'NUMBER', meta: { fieldGroupType: 'CUSTOM' } });
      for (const name of COMPANY_FIELDS) expect(fields[name].meta.fieldGroupType, name).not.toBe('CUSTOM');
      const person = await describeObject('Person');
      expect(person.fields.filter((f: any) => f.meta.fieldGroupType === 'CUSTOM').map((f: any) => [f.fieldName, f.dataType])).toEqual([
        ['Nickname__gc', 'STRING'],
        ['Champion__gc', 'BOOLEAN'],
      ]);
    });

    it('POST describe with objectNames in any case answers them in order', async () => {
      const res = await t.request('POST', '/v1/meta/services/objects/describe', { body: { objectNames: ['SUBSCRIPTION__GC', 'company'] } });
      expect(res.status).toBe(200);
      expect(res.body.data.map((o: any) => o.objectName)).toEqual(['subscription__gc', 'Company']);
    });

    it('list: subscription__gc is CUSTOM, the standard objects STANDARD, each once', async () => {
      const res = await t.request('GET', '/v1/meta/services/objects/list');
      expect(res.status).toBe(200);
      const byName = new Map(res.body.data.map((o: any) => [o.objectName, o]));
      expect(byName.size).toBe(res.body.data.length);
      expect(byName.get('subscription__gc')).toEqual({ objectName: 'subscription__gc', label: 'Subscription', objectType: 'CUSTOM', createable: true, readable: true });
      for (const name of ['Company', 'Person', 'company_person', 'gsuser', ...STANDARD_OBJECTS]) {
        expect(byName.get(name), name).toMatchObject({ objectType: 'STANDARD' });
      }
      expect(res.body.data.filter((o: any) => o.objectType === 'CUSTOM').map((o: any) => o.objectName)).toEqual(['subscription__gc']);
    });
  });

  describe('reports', () => {
    interface Sub {
      Name: string;
      Amount__gc: number;
      Tier__gc?: string;
      Discount__gc?: number;
      company?: number;
    }
    let prefix: string;
    let companies: { Name: string; Segment__gc: string; HealthScore__gc: number; Gsid?: string }[];
    let data: Sub[];
    beforeAll(async () => {
      prefix = unique('R');
      companies = [
        { Name: `${prefix} Acme`, Segment__gc: 'Enterprise', HealthScore__gc: 90 },
        { Name: `${prefix} Globex`, Segment__gc: 'SMB', HealthScore__gc: 30 },
        { Name: `${prefix} Initech`, Segment__gc: 'Enterprise', HealthScore__gc: 60 },
      ];
      const gsids = await insert('Company', companies);
      companies.forEach((c, i) => (c.Gsid = gsids[i]));
      // Binary fractions, so sums are exact on both backends.
      data = [
        { Name: `${prefix} s1`, Amount__gc: 1000.5, Tier__gc: 'Gold', Discount__gc: 10, company: 0 },
        { Name: `${prefix} s2`, Amount__gc: 250.25, Tier__gc: 'Silver', company: 0 },
        { Name: `${prefix} s3`, Amount__gc: 4000, Tier__gc: 'Gold', Discount__gc: 20, company: 1 },
        { Name: `${prefix} s4`, Amount__gc: 75.75, Tier__gc: 'Bronze', Discount__gc: 5, company: 2 },
        { Name: `${prefix} s5`, Amount__gc: 12.5, company: 2 },
        { Name: `${prefix} s6`, Amount__gc: 600, Tier__gc: 'Silver' },
      ];
      const subGsids = await insert(
        'subscription__gc',
        data.map(({ company, ...rest }) => ({ ...rest, ...(company !== undefined ? { Company__gc: companies[company]!.Gsid } : {}) })),
      );
      // Each company's main subscription: its largest.
      await update(
        'Company',
        'Gsid',
        [0, 2, 3].map((i) => ({ Gsid: companies[data[i]!.company!]!.Gsid, Subscription__gc: subGsids[i] })),
      );
    });

    const mineWhere = () => ({ conditions: [{ name: 'Name', operator: 'STARTS_WITH', value: [prefix] }] });
    const run = (definition: Record<string, unknown>, headers?: Record<string, string>) =>
      t.request('POST', '/v1/reports', { body: { definition: { name: 'test', ...definition } }, ...(headers ? { headers } : {}) });

    const tierReport = () => ({
      object: 'subscription__gc',
      fields: ['Tier__gc'],
      groupBy: ['Tier__gc'],
      aggregates: [
        { fn: 'sum', field: 'Amount__gc', as: 'total' },
        { fn: 'count', as: 'subscriptions' },
        { fn: 'max', field: 'Discount__gc', as: 'maxDiscount' },
      ],
      where: mineWhere(),
      orderBy: [{ field: 'total', direction: 'desc' }],
    });

    function expectedByTier() {
      const groups = new Map<string | undefined, Sub[]>();
      for (const s of data) groups.set(s.Tier__gc, [...(groups.get(s.Tier__gc) ?? []), s]);
      return [...groups.entries()]
        .map(([tier, subs]) => {
          const discounts = subs.map((s) => s.Discount__gc).filter((d): d is number => d !== undefined);
          return {
            ...(tier !== undefined ? { Tier__gc: tier } : {}),
            total: subs.reduce((sum, s) => sum + s.Amount__gc, 0),
            subscriptions: subs.length,
            ...(discounts.length > 0 ? { maxDiscount: Math.max(...discounts) } : {}),
          };
        })
        .sort((a, b) => b.total - a.total);
    }

    it('grouped by a picklist with sum, count and max over the custom object, as computed here', async () => {
      const res = await run(tierReport());
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.records).toEqual(expectedByTier());
      expect(res.body.data.columns).toEqual([
        { name: 'Tier__gc', type: 'string' },
        { name: 'total', type: 'number' },
        { name: 'subscriptions', type: 'integer' },
        { name: 'maxDiscount', type: 'number' },
      ]);
      expect(res.body.data.totalCount).toBe(expectedByTier().length);
    });

    it('the same report as CSV (Accept: text/csv): header and the same rows', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/reports',
        headers: { accept: 'text/csv', accesskey: BOOTSTRAP_KEY, 'content-type': 'application/json' },
        payload: JSON.stringify({ definition: { name: 'csv', ...tierReport() } }),
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const [header, ...rows] = parseCsv(res.body);
      expect(header).toEqual(['Tier__gc', 'total', 'subscriptions', 'maxDiscount']);
      expect(rows).toEqual(
        expectedByTier().map((r: Record<string, unknown>) => header!.map((c) => (r[c] === undefined ? '' : String(r[c])))),
      );
    });

    it('grouped by a lookup path (Company__gc.Name) with a filter on a picklist value', async () => {
      const res = await run({
        object: 'subscription__gc',
        fields: ['Company__gc.Name'],
        groupBy: ['Company__gc.Name'],
        aggregates: [{ fn: 'sum', field: 'Amount__gc', as: 'total' }, { fn: 'count', as: 'n' }],
        where: { conditions: [...mineWhere().conditions, { name: 'Tier__gc', operator: 'IN', value: ['gold', 'Silver'] }] },
        orderBy: [{ field: 'Company__gc.Name' }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const chosen = data.filter((s) => s.Tier__gc === 'Gold' || s.Tier__gc === 'Silver');
      const expected = [0, 1, 2, undefined]
        .map((c) => {
          const subs = chosen.filter((s) => s.company === c);
          if (subs.length === 0) return undefined;
          return {
            ...(c !== undefined ? { 'Company__gc.Name': companies[c]!.Name } : {}),
            total: subs.reduce((sum, s) => sum + s.Amount__gc, 0),
            n: subs.length,
          };
        })
        .filter((r) => r !== undefined);
      expect(res.body.data.records).toEqual(expected);
    });

    it('over Company: a custom picklist, a custom number and the lookup path Subscription__gc.Amount__gc', async () => {
      const res = await run({
        object: 'Company',
        fields: ['Segment__gc'],
        groupBy: ['Segment__gc'],
        aggregates: [
          { fn: 'avg', field: 'HealthScore__gc', as: 'health' },
          { fn: 'sum', field: 'Subscription__gc.Amount__gc', as: 'mainAmount' },
          { fn: 'count', as: 'companies' },
        ],
        where: mineWhere(),
        orderBy: [{ field: 'Segment__gc' }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const main = new Map<number, number>();
      for (const i of [0, 2, 3]) main.set(data[i]!.company!, data[i]!.Amount__gc);
      const expected = ['Enterprise', 'SMB'].map((segment) => {
        const members = companies.map((c, i) => ({ ...c, i })).filter((c) => c.Segment__gc === segment);
        return {
          Segment__gc: segment,
          health: members.reduce((sum, c) => sum + c.HealthScore__gc, 0) / members.length,
          mainAmount: members.reduce((sum, c) => sum + (main.get(c.i) ?? 0), 0),
          companies: members.length,
        };
      });
      expect(res.body.data.records).toEqual(expected);
    });

    it('row by row over Company with Subscription__gc.Name, and its CSV', async () => {
      const definition = {
        object: 'Company',
        fields: ['Name', 'Segment__gc', 'Subscription__gc.Name', 'Subscription__gc.Tier__gc'],
        where: mineWhere(),
        orderBy: [{ field: 'Name', direction: 'desc' }],
      };
      const res = await run(definition);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const mainOf = [data[0]!, data[2]!, data[3]!];
      const expected = companies
        .map((c, i) => ({ Name: c.Name, Segment__gc: c.Segment__gc, 'Subscription__gc.Name': mainOf[i]!.Name, 'Subscription__gc.Tier__gc': mainOf[i]!.Tier__gc }))
        .reverse();
      expect(res.body.data.records).toEqual(expected);
      const csv = await t.app.inject({
        method: 'POST',
        url: '/v1/reports',
        headers: { accept: 'text/csv', accesskey: BOOTSTRAP_KEY, 'content-type': 'application/json' },
        payload: JSON.stringify({ definition: { name: 'csv', ...definition } }),
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.body).toBe(
        ['Name,Segment__gc,Subscription__gc.Name,Subscription__gc.Tier__gc', ...expected.map((r) => Object.values(r).join(','))].join('\r\n') + '\r\n',
      );
    });

    it('report paths follow one reference with a dot; NXT-style and two-hop paths are 400 GSOBJ_1002', async () => {
      for (const field of ['Subscription__gc__gr.Name', 'Subscription__gc.Company__gc.Name', 'Subscription__gc.Nope__gc']) {
        expectError(await run({ object: 'Company', fields: [field] }), 400, 'GSOBJ_1002', field);
      }
      expectError(await run({ object: 'subscription__gc', fields: ['Name'], aggregates: [{ fn: 'sum', field: 'Tier__gc' }], groupBy: ['Name'] }), 400, 'GSOBJ_1008');
      // A value no option has matches nothing (it is no error: the filter is about stored values).
      const none = await run({ object: 'subscription__gc', fields: ['Name'], where: { Tier__gc: 'Platinum' } });
      expect(none.status).toBe(200);
      expect(none.body.data.records).toEqual([]);
    });
  });

  describe('deletes: cascade along Company__gc, set null along Company.Subscription__gc', () => {
    it('deleting a Company deletes its subscriptions; lookups to those subscriptions are cleared', async () => {
      const [a, b] = await insert('Company', [{ Name: unique('Parent A') }, { Name: unique('Parent B') }]);
      const [sa1, sa2, sb] = await insert('subscription__gc', [
        { Name: unique('A1'), Amount__gc: 1, Company__gc: a },
        { Name: unique('A2'), Amount__gc: 1, Company__gc: a },
        { Name: unique('B1'), Amount__gc: 1, Company__gc: b },
      ]);
      // B's main subscription is one of A's.
      await update('Company', 'Gsid', [{ Gsid: a, Subscription__gc: sa1 }, { Gsid: b, Subscription__gc: sa2 }]);
      const res = await t.request('DELETE', `/v1/data/objects/Company/${a}`);
      expect(res.status).toBe(200);
      for (const gone of [sa1, sa2]) expectError(await t.request('GET', `/v1/data/objects/subscription__gc/${gone}`), 400, 'GSOBJ_1011');
      expect((await get('subscription__gc', sb!)).Company__gc).toBe(b);
      expect((await get('Company', b!)).Subscription__gc).toBeNull();
    });

    it('deleting a subscription that a Company points at sets that lookup to null; the Company stays', async () => {
      const company = await newCompany();
      const sub = await newSubscription({ Company__gc: company });
      await update('Company', 'Gsid', [{ Gsid: company, Subscription__gc: sub }]);
      const res = await t.request('DELETE', `/v1/data/objects/subscription__gc/${sub}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ Gsid: sub });
      expect(await get('Company', company)).toMatchObject({ Subscription__gc: null });
      expectError(await t.request('DELETE', `/v1/data/objects/subscription__gc/${sub}`), 400, 'GSOBJ_1011');
    });

    it('deleting a gsuser clears Owner__gc (set null), the subscription stays', async () => {
      const owner = await newUser();
      const sub = await newSubscription({ Owner__gc: owner });
      expect((await t.request('DELETE', `/v1/data/objects/gsuser/${owner}`)).status).toBe(200);
      expect((await get('subscription__gc', sub)).Owner__gc).toBeNull();
    });

    it('the seed surface’s DELETE /v1/companies/{id} cascades the same way', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: unique('Seed parent') } })).body.data.Gsid as string;
      const sub = await newSubscription({ Company__gc: company });
      const res = await t.request('DELETE', `/v1/companies/${company}`);
      expect(res.status).toBe(200);
      expectError(await t.request('GET', `/v1/data/objects/subscription__gc/${sub}`), 400, 'GSOBJ_1011');
    });
  });

  describe('the seed surface with a schema', () => {
    it('/v1/companies shows exactly the seed fields, keeps custom values through PUT, refuses custom fields', async () => {
      const created = await t.request('POST', '/v1/companies', { body: { Name: unique('Seed'), Industry: 'Software', ARR: 10 } });
      expect(created.status).toBe(200);
      const gsid = created.body.data.Gsid as string;
      await update('Company', 'Gsid', [{ Gsid: gsid, Segment__gc: 'SMB', HealthScore__gc: 55 }]);
      const seed = await t.request('GET', `/v1/companies/${gsid}`);
      expect(seed.status).toBe(200);
      expect(Object.keys(seed.body.data).some((k) => k.endsWith('__gc'))).toBe(false);
      expect(sorted(Object.keys(seed.body.data))).toEqual(sorted(['Gsid', 'Name', 'Industry', 'ARR', 'CreatedDate', 'ModifiedDate']));
      const list = await t.request('GET', '/v1/companies?pageSize=100');
      expect(list.status).toBe(200);
      for (const record of list.body.data.records) expect(Object.keys(record).filter((k) => k.endsWith('__gc'))).toEqual([]);
      expect((await t.request('PUT', `/v1/companies/${gsid}`, { body: { Name: 'Renamed via seed' } })).status).toBe(200);
      expect(await get('Company', gsid)).toMatchObject({ Name: 'Renamed via seed', Segment__gc: 'SMB', HealthScore__gc: 55 });
      expectError(await t.request('PATCH', `/v1/companies/${gsid}`, { body: { Segment__gc: 'SMB' } }), 400, 'GSOBJ_1002', 'Segment__gc');
      expectError(await t.request('POST', '/v1/companies', { body: { Name: unique('X'), HealthScore__gc: 1 } }), 400, 'GSOBJ_1002', 'HealthScore__gc');
    });

    it('/v1/people does not show Person custom fields', async () => {
      const nickname = unique('Nick');
      const [person] = await insert('Person', [{ FirstName: 'Seedy', LastName: unique('P'), Nickname__gc: nickname, Champion__gc: true }]);
      const res = await t.request('GET', `/v1/people/${person}`);
      expect(res.status).toBe(200);
      expect(res.body.data.FirstName).toBe('Seedy');
      expect(Object.keys(res.body.data).filter((k) => k.endsWith('__gc'))).toEqual([]);
    });
  });

  describe('bad input never answers 500', () => {
    const WEIRD: unknown[] = [{}, [], [[]], [{}], true, false, -1, 0.5, '', ' ', 'x'.repeat(140_000), '\u0000', '\ud800', '2024-13-45', MISSING_ID, { $gt: '' }];
    const WRITABLE = SUBSCRIPTION_FIELDS.filter((f) => !['Gsid', 'CreatedDate', 'ModifiedDate'].includes(f));

    it('every writable field × odd values on insert and update: 200 or a 4xx naming the field, never 5xx', async () => {
      const target = await newSubscription();
      for (const field of WRITABLE) {
        for (const value of WEIRD) {
          const label = `${field} = ${JSON.stringify(value).slice(0, 40)}`;
          const ins = await t.request('POST', '/v1/data/objects/subscription__gc', {
            body: { records: [{ Name: unique('Weird'), Amount__gc: 1, [field]: value }] },
          });
          expect([200, 400, 409], `insert ${label}: ${JSON.stringify(ins.body).slice(0, 300)}`).toContain(ins.status);
          if (ins.status === 400) expect(recordError(ins).fieldName, label).toBe(field);
          const upd = await t.request('PUT', '/v1/data/objects/subscription__gc?keys=Gsid', { body: { records: [{ Gsid: target, [field]: value }] } });
          expect([200, 400, 409], `update ${label}: ${JSON.stringify(upd.body).slice(0, 300)}`).toContain(upd.status);
          if (upd.status === 400) expect(recordError(upd).fieldName, label).toBe(field);
        }
      }
    });

    it('every field × operator × odd values in query conditions: 200 or 400, never 5xx', async () => {
      const operators = ['EQ', 'GT', 'BTW', 'IN', 'CONTAINS'];
      const values = [{}, [], true, -1, '', '\u0000', '2024-13-45', 'Gold', 'a;b', MISSING_ID];
      for (const field of [...SUBSCRIPTION_FIELDS, 'Company__gc__gr.Segment__gc', 'Company__gc__gr.Subscription__gc__gr.Modules__gc']) {
        for (const operator of operators) {
          for (const value of values) {
            const res = await t.request('POST', '/v1/data/objects/query/subscription__gc', {
              body: { select: ['Gsid'], where: { conditions: [{ name: field, alias: 'A', operator, value: operator === 'BTW' ? [value, value] : [value] }], expression: 'A' }, limit: 1 },
            });
            expect([200, 400], `${field} ${operator} ${JSON.stringify(value).slice(0, 40)}: ${JSON.stringify(res.body).slice(0, 300)}`).toContain(res.status);
          }
        }
      }
    });

    it('odd request shapes: records not an array, a record not an object, select/orderBy/limit of the wrong type', async () => {
      const before = await allGsids('subscription__gc');
      for (const body of [{ records: {} }, { records: 'x' }, { records: [null] }, { records: [[]] }, { records: [] }, { records: [1] }, []]) {
        const res = await t.request('POST', '/v1/data/objects/subscription__gc', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      for (const body of [{ select: 'Name' }, { select: [1] }, { orderBy: ['Name'] }, { orderBy: { Tier__gc: 'up' } }, { limit: 'all' }, { offset: -1 }, { where: [] }, { where: { conditions: {} } }]) {
        const res = await t.request('POST', '/v1/data/objects/query/subscription__gc', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      for (const definition of [
        { object: 'subscription__gc', fields: ['Company__gc.Name'], where: { 'Company__gc.Name': { a: 1 } } },
        { object: 'subscription__gc', fields: ['Name'], where: { Amount__gc: '10' } },
        { object: 'subscription__gc', fields: ['Modules__gc'], where: { Modules__gc: [['Analytics']] } },
      ]) {
        const res = await run(definition);
        expect(res.status, JSON.stringify(definition)).toBe(400);
      }
      expect(await allGsids('subscription__gc')).toEqual(before);

      function run(definition: Record<string, unknown>) {
        return t.request('POST', '/v1/reports', { body: { definition: { name: 'odd', ...definition } } });
      }
    });
  });
});

describeEachBackend('Tenant schema: picklist values as option Gsids (--picklist-values gsid)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { schemaFile: SCHEMA_FILE, picklistValues: 'gsid' });
  });
  afterAll(() => t?.close());

  const { unique, insert, update, get, query, picklist } = clientOf(() => t);

  let tier: Picklist;
  let modules: Picklist;
  let segment: Picklist;
  const gsidOf = (list: Picklist, label: string) => list.options.find((o) => o.label === label)!.gsid;
  beforeAll(async () => {
    tier = await picklist('subscription__gc', 'Tier__gc');
    modules = await picklist('subscription__gc', 'Modules__gc');
    segment = await picklist('Company', 'Segment__gc');
  });

  it('reads answer the option Gsid, written as a label or as the Gsid; a multi-select its Gsids joined with ";" in the options’ order', async () => {
    const [a, b] = await insert('subscription__gc', [
      { Name: unique('G1'), Amount__gc: 1, Tier__gc: 'gold', Modules__gc: 'Journeys;Analytics' },
      { Name: unique('G2'), Amount__gc: 1, Tier__gc: gsidOf(tier, 'Bronze'), Modules__gc: [gsidOf(modules, 'Journeys'), gsidOf(modules, 'Cockpit')] },
    ]);
    expect(await get('subscription__gc', a!)).toMatchObject({
      Tier__gc: gsidOf(tier, 'Gold'),
      Modules__gc: `${gsidOf(modules, 'Analytics')};${gsidOf(modules, 'Journeys')}`,
    });
    const rows = await query('subscription__gc', { select: ['Tier__gc', 'Modules__gc'], where: where([{ name: 'Gsid', operator: 'EQ', value: [b] }]) });
    expect(rows).toEqual([{ Tier__gc: gsidOf(tier, 'Bronze'), Modules__gc: `${gsidOf(modules, 'Cockpit')};${gsidOf(modules, 'Journeys')}` }]);
  });

  it('what a client read back it can write back unchanged (update by keys with the Gsids it got)', async () => {
    const [gsid] = await insert('subscription__gc', [{ Name: unique('Echo'), Amount__gc: 1, Tier__gc: 'Silver', Modules__gc: 'Cockpit;Analytics' }]);
    const read = await get('subscription__gc', gsid!);
    await update('subscription__gc', 'Gsid', [{ Gsid: gsid, Tier__gc: read.Tier__gc, Modules__gc: read.Modules__gc, Seats__gc: 4 }]);
    const again = await get('subscription__gc', gsid!);
    expect(again).toMatchObject({ Tier__gc: read.Tier__gc, Modules__gc: read.Modules__gc, Seats__gc: 4 });
  });

  it('lookup paths to a picklist answer Gsids too; non-picklist fields are unchanged', async () => {
    const [company] = await insert('Company', [{ Name: unique('Gsid Co'), Segment__gc: 'Mid-Market', HealthScore__gc: 10 }]);
    const [sub] = await insert('subscription__gc', [{ Name: unique('Gsid Sub'), Amount__gc: 9.5, Tier__gc: 'Gold', Company__gc: company }]);
    await update('Company', 'Gsid', [{ Gsid: company, Subscription__gc: sub }]);
    const [row] = await query('subscription__gc', {
      select: ['Name', 'Amount__gc', 'Company__gc__gr.Segment__gc', 'Company__gc__gr.Subscription__gc__gr.Tier__gc'],
      where: where([{ name: 'Gsid', operator: 'EQ', value: [sub] }]),
    });
    expect(row).toMatchObject({
      Amount__gc: 9.5,
      'Company__gc__gr.Segment__gc': gsidOf(segment, 'Mid-Market'),
      'Company__gc__gr.Subscription__gc__gr.Tier__gc': gsidOf(tier, 'Gold'),
    });
    expect((await get('Company', company!)).Segment__gc).toBe(gsidOf(segment, 'Mid-Market'));
  });

  it('filters take option Gsids as well as labels: EQ, IN, NE, and on a lookup path', async () => {
    const prefix = unique('F');
    await insert('subscription__gc', [
      { Name: `${prefix} gold`, Amount__gc: 1, Tier__gc: 'Gold' },
      { Name: `${prefix} silver`, Amount__gc: 1, Tier__gc: 'Silver' },
      { Name: `${prefix} none`, Amount__gc: 1 },
    ]);
    const names = async (condition: Condition) =>
      (
        await query('subscription__gc', {
          select: ['Name'],
          where: where([{ name: 'Name', operator: 'STARTS_WITH', value: [prefix] }, condition]),
          orderBy: { Name: 'asc' },
        })
      ).map((r) => (r.Name as string).slice(prefix.length + 1));
    expect(await names({ name: 'Tier__gc', operator: 'EQ', value: [gsidOf(tier, 'Gold')] })).toEqual(['gold']);
    expect(await names({ name: 'Tier__gc', operator: 'IN', value: [gsidOf(tier, 'Silver'), 'gold'] })).toEqual(['gold', 'silver']);
    expect(await names({ name: 'Tier__gc', operator: 'NE', value: [gsidOf(tier, 'Gold')] })).toEqual(['none', 'silver']);
    const [company] = await insert('Company', [{ Name: `${prefix} co`, Segment__gc: 'SMB' }]);
    await insert('subscription__gc', [{ Name: `${prefix} owned`, Amount__gc: 1, Company__gc: company }]);
    expect(await names({ name: 'Company__gc__gr.Segment__gc', operator: 'EQ', value: [gsidOf(segment, 'SMB')] })).toEqual(['owned']);
  });

  it('multi-select filters take what reads answer: the ";"-joined Gsids (EQ, IN, NE)', async () => {
    const prefix = unique('MF');
    await insert('subscription__gc', [
      { Name: `${prefix} ac`, Amount__gc: 1, Modules__gc: 'Analytics;Cockpit' },
      { Name: `${prefix} cj`, Amount__gc: 1, Modules__gc: 'Cockpit;Journeys' },
    ]);
    const names = async (condition: Condition) =>
      (
        await query('subscription__gc', {
          select: ['Name'],
          where: where([{ name: 'Name', operator: 'STARTS_WITH', value: [prefix] }, condition]),
          orderBy: { Name: 'asc' },
        })
      ).map((r) => (r.Name as string).slice(prefix.length + 1));
    const [analytics, cockpit, journeys] = MODULES.map((label) => gsidOf(modules, label));
    expect(await names({ name: 'Modules__gc', operator: 'EQ', value: [`${analytics};${cockpit}`] })).toEqual(['ac']);
    expect(await names({ name: 'Modules__gc', operator: 'IN', value: [`${cockpit};${journeys}`, 'Analytics;Journeys'] })).toEqual(['cj']);
    expect(await names({ name: 'Modules__gc', operator: 'NE', value: [`${analytics};${cockpit}`] })).toEqual(['cj']);
  });

  it('CONTAINS with one option’s Gsid finds the multi-selects holding that option (what a client reading Gsids filters by)', async () => {
    const prefix = unique('MC');
    await insert('subscription__gc', [
      { Name: `${prefix} ac`, Amount__gc: 1, Modules__gc: 'Analytics;Cockpit' },
      { Name: `${prefix} cj`, Amount__gc: 1, Modules__gc: 'Cockpit;Journeys' },
      { Name: `${prefix} j`, Amount__gc: 1, Modules__gc: 'Journeys' },
    ]);
    const found = await query('subscription__gc', {
      select: ['Name'],
      where: where([
        { name: 'Name', operator: 'STARTS_WITH', value: [prefix] },
        { name: 'Modules__gc', operator: 'CONTAINS', value: [gsidOf(modules, 'Cockpit')] },
      ]),
      orderBy: { Name: 'asc' },
    });
    expect(found.map((r) => (r.Name as string).slice(prefix.length + 1))).toEqual(['ac', 'cj']);
  });

  it('an invalid option is still 400 GSOBJ_1008 naming the field', async () => {
    const res = await t.request('POST', '/v1/data/objects/subscription__gc', {
      body: { records: [{ Name: unique('Bad'), Amount__gc: 1, Modules__gc: [gsidOf(modules, 'Cockpit'), MISSING_ID] }] },
    });
    expectError(res, 400, 'GSOBJ_1008', 'Modules__gc');
  });
});

describeEachBackend('Standard objects without a schema file', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t?.close());

  const { unique, insert, update, get, query, allGsids } = clientOf(() => t);

  async function newCompany(): Promise<string> {
    return (await insert('Company', [{ Name: unique('Company') }]))[0]!;
  }

  async function newUser(): Promise<string> {
    const name = unique('user').replace(' ', '');
    return (await insert('gsuser', [{ FirstName: 'Avery', LastName: name, Email: `${name}@example.com` }]))[0]!;
  }

  it('list has the standard objects (STANDARD) and no custom one; a tenant’s object and fields do not exist', async () => {
    const res = await t.request('GET', '/v1/meta/services/objects/list');
    const names = res.body.data.map((o: any) => o.objectName);
    for (const name of STANDARD_OBJECTS) expect(names).toContain(name);
    expect(res.body.data.every((o: any) => o.objectType === 'STANDARD')).toBe(true);
    expectError(await t.request('GET', '/v1/meta/services/objects/subscription__gc/describe'), 400, 'GSAPI_4001');
    expect((await t.request('GET', '/v1/meta/services/objects/subscription__gc/describe')).body.errorDesc).toBe(OBJECT_NOT_FOUND);
    expectError(
      await t.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Segment__gc'] } }),
      400,
      'GSOBJ_1002',
      'Segment__gc',
    );
    const cta = (await t.request('GET', '/v1/meta/services/objects/call_to_action/describe')).body.data[0];
    const fields = Object.fromEntries(cta.fields.map((f: any) => [f.fieldName, f]));
    expect(fields.CompanyId.meta.lookupDetail.lookupObjects).toEqual([{ objectName: 'Company' }]);
    expect(fields.StatusId.meta.lookupDetail.lookupObjects).toEqual([{ objectName: 'da_picklist' }]);
    expect(fields.OwnerId.dataType).toBe('LOOKUP');
    expect(fields.Name.meta.required).toBe(true);
    expect(cta.fields.some((f: any) => f.meta.fieldGroupType === 'CUSTOM')).toBe(false);
  });

  it('call_to_action: insert with CompanyId, OwnerId, StatusId; get; query through the lookups; update; delete', async () => {
    const company = await newCompany();
    const owner = await newUser();
    const [open, closed, high] = await insert('da_picklist', [
      { Name: 'Open', Category: 'CTA Status' },
      { Name: 'Closed Success', Category: 'CTA Status' },
      { Name: 'High', Category: 'CTA Priority' },
    ]);
    const name = unique('Risk');
    const [cta] = await insert('call_to_action', [
      { Name: name, CompanyId: company, OwnerId: owner, StatusId: open, PriorityId: high, DueDate: '2024-06-30', IsImportant: 'true', Age: '3' },
    ]);
    expect(await get('call_to_action', cta!)).toMatchObject({
      Gsid: cta,
      Name: name,
      CompanyId: company,
      OwnerId: owner,
      StatusId: open,
      PriorityId: high,
      DueDate: '2024-06-30',
      IsImportant: true,
      IsClosed: null,
      Age: 3,
      CreatedDate: expect.stringMatching(ISO_DATE_TIME),
    });
    const companyName = (await get('Company', company)).Name;
    const select = ['Name', 'CompanyId__gr.Name', 'StatusId__gr.Name', 'PriorityId__gr.Name', 'OwnerId__gr.Email'];
    const byGsid = where([{ name: 'Gsid', operator: 'EQ', value: [cta] }]);
    expect(await query('call_to_action', { select, where: byGsid })).toEqual([
      {
        Name: name,
        'CompanyId__gr.Name': companyName,
        'StatusId__gr.Name': 'Open',
        'PriorityId__gr.Name': 'High',
        'OwnerId__gr.Email': (await get('gsuser', owner)).Email,
      },
    ]);
    await update('call_to_action', 'Gsid', [{ Gsid: cta, StatusId: closed, IsClosed: true, ClosedDate: '2024-07-01T09:00:00Z' }]);
    const closedOnes = await query('call_to_action', {
      select: ['Gsid', 'StatusId__gr.Name', 'IsClosed', 'ClosedDate'],
      where: where([{ name: 'StatusId__gr.Name', operator: 'EQ', value: ['Closed Success'] }, { name: 'CompanyId__gr.Name', operator: 'EQ', value: [companyName] }]),
    });
    expect(closedOnes).toEqual([{ Gsid: cta, 'StatusId__gr.Name': 'Closed Success', IsClosed: true, ClosedDate: '2024-07-01T09:00:00.000Z' }]);
    const res = await t.request('DELETE', `/v1/data/objects/call_to_action/${cta}`);
    expect(res.status).toBe(200);
    expectError(await t.request('GET', `/v1/data/objects/call_to_action/${cta}`), 400, 'GSOBJ_1011');
  });

  it('call_to_action refusals: Name required, lookups to nothing, a bad Gsid, an unknown field; nothing written', async () => {
    const before = await allGsids('call_to_action');
    expectError(await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Source: 'Manual' }] } }), 400, 'GSOBJ_1007', 'Name');
    for (const field of ['CompanyId', 'OwnerId', 'StatusId', 'CtaGroupId']) {
      const res = await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Name: unique('X'), [field]: MISSING_ID }] } });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', field);
    }
    expectError(
      await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Name: unique('X'), StatusId: 'Open' }] } }),
      400,
      'GSOBJ_1004',
      'StatusId',
    );
    expectError(
      await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Name: unique('X'), Status: 'Open' }] } }),
      400,
      'GSOBJ_1002',
      'Status',
    );
    expectError(
      await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Name: unique('X'), EntityType: 'x'.repeat(41) }] } }),
      400,
      'GSOBJ_1001',
      'EntityType',
    );
    expect(await allGsids('call_to_action')).toEqual(before);
  });

  it('cs_task: CtaId looks up call_to_action (two hops to the Company); deleting the CTA clears CtaId', async () => {
    const company = await newCompany();
    const [cta] = await insert('call_to_action', [{ Name: unique('Parent CTA'), CompanyId: company }]);
    const taskName = unique('Task');
    const [task] = await insert('cs_task', [{ Name: taskName, CtaId: cta, CompanyId: company, DueDate: '2024-02-29' }]);
    const [row] = await query('cs_task', {
      select: ['Name', 'CtaId__gr.Name', 'CtaId__gr.CompanyId__gr.Name', 'DueDate'],
      where: where([{ name: 'Gsid', operator: 'EQ', value: [task] }]),
    });
    expect(row).toEqual({
      Name: taskName,
      'CtaId__gr.Name': (await get('call_to_action', cta!)).Name,
      'CtaId__gr.CompanyId__gr.Name': (await get('Company', company)).Name,
      DueDate: '2024-02-29',
    });
    expectError(
      await t.request('POST', '/v1/data/objects/cs_task', { body: { records: [{ Name: unique('Orphan'), CtaId: MISSING_ID }] } }),
      400,
      'GSOBJ_PEOPLE1001',
      'CtaId',
    );
    expect((await t.request('DELETE', `/v1/data/objects/call_to_action/${cta}`)).status).toBe(200);
    expect(await get('cs_task', task!)).toMatchObject({ Name: taskName, CtaId: null, CompanyId: company });
  });

  it('activity_timeline: insert with GsCompanyId, lenient values, query through the lookup; deleting the Company clears it', async () => {
    const company = await newCompany();
    const author = await newUser();
    const subject = unique('Kickoff');
    const [activity] = await insert('activity_timeline', [
      {
        Subject: subject,
        GsCompanyId: company,
        AuthorId: author,
        ActivityDate: '2024-01-02T03:04:05+01:00',
        DurationInMins: '45',
        Notes: '<p>Met the team</p>',
        MediaUrl: 'https://example.com/rec/1',
        ContextName: 'Company',
        ContextId: company,
      },
    ]);
    const [row] = await query('activity_timeline', {
      select: ['Subject', 'GsCompanyId__gr.Name', 'AuthorId__gr.Email', 'ActivityDate', 'DurationInMins', 'ContextId'],
      where: where([{ name: 'GsCompanyId', operator: 'EQ', value: [company] }]),
    });
    expect(row).toEqual({
      Subject: subject,
      'GsCompanyId__gr.Name': (await get('Company', company)).Name,
      'AuthorId__gr.Email': (await get('gsuser', author)).Email,
      ActivityDate: '2024-01-02T02:04:05.000Z',
      DurationInMins: 45,
      ContextId: company,
    });
    expectError(
      await t.request('POST', '/v1/data/objects/activity_timeline', { body: { records: [{ Subject: 'x', GsCompanyId: MISSING_ID }] } }),
      400,
      'GSOBJ_PEOPLE1001',
      'GsCompanyId',
    );
    expect((await t.request('DELETE', `/v1/data/objects/Company/${company}`)).status).toBe(200);
    // GsCompanyId is cleared; ContextId is a plain GSID field and keeps its value.
    expect(await get('activity_timeline', activity!)).toMatchObject({ Subject: subject, GsCompanyId: null, ContextId: company });
  });

  it('da_picklist rows can be created, read and queried; without a schema file there are no generated options', async () => {
    const before = await query('da_picklist', { select: ['Gsid'], where: where([{ name: 'SystemDefined', operator: 'EQ', value: [false] }]) });
    expect(before).toEqual([]);
    const category = 'A'.repeat(35) + 'B';
    const [item] = await insert('da_picklist', [{ Name: 'Usage Drop', Category: 'CTA Reason', CategoryId: category, DisplayOrder: 1, IsActive: true, Color: '#31275b' }]);
    expect(await query('da_picklist', { select: ['Gsid', 'Name', 'Color'], where: where([{ name: 'CategoryId', operator: 'EQ', value: [category] }]) })).toEqual([
      { Gsid: item, Name: 'Usage Drop', Color: '#31275b' },
    ]);
  });
});
