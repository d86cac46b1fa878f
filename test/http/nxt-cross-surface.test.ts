/**
 * One store, two surfaces: a record written through the seed surface (/v1/companies, /v1/people)
 * is the same record through the NXT data API, and the reverse. LifecycleStage (seed) is Stage
 * (NXT); a person's seed CompanyId is mirrored as exactly one company_person link; deletes agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

const SEED_COMPANY_FIELDS = [
  'Gsid', 'Name', 'Industry', 'ARR', 'LifecycleStage', 'Status', 'CSMName', 'Employees', 'OriginalContractDate',
  'RenewalDate', 'CreatedDate', 'ModifiedDate',
];
const SEED_PERSON_FIELDS = ['Gsid', 'FirstName', 'LastName', 'Email', 'CompanyId', 'Role', 'Location', 'CreatedDate', 'ModifiedDate'];

describeEachBackend('NXT and seed surfaces share one store', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  let sequence = 0;
  const unique = (prefix: string) => `${prefix} ${++sequence}`;
  const email = (prefix = 'x') => `${prefix}.${++sequence}@example.com`;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  async function seedCreate(path: 'companies' | 'people', body: Record<string, unknown>): Promise<any> {
    const res = await t.request('POST', `/v1/${path}`, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  async function seedGet(path: 'companies' | 'people', gsid: string): Promise<any> {
    const res = await t.request('GET', `/v1/${path}/${gsid}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  async function nxtInsert(object: string, record: Record<string, unknown>): Promise<string> {
    const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records: [record] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records[0].Gsid;
  }

  async function nxtGet(object: string, gsid: string): Promise<any> {
    const res = await t.request('GET', `/v1/data/objects/${object}/${gsid}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records[0];
  }

  async function linksOf(field: 'Person_ID' | 'Company_ID', gsid: string): Promise<any[]> {
    const res = await t.request('POST', '/v1/data/objects/query/company_person', {
      body: { select: ['Gsid', 'Company_ID', 'Person_ID'], where: { conditions: [{ name: field, alias: 'A', operator: 'EQ', value: [gsid] }], expression: 'A' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  describe('companies', () => {
    it('created on the seed surface, read on NXT: same Gsid, dates and values; LifecycleStage is Stage', async () => {
      const seed = await seedCreate('companies', {
        Name: unique('Seeded'),
        Industry: 'Software',
        ARR: 125000.5,
        LifecycleStage: 'Adopting',
        Status: 'Active',
        CSMName: 'Avery Chen',
        Employees: 420,
        OriginalContractDate: '2023-02-28',
        RenewalDate: '2024-02-29',
      });
      const nxt = await nxtGet('Company', seed.Gsid);
      const { LifecycleStage, ...rest } = seed;
      expect(nxt).toMatchObject({ ...rest, Stage: LifecycleStage });
      expect(nxt).not.toHaveProperty('LifecycleStage');
      for (const field of ['Csm', 'ParentCompany', 'Mrr', 'Users', 'Tags']) expect(nxt[field], field).toBeNull();
    });

    it('inserted on NXT, read on the seed surface: only seed fields, empty ones omitted, Stage as LifecycleStage', async () => {
      const name = unique('Nxt made');
      const gsid = await nxtInsert('Company', { Name: name, ARR: '99000', Stage: 'Onboarding', Mrr: 8250, Tags: 'x', RenewalDate: '2027-01-31' });
      const seed = await seedGet('companies', gsid);
      expect(seed).toEqual({
        Gsid: gsid,
        Name: name,
        ARR: 99000,
        LifecycleStage: 'Onboarding',
        RenewalDate: '2027-01-31',
        CreatedDate: expect.any(String),
        ModifiedDate: expect.any(String),
      });
      const nxt = await nxtGet('Company', gsid);
      expect(seed.CreatedDate).toBe(nxt.CreatedDate);
      expect(seed.ModifiedDate).toBe(nxt.ModifiedDate);
      for (const key of Object.keys(seed)) expect(SEED_COMPANY_FIELDS).toContain(key);
      const listed = (await t.request('GET', '/v1/companies?pageSize=100')).body.data.records;
      expect(listed.find((c: { Gsid: string }) => c.Gsid === gsid)).toEqual(seed);
    });

    it('updated on the seed surface (LifecycleStage), read on NXT (Stage); NXT-only fields are kept by a seed PUT', async () => {
      const name = unique('Stage move');
      const gsid = await nxtInsert('Company', { Name: name, Stage: 'Onboarding', Mrr: 100, TickerSymbol: 'STG' });
      await tick();
      const res = await t.request('PUT', `/v1/companies/${gsid}`, { body: { Name: name, LifecycleStage: 'Adopting', ARR: 5 } });
      expect(res.status).toBe(200);
      expect(res.body.data.LifecycleStage).toBe('Adopting');
      const nxt = await nxtGet('Company', gsid);
      expect(nxt).toMatchObject({ Stage: 'Adopting', ARR: 5, Mrr: 100, TickerSymbol: 'STG' });
      expect(nxt.ModifiedDate).toBe(res.body.data.ModifiedDate);
    });

    it('updated on NXT (Stage), read on the seed surface (LifecycleStage)', async () => {
      const seed = await seedCreate('companies', { Name: unique('Stage back'), LifecycleStage: 'Prospect', Industry: 'Retail' });
      await tick();
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', { body: { records: [{ Gsid: seed.Gsid, Stage: 'Customer', Employees: 12 }] } });
      expect(res.status).toBe(200);
      const after = await seedGet('companies', seed.Gsid);
      expect(after).toMatchObject({ LifecycleStage: 'Customer', Employees: 12, Industry: 'Retail', Name: seed.Name });
      expect(after.ModifiedDate > seed.ModifiedDate).toBe(true);
    });

    it('a seed PATCH null clears the NXT field too', async () => {
      const gsid = await nxtInsert('Company', { Name: unique('Patch'), Stage: 'Adopting', Industry: 'Gone' });
      const res = await t.request('PATCH', `/v1/companies/${gsid}`, { body: { Industry: null, LifecycleStage: null } });
      expect(res.status).toBe(200);
      expect(await nxtGet('Company', gsid)).toMatchObject({ Industry: null, Stage: null });
    });

    it('deleted on the seed surface: gone on NXT (400 GSOBJ_1011)', async () => {
      const seed = await seedCreate('companies', { Name: unique('Seed doomed') });
      expect((await t.request('DELETE', `/v1/companies/${seed.Gsid}`)).status).toBe(200);
      expectError(await t.request('GET', `/v1/data/objects/Company/${seed.Gsid}`), 400, 'GSOBJ_1011');
      expectError(await t.request('DELETE', `/v1/data/objects/Company/${seed.Gsid}`), 400, 'GSOBJ_1011');
    });

    it('deleted on NXT: gone on the seed surface (404 GSOBJ_1011)', async () => {
      const gsid = await nxtInsert('Company', { Name: unique('Nxt doomed') });
      expect((await t.request('DELETE', `/v1/data/objects/Company/${gsid}`)).body.data).toEqual({ Gsid: gsid });
      expectError(await t.request('GET', `/v1/companies/${gsid}`), 404, 'GSOBJ_1011');
      expectError(await t.request('DELETE', `/v1/companies/${gsid}`), 404, 'GSOBJ_1011');
    });

    it('the seed list totalCount counts NXT inserts', async () => {
      const before = (await t.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount;
      await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: unique('Count a') }, { Name: unique('Count b') }] } });
      expect((await t.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount).toBe(before + 2);
    });

    it('seed reports see NXT writes (Stage as LifecycleStage)', async () => {
      const name = unique('Reported');
      await nxtInsert('Company', { Name: name, Stage: 'Expanding', ARR: 777 });
      const res = await t.request('POST', '/v1/reports', {
        body: { definition: { name: 'NXT writes', object: 'Company', fields: ['Name', 'LifecycleStage', 'ARR'], where: { Name: name } } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.records).toEqual([{ Name: name, LifecycleStage: 'Expanding', ARR: 777 }]);
    });
  });

  describe('people', () => {
    it('created on the seed surface, read on NXT: same record, CompanyId not an NXT field, Name from first and last', async () => {
      const seed = await seedCreate('people', { FirstName: 'Ada', LastName: 'Lovelace', Email: email('ada'), Role: 'VP', Location: 'London' });
      const nxt = await nxtGet('Person', seed.Gsid);
      expect(nxt).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace', Email: seed.Email, Role: 'VP', Location: 'London', CreatedDate: seed.CreatedDate });
      expect(nxt).not.toHaveProperty('CompanyId');
      expect(nxt.Name === 'Ada Lovelace' || nxt.Name === null).toBe(true);
    });

    it('inserted on NXT, read on the seed surface: only seed fields', async () => {
      const address = email('nxt.person');
      const gsid = await nxtInsert('Person', { FirstName: 'Grace', LastName: 'Hopper', Email: address, MiddleName: 'Brewster', EmailOptOut: true, Timezone: 'EST' });
      const seed = await seedGet('people', gsid);
      expect(seed).toEqual({ Gsid: gsid, FirstName: 'Grace', LastName: 'Hopper', Email: address, CreatedDate: expect.any(String), ModifiedDate: expect.any(String) });
      for (const key of Object.keys(seed)) expect(SEED_PERSON_FIELDS).toContain(key);
    });

    it('Email uniqueness spans both surfaces (ignoring case)', async () => {
      const address = email('Shared');
      await seedCreate('people', { FirstName: 'Seed', Email: address });
      expectError(
        await t.request('POST', '/v1/data/objects/Person', { body: { records: [{ FirstName: 'Nxt', Email: address.toUpperCase() }] } }),
        409,
        'GSAPI_4090',
        'Email',
      );
      const other = email('Other');
      await nxtInsert('Person', { FirstName: 'Nxt', Email: other });
      expectError(await t.request('POST', '/v1/people', { body: { FirstName: 'Seed', Email: other.toLowerCase() } }), 409, 'GSAPI_4090', 'Email');
    });

    it('the people upsert finds a person created on the seed surface by Email', async () => {
      const address = email('Upserted');
      const seed = await seedCreate('people', { FirstName: 'Seed', Email: address });
      const res = await t.request('PUT', '/v1/peoplemgmt/v1.0/people', { body: { Email: address.toLowerCase(), Role: 'Set by NXT' } });
      expect(res.status).toBe(200);
      expect(res.body.data.Gsid).toBe(seed.Gsid);
      expect((await seedGet('people', seed.Gsid)).Role).toBe('Set by NXT');
    });

    it('a seed person with CompanyId creates exactly one company_person link, also after repeated updates', async () => {
      const company = await seedCreate('companies', { Name: unique('Linked by seed') });
      const person = await seedCreate('people', { FirstName: 'Linked', Email: email('linked'), CompanyId: company.Gsid });
      let links = await linksOf('Person_ID', person.Gsid);
      expect(links).toEqual([{ Gsid: expect.any(String), Company_ID: company.Gsid, Person_ID: person.Gsid }]);
      for (let i = 0; i < 3; i++) {
        const res = await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: company.Gsid, Role: `Role ${i}` } });
        expect(res.status).toBe(200);
      }
      await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { CompanyId: company.Gsid } });
      links = await linksOf('Person_ID', person.Gsid);
      expect(links).toHaveLength(1);
      expect(await linksOf('Company_ID', company.Gsid)).toHaveLength(1);
    });

    it('a seed update to another CompanyId links the person to the new company (once)', async () => {
      const first = await seedCreate('companies', { Name: unique('First co') });
      const second = await seedCreate('companies', { Name: unique('Second co') });
      const person = await seedCreate('people', { FirstName: 'Mover', Email: email('mover'), CompanyId: first.Gsid });
      expect((await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: second.Gsid } })).status).toBe(200);
      expect((await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: second.Gsid } })).status).toBe(200);
      const toSecond = (await linksOf('Person_ID', person.Gsid)).filter((l) => l.Company_ID === second.Gsid);
      expect(toSecond).toHaveLength(1);
    });

    it('a seed person without CompanyId has no link; an NXT link does not invent a seed CompanyId requirement', async () => {
      const person = await seedCreate('people', { FirstName: 'Loose', Email: email('loose') });
      expect(await linksOf('Person_ID', person.Gsid)).toEqual([]);
      const company = await nxtInsert('Company', { Name: unique('Nxt linked') });
      await nxtInsert('company_person', { Company_ID: company, Person_ID: person.Gsid });
      const seed = await seedGet('people', person.Gsid);
      expect(seed.FirstName).toBe('Loose');
    });
  });

  describe('deleting a referenced company', () => {
    it('seed DELETE while a person’s CompanyId references it: 409, nothing deleted', async () => {
      const company = await seedCreate('companies', { Name: unique('Referenced') });
      const person = await seedCreate('people', { FirstName: 'Ref', Email: email('ref'), CompanyId: company.Gsid });
      expectError(await t.request('DELETE', `/v1/companies/${company.Gsid}`), 409, 'GSAPI_4090', company.Gsid);
      expect((await nxtGet('Company', company.Gsid)).Gsid).toBe(company.Gsid);
      expect(await linksOf('Company_ID', company.Gsid)).toHaveLength(1);
      expect((await seedGet('people', person.Gsid)).CompanyId).toBe(company.Gsid);
    });

    it('NXT DELETE of the same kind of company succeeds, removes its links and clears the seed CompanyId', async () => {
      const company = await seedCreate('companies', { Name: unique('Nxt deletes') });
      const keep = await seedCreate('companies', { Name: unique('Kept') });
      const person = await seedCreate('people', { FirstName: 'Ref', Email: email('ref2'), CompanyId: company.Gsid });
      const other = await nxtInsert('Person', { FirstName: 'Other', Email: email('other') });
      await nxtInsert('company_person', { Company_ID: company.Gsid, Person_ID: other });
      await nxtInsert('company_person', { Company_ID: keep.Gsid, Person_ID: other });
      expect(await linksOf('Company_ID', company.Gsid)).toHaveLength(2);

      const res = await t.request('DELETE', `/v1/data/objects/Company/${company.Gsid}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ Gsid: company.Gsid });

      expect(await linksOf('Company_ID', company.Gsid)).toEqual([]);
      expect((await linksOf('Person_ID', other)).map((l) => l.Company_ID)).toEqual([keep.Gsid]);
      const seedPerson = await seedGet('people', person.Gsid);
      expect(seedPerson).not.toHaveProperty('CompanyId');
      expect(seedPerson.FirstName).toBe('Ref');
      expect((await nxtGet('Person', other)).FirstName).toBe('Other');
      expectError(await t.request('GET', `/v1/companies/${company.Gsid}`), 404, 'GSOBJ_1011');
      // The person can now be pointed at another company, and the seed delete of the old one is a plain 404.
      expect((await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { CompanyId: keep.Gsid } })).status).toBe(200);
    });

    it('a company linked only through company_person (no seed CompanyId) can be deleted on the seed surface', async () => {
      const company = await nxtInsert('Company', { Name: unique('Link only') });
      const person = await nxtInsert('Person', { FirstName: 'Linked', Email: email('linkonly') });
      await nxtInsert('company_person', { Company_ID: company, Person_ID: person });
      const res = await t.request('DELETE', `/v1/companies/${company}`);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      if (res.status === 200) expect(await linksOf('Company_ID', company)).toEqual([]);
    });
  });
});
