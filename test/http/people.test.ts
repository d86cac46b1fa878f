import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MISSING_ID = 'Z'.repeat(36);
const SERVER_FIELDS = ['CreatedDate', 'Gsid', 'ModifiedDate'];

describeEachBackend('people', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  let sequence = 0;
  const email = (prefix = 'person') => `${prefix}.${++sequence}@example.com`;

  async function createCompany(Name = 'People Co'): Promise<any> {
    const res = await t.request('POST', '/v1/companies', { body: { Name } });
    expect(res.status).toBe(200);
    return res.body.data;
  }

  async function createPerson(body: Record<string, unknown>): Promise<any> {
    const res = await t.request('POST', '/v1/people', { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  async function fetchPerson(gsid: string): Promise<any> {
    const res = await t.request('GET', `/v1/people/${gsid}`);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  async function peopleCount(): Promise<number> {
    return (await t.request('GET', '/v1/people?pageSize=1')).body.data.totalCount;
  }

  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  describe('create (extension)', () => {
    it('stores every writable field and answers the stored record with server fields', async () => {
      const company = await createCompany();
      const full = {
        FirstName: 'Ada',
        LastName: 'Lovelace',
        Email: email('ada'),
        CompanyId: company.Gsid,
        Role: 'VP Engineering',
        Location: 'London',
      };
      const res = await t.request('POST', '/v1/people', { body: full });
      expect(res.status).toBe(200);
      const record = res.body.data;
      expect(record).toEqual({ ...full, Gsid: record.Gsid, CreatedDate: record.CreatedDate, ModifiedDate: record.ModifiedDate });
      expect(record.Gsid).toMatch(/^[0-9A-Z]{36}$/);
      expect(record.CreatedDate).toMatch(ISO_DATE_TIME);
      expect(record.ModifiedDate).toBe(record.CreatedDate);
      expect(await fetchPerson(record.Gsid)).toEqual(record);
    });

    it('gives every person a new Gsid', async () => {
      const a = await createPerson({ FirstName: 'Twin' });
      const b = await createPerson({ FirstName: 'Twin' });
      expect(a.Gsid).not.toBe(b.Gsid);
    });

    it('omits fields without a value instead of sending null', async () => {
      const record = await createPerson({ LastName: 'Solo' });
      expect(Object.keys(record).sort()).toEqual([...SERVER_FIELDS, 'LastName'].sort());
      expect(Object.keys(await fetchPerson(record.Gsid)).sort()).toEqual([...SERVER_FIELDS, 'LastName'].sort());
      const listed = (await t.request('GET', '/v1/people?pageSize=100')).body.data.records;
      for (const person of listed) expect(Object.values(person)).not.toContain(null);
    });

    it.each([{ FirstName: 'Only' }, { LastName: 'Only' }, { Email: 'only.email@example.com' }])(
      'accepts a person with just %o',
      async (body) => {
        const record = await createPerson(body);
        expect(record).toMatchObject(body);
      },
    );

    it.each([
      ['an empty body', {}],
      ['only Role and Location', { Role: 'CTO', Location: 'Berlin' }],
      ['only a company', 'company'],
      ['an empty FirstName', { FirstName: '' }],
      ['empty FirstName and LastName', { FirstName: '', LastName: '', Role: 'x' }],
    ])('rejects a person without a name or email (%s) with GSOBJ_1007, writing nothing', async (_, body) => {
      const payload = body === 'company' ? { CompanyId: (await createCompany()).Gsid } : body;
      const before = await peopleCount();
      expectError(await t.request('POST', '/v1/people', { body: payload }), 400, 'GSOBJ_1007', 'FirstName');
      expect(await peopleCount()).toBe(before);
    });

    it.each(['not-an-email', 'a@b', 'a b@example.com', '@example.com', 'someone@', 'two@@example.com', ''])(
      'rejects the invalid email %j with GSOBJ_1008 naming Email, writing nothing',
      async (value) => {
        const before = await peopleCount();
        expectError(await t.request('POST', '/v1/people', { body: { FirstName: 'Bad', Email: value } }), 400, 'GSOBJ_1008', 'Email');
        expect(await peopleCount()).toBe(before);
      },
    );

    it.each([123, true, ['a@example.com'], { address: 'a@example.com' }, null])(
      'rejects a non-string Email %j with GSOBJ_1008',
      async (value) => {
        expectError(await t.request('POST', '/v1/people', { body: { FirstName: 'Bad', Email: value } }), 400, 'GSOBJ_1008', 'Email');
      },
    );

    it('rejects a CompanyId that names no company: 400 GSOBJ_PEOPLE1001 naming CompanyId, nothing written', async () => {
      const before = await peopleCount();
      const address = email('orphan');
      const res = await t.request('POST', '/v1/people', { body: { FirstName: 'Orphan', Email: address, CompanyId: MISSING_ID } });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', 'CompanyId');
      expect(await peopleCount()).toBe(before);
      // The email was not reserved by the failed write.
      await createPerson({ FirstName: 'Orphan', Email: address });
    });

    it('rejects a CompanyId of a deleted company', async () => {
      const company = await createCompany('Short-lived');
      expect((await t.request('DELETE', `/v1/companies/${company.Gsid}`)).status).toBe(200);
      expectError(
        await t.request('POST', '/v1/people', { body: { FirstName: 'Late', CompanyId: company.Gsid } }),
        400,
        'GSOBJ_PEOPLE1001',
        'CompanyId',
      );
    });

    it.each(['abc', 'a'.repeat(36), 'A'.repeat(35), 'A'.repeat(37), '', `${'A'.repeat(35)}-`])(
      'rejects the malformed CompanyId %j with GSOBJ_1004 naming CompanyId',
      async (value) => {
        const before = await peopleCount();
        expectError(await t.request('POST', '/v1/people', { body: { FirstName: 'X', CompanyId: value } }), 400, 'GSOBJ_1004', 'CompanyId');
        expect(await peopleCount()).toBe(before);
      },
    );

    it('accepts application/json with a charset parameter', async () => {
      const res = await t.request('POST', '/v1/people', {
        payload: JSON.stringify({ FirstName: 'Charset' }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(res.status).toBe(200);
      expect(res.body.data.FirstName).toBe('Charset');
    });
  });

  describe('email uniqueness (ignoring case)', () => {
    it('rejects a duplicate on create, in any case, with 409 GSAPI_4090 naming Email; nothing written', async () => {
      const address = email('Unique');
      await createPerson({ FirstName: 'First', Email: address });
      const before = await peopleCount();
      for (const duplicate of [address, address.toUpperCase(), address.toLowerCase()]) {
        const res = await t.request('POST', '/v1/people', { body: { FirstName: 'Second', Email: duplicate } });
        expectError(res, 409, 'GSAPI_4090', 'Email');
      }
      expect(await peopleCount()).toBe(before);
    });

    it('rejects taking another person’s email on PUT and PATCH, and applies none of the other changes', async () => {
      const taken = email('taken');
      await createPerson({ FirstName: 'Owner', Email: taken });
      const other = await createPerson({ FirstName: 'Other', Email: email('other'), Role: 'Analyst' });
      for (const method of ['PUT', 'PATCH']) {
        const res = await t.request(method, `/v1/people/${other.Gsid}`, {
          body: { Email: taken.toUpperCase(), FirstName: 'Changed', Role: 'Changed' },
        });
        expectError(res, 409, 'GSAPI_4090', 'Email');
        expect(await fetchPerson(other.Gsid)).toEqual(other);
      }
    });

    it('lets a person keep its own email or change only its case', async () => {
      const address = email('keeper');
      const person = await createPerson({ FirstName: 'Keeper', Email: address });
      const same = await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { Email: address, Role: 'Lead' } });
      expect(same.status).toBe(200);
      expect(same.body.data).toMatchObject({ Email: address, Role: 'Lead' });
      const recased = await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { Email: address.toUpperCase() } });
      expect(recased.status).toBe(200);
      expect(recased.body.data.Email).toBe(address.toUpperCase());
      const patched = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { Email: address } });
      expect(patched.status).toBe(200);
      expect((await fetchPerson(person.Gsid)).Email).toBe(address);
    });

    it('frees a cleared email, and any number of people may have no email', async () => {
      const address = email('freed');
      const first = await createPerson({ FirstName: 'First', Email: address });
      await createPerson({ FirstName: 'NoEmail A' });
      await createPerson({ FirstName: 'NoEmail B' });
      const cleared = await t.request('PATCH', `/v1/people/${first.Gsid}`, { body: { Email: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body.data).not.toHaveProperty('Email');
      await createPerson({ FirstName: 'NoEmail C' });
      const second = await createPerson({ FirstName: 'Second', Email: address.toUpperCase() });
      expect(second.Email).toBe(address.toUpperCase());
    });

    it('frees the email of a deleted person', async () => {
      const address = email('deleted');
      const person = await createPerson({ LastName: 'Gone', Email: address });
      expect((await t.request('DELETE', `/v1/people/${person.Gsid}`)).status).toBe(200);
      await createPerson({ LastName: 'Successor', Email: address });
    });

    it('lets exactly one of two concurrent creates with the same email win', async () => {
      const address = email('race');
      const before = await peopleCount();
      const results = await Promise.all([
        t.request('POST', '/v1/people', { body: { FirstName: 'Racer A', Email: address } }),
        t.request('POST', '/v1/people', { body: { FirstName: 'Racer B', Email: address.toUpperCase() } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expectError(results.find((r) => r.status === 409)!, 409, 'GSAPI_4090', 'Email');
      expect(await peopleCount()).toBe(before + 1);
    });
  });

  describe('get (extension)', () => {
    it('answers 404 GSOBJ_1011 naming the id for a well-formed id that does not exist', async () => {
      expectError(await t.request('GET', `/v1/people/${MISSING_ID}`), 404, 'GSOBJ_1011', MISSING_ID);
    });

    it('answers 404 for the Gsid of a company (ids are per object)', async () => {
      const company = await createCompany();
      expectError(await t.request('GET', `/v1/people/${company.Gsid}`), 404, 'GSOBJ_1011');
    });

    it.each(['not-a-gsid', 'a'.repeat(36), 'A'.repeat(35), 'A'.repeat(37), `${'A'.repeat(35)}%20`])(
      'answers 400 GSOBJ_1004 naming personId for the malformed id %j',
      async (id) => {
        expectError(await t.request('GET', `/v1/people/${id}`), 400, 'GSOBJ_1004', 'personId');
      },
    );

    it('checks the access key before the id', async () => {
      expectError(await t.request('GET', '/v1/people/not-a-gsid', { key: null }), 401, 'GS_APIG_2401');
      expectError(await t.request('POST', '/v1/people', { body: { Email: 'bad' }, key: null }), 401, 'GS_APIG_2401');
    });
  });

  describe('update (PUT, extension)', () => {
    it('sets the given fields, keeps the others and answers the updated record', async () => {
      const company = await createCompany();
      const created = await createPerson({ FirstName: 'Grace', LastName: 'Hopper', Email: email('grace'), Role: 'Admiral' });
      await tick();
      const res = await t.request('PUT', `/v1/people/${created.Gsid}`, {
        body: { Role: 'Rear Admiral', Location: 'Arlington', CompanyId: company.Gsid },
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        ...created,
        Role: 'Rear Admiral',
        Location: 'Arlington',
        CompanyId: company.Gsid,
        ModifiedDate: res.body.data.ModifiedDate,
      });
      expect(res.body.data.ModifiedDate).toMatch(ISO_DATE_TIME);
      expect(res.body.data.ModifiedDate > created.ModifiedDate).toBe(true);
      expect(await fetchPerson(created.Gsid)).toEqual(res.body.data);
    });

    it('treats {} as a no-op that answers the unchanged record', async () => {
      const created = await createPerson({ FirstName: 'Still', Email: email('still') });
      await tick();
      const res = await t.request('PUT', `/v1/people/${created.Gsid}`, { body: {} });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(created);
      expect(await fetchPerson(created.Gsid)).toEqual(created);
    });

    it('moves a person to another company', async () => {
      const a = await createCompany('From');
      const b = await createCompany('To');
      const person = await createPerson({ FirstName: 'Mover', CompanyId: a.Gsid });
      const res = await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: b.Gsid } });
      expect(res.body.data.CompanyId).toBe(b.Gsid);
      expect((await t.request('GET', `/v1/people?CompanyId=${a.Gsid}`)).body.data.totalCount).toBe(0);
      expect((await t.request('GET', `/v1/people?CompanyId=${b.Gsid}`)).body.data.totalCount).toBe(1);
    });

    it('rejects a CompanyId that names no company (GSOBJ_PEOPLE1001) and applies none of the changes', async () => {
      const company = await createCompany();
      const person = await createPerson({ FirstName: 'Loyal', CompanyId: company.Gsid });
      const res = await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: MISSING_ID, FirstName: 'Changed' } });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', 'CompanyId');
      expect(await fetchPerson(person.Gsid)).toEqual(person);
    });

    it('rejects a malformed CompanyId with GSOBJ_1004', async () => {
      const person = await createPerson({ FirstName: 'Loyal' });
      expectError(await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: 'abc' } }), 400, 'GSOBJ_1004', 'CompanyId');
      expect(await fetchPerson(person.Gsid)).toEqual(person);
    });

    it.each(['FirstName', 'Role', 'Email', 'CompanyId'])('does not accept null for %s on PUT (GSOBJ_1008)', async (field) => {
      const person = await createPerson({ FirstName: 'Nully', Role: 'r' });
      expectError(await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { [field]: null } }), 400, 'GSOBJ_1008', field);
      expect(await fetchPerson(person.Gsid)).toEqual(person);
    });

    it('rejects an invalid email naming Email, changing nothing', async () => {
      const person = await createPerson({ FirstName: 'Valid', Email: email('valid') });
      expectError(await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { Email: 'nope' } }), 400, 'GSOBJ_1008', 'Email');
      expect(await fetchPerson(person.Gsid)).toEqual(person);
    });

    it('rejects read-only and unknown fields with GSOBJ_1002 naming them', async () => {
      const person = await createPerson({ FirstName: 'Fixed' });
      for (const [field, value] of [
        ['Gsid', MISSING_ID],
        ['CreatedDate', '2020-01-01T00:00:00.000Z'],
        ['ModifiedDate', '2020-01-01T00:00:00.000Z'],
        ['firstName', 'x'],
        ['Name', 'x'],
      ]) {
        expectError(await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { [field!]: value } }), 400, 'GSOBJ_1002', field);
      }
      expect(await fetchPerson(person.Gsid)).toEqual(person);
    });

    it('answers 404 for a missing person, and validates the body before looking up', async () => {
      expectError(await t.request('PUT', `/v1/people/${MISSING_ID}`, { body: { FirstName: 'x' } }), 404, 'GSOBJ_1011', MISSING_ID);
      expectError(await t.request('PUT', `/v1/people/${MISSING_ID}`, { body: { Email: 'bad' } }), 400, 'GSOBJ_1008', 'Email');
    });

    it('answers 400 GSOBJ_1004 for a malformed personId', async () => {
      expectError(await t.request('PUT', '/v1/people/not-a-gsid', { body: { FirstName: 'x' } }), 400, 'GSOBJ_1004', 'personId');
    });
  });

  describe('patch (merge patch, extension)', () => {
    it('null clears a field, absent fields are kept', async () => {
      const person = await createPerson({ FirstName: 'Pat', LastName: 'Ch', Role: 'Dev', Location: 'Oslo', Email: email('pat') });
      const res = await t.request('PATCH', `/v1/people/${person.Gsid}`, {
        body: { Role: null, Location: 'Bergen' },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(res.status).toBe(200);
      expect(res.body.data).not.toHaveProperty('Role');
      expect(res.body.data).toEqual({ ...person, Location: 'Bergen', Role: undefined, ModifiedDate: res.body.data.ModifiedDate });
      const fetched = await fetchPerson(person.Gsid);
      expect(fetched).toEqual(res.body.data);
      expect(Object.keys(fetched)).not.toContain('Role');
    });

    it('null clears CompanyId', async () => {
      const company = await createCompany();
      const person = await createPerson({ FirstName: 'Leaver', CompanyId: company.Gsid });
      const res = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: null } });
      expect(res.status).toBe(200);
      expect(res.body.data).not.toHaveProperty('CompanyId');
      expect(await fetchPerson(person.Gsid)).not.toHaveProperty('CompanyId');
      expect((await t.request('GET', `/v1/people?CompanyId=${company.Gsid}`)).body.data.totalCount).toBe(0);
    });

    it('treats {} as a no-op that answers the unchanged record', async () => {
      const person = await createPerson({ FirstName: 'Still', Role: 'x' });
      await tick();
      const res = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: {} });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(person);
      expect(await fetchPerson(person.Gsid)).toEqual(person);
    });

    it('sets a company, and rejects one that does not exist', async () => {
      const company = await createCompany();
      const person = await createPerson({ FirstName: 'Joiner' });
      const missing = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: MISSING_ID, Role: 'x' } });
      expectError(missing, 400, 'GSOBJ_PEOPLE1001', 'CompanyId');
      expect(await fetchPerson(person.Gsid)).toEqual(person);
      expectError(await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: 'zzz' } }), 400, 'GSOBJ_1004', 'CompanyId');
      const res = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: company.Gsid } });
      expect(res.body.data.CompanyId).toBe(company.Gsid);
    });

    it('answers 404 for a missing person and 400 GSOBJ_1004 for a malformed id', async () => {
      expectError(await t.request('PATCH', `/v1/people/${MISSING_ID}`, { body: { Role: 'x' } }), 404, 'GSOBJ_1011');
      expectError(await t.request('PATCH', '/v1/people/abc', { body: { Role: 'x' } }), 400, 'GSOBJ_1004', 'personId');
    });
  });

  describe('delete (extension)', () => {
    it('answers data {Gsid}, then the person is gone', async () => {
      const person = await createPerson({ FirstName: 'Doomed' });
      const before = await peopleCount();
      const res = await t.request('DELETE', `/v1/people/${person.Gsid}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ Gsid: person.Gsid });
      expect(await peopleCount()).toBe(before - 1);
      expectError(await t.request('GET', `/v1/people/${person.Gsid}`), 404, 'GSOBJ_1011');
      expectError(await t.request('DELETE', `/v1/people/${person.Gsid}`), 404, 'GSOBJ_1011');
      expectError(await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { Role: 'x' } }), 404, 'GSOBJ_1011');
    });

    it('answers 400 GSOBJ_1004 for a malformed id and 404 for a missing one', async () => {
      expectError(await t.request('DELETE', '/v1/people/abc'), 400, 'GSOBJ_1004', 'personId');
      expectError(await t.request('DELETE', `/v1/people/${MISSING_ID}`), 404, 'GSOBJ_1011', MISSING_ID);
    });

    it('lets the company be deleted once all its people are deleted or detached', async () => {
      const company = await createCompany('Emptied');
      const staying = await createPerson({ FirstName: 'Detached', CompanyId: company.Gsid });
      const a = await createPerson({ FirstName: 'A', CompanyId: company.Gsid });
      const b = await createPerson({ FirstName: 'B', CompanyId: company.Gsid });
      expectError(await t.request('DELETE', `/v1/companies/${company.Gsid}`), 409, 'GSAPI_4090');
      expect((await t.request('DELETE', `/v1/people/${a.Gsid}`)).status).toBe(200);
      expectError(await t.request('DELETE', `/v1/companies/${company.Gsid}`), 409, 'GSAPI_4090');
      expect((await t.request('DELETE', `/v1/people/${b.Gsid}`)).status).toBe(200);
      expect((await t.request('PATCH', `/v1/people/${staying.Gsid}`, { body: { CompanyId: null } })).status).toBe(200);
      const res = await t.request('DELETE', `/v1/companies/${company.Gsid}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ Gsid: company.Gsid });
      expect(await fetchPerson(staying.Gsid)).not.toHaveProperty('CompanyId');
    });
  });

  describe('list', () => {
    let listApp: TestApp;
    let companyA: string;
    let companyB: string;
    const namesA = Array.from({ length: 7 }, (_, i) => `A${i}`);
    const namesB = ['B0', 'B1', 'B2'];
    const all: string[] = [];

    beforeAll(async () => {
      listApp = await createTestApp(backend);
      const company = async (Name: string) => (await listApp.request('POST', '/v1/companies', { body: { Name } })).body.data.Gsid;
      companyA = await company('List A');
      companyB = await company('List B');
      await listApp.request('POST', '/v1/companies', { body: { Name: 'List C (no people)' } });
      // Interleaved, so that a filter cannot pass by returning a contiguous slice.
      const plan: [string, string | undefined][] = [];
      for (let i = 0; i < 7; i++) {
        plan.push([namesA[i]!, companyA]);
        if (i < 3) plan.push([namesB[i]!, companyB]);
        if (i < 2) plan.push([`N${i}`, undefined]);
      }
      for (const [FirstName, CompanyId] of plan) {
        const res = await listApp.request('POST', '/v1/people', { body: CompanyId ? { FirstName, CompanyId } : { FirstName } });
        expect(res.status).toBe(200);
        all.push(FirstName);
      }
    });
    afterAll(() => listApp.close());

    const firstNames = (res: { body: any }) => res.body.data.records.map((r: { FirstName: string }) => r.FirstName);

    it('lists every person (seed operation) oldest first, with an exact totalCount', async () => {
      const res = await listApp.request('GET', '/v1/people');
      expect(res.status).toBe(200);
      expect(res.body.data.totalCount).toBe(12);
      expect(firstNames(res)).toEqual(all);
      const page = await listApp.request('GET', '/v1/people?pageNumber=1&pageSize=5');
      expect(firstNames(page)).toEqual(all.slice(5, 10));
      expect(page.body.data.totalCount).toBe(12);
    });

    it('filters by CompanyId: only that company’s people, with an exact totalCount', async () => {
      const a = await listApp.request('GET', `/v1/people?CompanyId=${companyA}`);
      expect(a.status).toBe(200);
      expect(a.body.data.totalCount).toBe(7);
      expect(firstNames(a)).toEqual(namesA);
      for (const record of a.body.data.records) expect(record.CompanyId).toBe(companyA);
      const b = await listApp.request('GET', `/v1/people?CompanyId=${companyB}`);
      expect(b.body.data.totalCount).toBe(3);
      expect(firstNames(b)).toEqual(namesB);
    });

    it('pages within the filter', async () => {
      const pages = await Promise.all(
        [0, 1, 2].map((n) => listApp.request('GET', `/v1/people?CompanyId=${companyA}&pageSize=3&pageNumber=${n}`)),
      );
      expect(pages.map(firstNames)).toEqual([namesA.slice(0, 3), namesA.slice(3, 6), namesA.slice(6)]);
      for (const page of pages) expect(page.body.data.totalCount).toBe(7);
      const past = await listApp.request('GET', `/v1/people?CompanyId=${companyA}&pageSize=3&pageNumber=3`);
      expect(past.status).toBe(200);
      expect(past.body.data).toEqual({ records: [], totalCount: 7 });
    });

    it('answers an empty page for a company without people or a company that does not exist', async () => {
      const res = await listApp.request('GET', `/v1/people?CompanyId=${MISSING_ID}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ records: [], totalCount: 0 });
    });

    it.each(['abc', '', 'a'.repeat(36), 'A'.repeat(37), `${'A'.repeat(35)}'`])(
      'rejects the malformed CompanyId filter %j with 400 GSOBJ_1004',
      async (value) => {
        expectError(await listApp.request('GET', `/v1/people?CompanyId=${encodeURIComponent(value)}`), 400, 'GSOBJ_1004', 'CompanyId');
      },
    );

    it('rejects a repeated CompanyId filter and bad paging alongside a filter', async () => {
      expectError(await listApp.request('GET', `/v1/people?CompanyId=${companyA}&CompanyId=${companyB}`), 400, 'GSOBJ_1008', 'CompanyId');
      expectError(await listApp.request('GET', `/v1/people?CompanyId=${companyA}&pageSize=0`), 400, 'GSOBJ_1008', 'pageSize');
    });
  });
});
