import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MISSING_ID = 'Z'.repeat(36);

describeEachBackend('companies', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const full = {
    Name: 'Acme Corp',
    Industry: 'Software',
    ARR: 125000.5,
    LifecycleStage: 'Adopting',
    Status: 'Active',
    CSMName: 'Avery Chen',
    Employees: 420,
    OriginalContractDate: '2023-02-28',
    RenewalDate: '2024-02-29',
  };

  describe('create', () => {
    it('stores every writable field and answers the stored record with server fields', async () => {
      const res = await t.request('POST', '/v1/companies', { body: full });
      expect(res.status).toBe(200);
      const record = res.body.data;
      expect(record).toMatchObject(full);
      expect(record.Gsid).toMatch(/^[0-9A-Z]{36}$/);
      expect(record.CreatedDate).toMatch(ISO_DATE_TIME);
      expect(record.ModifiedDate).toBe(record.CreatedDate);
      const fetched = await t.request('GET', `/v1/companies/${record.Gsid}`);
      expect(fetched.body.data).toEqual(record);
    });

    it('omits fields without a value instead of sending null', async () => {
      const res = await t.request('POST', '/v1/companies', { body: { Name: 'Sparse Inc' } });
      expect(Object.keys(res.body.data).sort()).toEqual(['CreatedDate', 'Gsid', 'ModifiedDate', 'Name']);
    });

    it('keeps integers and decimals exact', async () => {
      const res = await t.request('POST', '/v1/companies', { body: { Name: 'Numbers', ARR: 0.1, Employees: 2147483647 } });
      const fetched = await t.request('GET', `/v1/companies/${res.body.data.Gsid}`);
      expect(fetched.body.data.ARR).toBe(0.1);
      expect(fetched.body.data.Employees).toBe(2147483647);
    });
  });

  describe('get', () => {
    it('answers 404 GSOBJ_1011 for a well-formed id that does not exist', async () => {
      expectError(await t.request('GET', `/v1/companies/${MISSING_ID}`), 404, 'GSOBJ_1011', MISSING_ID);
    });

    it('answers 400 GSOBJ_1004 for a malformed id', async () => {
      expectError(await t.request('GET', '/v1/companies/not-a-gsid'), 400, 'GSOBJ_1004', 'companyId');
      expectError(await t.request('GET', `/v1/companies/${'a'.repeat(36)}`), 400, 'GSOBJ_1004');
    });
  });

  describe('update (PUT)', () => {
    it('sets the given fields, keeps the others and answers the updated record', async () => {
      const created = (await t.request('POST', '/v1/companies', { body: full })).body.data;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await t.request('PUT', `/v1/companies/${created.Gsid}`, { body: { Name: 'Acme Renamed', ARR: 1 } });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        ...created,
        Name: 'Acme Renamed',
        ARR: 1,
        ModifiedDate: res.body.data.ModifiedDate,
      });
      expect(res.body.data.ModifiedDate > created.ModifiedDate).toBe(true);
      expect((await t.request('GET', `/v1/companies/${created.Gsid}`)).body.data).toEqual(res.body.data);
    });

    it('requires Name, as the seed spec says', async () => {
      const created = (await t.request('POST', '/v1/companies', { body: full })).body.data;
      expectError(await t.request('PUT', `/v1/companies/${created.Gsid}`, { body: { ARR: 5 } }), 400, 'GSOBJ_1007', 'Name');
      expect((await t.request('GET', `/v1/companies/${created.Gsid}`)).body.data).toEqual(created);
    });

    it('answers 404 for a missing company and validates before looking up', async () => {
      expectError(await t.request('PUT', `/v1/companies/${MISSING_ID}`, { body: { Name: 'x' } }), 404, 'GSOBJ_1011');
      expectError(await t.request('PUT', `/v1/companies/${MISSING_ID}`, { body: { Name: 5 } }), 400, 'GSOBJ_1008', 'Name');
    });
  });

  describe('patch (merge patch, extension)', () => {
    it('null clears a field, absent fields are kept', async () => {
      const created = (await t.request('POST', '/v1/companies', { body: full })).body.data;
      const res = await t.request('PATCH', `/v1/companies/${created.Gsid}`, {
        body: { Industry: null, Employees: 7 },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(res.status).toBe(200);
      expect(res.body.data).not.toHaveProperty('Industry');
      expect(res.body.data.Employees).toBe(7);
      expect(res.body.data.Name).toBe(full.Name);
    });

    it('cannot clear Name', async () => {
      const created = (await t.request('POST', '/v1/companies', { body: full })).body.data;
      expectError(await t.request('PATCH', `/v1/companies/${created.Gsid}`, { body: { Name: null } }), 400, 'GSOBJ_1007', 'Name');
    });

    it('an empty patch changes nothing', async () => {
      const created = (await t.request('POST', '/v1/companies', { body: full })).body.data;
      const res = await t.request('PATCH', `/v1/companies/${created.Gsid}`, { body: {} });
      expect(res.body.data).toEqual(created);
    });
  });

  describe('delete', () => {
    it('answers data {Gsid}, then the company is gone', async () => {
      const created = (await t.request('POST', '/v1/companies', { body: { Name: 'Doomed' } })).body.data;
      const res = await t.request('DELETE', `/v1/companies/${created.Gsid}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ Gsid: created.Gsid });
      expectError(await t.request('GET', `/v1/companies/${created.Gsid}`), 404, 'GSOBJ_1011');
      expectError(await t.request('DELETE', `/v1/companies/${created.Gsid}`), 404, 'GSOBJ_1011');
    });

    it('refuses (409) while people reference the company, and deletes nothing', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Referenced' } })).body.data;
      const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Ref', CompanyId: company.Gsid } })).body.data;
      expectError(await t.request('DELETE', `/v1/companies/${company.Gsid}`), 409, 'GSAPI_4090', company.Gsid);
      expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).status).toBe(200);
      expect((await t.request('GET', `/v1/people/${person.Gsid}`)).body.data.CompanyId).toBe(company.Gsid);
    });
  });

  describe('list', () => {
    let listApp: TestApp;
    const names = Array.from({ length: 30 }, (_, i) => `Listed ${String(i).padStart(2, '0')}`);
    beforeAll(async () => {
      listApp = await createTestApp(backend);
      for (const Name of names) await listApp.request('POST', '/v1/companies', { body: { Name } });
    });
    afterAll(() => listApp.close());

    it('pages 0-based with default size 25 and an exact totalCount, in creation order', async () => {
      const first = await listApp.request('GET', '/v1/companies');
      expect(first.body.data.totalCount).toBe(30);
      expect(first.body.data.records.map((r: { Name: string }) => r.Name)).toEqual(names.slice(0, 25));
      const second = await listApp.request('GET', '/v1/companies?pageNumber=1');
      expect(second.body.data.records.map((r: { Name: string }) => r.Name)).toEqual(names.slice(25));
      const sized = await listApp.request('GET', '/v1/companies?pageNumber=2&pageSize=7');
      expect(sized.body.data.records.map((r: { Name: string }) => r.Name)).toEqual(names.slice(14, 21));
    });

    it('answers an empty page past the end', async () => {
      const res = await listApp.request('GET', '/v1/companies?pageNumber=50');
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ records: [], totalCount: 30 });
    });

    it.each([
      ['pageSize=0', 'pageSize'],
      ['pageSize=101', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      ['pageSize=1.5', 'pageSize'],
      ['pageSize=-1', 'pageSize'],
      ['pageSize=', 'pageSize'],
      ['pageNumber=-1', 'pageNumber'],
      ['pageNumber=1e2', 'pageNumber'],
      ['pageNumber=1&pageNumber=2', 'pageNumber'],
    ])('rejects %s with 400 naming %s', async (query, field) => {
      expectError(await listApp.request('GET', `/v1/companies?${query}`), 400, 'GSOBJ_1008', field);
    });
  });
});
