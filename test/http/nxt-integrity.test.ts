/**
 * What keeps the NXT surface's data consistent and its errors exact: a link's ends never change
 * and deleting the link that backs a person's seed CompanyId clears it; a lookup to nothing names
 * the record and the field at fault; values that reach the database only as keys, helper fields,
 * upsert emails or event filters are checked like every other value (a 400, never a 500, on
 * PostgreSQL too); the people upsert writes all or nothing; includeTotal: false skips the count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

const MISSING_ID = 'Z'.repeat(36);

describeEachBackend('NXT integrity', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  let sequence = 0;
  const unique = (prefix: string) => `${prefix} ${++sequence}`;

  async function insert(object: string, ...records: Record<string, unknown>[]): Promise<string[]> {
    const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records.map((record: { Gsid: string }) => record.Gsid);
  }

  async function links(personId: string): Promise<{ Gsid: string; Company_ID: string }[]> {
    const res = await t.request('POST', '/v1/data/objects/query/company_person', {
      body: { select: ['Gsid', 'Company_ID'], where: { conditions: [{ name: 'Person_ID', alias: 'A', operator: 'EQ', value: [personId] }], expression: 'A' } },
    });
    expect(res.status).toBe(200);
    return res.body.data.records;
  }

  describe('links', () => {
    it('deleting the link that backs a seed CompanyId clears the CompanyId', async () => {
      const [company] = await insert('Company', { Name: unique('Linked') });
      const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Lin', CompanyId: company } })).body.data;
      const [link] = await links(person.Gsid);
      expect(link!.Company_ID).toBe(company);
      expect((await t.request('DELETE', `/v1/data/objects/company_person/${link!.Gsid}`)).status).toBe(200);
      const after = (await t.request('GET', `/v1/people/${person.Gsid}`)).body.data;
      expect(after).not.toHaveProperty('CompanyId');
      expect(after.FirstName).toBe('Lin');
      // Setting it again links again.
      await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: company } });
      expect((await links(person.Gsid)).map((l) => l.Company_ID)).toEqual([company]);
    });

    it('a link other than the CompanyId one is deleted without touching the CompanyId', async () => {
      const [first, second] = await insert('Company', { Name: unique('First') }, { Name: unique('Second') });
      const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Two', CompanyId: first } })).body.data;
      const [other] = await insert('company_person', { Company_ID: second, Person_ID: person.Gsid });
      expect((await t.request('DELETE', `/v1/data/objects/company_person/${other}`)).status).toBe(200);
      expect((await t.request('GET', `/v1/people/${person.Gsid}`)).body.data.CompanyId).toBe(first);
    });

    it("a link's ends cannot change; its other fields update by the pair as keys", async () => {
      const [a, b] = await insert('Company', { Name: unique('A') }, { Name: unique('B') });
      const [person] = await insert('Person', { Email: `${unique('ends').replace(' ', '')}@example.com` });
      const [link] = await insert('company_person', { Company_ID: a, Person_ID: person });
      const moved = await t.request('PUT', '/v1/data/objects/company_person?keys=Gsid', {
        body: { records: [{ Gsid: link, Company_ID: b }] },
      });
      expectError(moved, 400, 'GSOBJ_1002', 'Company_ID');
      expect(moved.body.data.errors[0].errors[0].fieldName).toBe('Company_ID');
      const updated = await t.request('PUT', '/v1/data/objects/company_person?keys=Company_ID,Person_ID', {
        body: { records: [{ Company_ID: a, Person_ID: person, Role: 'Champion', Active: 'true' }] },
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body.data.records).toEqual([{ Gsid: link }]);
      const stored = (await t.request('GET', `/v1/data/objects/company_person/${link}`)).body.data.records[0];
      expect(stored).toMatchObject({ Company_ID: a, Person_ID: person, Role: 'Champion', Active: true });
    });

    it('a seed PATCH back to a company whose link was deleted works (no 500)', async () => {
      const [a] = await insert('Company', { Name: unique('Back') });
      const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Back', CompanyId: a } })).body.data;
      const [link] = await links(person.Gsid);
      await t.request('DELETE', `/v1/data/objects/company_person/${link!.Gsid}`);
      const res = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: a } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await links(person.Gsid)).toHaveLength(1);
    });
  });

  describe('a lookup to nothing names the record and the field at fault', () => {
    it('in a batch insert: records[1].ParentCompany', async () => {
      const [user] = await insert('gsuser', { Email: `${unique('csm').replace(' ', '')}@example.com` });
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: [{ Name: unique('Q'), Csm: user }, { Name: unique('R'), ParentCompany: MISSING_ID }] },
      });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', 'records[1].ParentCompany');
      expect(res.body.data.errors).toEqual([
        expect.objectContaining({ index: 1, errors: [expect.objectContaining({ fieldName: 'ParentCompany', invalidValue: MISSING_ID })] }),
      ]);
    });

    it('the second of two lookups: Person_ID, not Company_ID', async () => {
      const [company] = await insert('Company', { Name: unique('Real') });
      const res = await t.request('POST', '/v1/data/objects/company_person', { body: { records: [{ Company_ID: company, Person_ID: MISSING_ID }] } });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', 'Person_ID');
      expect(res.body.errorDesc).toContain(MISSING_ID);
    });
  });

  describe('values that only reach the database as keys, helpers, emails or filters are checked', () => {
    it.each([
      ['CreatedDate "abc"', 'CreatedDate', 'abc', 'GSOBJ_1005'],
      ['CreatedDate true', 'CreatedDate', true, 'GSOBJ_1005'],
      ['Gsid "nope"', 'Gsid', 'nope', 'GSOBJ_1004'],
    ])('PUT ?keys= with %s: 400', async (_name, key, value, code) => {
      const res = await t.request('PUT', `/v1/data/objects/Company?keys=${key}`, { body: { records: [{ [key]: value, Name: 'x' }] } });
      expectError(res, 400, code, key);
    });

    it('PUT ?keys=CreatedDate with a real time updates the companies created then', async () => {
      const [gsid] = await insert('Company', { Name: unique('Timed') });
      const created = (await t.request('GET', `/v1/data/objects/Company/${gsid}`)).body.data.records[0].CreatedDate;
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=CreatedDate', {
        body: { records: [{ CreatedDate: created.replace('T', ' ').replace('Z', ''), Industry: 'Timed' }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.records.map((r: { Gsid: string }) => r.Gsid)).toContain(gsid);
    });

    it('a helper field with a NUL character: 400 naming it', async () => {
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: [{ Name: 'Z', CSMFirstName: 'a\u0000', CSMLastName: 'b' }] },
      });
      expectError(res, 400, 'GSOBJ_1008', 'CSMFirstName');
    });

    it('a helper field over 255 characters: 400 GSOBJ_1001', async () => {
      const res = await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Z', ParentCompanyName: 'x'.repeat(256) }] } });
      expectError(res, 400, 'GSOBJ_1001', 'ParentCompanyName');
    });

    it('a people upsert whose Email holds a NUL character: 400, nothing written', async () => {
      const res = await t.request('PUT', '/v1.0/api/people', { body: { Email: 'a\u0000@x.com', FirstName: 'A' } });
      expect(res.status).toBe(400);
      expect(res.body.errorDesc).toContain('Email');
    });

    it('an event filter with a NUL character: 400 naming it', async () => {
      expectError(await t.request('GET', '/v1.0/api/eventManager/event?topicName=%00'), 400, 'GSOBJ_1008', 'topicName');
    });
  });

  describe('people upsert', () => {
    it('an unknown company writes nothing, not even the person', async () => {
      const [company] = await insert('Company', { Name: unique('Known') });
      const email = `${unique('atomic').replace(' ', '')}@example.com`;
      const res = await t.request('PUT', '/v1.0/api/people', {
        body: { Email: email, FirstName: 'At', companies: [{ Company_ID: company }, { Company_ID: MISSING_ID }] },
      });
      expectError(res, 400, 'GSOBJ_PEOPLE1001', 'companies[1].Company_ID');
      const found = await t.request('POST', '/v1/data/objects/query/Person', {
        body: { select: ['Gsid'], where: { conditions: [{ name: 'Email', alias: 'A', operator: 'EQ', value: [email] }], expression: 'A' } },
      });
      expect(found.body.data.records).toEqual([]);
    });

    it('concurrent upserts of one new email leave one person with one link', async () => {
      const [company] = await insert('Company', { Name: unique('Race') });
      const email = `${unique('race').replace(' ', '')}@example.com`;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.request('PUT', '/v1.0/api/people', { body: { Email: i % 2 ? email.toUpperCase() : email, FirstName: `R${i}`, companies: [{ Company_ID: company }] } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      const gsids = new Set(results.map((r) => r.body.data.Gsid));
      expect(gsids.size).toBe(1);
      expect(await links([...gsids][0]!)).toHaveLength(1);
    });
  });

  it('users list: includeTotal false counts only the page', async () => {
    await insert('gsuser', { Email: `${unique('u').replace(' ', '')}@example.com` }, { Email: `${unique('u').replace(' ', '')}@example.com` });
    const counted = await t.request('POST', '/v1/users/services/list', { body: { select: ['Email'], limit: 1, page: 0, includeTotal: true } });
    expect(counted.body.data.totalCount).toBeGreaterThanOrEqual(2);
    const uncounted = await t.request('POST', '/v1/users/services/list', { body: { select: ['Email'], limit: 1, page: 0, includeTotal: false } });
    expect(uncounted.body.data.records).toHaveLength(1);
    expect(uncounted.body.data.totalCount).toBe(1);
  });
});
