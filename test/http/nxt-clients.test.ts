/**
 * Real client flows against the NXT surface, request by request as the clients send them:
 * RudderStack's group + identify (query by Name, insert or update by Name, people upsert with
 * companies) and Pipedream's create-or-update (PUT ?keys=Name, on GSOBJ_1011 POST), with the
 * write-only helper fields CSMFirstName/CSMLastName and ParentCompanyName. Each flow runs twice
 * and must leave exactly one of everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

function expectFailure(res: TestResponse, status: number, field?: string | RegExp): void {
  const context = JSON.stringify(res.body);
  if (res.status !== status || res.body.result !== false) throw new Error(`expected ${status}, got ${res.status} ${context}`);
  if (field === undefined) return;
  const desc = String(res.body.errorDesc);
  const named = typeof field === 'string' ? desc.toLowerCase().includes(field.toLowerCase()) : field.test(desc);
  if (!named) throw new Error(`expected errorDesc to name ${field}: ${context}`);
}

describeEachBackend('NXT clients', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  async function queryByName(object: string, name: string, select = ['Gsid', 'Name']): Promise<any[]> {
    const res = await t.request('POST', `/v1/data/objects/query/${object}`, {
      body: { select, where: { conditions: [{ name: 'Name', alias: 'A', operator: 'EQ', value: [name] }], expression: 'A' }, limit: 2 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  async function queryBy(object: string, field: string, value: unknown): Promise<any[]> {
    const res = await t.request('POST', `/v1/data/objects/query/${object}`, {
      body: { where: { conditions: [{ name: field, alias: 'A', operator: 'EQ', value: [value] }], expression: 'A' }, limit: 100 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  async function getCompany(gsid: string): Promise<any> {
    const res = await t.request('GET', `/v1/data/objects/Company/${gsid}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records[0];
  }

  describe('RudderStack group call', () => {
    const companyName = 'Rudder Group Inc';
    const userEmail = 'rudder.user@example.com';

    /** One group call: look the company up by Name, insert or update it, then upsert the person with companies. */
    async function groupCall(traits: Record<string, unknown>): Promise<{ company: string; person: any; inserted: boolean }> {
      const found = await queryByName('Company', companyName);
      const record = {
        Name: companyName,
        Industry: traits.industry,
        Arr: traits.arr,
        Employees: traits.employees,
        Stage: traits.stage,
        Mrr: traits.mrr,
        Users: traits.users,
        CompanyType: 'Customer',
        ManagedAs: 'Scaled',
        Tags: 'rudderstack',
        TickerSymbol: 'RUDR',
        SfdcAccountId: '0015g00000RudderAAA',
        BillingAddress: '1 Rudder Way',
        Summary: traits.summary,
        IndustryNew: traits.industry,
        LifecycleInWeeks: traits.weeks,
        CustomerlifetimeInMonths: traits.months,
      };
      let company: string;
      let inserted: boolean;
      if (found.length === 0) {
        const res = await t.request('POST', '/v1/data/objects/Company', { body: { records: [record] } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.data.count).toBe(1);
        company = res.body.data.records[0].Gsid;
        inserted = true;
      } else {
        const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: { records: [record] } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.data).toEqual({ count: 1, errors: null, records: [{ Gsid: found[0].Gsid }] });
        company = found[0].Gsid;
        inserted = false;
      }
      const people = await t.request('PUT', '/v1.0/api/people', {
        body: { Email: userEmail, FirstName: 'Rudy', LastName: 'Stack', Location: 'Remote', companies: [{ Company_ID: company }] },
      });
      expect(people.status, JSON.stringify(people.body)).toBe(200);
      return { company, person: people.body.data, inserted };
    }

    it('twice: one company (inserted then updated), one person, one company_person link', async () => {
      const first = await groupCall({ industry: 'Software', arr: 120000, employees: 250, stage: 'Onboarding', mrr: 10000, users: 40, summary: 'v1', weeks: 2, months: 1 });
      expect(first.inserted).toBe(true);
      const second = await groupCall({ industry: 'Software', arr: '150000', employees: '300', stage: 'Adopting', mrr: '12500.5', users: 45, summary: 'v2', weeks: 10, months: 3 });
      expect(second.inserted).toBe(false);
      expect(second.company).toBe(first.company);
      expect(second.person.Gsid).toBe(first.person.Gsid);

      expect(await queryByName('Company', companyName)).toHaveLength(1);
      expect(await queryBy('Person', 'Email', userEmail)).toHaveLength(1);
      const links = await queryBy('company_person', 'Person_ID', first.person.Gsid);
      expect(links).toHaveLength(1);
      expect(links[0]).toMatchObject({ Company_ID: first.company, Person_ID: first.person.Gsid });

      expect(await getCompany(first.company)).toMatchObject({
        Name: companyName,
        ARR: 150000,
        Employees: 300,
        Stage: 'Adopting',
        Mrr: 12500.5,
        Users: 45,
        Summary: 'v2',
        LifecycleInWeeks: 10,
        CustomerlifetimeInMonths: 3,
        TickerSymbol: 'RUDR',
        IndustryNew: 'Software',
      });
      expect(second.person).toMatchObject({ Email: userEmail, FirstName: 'Rudy', LastName: 'Stack', Name: 'Rudy Stack', Location: 'Remote' });
      // The seed surface sees the same company.
      const seed = await t.request('GET', `/v1/companies/${first.company}`);
      expect(seed.body.data).toMatchObject({ Name: companyName, ARR: 150000, LifecycleStage: 'Adopting' });
    });

    it('a third, identical call changes nothing but ModifiedDate', async () => {
      const [existing] = await queryByName('Company', companyName);
      const before = await getCompany(existing.Gsid);
      const again = await groupCall({ industry: 'Software', arr: '150000', employees: '300', stage: 'Adopting', mrr: '12500.5', users: 45, summary: 'v2', weeks: 10, months: 3 });
      expect(again.company).toBe(existing.Gsid);
      const after = await getCompany(existing.Gsid);
      expect({ ...after, ModifiedDate: null }).toEqual({ ...before, ModifiedDate: null });
      expect(await queryBy('company_person', 'Company_ID', existing.Gsid)).toHaveLength(1);
    });

    it('the connector’s start-up calls: list objects (both spellings), describe with its flags, ping people', async () => {
      for (const url of ['/v1/meta/services/objects', '/v1/meta/services/objects/']) {
        const res = await t.request('POST', url, { body: { externalUse: 'true' } });
        expect(res.status).toBe(200);
        expect(res.body.data.map((o: { objectName: string }) => o.objectName)).toContain('Company');
      }
      for (const query of ['?ic=false&cl=0&idd=false&ihc=false&piec=false', '?idd=true', '?ci=mda&idd=true']) {
        const res = await t.request('GET', `/v1/meta/services/objects/Company/describe${query}`);
        expect(res.status).toBe(200);
        expect(res.body.data[0].fields.map((f: { fieldName: string }) => f.fieldName)).toEqual(expect.arrayContaining(['Name', 'ARR', 'Stage']));
      }
      expect((await t.request('GET', '/v1.0/api/people')).body.result).toBe(true);
    });
  });

  describe('Pipedream create-or-update', () => {
    let csm: string;
    let parent: string;
    const name = 'Pipedream Co';

    beforeAll(async () => {
      const user = await t.request('POST', '/v1/users/services', {
        body: { records: [{ FirstName: 'Casey', LastName: 'Pipe', Email: 'casey.pipe@example.com' }] },
      });
      expect(user.status, JSON.stringify(user.body)).toBe(200);
      csm = user.body.data.records[0].Gsid;
      const company = await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Pipedream Parent' }] } });
      expect(company.status).toBe(200);
      parent = company.body.data.records[0].Gsid;
    });

    /** PUT ?keys=Name; on 400 GSOBJ_1011 POST. Answers which one it took. */
    async function createOrUpdate(record: Record<string, unknown>): Promise<'updated' | 'created'> {
      const put = await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: { records: [record] } });
      if (put.status === 200) return 'updated';
      expectError(put, 400, 'GSOBJ_1011');
      expect(put.body.errorDesc).toContain('No entity matches the given criteria');
      const post = await t.request('POST', '/v1/data/objects/Company', { body: { records: [record] } });
      expect(post.status, JSON.stringify(post.body)).toBe(200);
      return 'created';
    }

    it('"ARR":"120000" with CSMFirstName/CSMLastName and ParentCompanyName, twice: one company, Csm and ParentCompany set', async () => {
      const record = {
        Name: name,
        ARR: '120000',
        Industry: 'Automation',
        Employees: '85',
        RenewalDate: '2027-09-30',
        CSMFirstName: 'Casey',
        CSMLastName: 'Pipe',
        ParentCompanyName: 'Pipedream Parent',
      };
      expect(await createOrUpdate(record)).toBe('created');
      expect(await createOrUpdate({ ...record, ARR: '125000.75' })).toBe('updated');

      const found = await queryByName('Company', name, ['Gsid', 'Name', 'ARR', 'Csm', 'ParentCompany', 'Csm__gr.Name', 'ParentCompany__gr.Name']);
      expect(found).toEqual([
        { Gsid: expect.any(String), Name: name, ARR: 125000.75, Csm: csm, ParentCompany: parent, 'Csm__gr.Name': 'Casey Pipe', 'ParentCompany__gr.Name': 'Pipedream Parent' },
      ]);
      const stored = await getCompany(found[0].Gsid);
      expect(stored).toMatchObject({ Employees: 85, RenewalDate: '2027-09-30', Industry: 'Automation' });
      for (const helper of ['CSMFirstName', 'CSMLastName', 'ParentCompanyName']) expect(stored).not.toHaveProperty(helper);
    });

    it('plain create-or-update without helper fields, twice: one company with ARR 120000', async () => {
      const plain = { Name: 'Pipedream Plain', ARR: '120000' };
      expect(await createOrUpdate(plain)).toBe('created');
      expect(await createOrUpdate(plain)).toBe('updated');
      const found = await queryByName('Company', 'Pipedream Plain', ['Name', 'ARR', 'Csm', 'ParentCompany']);
      expect(found).toEqual([{ Name: 'Pipedream Plain', ARR: 120000, Csm: null, ParentCompany: null }]);
    });

    it('the failed PUT (GSOBJ_1011) wrote nothing', async () => {
      const res = await t.request('PUT', '/v1/data/objects/Company?keys=Name', {
        body: { records: [{ Name: 'Pipedream Never', ARR: '1', CSMFirstName: 'Casey', CSMLastName: 'Pipe' }] },
      });
      expectError(res, 400, 'GSOBJ_1011');
      expect(await queryByName('Company', 'Pipedream Never')).toEqual([]);
    });

    it('"ARR":"abc" is 400 GSOBJ_1008 naming ARR on both the PUT and the POST', async () => {
      expectError(await t.request('PUT', '/v1/data/objects/Company?keys=Name', { body: { records: [{ Name: name, ARR: 'abc' }] } }), 400, 'GSOBJ_1008', 'ARR');
      expectError(await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Pipedream Bad', ARR: 'abc' }] } }), 400, 'GSOBJ_1008', 'ARR');
      expect(await queryByName('Company', 'Pipedream Bad')).toEqual([]);
    });

    it('no gsuser with that first and last name: 400 naming the helper field, nothing written', async () => {
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: [{ Name: 'Pipedream No Csm', CSMFirstName: 'Nobody', CSMLastName: 'Here' }] },
      });
      expectFailure(res, 400, /CSM(First|Last)Name/);
      expect(await queryByName('Company', 'Pipedream No Csm')).toEqual([]);
      const update = await t.request('PUT', '/v1/data/objects/Company?keys=Name', {
        body: { records: [{ Name: name, CSMFirstName: 'Nobody', CSMLastName: 'Here' }] },
      });
      expectFailure(update, 400, /CSM(First|Last)Name/);
      expect((await queryByName('Company', name, ['Csm']))[0].Csm).toBe(csm);
    });

    it('several gsusers with that name: 400 naming the helper field', async () => {
      const res = await t.request('POST', '/v1/users/services', {
        body: {
          records: [
            { FirstName: 'Sam', LastName: 'Twin', Email: 'sam.twin.1@example.com' },
            { FirstName: 'Sam', LastName: 'Twin', Email: 'sam.twin.2@example.com' },
          ],
        },
      });
      expect(res.status).toBe(200);
      expectFailure(
        await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Pipedream Twin Csm', CSMFirstName: 'Sam', CSMLastName: 'Twin' }] } }),
        400,
        /CSM(First|Last)Name/,
      );
      expect(await queryByName('Company', 'Pipedream Twin Csm')).toEqual([]);
    });

    it('ParentCompanyName matching no company, or several: 400 naming ParentCompanyName', async () => {
      expectFailure(
        await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Pipedream Orphan', ParentCompanyName: 'No Such Parent' }] } }),
        400,
        'ParentCompanyName',
      );
      await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Dup Parent' }, { Name: 'Dup Parent' }] } });
      expectFailure(
        await t.request('POST', '/v1/data/objects/Company', { body: { records: [{ Name: 'Pipedream Ambiguous', ParentCompanyName: 'Dup Parent' }] } }),
        400,
        'ParentCompanyName',
      );
      expect(await queryByName('Company', 'Pipedream Orphan')).toEqual([]);
      expect(await queryByName('Company', 'Pipedream Ambiguous')).toEqual([]);
    });

    it('a helper failure in records[1] of a batch names records[1] and writes nothing', async () => {
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: [{ Name: 'Pipedream Batch Ok' }, { Name: 'Pipedream Batch Bad', ParentCompanyName: 'Nope' }] },
      });
      expectFailure(res, 400, 'ParentCompanyName');
      expect(res.body.errorDesc).toContain('records[1]');
      expect(await queryByName('Company', 'Pipedream Batch Ok')).toEqual([]);
    });

    it('the helper fields also work through the seed-era Company once created, and the seed surface shows no helper', async () => {
      const [company] = await queryByName('Company', name);
      const seed = await t.request('GET', `/v1/companies/${company.Gsid}`);
      expect(seed.status).toBe(200);
      expect(seed.body.data).not.toHaveProperty('Csm');
      expect(seed.body.data).not.toHaveProperty('CSMFirstName');
      expect(seed.body.data.ARR).toBe(125000.75);
    });
  });
});
