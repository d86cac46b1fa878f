/**
 * The NXT data API, replayed from the contract (notes/nxt-contract.md): insert, update by keys,
 * get and delete under /v1/data/objects, with bodies as real clients send them, every error code
 * with its status and the field it names, and "nothing written" after every failed batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

const GSID = /^[0-9A-Z]{36}$/;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MISSING_ID = 'Z'.repeat(36);
const OBJECT_NOT_FOUND = 'Requested object not found.';

const COMPANY_FIELDS = [
  'Gsid', 'Name', 'Industry', 'ARR', 'Stage', 'Status', 'CSMName', 'Employees', 'OriginalContractDate', 'RenewalDate',
  'Csm', 'ParentCompany', 'Mrr', 'Users', 'LifecycleInWeeks', 'CustomerlifetimeInMonths', 'CompanyType', 'ManagedAs',
  'Tags', 'TickerSymbol', 'SfdcAccountId', 'BillingAddress', 'Summary', 'IndustryNew', 'CreatedDate', 'ModifiedDate',
];
const PERSON_FIELDS = [
  'Gsid', 'FirstName', 'LastName', 'Email', 'Role', 'Location', 'Name', 'MiddleName', 'LinkedinUrl', 'Timezone',
  'Comments', 'EmailOptOut', 'DynamicResolutionKey', 'MasterRecordID', 'MasterAvatarTypeCode', 'CreatedDate',
  'ModifiedDate',
];
const LINK_FIELDS = ['Gsid', 'Company_ID', 'Person_ID', 'Role', 'Title', 'Active', 'CreatedDate', 'ModifiedDate'];
const GSUSER_FIELDS = [
  'Gsid', 'Name', 'FirstName', 'LastName', 'Email', 'Title', 'LicenseType', 'SFDCUserName', 'IsActiveUser',
  'CreatedDate', 'ModifiedDate',
];
const sorted = (names: readonly string[]) => [...names].sort();

describeEachBackend('NXT data API: insert, update, get, delete', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  let sequence = 0;
  const unique = (prefix: string) => `${prefix} ${++sequence}`;
  const email = (prefix = 'nxt') => `${prefix}.${++sequence}@example.com`;

  async function insert(object: string, records: unknown[]): Promise<string[]> {
    const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
  }

  async function get(object: string, gsid: string): Promise<any> {
    const res = await t.request('GET', `/v1/data/objects/${object}/${gsid}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.records).toHaveLength(1);
    return res.body.data.records[0];
  }

  async function query(object: string, body: Record<string, unknown>): Promise<any[]> {
    const res = await t.request('POST', `/v1/data/objects/query/${object}`, { body: { limit: 5000, ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  /** Every Gsid of an object (the suite's databases stay small). */
  async function allGsids(object: string): Promise<string[]> {
    return (await query(object, { select: ['Gsid'] })).map((r) => r.Gsid).sort();
  }

  async function newUser(first = 'Casey', last = unique('User')): Promise<string> {
    return (await insert('gsuser', [{ FirstName: first, LastName: last, Email: email('user') }]))[0]!;
  }

  async function newPerson(extra: Record<string, unknown> = {}): Promise<string> {
    return (await insert('Person', [{ FirstName: 'Pat', LastName: unique('Person'), Email: email('person'), ...extra }]))[0]!;
  }

  const full = {
    Name: 'Acme Corp',
    Industry: 'Software',
    ARR: 125000.5,
    Stage: 'Adopting',
    Status: 'Active',
    CSMName: 'Avery Chen',
    Employees: 420,
    OriginalContractDate: '2023-02-28',
    RenewalDate: '2024-02-29',
    Mrr: 10416.71,
    Users: 35,
    LifecycleInWeeks: 12,
    CustomerlifetimeInMonths: 30,
    CompanyType: 'Customer',
    ManagedAs: 'Enterprise',
    Tags: 'strategic;emea',
    TickerSymbol: 'ACME',
    SfdcAccountId: '0015g00000XyZaBAAV',
    BillingAddress: '1 Main St, Springfield',
    Summary: 'Long-time customer.',
    IndustryNew: 'SaaS',
  };

  describe('insert', () => {
    it('answers the exact success envelope with count, errors null and one {Gsid} per record', async () => {
      const res = await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ ...full, Name: unique('Acme') }] } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        result: true,
        errorCode: null,
        errorDesc: null,
        requestId: res.headers['x-request-id'],
        data: { count: 1, errors: null, records: [{ Gsid: expect.stringMatching(GSID) }] },
        message: null,
      });
    });

    it('stores every writable Company field; GET answers every field, null when empty', async () => {
      const name = unique('Acme');
      const [gsid] = await insert('Company', [{ ...full, Name: name }]);
      const record = await get('Company', gsid!);
      expect(sorted(Object.keys(record))).toEqual(sorted(COMPANY_FIELDS));
      expect(record).toEqual({
        ...full,
        Name: name,
        Gsid: gsid,
        Csm: null,
        ParentCompany: null,
        CreatedDate: expect.stringMatching(ISO_DATE_TIME),
        ModifiedDate: expect.stringMatching(ISO_DATE_TIME),
      });
    });

    it('a sparse record has every other field present as null', async () => {
      const name = unique('Sparse');
      const [gsid] = await insert('Company', [{ Name: name }]);
      const record = await get('Company', gsid!);
      for (const field of COMPANY_FIELDS) {
        if (['Gsid', 'Name', 'CreatedDate', 'ModifiedDate'].includes(field)) continue;
        expect(record[field], field).toBeNull();
      }
      expect(record.Name).toBe(name);
    });

    it('several records: count N and Gsids in input order', async () => {
      const names = [unique('Order A'), unique('Order B'), unique('Order C')];
      const res = await t.request('POST', '/v1/data/objects/Company', { body: { records: names.map((Name) => ({ Name })) } });
      expect(res.body.data.count).toBe(3);
      expect(res.body.data.errors).toBeNull();
      const gsids = res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
      expect(new Set(gsids).size).toBe(3);
      for (const [i, gsid] of gsids.entries()) expect((await get('Company', gsid)).Name).toBe(names[i]);
    });

    it('accepts exactly 50 records in one call', async () => {
      const tag = unique('Fifty');
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: Array.from({ length: 50 }, (_, i) => ({ Name: `${tag} ${i}`, Industry: tag })) },
      });
      expect(res.status).toBe(200);
      expect(res.body.data.count).toBe(50);
      expect(res.body.data.records).toHaveLength(50);
      const found = await query('Company', { where: { conditions: [{ name: 'Industry', alias: 'A', operator: 'EQ', value: [tag] }], expression: 'A' } });
      expect(found).toHaveLength(50);
    });

    it('numbers as decimal strings, as Pipedream sends them ("ARR":"120000")', async () => {
      const [gsid] = await insert('Company', [{ Name: unique('Strings'), ARR: '120000', Mrr: '-1.5', Employees: '42', Users: '7' }]);
      const record = await get('Company', gsid!);
      expect(record.ARR).toBe(120000);
      expect(record.Mrr).toBe(-1.5);
      expect(record.Employees).toBe(42);
      expect(record.Users).toBe(7);
    });

    it('booleans: true/false and "true"/"false"', async () => {
      const gsids = await insert('Person', [
        { Email: email('b1'), EmailOptOut: true },
        { Email: email('b2'), EmailOptOut: false },
        { Email: email('b3'), EmailOptOut: 'true' },
        { Email: email('b4'), EmailOptOut: 'false' },
        { Email: email('b5') },
      ]);
      const values = [];
      for (const gsid of gsids) values.push((await get('Person', gsid)).EmailOptOut);
      expect(values).toEqual([true, false, true, false, null]);
    });

    it('field names: exact, else case-insensitive (Arr, name, STAGE, industry)', async () => {
      const name = unique('Cased');
      const [gsid] = await insert('Company', [{ name, Arr: 5000, STAGE: 'Onboarding', industry: 'Retail' }]);
      const record = await get('Company', gsid!);
      expect(record).toMatchObject({ Name: name, ARR: 5000, Stage: 'Onboarding', Industry: 'Retail' });
      expect(record).not.toHaveProperty('Arr');
    });

    it.each(['company', 'Company', 'COMPANY', 'cOmPaNy'])('object names are case-insensitive: %s', async (object) => {
      const name = unique(`Obj ${object}`);
      const [gsid] = await insert(object, [{ Name: name }]);
      expect((await get('Company', gsid!)).Name).toBe(name);
      expect((await get(object, gsid!)).Name).toBe(name);
    });

    it('Person: every field, Name defaults to "FirstName LastName", an explicit Name is kept', async () => {
      const person = {
        FirstName: 'Ada',
        LastName: 'Lovelace',
        Email: email('ada'),
        Role: 'VP Engineering',
        Location: 'London',
        MiddleName: 'King',
        LinkedinUrl: 'https://www.linkedin.com/in/ada',
        Timezone: 'Europe/London',
        Comments: 'First programmer',
        EmailOptOut: false,
        DynamicResolutionKey: 'drk-1',
        MasterRecordID: 'mr-1',
        MasterAvatarTypeCode: 'PERSON',
      };
      const [gsid, named] = await insert('Person', [person, { FirstName: 'Grace', LastName: 'Hopper', Name: 'Amazing Grace', Email: email('grace') }]);
      const record = await get('Person', gsid!);
      expect(sorted(Object.keys(record))).toEqual(sorted(PERSON_FIELDS));
      expect(record).toEqual({
        ...person,
        Name: 'Ada Lovelace',
        Gsid: gsid,
        CreatedDate: expect.stringMatching(ISO_DATE_TIME),
        ModifiedDate: expect.stringMatching(ISO_DATE_TIME),
      });
      expect((await get('person', named!)).Name).toBe('Amazing Grace');
    });

    it('gsuser: Email required, Name defaults to "FirstName LastName", booleans stored', async () => {
      const address = email('csm');
      const [gsid] = await insert('gsuser', [
        { FirstName: 'Casey', LastName: 'Morgan', Email: address, Title: 'CSM', LicenseType: 'Full', SFDCUserName: 'casey@sf', IsActiveUser: 'true' },
      ]);
      const record = await get('gsuser', gsid!);
      expect(sorted(Object.keys(record))).toEqual(sorted(GSUSER_FIELDS));
      expect(record).toMatchObject({ Name: 'Casey Morgan', Email: address, IsActiveUser: true, Title: 'CSM' });
    });

    it('Company lookups Csm (gsuser) and ParentCompany (Company) store the referenced Gsids', async () => {
      const user = await newUser();
      const [parent] = await insert('Company', [{ Name: unique('Parent') }]);
      const [child] = await insert('Company', [{ Name: unique('Child'), Csm: user, ParentCompany: parent }]);
      expect(await get('Company', child!)).toMatchObject({ Csm: user, ParentCompany: parent });
    });

    it('company_person links a company and a person; a second link of the same pair is 409 GSAPI_4090', async () => {
      const [company] = await insert('Company', [{ Name: unique('Linked') }]);
      const person = await newPerson();
      const [link] = await insert('company_person', [{ Company_ID: company, Person_ID: person, Role: 'Champion', Title: 'CTO', Active: true }]);
      const record = await get('company_person', link!);
      expect(sorted(Object.keys(record))).toEqual(sorted(LINK_FIELDS));
      expect(record).toMatchObject({ Company_ID: company, Person_ID: person, Role: 'Champion', Title: 'CTO', Active: true });
      const before = await allGsids('company_person');
      const again = await t.request('POST', '/v1/data/objects/company_person', { body: { records: [{ Company_ID: company, Person_ID: person }] } });
      expectError(again, 409, 'GSAPI_4090');
      expect(await allGsids('company_person')).toEqual(before);
    });
  });

  describe('insert failures (nothing written)', () => {
    it('a bad value in records[1]: 400 GSOBJ_1008 naming records[1] and ARR, the failure data, nothing written', async () => {
      const tag = unique('Batch');
      const before = await allGsids('Company');
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: [{ Name: `${tag} a` }, { Name: `${tag} b`, ARR: 'abc' }, { Name: `${tag} c` }] },
      });
      expectError(res, 400, 'GSOBJ_1008', 'ARR');
      expect(res.body.errorDesc).toContain('records[1]');
      expect(res.body.message).toBe(res.body.errorDesc);
      expect(res.body.data).toEqual({
        count: 0,
        records: null,
        errors: [
          {
            index: 1,
            success: false,
            errors: [{ fieldName: 'ARR', errorCode: 'GSOBJ_1008', errorMessage: expect.any(String), invalidValue: 'abc' }],
          },
        ],
      });
      expect(await allGsids('Company')).toEqual(before);
    });

    it('two invalid records: the first problem in errorCode/errorDesc, one errors entry per invalid record', async () => {
      const before = await allGsids('Company');
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: [{ Industry: 'No name' }, { Name: unique('Fine') }, { Name: unique('Bad'), Employees: 'many' }] },
      });
      expectError(res, 400, 'GSOBJ_1007', 'Name');
      expect(res.body.errorDesc).toContain('records[0]');
      expect(res.body.data.count).toBe(0);
      expect(res.body.data.records).toBeNull();
      expect(res.body.data.errors.map((e: { index: number }) => e.index)).toEqual([0, 2]);
      expect(res.body.data.errors[0]).toMatchObject({ success: false, errors: [{ fieldName: 'Name', errorCode: 'GSOBJ_1007' }] });
      expect(res.body.data.errors[1]).toMatchObject({
        success: false,
        errors: [{ fieldName: 'Employees', errorCode: 'GSOBJ_1008', invalidValue: 'many' }],
      });
      expect(await allGsids('Company')).toEqual(before);
    });

    it.each([
      ['no records key', {}],
      ['records: []', { records: [] }],
      ['records: null', { records: null }],
    ])('%s: 400 GSOBJ_1007 naming records', async (_, body) => {
      expectError(await t.request('POST', '/v1/data/objects/Company', { body }), 400, 'GSOBJ_1007', 'records');
    });

    it('51 records: 400 GSOBJ_1008 naming records, none written', async () => {
      const before = await allGsids('Company');
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: Array.from({ length: 51 }, (_, i) => ({ Name: `Too many ${i}` })) },
      });
      expectError(res, 400, 'GSOBJ_1008', 'records');
      expect(await allGsids('Company')).toEqual(before);
    });

    it.each([
      ['Company', { Name: 'x', ARR: 'abc' }, 'GSOBJ_1008', 'ARR', 'abc'],
      ['Company', { Name: 'x', ARR: '12abc' }, 'GSOBJ_1008', 'ARR', '12abc'],
      ['Company', { Name: 'x', ARR: true }, 'GSOBJ_1008', 'ARR', true],
      ['Company', { Name: 'x', Mrr: [1] }, 'GSOBJ_1008', 'Mrr', [1]],
      ['Company', { Name: 'x', Employees: 1.5 }, 'GSOBJ_1008', 'Employees', 1.5],
      ['Company', { Name: 'x', Users: {} }, 'GSOBJ_1008', 'Users', {}],
      ['Person', { Email: 'bool.yes@example.com', EmailOptOut: 'yes' }, 'GSOBJ_1008', 'EmailOptOut', 'yes'],
      ['Person', { Email: 'bool.one@example.com', EmailOptOut: 1 }, 'GSOBJ_1008', 'EmailOptOut', 1],
      ['gsuser', { Email: 'bool.user@example.com', IsActiveUser: 'yes' }, 'GSOBJ_1008', 'IsActiveUser', 'yes'],
      ['Company', { Name: 'x', Csm: 'abc' }, 'GSOBJ_1004', 'Csm', 'abc'],
      ['Company', { Name: 'x', ParentCompany: 'a'.repeat(36) }, 'GSOBJ_1004', 'ParentCompany', 'a'.repeat(36)],
      ['Company', { Name: 'x', RenewalDate: '2026-02-30' }, 'GSOBJ_1006', 'RenewalDate', '2026-02-30'],
      ['Company', { Name: 'x', OriginalContractDate: 'yesterday' }, 'GSOBJ_1006', 'OriginalContractDate', 'yesterday'],
      ['Company', { Industry: 'x' }, 'GSOBJ_1007', 'Name', undefined],
      ['Company', { Name: null }, 'GSOBJ_1007', 'Name', undefined],
      ['Company', { Name: 'x', Bogus: 1 }, 'GSOBJ_1002', 'Bogus', undefined],
      ['Person', { Email: 'with.companyid@example.com', CompanyId: MISSING_ID }, 'GSOBJ_1002', 'CompanyId', undefined],
      ['gsuser', { FirstName: 'No', LastName: 'Email' }, 'GSOBJ_1007', 'Email', undefined],
    ])('%s %j: 400 %s naming records[0] and %s, nothing written', async (object, record, code, field, invalidValue) => {
      const before = await allGsids(object);
      const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records: [record] } });
      expectError(res, 400, code, field);
      expect(res.body.errorDesc).toContain('records[0]');
      expect(res.body.data).toMatchObject({ count: 0, records: null, errors: [{ index: 0, success: false }] });
      expect(res.body.data.errors).toHaveLength(1);
      const problem = res.body.data.errors[0].errors.find((e: { fieldName: string }) => e.fieldName === field);
      expect(problem, JSON.stringify(res.body.data)).toMatchObject({ errorCode: code, errorMessage: expect.any(String) });
      if (invalidValue !== undefined) expect(problem.invalidValue).toEqual(invalidValue);
      expect(await allGsids(object)).toEqual(before);
    });

    it('company_person without Company_ID or Person_ID: 400 GSOBJ_1007 naming the field', async () => {
      const [company] = await insert('Company', [{ Name: unique('Half link') }]);
      const person = await newPerson();
      const before = await allGsids('company_person');
      expectError(await t.request('POST', '/v1/data/objects/company_person', { body: { records: [{ Person_ID: person }] } }), 400, 'GSOBJ_1007', 'Company_ID');
      expectError(await t.request('POST', '/v1/data/objects/company_person', { body: { records: [{ Company_ID: company }] } }), 400, 'GSOBJ_1007', 'Person_ID');
      expectError(
        await t.request('POST', '/v1/data/objects/company_person', { body: { records: [{ Company_ID: 'nope', Person_ID: person }] } }),
        400,
        'GSOBJ_1004',
        'Company_ID',
      );
      expectError(
        await t.request('POST', '/v1/data/objects/company_person', { body: { records: [{ Company_ID: company, Person_ID: person, Active: 'yes' }] } }),
        400,
        'GSOBJ_1008',
        'Active',
      );
      expect(await allGsids('company_person')).toEqual(before);
    });

    it('a string one character over the described length: 400 GSOBJ_1001 naming the field', async () => {
      const describe = await t.request('GET', '/v1/meta/services/objects/Company/describe');
      const nameField = describe.body.data[0].fields.find((f: { fieldName: string }) => f.fieldName === 'Name');
      const length = typeof nameField?.meta?.length === 'number' && nameField.meta.length > 0 ? nameField.meta.length : 255;
      const before = await allGsids('Company');
      const res = await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'N'.repeat(length + 1) }] } });
      expectError(res, 400, 'GSOBJ_1001', 'Name');
      expect(res.body.errorDesc).toContain('records[0]');
      expect(await allGsids('Company')).toEqual(before);
      // Exactly the length is fine.
      await insert('Company', [{ Name: 'N'.repeat(length) }]);
    });

    it('a duplicate Email (ignoring case) is 409 GSAPI_4090 for Person and gsuser; nothing of the batch is written', async () => {
      const taken = email('Taken');
      await insert('Person', [{ FirstName: 'Owner', Email: taken }]);
      const before = await allGsids('Person');
      const res = await t.request('POST', '/v1/data/objects/Person', {
        body: { records: [{ FirstName: 'Fresh', Email: email('fresh') }, { FirstName: 'Dup', Email: taken.toUpperCase() }] },
      });
      expectError(res, 409, 'GSAPI_4090', 'Email');
      expect(await allGsids('Person')).toEqual(before);

      const userEmail = email('UserTaken');
      await insert('gsuser', [{ FirstName: 'U', Email: userEmail }]);
      const users = await allGsids('gsuser');
      expectError(
        await t.request('POST', '/v1/data/objects/gsuser', { body: { records: [{ FirstName: 'V', Email: userEmail.toLowerCase() }] } }),
        409,
        'GSAPI_4090',
        'Email',
      );
      expect(await allGsids('gsuser')).toEqual(users);
    });

    it('the same Email twice in one batch is 409 GSAPI_4090 and writes nothing', async () => {
      const before = await allGsids('Person');
      const address = email('twice');
      const res = await t.request('POST', '/v1/data/objects/Person', {
        body: { records: [{ Email: address }, { Email: address.toUpperCase() }] },
      });
      expectError(res, 409, 'GSAPI_4090', 'Email');
      expect(await allGsids('Person')).toEqual(before);
    });

    it.each(['Compnay', 'Companies', 'nothing', 'company_people'])(
      'unknown object %s: 400 GSAPI_4001 "Requested object not found.", nothing written',
      async (object) => {
        const before = await allGsids('Company');
        const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records: [{ Name: 'Ghost' }] } });
        expectError(res, 400, 'GSAPI_4001');
        expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
        expect(res.body.message).toBe(OBJECT_NOT_FOUND);
        expect(await allGsids('Company')).toEqual(before);
      },
    );
  });

  describe('update (PUT ?keys=)', () => {
    it('keys=Name: updates the matching record, keeps unsent fields, answers count and {Gsid}s', async () => {
      const name = unique('Upd');
      const [gsid] = await insert('Company', [{ ...full, Name: name }]);
      const before = await get('Company', gsid!);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name', {
        body: { records: [{ Name: name, ARR: '130000', Stage: 'Expanding' }] },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        result: true,
        errorCode: null,
        errorDesc: null,
        requestId: expect.any(String),
        data: { count: 1, errors: null, records: [{ Gsid: gsid }] },
        message: null,
      });
      const after = await get('Company', gsid!);
      expect(after).toEqual({ ...before, ARR: 130000, Stage: 'Expanding', ModifiedDate: after.ModifiedDate });
      expect(after.ModifiedDate > before.ModifiedDate).toBe(true);
      expect(after.CreatedDate).toBe(before.CreatedDate);
    });

    it('keys=Gsid', async () => {
      const [gsid] = await insert('Company', [{ Name: unique('ByGsid') }]);
      const res = await t.request('PUT', '/v1/data/objects/company?keys=Gsid', { body: { records: [{ Gsid: gsid, Industry: 'Robotics' }] } });
      expect(res.body.data).toEqual({ count: 1, errors: null, records: [{ Gsid: gsid }] });
      expect((await get('Company', gsid!)).Industry).toBe('Robotics');
    });

    it('two and three keys are ANDed', async () => {
      const name = unique('Twin');
      const [software, retail] = await insert('Company', [
        { Name: name, Industry: 'Software', Status: 'Active' },
        { Name: name, Industry: 'Retail', Status: 'Active' },
      ]);
      const two = await t.request('PUT', '/v1/data/objects/Company?keys=Name,Industry', {
        body: { records: [{ Name: name, Industry: 'Retail', Employees: 10 }] },
      });
      expect(two.body.data).toEqual({ count: 1, errors: null, records: [{ Gsid: retail }] });
      const three = await t.request('PUT', '/v1/data/objects/Company?keys=Name,Industry,Status', {
        body: { records: [{ Name: name, Industry: 'Software', Status: 'Active', Employees: 20 }] },
      });
      expect(three.body.data).toEqual({ count: 1, errors: null, records: [{ Gsid: software }] });
      expect((await get('Company', software!)).Employees).toBe(20);
      expect((await get('Company', retail!)).Employees).toBe(10);
    });

    it('a key value matching several records updates all of them: count is the number of records updated', async () => {
      const industry = unique('Shared industry');
      const gsids = await insert('Company', [
        { Name: unique('Many'), Industry: industry },
        { Name: unique('Many'), Industry: industry },
        { Name: unique('Many'), Industry: industry },
      ]);
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Industry', { body: { records: [{ Industry: industry, Status: 'Bulk' }] } });
      expect(res.status).toBe(200);
      expect(res.body.data.count).toBe(3);
      expect(res.body.data.records.map((r: { Gsid: string }) => r.Gsid).sort()).toEqual([...gsids].sort());
      for (const gsid of gsids) expect((await get('Company', gsid)).Status).toBe('Bulk');
    });

    it('several input records, each by its own key values', async () => {
      const [a, b] = [unique('Multi A'), unique('Multi B')];
      const [ga, gb] = await insert('Company', [{ Name: a }, { Name: b }]);
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name', {
        body: { records: [{ Name: a, Employees: 1 }, { Name: b, Employees: 2 }] },
      });
      expect(res.body.data.count).toBe(2);
      expect(res.body.data.records).toEqual([{ Gsid: ga }, { Gsid: gb }]);
      expect((await get('Company', ga!)).Employees).toBe(1);
      expect((await get('Company', gb!)).Employees).toBe(2);
    });

    it('field case rule applies to keys values and fields in the records (name, Arr)', async () => {
      const name = unique('Recase');
      const [gsid] = await insert('Company', [{ Name: name }]);
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: { records: [{ name, Arr: 99 }] } });
      expect(res.status).toBe(200);
      expect((await get('Company', gsid!)).ARR).toBe(99);
    });

    it('a record matching nothing: 400 GSOBJ_1011 "No entity matches the given criteria" naming the index; nothing written', async () => {
      const name = unique('Exists');
      const [gsid] = await insert('Company', [{ Name: name, Employees: 1 }]);
      const before = await get('Company', gsid!);
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name', {
        body: { records: [{ Name: name, Employees: 2 }, { Name: unique('Missing'), Employees: 3 }] },
      });
      expectError(res, 400, 'GSOBJ_1011');
      expect(res.body.errorDesc).toContain('No entity matches the given criteria');
      expect(res.body.errorDesc).toMatch(/1/);
      expect(res.body.data).toMatchObject({ count: 0, records: null, errors: [{ index: 1, success: false }] });
      expect(res.body.data.errors).toHaveLength(1);
      expect(await get('Company', gsid!)).toEqual(before);
    });

    it('keys=Gsid with a well-formed Gsid that does not exist: 400 GSOBJ_1011', async () => {
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', { body: { records: [{ Gsid: MISSING_ID, Name: 'x' }] } });
      expectError(res, 400, 'GSOBJ_1011');
      expect(res.body.errorDesc).toContain('No entity matches the given criteria');
    });

    it('missing or empty keys: 400 GSOBJ_1007 naming keys', async () => {
      const body = { records: [{ Name: 'x' }] };
      expectError(await t.request('PUT', '/v1/data/objects/Company', { body }), 400, 'GSOBJ_1007', 'keys');
      expectError(await t.request('PUT', '/v1/data/objects/Company?keys=', { body }), 400, 'GSOBJ_1007', 'keys');
    });

    it('four keys: 400 GSOBJ_1008 naming keys', async () => {
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name,Industry,Status,Stage', {
        body: { records: [{ Name: 'x', Industry: 'y', Status: 'z', Stage: 'w' }] },
      });
      expectError(res, 400, 'GSOBJ_1008', 'keys');
    });

    it('an unknown key field: 400 GSOBJ_1002 naming it', async () => {
      expectError(
        await t.request('PUT', '/v1/data/objects/Company?keys=Nmae', { body: { records: [{ Nmae: 'x', Name: 'x' }] } }),
        400,
        'GSOBJ_1002',
        'Nmae',
      );
    });

    it('a record without a key value: 400 GSOBJ_1007 naming the key; nothing written', async () => {
      const name = unique('KeyLess');
      const [gsid] = await insert('Company', [{ Name: name, Industry: 'Before' }]);
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name,Industry', {
        body: { records: [{ Name: name, Industry: 'Before', Status: 'Changed' }, { Name: name, Status: 'Changed' }] },
      });
      expectError(res, 400, 'GSOBJ_1007', 'Industry');
      expect((await get('Company', gsid!)).Status).toBeNull();
    });

    it('no records / empty / 51: GSOBJ_1007, GSOBJ_1007, GSOBJ_1008 naming records', async () => {
      expectError(await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: {} }), 400, 'GSOBJ_1007', 'records');
      expectError(await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: { records: [] } }), 400, 'GSOBJ_1007', 'records');
      const many = Array.from({ length: 51 }, (_, i) => ({ Name: `n${i}` }));
      expectError(await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: { records: many } }), 400, 'GSOBJ_1008', 'records');
    });

    it.each([
      [{ ARR: 'abc' }, 'GSOBJ_1008', 'ARR'],
      [{ Employees: 2.5 }, 'GSOBJ_1008', 'Employees'],
      [{ RenewalDate: '2025-13-01' }, 'GSOBJ_1006', 'RenewalDate'],
      [{ Csm: 'not-a-gsid' }, 'GSOBJ_1004', 'Csm'],
      [{ Name: null }, 'GSOBJ_1007', 'Name'],
      [{ Unknown: 1 }, 'GSOBJ_1002', 'Unknown'],
    ])('an invalid value %j: 400 %s naming %s; the other record of the batch is not written', async (change, code, field) => {
      const [a, b] = [unique('Valid'), unique('Invalid')];
      const [ga, gb] = await insert('Company', [{ Name: a }, { Name: b }]);
      const beforeA = await get('Company', ga!);
      const beforeB = await get('Company', gb!);
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', {
        body: { records: [{ Gsid: ga, Status: 'Touched' }, { Gsid: gb, ...change }] },
      });
      expectError(res, 400, code, field);
      expect(res.body.errorDesc).toContain('records[1]');
      expect(res.body.data).toMatchObject({ count: 0, records: null, errors: [{ index: 1, success: false }] });
      expect(await get('Company', ga!)).toEqual(beforeA);
      expect(await get('Company', gb!)).toEqual(beforeB);
    });

    it('taking another person’s Email: 409 GSAPI_4090, nothing written', async () => {
      const taken = email('owner');
      await insert('Person', [{ Email: taken }]);
      const other = email('other');
      const [gsid] = await insert('Person', [{ Email: other, Role: 'Before' }]);
      const res = await t.request('PUT', '/v1/data/objects/Person?keys=Gsid', { body: { records: [{ Gsid: gsid, Email: taken.toUpperCase(), Role: 'After' }] } });
      expectError(res, 409, 'GSAPI_4090', 'Email');
      expect(await get('Person', gsid!)).toMatchObject({ Email: other, Role: 'Before' });
    });

    it('unknown object: 400 GSAPI_4001 "Requested object not found."', async () => {
      const res = await t.request('PUT', '/v1/data/objects/Nope?keys=Name', { body: { records: [{ Name: 'x' }] } });
      expectError(res, 400, 'GSAPI_4001');
      expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
    });
  });

  describe('get', () => {
    it('answers {records:[record]} in the exact envelope', async () => {
      const [gsid] = await insert('Company', [{ Name: unique('Got') }]);
      const res = await t.request('GET', `/v1/data/objects/Company/${gsid}`);
      expect(res.body).toEqual({
        result: true,
        errorCode: null,
        errorDesc: null,
        requestId: expect.any(String),
        data: { records: [expect.objectContaining({ Gsid: gsid })] },
        message: null,
      });
    });

    it('malformed Gsid: 400 GSOBJ_1004; well-formed but missing: 400 GSOBJ_1011 (not 404)', async () => {
      expectError(await t.request('GET', '/v1/data/objects/Company/not-a-gsid'), 400, 'GSOBJ_1004');
      expectError(await t.request('GET', `/v1/data/objects/Company/${'a'.repeat(36)}`), 400, 'GSOBJ_1004');
      expectError(await t.request('GET', `/v1/data/objects/Company/${MISSING_ID}`), 400, 'GSOBJ_1011');
    });

    it('a Gsid of another object is not found in this one', async () => {
      const person = await newPerson();
      expectError(await t.request('GET', `/v1/data/objects/Company/${person}`), 400, 'GSOBJ_1011');
    });

    it('unknown object: 400 GSAPI_4001 with the exact errorDesc', async () => {
      const res = await t.request('GET', `/v1/data/objects/Account/${MISSING_ID}`);
      expectError(res, 400, 'GSAPI_4001');
      expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
    });
  });

  describe('delete', () => {
    it('answers data {Gsid}, then the record is gone (400 GSOBJ_1011 on GET and a second DELETE)', async () => {
      const [gsid] = await insert('Company', [{ Name: unique('Doomed') }]);
      const res = await t.request('DELETE', `/v1/data/objects/Company/${gsid}`);
      expect(res.body).toEqual({ result: true, errorCode: null, errorDesc: null, requestId: expect.any(String), data: { Gsid: gsid }, message: null });
      expectError(await t.request('GET', `/v1/data/objects/Company/${gsid}`), 400, 'GSOBJ_1011');
      expectError(await t.request('DELETE', `/v1/data/objects/Company/${gsid}`), 400, 'GSOBJ_1011');
    });

    it.each(['Person', 'gsuser', 'company_person'])('deletes a %s', async (object) => {
      let gsid: string;
      if (object === 'Person') gsid = await newPerson();
      else if (object === 'gsuser') gsid = await newUser();
      else {
        const [company] = await insert('Company', [{ Name: unique('For link') }]);
        [gsid] = (await insert('company_person', [{ Company_ID: company, Person_ID: await newPerson() }])) as [string];
      }
      expect((await t.request('DELETE', `/v1/data/objects/${object.toUpperCase()}/${gsid}`)).body.data).toEqual({ Gsid: gsid });
      expectError(await t.request('GET', `/v1/data/objects/${object}/${gsid}`), 400, 'GSOBJ_1011');
    });

    it('malformed 400 GSOBJ_1004, missing 400 GSOBJ_1011, unknown object 400 GSAPI_4001', async () => {
      expectError(await t.request('DELETE', '/v1/data/objects/Company/123'), 400, 'GSOBJ_1004');
      expectError(await t.request('DELETE', `/v1/data/objects/Company/${MISSING_ID}`), 400, 'GSOBJ_1011');
      const res = await t.request('DELETE', `/v1/data/objects/Widget/${MISSING_ID}`);
      expectError(res, 400, 'GSAPI_4001');
      expect(res.body.errorDesc).toBe(OBJECT_NOT_FOUND);
    });

    it('deleting referenced records (a Csm, a ParentCompany, a linked person) never answers 5xx', async () => {
      const user = await newUser();
      const [parent] = await insert('Company', [{ Name: unique('Ref parent') }]);
      const [child] = await insert('Company', [{ Name: unique('Ref child'), Csm: user, ParentCompany: parent }]);
      const person = await newPerson();
      await insert('company_person', [{ Company_ID: child, Person_ID: person }]);
      for (const [object, gsid] of [['gsuser', user], ['Company', parent], ['Person', person]] as const) {
        const res = await t.request('DELETE', `/v1/data/objects/${object}/${gsid}`);
        expect(res.status, `${object}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      }
      expect((await t.request('GET', `/v1/data/objects/Company/${child}`)).status).toBe(200);
    });
  });
});

describeEachBackend('NXT envelope and authentication', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const routes: [string, string, unknown?, Record<string, string>?][] = [
    ['GET', `/v1/data/objects/Company/${MISSING_ID}`],
    ['POST', '/v1/data/objects/Company', { records: [{ Name: 'Unauthorized' }] }],
    ['PUT', '/v1/data/objects/Company?keys=Name', { records: [{ Name: 'Unauthorized' }] }],
    ['DELETE', `/v1/data/objects/Company/${MISSING_ID}`],
    ['POST', '/v1/data/objects/query/Company', { select: ['Name'] }],
    ['GET', '/v1/meta/services/objects/Company/describe?idd=true'],
    ['POST', '/v1/meta/services/objects/describe', { objectNames: ['Company'] }],
    ['GET', '/v1/meta/services/objects/list'],
    ['POST', '/v1/meta/services/objects', { externalUse: 'true' }],
    ['POST', '/v1/meta/services/objects/', { externalUse: 'true' }],
    ['PUT', '/v1/peoplemgmt/v1.0/people', { Email: 'unauth@example.com' }],
    ['PUT', '/v1.0/api/people', { Email: 'unauth@example.com' }],
    ['GET', '/v1.0/api/people'],
    [
      'POST',
      '/v1.0/api/eventManager/event',
      { a: 1 },
      { sharedSecret: 's', topicName: 'T', tenantId: 'tenant', eventName: 'E', eventVersion: '1.0' },
    ],
    ['GET', '/v1.0/api/eventManager/event?topicName=T&eventName=E'],
    ['POST', '/v1/users/services/list', { select: ['Name'], limit: 1, page: 0 }],
    ['POST', '/v1/users/services', { records: [{ Email: 'unauth.user@example.com' }] }],
  ];

  function expectExact401(res: TestResponse): void {
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      result: false,
      errorCode: 'GS_APIG_2401',
      errorDesc: 'Unauthorized',
      requestId: expect.any(String),
      data: null,
      message: 'Unauthorized',
    });
    expect(Object.keys(res.body)).toHaveLength(6);
  }

  it.each(routes)('%s %s without a key: the exact 401 body', async (method, url, body, headers) => {
    expectExact401(await t.request(method, url, { body, headers, key: null }));
  });

  it.each(routes)('%s %s with a wrong key: the exact 401 body', async (method, url, body, headers) => {
    expectExact401(await t.request(method, url, { body, headers, key: 'gsk_AAAAAAAAAAAA_' + 'b'.repeat(32) }));
    expectExact401(await t.request(method, url, { body, headers, key: '' }));
  });

  it('nothing was written by the unauthorized writes', async () => {
    for (const method of ['POST', 'PUT']) {
      await t.request(method, method === 'POST' ? '/v1/data/objects/Company' : '/v1/data/objects/Company?keys=Name', {
        body: { records: [{ Name: 'Unauthorized' }] },
        key: null,
      });
    }
    const res = await t.request('POST', '/v1/data/objects/query/Company', {
      body: { where: { conditions: [{ name: 'Name', alias: 'A', operator: 'EQ', value: ['Unauthorized'] }], expression: 'A' } },
    });
    expect(res.body.data.records).toEqual([]);
  });

  it.each(['accesskey', 'AccessKey', 'ACCESSKEY', 'accessKey', 'Accesskey'])('the key header in any case: %s', async (name) => {
    const res = await t.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Gsid'] }, headers: { [name]: BOOTSTRAP_KEY }, key: null });
    expect(res.status).toBe(200);
    const list = await t.request('GET', '/v1/meta/services/objects/list', { headers: { [name]: BOOTSTRAP_KEY }, key: null });
    expect(list.status).toBe(200);
  });

  it.each([
    ['GET', '/v1/data/nothing'],
    ['GET', '/v1/data/objects'],
    ['POST', '/v1/meta/nope'],
    ['GET', '/v1.0/api/whatever'],
    ['GET', '/v1/users/services/unknown'],
    ['GET', '/v1/peoplemgmt/v2/people'],
  ])('unknown route %s %s: 404 GSAPI_4040 in the six-key envelope', async (method, url) => {
    const res = await t.request(method, url, method === 'POST' ? { body: {} } : {});
    expectError(res, 404, 'GSAPI_4040');
    expect(res.body.data).toBeNull();
  });

  it('X-Request-Id equals requestId on success and failure, and differs per request', async () => {
    const a = await t.request('GET', '/v1/meta/services/objects/list');
    const b = await t.request('GET', `/v1/data/objects/Company/${MISSING_ID}`);
    expect(a.headers['x-request-id']).toBe(a.body.requestId);
    expect(b.headers['x-request-id']).toBe(b.body.requestId);
    expect(a.body.requestId).not.toBe(b.body.requestId);
  });

  it('the seed surface keeps its four-key failure envelope', async () => {
    const res = await t.request('GET', `/v1/companies/${MISSING_ID}`);
    expect(res.status).toBe(404);
    expect(Object.keys(res.body).sort()).toEqual(['errorCode', 'errorDesc', 'requestId', 'result']);
    const unauthorized = await t.request('GET', '/v1/companies', { key: null });
    expect(Object.keys(unauthorized.body).sort()).toEqual(['errorCode', 'errorDesc', 'requestId', 'result']);
  });
});

describeEachBackend('NXT write routes never answer 5xx', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const eventHeaders = { sharedSecret: 's', topicName: 'Odd', tenantId: 'tenant', eventName: 'Odd', eventVersion: '1' };
  const writeRoutes: [string, string, Record<string, string>?][] = [
    ['POST', '/v1/data/objects/Company'],
    ['POST', '/v1/data/objects/Person'],
    ['POST', '/v1/data/objects/company_person'],
    ['POST', '/v1/data/objects/gsuser'],
    ['PUT', '/v1/data/objects/Company?keys=Name'],
    ['PUT', '/v1/data/objects/Person?keys=Email'],
    ['PUT', '/v1/data/objects/Company?keys=Gsid'],
    ['POST', '/v1/data/objects/query/Company'],
    ['POST', '/v1/data/objects/query/company_person'],
    ['POST', '/v1/meta/services/objects/describe'],
    ['POST', '/v1/meta/services/objects'],
    ['POST', '/v1/meta/services/objects/'],
    ['PUT', '/v1/peoplemgmt/v1.0/people'],
    ['PUT', '/v1.0/api/people'],
    ['POST', '/v1.0/api/eventManager/event', eventHeaders],
    ['POST', '/v1/users/services'],
    ['POST', '/v1/users/services/list'],
  ];

  // Raw payloads: some are not even JSON objects; some hold numbers JSON.stringify cannot write.
  const oddPayloads: string[] = [
    '[]',
    '[{"Name":"x"}]',
    '"a string"',
    'null',
    '42',
    'true',
    '{}',
    '{"records":null}',
    '{"records":"x"}',
    '{"records":{}}',
    '{"records":[null]}',
    '{"records":[[]]}',
    '{"records":["str"]}',
    '{"records":[42]}',
    '{"records":[{"Name":{"nested":{"deep":{"deeper":1}}}}]}',
    '{"records":[{"Name":["a","b"]}]}',
    '{"records":[{"Name":"x","ARR":{}}]}',
    '{"records":[{"Name":"x","ARR":1e400}]}',
    '{"records":[{"Name":"x","ARR":-1e400}]}',
    '{"records":[{"Name":"x","ARR":1e300}]}',
    '{"records":[{"Name":"x","Employees":9007199254740993}]}',
    '{"records":[{"Name":"x","Employees":123456789012345678901234567890}]}',
    '{"records":[{"Name":"x","Csm":{"Gsid":"x"}}]}',
    '{"records":[{"Name":"x","RenewalDate":20240101}]}',
    '{"records":[{"Email":{"a":1},"Company_ID":[],"Person_ID":null}]}',
    '{"records":[{"Name":"\\u0000"}]}',
    '{"records":[{"":1}]}',
    '{"records":[{"__proto__":{"admin":true},"Name":"proto"}]}',
    '{"records":[{"constructor":{"prototype":{}},"Name":"ctor"}]}',
    '{"select":"Name"}',
    '{"select":[null,1,{}]}',
    '{"select":["Company_ID__gr.Csm__gr.Name__gr.X.Y"]}',
    '{"where":"Name = 1"}',
    '{"where":{"conditions":"x"}}',
    '{"where":{"conditions":[null]}}',
    '{"where":{"conditions":[{"name":"ARR","alias":"A","operator":"GT","value":1}],"expression":"A"}}',
    '{"where":{"conditions":[{"name":"ARR","alias":"A","operator":"GT","value":[1e400]}],"expression":"A"}}',
    '{"where":{"conditions":[{"name":"ARR","alias":"A","operator":"BOGUS","value":[1]}],"expression":"A"}}',
    '{"where":{"conditions":[{"name":"Name","alias":"A","operator":"EQ","value":[{"x":1}]}],"expression":"A AND"}}',
    '{"where":{"conditions":[{"name":"Name","alias":"A","operator":"EQ","value":["x"]}],"expression":"((((A"}}',
    '{"orderBy":[]}',
    '{"orderBy":{"Name":"sideways"}}',
    '{"orderBy":"Name"}',
    '{"limit":"5"}',
    '{"limit":-1}',
    '{"limit":1e400}',
    '{"offset":1.5}',
    '{"offset":-10}',
    '{"page":-1,"limit":1}',
    '{"objectNames":"Company"}',
    '{"objectNames":[null,{}]}',
    '{"objectNames":[]}',
    '{"Email":{"x":1}}',
    '{"Email":"odd@example.com","companies":"x"}',
    '{"Email":"odd@example.com","companies":[null]}',
    '{"Email":"odd@example.com","companies":[{"Company_ID":{"x":1}}]}',
    '{"Email":"odd@example.com","EmailOptOut":"maybe"}',
    '{"externalUse":"true"}',
  ];

  it.each(writeRoutes)('%s %s: every odd body is answered below 500 in the six-key envelope', async (method, url, headers) => {
    for (const payload of oddPayloads) {
      const res = await t.request(method, url, { payload, headers: { 'content-type': 'application/json', ...headers } });
      expect(res.status, `${payload} -> ${JSON.stringify(res.body)}`).toBeLessThan(500);
      expect(res.body.errorCode, `${payload}: the route exists`).not.toBe('GSAPI_4040');
    }
  });

  it.each([
    ['POST', '/v1/data/objects/Company'],
    ['PUT', '/v1/data/objects/Company?keys=Name'],
    ['POST', '/v1/data/objects/query/Company'],
    ['PUT', '/v1/peoplemgmt/v1.0/people'],
    ['POST', '/v1/users/services'],
  ])('%s %s: a body that is not a JSON object is a 400', async (method, url) => {
    for (const payload of ['[]', '"a string"', 'null', '42', 'true', '{"records":']) {
      const res = await t.request(method, url, { payload, headers: { 'content-type': 'application/json' } });
      expect(res.status, `${payload} -> ${JSON.stringify(res.body)}`).toBe(400);
    }
  });

  it('an odd record value is a 400 naming the field; infinite numbers are never stored', async () => {
    expectError(
      await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: { nested: { deep: 1 } } }] } }),
      400,
      'GSOBJ_1008',
      'Name',
    );
    const infinite = await t.request('POST', '/v1/data/objects/Company', {
      payload: '{"records":[{"Name":"Infinite","ARR":1e400}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(infinite.status).toBe(400);
    const res = await t.request('POST', '/v1/data/objects/query/Company', {
      body: { where: { conditions: [{ name: 'Name', alias: 'A', operator: 'EQ', value: ['Infinite'] }], expression: 'A' } },
    });
    expect(res.body.data.records).toEqual([]);
  });
});
