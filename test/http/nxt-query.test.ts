/**
 * The NXT query API (POST /v1/data/objects/query/{object}): select, where with every operator and
 * expression precedence, lenient date-time and date values, lookups of 1 to 3 hops in select,
 * where and orderBy, orderBy ties ending on Gsid, limit/offset paging, field-name case rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

const OBJECT_NOT_FOUND = 'Requested object not found.';
const COMPANY_FIELDS = [
  'Gsid', 'Name', 'Industry', 'ARR', 'Stage', 'Status', 'CSMName', 'Employees', 'OriginalContractDate', 'RenewalDate',
  'Csm', 'ParentCompany', 'Mrr', 'Users', 'LifecycleInWeeks', 'CustomerlifetimeInMonths', 'CompanyType', 'ManagedAs',
  'Tags', 'TickerSymbol', 'SfdcAccountId', 'BillingAddress', 'Summary', 'IndustryNew', 'CreatedDate', 'ModifiedDate',
];

type Condition = { name: string; alias?: string; operator: string; value: unknown[] };

function expectFailure(res: TestResponse, status: number, field?: string): void {
  const context = JSON.stringify(res.body);
  if (res.status !== status || res.body.result !== false) throw new Error(`expected ${status}, got ${res.status} ${context}`);
  if (field !== undefined && !String(res.body.errorDesc).toLowerCase().includes(field.toLowerCase())) {
    throw new Error(`expected errorDesc to name ${field}: ${context}`);
  }
}

/** Code point order, as the server sorts text. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describeEachBackend('NXT query', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  async function insert(object: string, records: unknown[]): Promise<string[]> {
    const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
  }

  async function run(object: string, body: Record<string, unknown>): Promise<TestResponse> {
    return t.request('POST', `/v1/data/objects/query/${object}`, { body });
  }

  async function records(object: string, body: Record<string, unknown>): Promise<any[]> {
    const res = await run(object, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  const where = (conditions: Condition[], expression?: string) => {
    const withAliases = conditions.map((c, i) => ({ alias: String.fromCharCode(65 + i), ...c }));
    return { conditions: withAliases, ...(expression !== undefined ? { expression } : {}) };
  };

  async function names(object: string, conditions: Condition[], expression?: string): Promise<string[]> {
    const found = await records(object, { select: ['Name'], where: where(conditions, expression) });
    return found.map((r) => r.Name).sort(byCodePoint);
  }

  // The fixture: every Company, Person, gsuser and link of this database.
  const ids: Record<string, any> = {};
  beforeAll(async () => {
    [ids.casey, ids.dana] = await insert('gsuser', [
      { FirstName: 'Casey', LastName: 'Csm', Email: 'casey.csm@example.com' },
      { FirstName: 'Dana', LastName: 'Lead', Email: 'dana.lead@example.com' },
    ]);
    [ids.alpha, ids.beta, ids.gamma] = await insert('Company', [
      { Name: 'Q Alpha', Industry: 'Software', ARR: 100000, Employees: 50, Stage: 'Adopting', RenewalDate: '2027-03-31', Csm: ids.casey, Status: 'Active' },
      { Name: 'Q Beta', Industry: 'Software', ARR: 250000, Employees: 500, Stage: 'Expanding', RenewalDate: '2027-06-30', Csm: ids.dana, Status: 'Active' },
      { Name: 'Q Gamma', Industry: 'Retail', ARR: 50000, Stage: 'Adopting', Status: 'Inactive' },
    ]);
    [ids.delta, ids.epsilon] = await insert('Company', [
      { Name: 'Q Delta', Stage: 'Churned', ParentCompany: ids.alpha },
      { Name: 'Q Epsilon 100%_off', Industry: 'Fin_Tech', ARR: 100000, Employees: 7, Stage: 'Onboarding', RenewalDate: '2028-01-15', ParentCompany: ids.beta },
    ]);
    [ids.p1, ids.p2, ids.p3] = await insert('Person', [
      { FirstName: 'Pat', LastName: 'One', Email: 'p1@example.com', EmailOptOut: true },
      { FirstName: 'Pat', LastName: 'Two', Email: 'p2@example.com', EmailOptOut: false },
      { FirstName: 'Pat', LastName: 'Three', Email: 'p3@example.com' },
    ]);
    [ids.l1, ids.l2, ids.l3] = await insert('company_person', [
      { Company_ID: ids.alpha, Person_ID: ids.p1, Active: true, Role: 'Champion' },
      { Company_ID: ids.beta, Person_ID: ids.p2, Active: false, Role: 'Sponsor' },
      { Company_ID: ids.delta, Person_ID: ids.p3, Role: 'User' },
    ]);
  });

  const ALL = ['Q Alpha', 'Q Beta', 'Q Delta', 'Q Epsilon 100%_off', 'Q Gamma'];

  describe('select', () => {
    it('answers data {records} with exactly the selected keys', async () => {
      const res = await run('Company', { select: ['Name', 'ARR'], where: where([{ name: 'Name', operator: 'EQ', value: ['Q Alpha'] }]) });
      expect(res.body).toEqual({
        result: true,
        errorCode: null,
        errorDesc: null,
        requestId: expect.any(String),
        data: { records: [{ Name: 'Q Alpha', ARR: 100000 }] },
        message: null,
      });
    });

    it('select omitted or empty: every field, null when empty', async () => {
      for (const body of [{}, { select: [] }]) {
        const found = await records('Company', { ...body, where: where([{ name: 'Name', operator: 'EQ', value: ['Q Delta'] }]) });
        expect(found).toHaveLength(1);
        expect(Object.keys(found[0]).sort()).toEqual([...COMPANY_FIELDS].sort());
        expect(found[0]).toMatchObject({ Gsid: ids.delta, Name: 'Q Delta', Stage: 'Churned', ParentCompany: ids.alpha, ARR: null, Industry: null, Csm: null });
      }
    });

    it('selected fields without a value are null', async () => {
      const found = await records('Company', { select: ['Name', 'Industry', 'RenewalDate', 'Csm'], where: where([{ name: 'Gsid', operator: 'EQ', value: [ids.delta] }]) });
      expect(found).toEqual([{ Name: 'Q Delta', Industry: null, RenewalDate: null, Csm: null }]);
    });

    it('values come back typed: DATE as YYYY-MM-DD, DATETIME ISO with ms and Z, numbers as numbers, booleans', async () => {
      const [company] = await records('Company', {
        select: ['RenewalDate', 'CreatedDate', 'ModifiedDate', 'ARR', 'Employees'],
        where: where([{ name: 'Gsid', operator: 'EQ', value: [ids.alpha] }]),
      });
      expect(company.RenewalDate).toBe('2027-03-31');
      expect(company.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(company.ModifiedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(company.ARR).toBe(100000);
      expect(company.Employees).toBe(50);
      const people = await records('Person', { select: ['Email', 'EmailOptOut'], orderBy: { Email: 'asc' } });
      expect(people).toEqual([
        { Email: 'p1@example.com', EmailOptOut: true },
        { Email: 'p2@example.com', EmailOptOut: false },
        { Email: 'p3@example.com', EmailOptOut: null },
      ]);
    });

    it('keys are the select strings exactly as sent (Arr, gsid, NAME)', async () => {
      const found = await records('Company', { select: ['Arr', 'gsid', 'NAME'], where: where([{ name: 'Name', operator: 'EQ', value: ['Q Beta'] }]) });
      expect(found).toEqual([{ Arr: 250000, gsid: ids.beta, NAME: 'Q Beta' }]);
    });

    it('no match: records []', async () => {
      expect(await records('Company', { select: ['Name'], where: where([{ name: 'Name', operator: 'EQ', value: ['Nobody'] }]) })).toEqual([]);
    });

    it('unknown field in select, where or orderBy: 400 GSOBJ_1002 naming it', async () => {
      expectError(await run('Company', { select: ['Name', 'Revenue'] }), 400, 'GSOBJ_1002', 'Revenue');
      expectError(await run('Company', { select: ['Name'], where: where([{ name: 'Revenue', operator: 'GT', value: [1] }]) }), 400, 'GSOBJ_1002', 'Revenue');
      expectError(await run('Company', { select: ['Name'], orderBy: { Revenue: 'asc' } }), 400, 'GSOBJ_1002', 'Revenue');
    });

    it('unknown object: 400 GSAPI_4001 "Requested object not found."', async () => {
      const res = await run('Companyy', { select: ['Name'] });
      expectError(res, 400, 'GSAPI_4001');
      expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
    });

    it.each(['company', 'COMPANY', 'Company'])('object name %s is case-insensitive', async (object) => {
      expect((await records(object, { select: ['Name'] })).map((r) => r.Name).sort(byCodePoint)).toEqual(ALL);
    });

    it('every field describe returns is selectable, on every listed object', async () => {
      const list = await t.request('GET', '/v1/meta/services/objects/list');
      const objectNames: string[] = list.body.data.map((o: { objectName: string }) => o.objectName);
      expect(objectNames).toEqual(expect.arrayContaining(['Company', 'Person', 'company_person', 'gsuser']));
      for (const objectName of objectNames) {
        const described = await t.request('GET', `/v1/meta/services/objects/${objectName}/describe?ic=false&cl=0&idd=false&ihc=false&piec=false`);
        expect(described.status).toBe(200);
        const fields: string[] = described.body.data[0].fields.map((f: { fieldName: string }) => f.fieldName);
        const res = await run(objectName, { select: fields, limit: 5 });
        expect(res.status, `${objectName}: ${JSON.stringify(res.body)}`).toBe(200);
        for (const record of res.body.data.records) expect(Object.keys(record).sort()).toEqual([...fields].sort());
        // The whole list also works as where IS_NOT_NULL / orderBy on each filterable, sortable field.
        for (const field of described.body.data[0].fields) {
          if (field.meta.sortable) {
            const sortedRes = await run(objectName, { select: ['Gsid'], orderBy: { [field.fieldName]: 'desc' }, limit: 1 });
            expect(sortedRes.status, `${objectName}.${field.fieldName} sortable: ${JSON.stringify(sortedRes.body)}`).toBe(200);
          }
          if (field.meta.filterable) {
            const filtered = await run(objectName, { select: ['Gsid'], where: where([{ name: field.fieldName, operator: 'IS_NOT_NULL', value: [] }]), limit: 1 });
            expect(filtered.status, `${objectName}.${field.fieldName} filterable: ${JSON.stringify(filtered.body)}`).toBe(200);
          }
        }
      }
    });
  });

  describe('where: every operator', () => {
    it.each<[string, Condition, string[]]>([
      ['EQ', { name: 'Industry', operator: 'EQ', value: ['Software'] }, ['Q Alpha', 'Q Beta']],
      ['NE (empty included)', { name: 'Industry', operator: 'NE', value: ['Software'] }, ['Q Delta', 'Q Epsilon 100%_off', 'Q Gamma']],
      ['LT', { name: 'ARR', operator: 'LT', value: [100000] }, ['Q Gamma']],
      ['GT', { name: 'ARR', operator: 'GT', value: [100000] }, ['Q Beta']],
      ['LTE', { name: 'ARR', operator: 'LTE', value: [100000] }, ['Q Alpha', 'Q Epsilon 100%_off', 'Q Gamma']],
      ['GTE', { name: 'ARR', operator: 'GTE', value: [100000] }, ['Q Alpha', 'Q Beta', 'Q Epsilon 100%_off']],
      ['BTW (both ends)', { name: 'ARR', operator: 'BTW', value: [50000, 100000] }, ['Q Alpha', 'Q Epsilon 100%_off', 'Q Gamma']],
      ['IS_NULL', { name: 'Industry', operator: 'IS_NULL', value: [] }, ['Q Delta']],
      ['IS_NOT_NULL', { name: 'Employees', operator: 'IS_NOT_NULL', value: [] }, ['Q Alpha', 'Q Beta', 'Q Epsilon 100%_off']],
      ['CONTAINS (ignoring case)', { name: 'Name', operator: 'CONTAINS', value: ['LPH'] }, ['Q Alpha']],
      ['CONTAINS with literal % and _', { name: 'Name', operator: 'CONTAINS', value: ['0%_O'] }, ['Q Epsilon 100%_off']],
      ['CONTAINS: % is no wildcard', { name: 'Name', operator: 'CONTAINS', value: ['%'] }, ['Q Epsilon 100%_off']],
      ['DOES_NOT_CONTAINS (empty included)', { name: 'Industry', operator: 'DOES_NOT_CONTAINS', value: ['soft'] }, ['Q Delta', 'Q Epsilon 100%_off', 'Q Gamma']],
      ['STARTS_WITH', { name: 'Industry', operator: 'STARTS_WITH', value: ['ret'] }, ['Q Gamma']],
      ['ENDS_WITH (_ literal)', { name: 'Industry', operator: 'ENDS_WITH', value: ['_tech'] }, ['Q Epsilon 100%_off']],
      ['IN', { name: 'Stage', operator: 'IN', value: ['Adopting', 'Churned'] }, ['Q Alpha', 'Q Delta', 'Q Gamma']],
      ['NOT_IN (empty included)', { name: 'Industry', operator: 'NOT_IN', value: ['Software', 'Retail'] }, ['Q Delta', 'Q Epsilon 100%_off']],
      ['EQ on an integer', { name: 'Employees', operator: 'EQ', value: [500] }, ['Q Beta']],
      ['EQ on a DATE, YYYY-MM-DD', { name: 'RenewalDate', operator: 'EQ', value: ['2027-03-31'] }, ['Q Alpha']],
      ['EQ on a DATE, MM-DD-YYYY', { name: 'RenewalDate', operator: 'EQ', value: ['03-31-2027'] }, ['Q Alpha']],
      ['BTW on DATEs, mixed forms', { name: 'RenewalDate', operator: 'BTW', value: ['01-01-2027', '2027-06-30'] }, ['Q Alpha', 'Q Beta']],
      ['GT on a DATE, MM-DD-YYYY', { name: 'RenewalDate', operator: 'GT', value: ['06-30-2027'] }, ['Q Epsilon 100%_off']],
      ['IS_NULL on a DATE', { name: 'RenewalDate', operator: 'IS_NULL', value: [] }, ['Q Delta', 'Q Gamma']],
      ['field name case-insensitive (arr)', { name: 'arr', operator: 'GT', value: [200000] }, ['Q Beta']],
    ])('%s', async (_, condition, expected) => {
      expect(await names('Company', [condition])).toEqual(expected);
    });

    it('lookup values: EQ / IN on Csm and ParentCompany Gsids, IS_NULL on a lookup', async () => {
      expect(await names('Company', [{ name: 'Csm', operator: 'EQ', value: [ids.casey] }])).toEqual(['Q Alpha']);
      expect(await names('Company', [{ name: 'Csm', operator: 'IN', value: [ids.casey, ids.dana] }])).toEqual(['Q Alpha', 'Q Beta']);
      expect(await names('Company', [{ name: 'ParentCompany', operator: 'IS_NULL', value: [] }])).toEqual(['Q Alpha', 'Q Beta', 'Q Gamma']);
      expect(await names('Company', [{ name: 'Gsid', operator: 'EQ', value: [ids.gamma] }])).toEqual(['Q Gamma']);
    });

    it('booleans: [true], [false], IS_NULL, NE [true] (empty included), "true" strings', async () => {
      const emails = async (condition: Condition) =>
        (await records('Person', { select: ['Email'], where: where([condition]) })).map((r) => r.Email).sort(byCodePoint);
      expect(await emails({ name: 'EmailOptOut', operator: 'EQ', value: [true] })).toEqual(['p1@example.com']);
      expect(await emails({ name: 'EmailOptOut', operator: 'EQ', value: [false] })).toEqual(['p2@example.com']);
      expect(await emails({ name: 'EmailOptOut', operator: 'IS_NULL', value: [] })).toEqual(['p3@example.com']);
      expect(await emails({ name: 'EmailOptOut', operator: 'NE', value: [true] })).toEqual(['p2@example.com', 'p3@example.com']);
      expect(await emails({ name: 'EmailOptOut', operator: 'EQ', value: ['true'] })).toEqual(['p1@example.com']);
      const active = await records('company_person', { select: ['Gsid'], where: where([{ name: 'Active', operator: 'EQ', value: [true] }]) });
      expect(active).toEqual([{ Gsid: ids.l1 }]);
    });

    it.each<[string, Condition, string, string]>([
      ['Company', { name: 'ARR', operator: 'GT', value: ['abc'] }, 'GSOBJ_1008', 'ARR'],
      ['Company', { name: 'Employees', operator: 'EQ', value: [true] }, 'GSOBJ_1008', 'Employees'],
      ['Person', { name: 'EmailOptOut', operator: 'EQ', value: ['yes'] }, 'GSOBJ_1008', 'EmailOptOut'],
      ['Company', { name: 'RenewalDate', operator: 'EQ', value: ['2027-02-30'] }, 'GSOBJ_1006', 'RenewalDate'],
      ['Company', { name: 'RenewalDate', operator: 'EQ', value: ['31/03/2027'] }, 'GSOBJ_1006', 'RenewalDate'],
      ['Company', { name: 'CreatedDate', operator: 'GT', value: ['not a time'] }, 'GSOBJ_1005', 'CreatedDate'],
      ['Company', { name: 'ModifiedDate', operator: 'LT', value: ['2021-13-01T00:00:00Z'] }, 'GSOBJ_1005', 'ModifiedDate'],
      ['Company', { name: 'Csm', operator: 'EQ', value: ['nope'] }, 'GSOBJ_1004', 'Csm'],
    ])('bad value on %s %j: 400 %s naming %s', async (object, condition, code, field) => {
      const select = object === 'Person' ? ['Email'] : ['Name'];
      expectError(await run(object, { select, where: where([condition]) }), 400, code, field);
    });

    it('malformed where parts are 400s, never 5xx', async () => {
      const bad: unknown[] = [
        { conditions: [{ name: 'ARR', alias: 'A', operator: 'GT', value: 1 }], expression: 'A' },
        { conditions: [{ name: 'ARR', alias: 'A', operator: 'LIKE', value: [1] }], expression: 'A' },
        { conditions: [{ name: 'ARR', alias: 'A', operator: 'GT', value: [1] }], expression: 'A AND B' },
        { conditions: [{ name: 'ARR', alias: 'A', operator: 'GT', value: [1] }], expression: 'A AND' },
        { conditions: [{ name: 'ARR', alias: 'A', operator: 'BTW', value: [1] }], expression: 'A' },
        { conditions: [{ name: 'ARR', alias: 'A', operator: 'GT', value: [1] }], expression: '(A' },
      ];
      for (const w of bad) expectFailure(await run('Company', { select: ['Name'], where: w }), 400);
    });
  });

  describe('where: expressions', () => {
    // A: Alpha, Beta   B: Alpha, Gamma   C: Alpha, Beta, Epsilon
    const conditions: Condition[] = [
      { name: 'Industry', alias: 'A', operator: 'EQ', value: ['Software'] },
      { name: 'Stage', alias: 'B', operator: 'EQ', value: ['Adopting'] },
      { name: 'ARR', alias: 'C', operator: 'GT', value: [60000] },
    ];
    it.each([
      ['A OR B AND NOT C', ['Q Alpha', 'Q Beta', 'Q Gamma']],
      ['(A OR B) AND NOT C', ['Q Gamma']],
      ['A AND B OR C', ['Q Alpha', 'Q Beta', 'Q Epsilon 100%_off']],
      ['A AND (B OR C)', ['Q Alpha', 'Q Beta']],
      ['NOT A AND B', ['Q Gamma']],
      ['NOT (A AND B) AND (A OR B OR C)', ['Q Beta', 'Q Epsilon 100%_off', 'Q Gamma']],
      ['NOT C', ['Q Delta', 'Q Gamma']],
      ['((A))', ['Q Alpha', 'Q Beta']],
    ])('%s', async (expression, expected) => {
      // As in the reports: with an expression, every condition's alias must be used in it.
      const used = conditions.filter((c) => new RegExp(`\\b${c.alias}\\b`).test(expression));
      expect(await names('Company', used, expression)).toEqual(expected);
    });

    it('a condition whose alias the expression does not use is a 400', async () => {
      expectFailure(await run('Company', { select: ['Name'], where: { conditions, expression: 'A AND B' } }), 400);
    });

    it('without an expression, conditions are ANDed', async () => {
      const found = await records('Company', { select: ['Name'], where: { conditions: conditions.slice(0, 2) } });
      expect(found).toEqual([{ Name: 'Q Alpha' }]);
    });
  });

  describe('lenient date-time values', () => {
    let gsid: string;
    let created: Date;
    beforeAll(async () => {
      [gsid] = (await insert('Company', [{ Name: 'Q Timed' }])) as [string];
      created = new Date(
        (await records('Company', { select: ['CreatedDate'], where: where([{ name: 'Gsid', operator: 'EQ', value: [gsid] }]) }))[0].CreatedDate,
      );
    });

    async function matches(operator: string, value: unknown): Promise<boolean> {
      const found = await records('Company', {
        select: ['Gsid'],
        where: where([
          { name: 'Gsid', operator: 'EQ', value: [gsid] },
          { name: 'CreatedDate', operator, value: [value] },
        ]),
      });
      return found.length === 1;
    }

    const pad = (n: number) => String(n).padStart(2, '0');
    const datePart = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const secondPart = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const minutePart = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    const floor = (unit: number) => new Date(Math.floor(created.getTime() / unit) * unit);
    const ceil = (unit: number) => new Date(Math.floor(created.getTime() / unit) * unit + unit);

    it.each<[string, (d: Date) => string, number]>([
      ['2024-01-01T00:00:00+00:00', (d) => `${datePart(d)}T${secondPart(d)}+00:00`, 1000],
      ['2021-01-01T00:00Z', (d) => `${datePart(d)}T${minutePart(d)}Z`, 60_000],
      ['2021-01-01 00:00:00 (UTC)', (d) => `${datePart(d)} ${secondPart(d)}`, 1000],
      ['2021-01-01 (midnight UTC)', (d) => datePart(d), 86_400_000],
    ])('the form %s', async (_, format, unit) => {
      const before = format(floor(unit));
      const after = format(ceil(unit));
      expect(await matches('GTE', before), `GTE ${before}`).toBe(true);
      expect(await matches('LT', before), `LT ${before}`).toBe(false);
      expect(await matches('LT', after), `LT ${after}`).toBe(true);
      expect(await matches('GTE', after), `GTE ${after}`).toBe(false);
      expect(await matches('GT', after), `GT ${after}`).toBe(false);
      expect(await matches('LTE', before), `LTE ${before}`).toBe(created.getTime() === floor(unit).getTime());
    });

    it('epoch milliseconds', async () => {
      const ms = created.getTime();
      expect(await matches('GTE', ms)).toBe(true);
      expect(await matches('GT', ms)).toBe(false);
      expect(await matches('LT', ms + 1)).toBe(true);
      expect(await matches('LTE', ms - 1)).toBe(false);
      expect(await matches('EQ', ms)).toBe(true);
    });

    it('the exact ISO value returned matches EQ; BTW with mixed forms', async () => {
      expect(await matches('EQ', created.toISOString())).toBe(true);
      const found = await records('Company', {
        select: ['Gsid'],
        where: where([
          { name: 'Gsid', operator: 'EQ', value: [gsid] },
          { name: 'CreatedDate', operator: 'BTW', value: ['2021-01-01', created.getTime() + 60_000] },
        ]),
      });
      expect(found).toEqual([{ Gsid: gsid }]);
    });

    it('old dates in every form: all the fixture was created after 2021', async () => {
      for (const value of ['2024-01-01T00:00:00+00:00', '2021-01-01T00:00Z', '2021-01-01 00:00:00', '2021-01-01', Date.UTC(2021, 0, 1)]) {
        const found = await records('Company', { select: ['Name'], where: where([{ name: 'CreatedDate', operator: 'GT', value: [value] }]) });
        expect(found.length, String(value)).toBe(ALL.length + 1);
        const none = await records('Company', { select: ['Name'], where: where([{ name: 'ModifiedDate', operator: 'LT', value: [value] }]) });
        expect(none, String(value)).toEqual([]);
      }
    });
  });

  describe('lookups (X__gr.Field), flat verbatim keys', () => {
    const ONE = 'Company_ID__gr.Name';
    const TWO = 'Company_ID__gr.Csm__gr.Name';
    const THREE = 'Company_ID__gr.ParentCompany__gr.Csm__gr.Name';

    it('select: 1, 2 and 3 hops, null where a hop is empty', async () => {
      const found = await records('company_person', { select: ['Gsid', ONE, TWO, THREE, 'Person_ID__gr.Email'], orderBy: { 'Person_ID__gr.Email': 'asc' } });
      expect(found).toEqual([
        { Gsid: ids.l1, [ONE]: 'Q Alpha', [TWO]: 'Casey Csm', [THREE]: null, 'Person_ID__gr.Email': 'p1@example.com' },
        { Gsid: ids.l2, [ONE]: 'Q Beta', [TWO]: 'Dana Lead', [THREE]: null, 'Person_ID__gr.Email': 'p2@example.com' },
        { Gsid: ids.l3, [ONE]: 'Q Delta', [TWO]: null, [THREE]: 'Casey Csm', 'Person_ID__gr.Email': 'p3@example.com' },
      ]);
    });

    it('select on Company: Csm__gr and ParentCompany__gr fields', async () => {
      const found = await records('Company', {
        select: ['Name', 'Csm__gr.Name', 'Csm__gr.Email', 'ParentCompany__gr.Name', 'ParentCompany__gr.Csm__gr.FirstName'],
        where: where([{ name: 'Name', operator: 'IN', value: ['Q Alpha', 'Q Delta', 'Q Epsilon 100%_off'] }]),
        orderBy: { Name: 'asc' },
      });
      expect(found).toEqual([
        { Name: 'Q Alpha', 'Csm__gr.Name': 'Casey Csm', 'Csm__gr.Email': 'casey.csm@example.com', 'ParentCompany__gr.Name': null, 'ParentCompany__gr.Csm__gr.FirstName': null },
        { Name: 'Q Delta', 'Csm__gr.Name': null, 'Csm__gr.Email': null, 'ParentCompany__gr.Name': 'Q Alpha', 'ParentCompany__gr.Csm__gr.FirstName': 'Casey' },
        { Name: 'Q Epsilon 100%_off', 'Csm__gr.Name': null, 'Csm__gr.Email': null, 'ParentCompany__gr.Name': 'Q Beta', 'ParentCompany__gr.Csm__gr.FirstName': 'Dana' },
      ]);
    });

    it('where: 1, 2 and 3 hops', async () => {
      const gsids = async (conditions: Condition[]) =>
        (await records('company_person', { select: ['Gsid'], where: where(conditions) })).map((r) => r.Gsid).sort();
      expect(await gsids([{ name: ONE, operator: 'STARTS_WITH', value: ['q b'] }])).toEqual([ids.l2]);
      expect(await gsids([{ name: TWO, operator: 'EQ', value: ['Casey Csm'] }])).toEqual([ids.l1]);
      expect(await gsids([{ name: THREE, operator: 'EQ', value: ['Casey Csm'] }])).toEqual([ids.l3]);
      expect(await gsids([{ name: TWO, operator: 'IS_NULL', value: [] }])).toEqual([ids.l3]);
      expect(await gsids([{ name: 'Company_ID__gr.ARR', operator: 'GTE', value: [100000] }])).toEqual([ids.l1, ids.l2].sort());
      expect(await gsids([{ name: 'Company_ID__gr.Csm', operator: 'EQ', value: [ids.dana] }])).toEqual([ids.l2]);
    });

    it('orderBy on 1 and 2 hops, with the lookup also in select', async () => {
      const desc = await records('company_person', { select: ['Gsid', ONE], orderBy: { [ONE]: 'desc' } });
      expect(desc.map((r) => r[ONE])).toEqual(['Q Delta', 'Q Beta', 'Q Alpha']);
      const twoHops = await records('company_person', {
        select: ['Gsid'],
        where: where([{ name: TWO, operator: 'IS_NOT_NULL', value: [] }]),
        orderBy: { [TWO]: 'DESC' },
      });
      expect(twoHops.map((r) => r.Gsid)).toEqual([ids.l2, ids.l1]);
      const viaCompany = await records('Company', {
        select: ['Name'],
        where: where([{ name: 'Csm__gr.Name', operator: 'IS_NOT_NULL', value: [] }]),
        orderBy: { 'Csm__gr.Name': 'desc' },
      });
      expect(viaCompany.map((r) => r.Name)).toEqual(['Q Beta', 'Q Alpha']);
    });

    it('more than 3 hops, an unknown lookup and an unknown field behind a lookup are 400s', async () => {
      expectFailure(await run('company_person', { select: ['Company_ID__gr.ParentCompany__gr.ParentCompany__gr.Csm__gr.Name'] }), 400);
      expectFailure(await run('company_person', { select: ['Nothing__gr.Name'] }), 400, 'Nothing');
      expectError(await run('company_person', { select: ['Company_ID__gr.Bogus'] }), 400, 'GSOBJ_1002', 'Bogus');
      expectFailure(await run('Company', { select: ['Name__gr.Name'] }), 400);
    });
  });

  describe('orderBy', () => {
    it('one key, asc and desc in any case', async () => {
      for (const direction of ['asc', 'ASC', 'Asc']) {
        const asc = await records('Company', { select: ['Name'], where: where([{ name: 'Name', operator: 'IN', value: ALL }]), orderBy: { Name: direction } });
        expect(asc.map((r) => r.Name)).toEqual([...ALL].sort(byCodePoint));
      }
      for (const direction of ['DESC', 'Desc', 'desc']) {
        const desc = await records('Company', { select: ['Name'], where: where([{ name: 'Name', operator: 'IN', value: ALL }]), orderBy: { name: direction } });
        expect(desc.map((r) => r.Name)).toEqual([...ALL].sort(byCodePoint).reverse());
      }
    });

    it('several keys in order: {Industry: asc, ARR: desc}', async () => {
      const found = await records('Company', {
        select: ['Name'],
        where: where([{ name: 'Industry', operator: 'IS_NOT_NULL', value: [] }]),
        orderBy: { Industry: 'asc', ARR: 'DESC' },
      });
      // Fin_Tech, Retail, Software (Beta 250000, Alpha 100000): code point order.
      expect(found.map((r) => r.Name)).toEqual(['Q Epsilon 100%_off', 'Q Gamma', 'Q Beta', 'Q Alpha']);
    });

    it('ties end on Gsid (ascending)', async () => {
      const found = await records('Company', {
        select: ['Name', 'Gsid'],
        where: where([{ name: 'ARR', operator: 'IS_NOT_NULL', value: [] }]),
        orderBy: { ARR: 'desc' },
      });
      const tied = [ids.alpha!, ids.epsilon!].sort();
      expect(found.map((r) => r.Gsid)).toEqual([ids.beta, ...tied, ids.gamma]);
      const byStage = await records('Company', {
        select: ['Gsid'],
        where: where([{ name: 'Stage', operator: 'EQ', value: ['Adopting'] }]),
        orderBy: { Stage: 'asc' },
      });
      expect(byStage.map((r) => r.Gsid)).toEqual([ids.alpha!, ids.gamma!].sort());
    });

    it('the contract example {ModifiedDate: desc, Gsid: asc}', async () => {
      const found = await records('Company', { select: ['Gsid', 'ModifiedDate'], orderBy: { ModifiedDate: 'desc', Gsid: 'asc' } });
      const expected = [...found].sort((a, b) => byCodePoint(b.ModifiedDate, a.ModifiedDate) || byCodePoint(a.Gsid, b.Gsid));
      expect(found).toEqual(expected);
      expect(found.length).toBeGreaterThanOrEqual(ALL.length);
    });

    it('a direction other than asc/desc is a 400', async () => {
      expectFailure(await run('Company', { select: ['Name'], orderBy: { Name: 'up' } }), 400, 'Name');
    });
  });

  describe('limit and offset', () => {
    it('pages through a stable order', async () => {
      const all = (await records('Company', { select: ['Gsid'], orderBy: { Name: 'asc' } })).map((r) => r.Gsid);
      const paged: string[] = [];
      for (let offset = 0; offset < all.length + 2; offset += 2) {
        const page = await records('Company', { select: ['Gsid'], orderBy: { Name: 'asc' }, limit: 2, offset });
        expect(page.length).toBeLessThanOrEqual(2);
        paged.push(...page.map((r) => r.Gsid));
      }
      expect(paged).toEqual(all);
      expect(await records('Company', { select: ['Gsid'], limit: 10, offset: 1000 })).toEqual([]);
    });

    it('limit 5000 is accepted; 5001: 400 GSOBJ_1008 naming limit', async () => {
      expect((await run('Company', { select: ['Gsid'], limit: 5000 })).status).toBe(200);
      expectError(await run('Company', { select: ['Gsid'], limit: 5001 }), 400, 'GSOBJ_1008', 'limit');
    });

    it('default limit 100, default offset 0', async () => {
      const local = await createTestApp(backend);
      try {
        for (let batch = 0; batch < 3; batch++) {
          const res = await local.request('POST', '/v1/data/objects/Company', {
            body: { records: Array.from({ length: 50 }, (_, i) => ({ Name: `Bulk ${String(batch * 50 + i).padStart(3, '0')}` })) },
          });
          expect(res.status).toBe(200);
        }
        const page = await local.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Name'], orderBy: { Name: 'asc' } } });
        expect(page.body.data.records).toHaveLength(100);
        expect(page.body.data.records[0].Name).toBe('Bulk 000');
        const rest = await local.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Name'], orderBy: { Name: 'asc' }, offset: 100 } });
        expect(rest.body.data.records.map((r: { Name: string }) => r.Name)).toEqual(
          Array.from({ length: 50 }, (_, i) => `Bulk ${String(100 + i).padStart(3, '0')}`),
        );
      } finally {
        await local.close();
      }
    });
  });
});
