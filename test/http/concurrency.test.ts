import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

const CREATES = 300;

/** Every record of a collection, page by page, in list order. */
async function pageThrough(t: TestApp, collection: string, pageSize: number): Promise<{ gsids: string[]; totals: number[] }> {
  const gsids: string[] = [];
  const totals: number[] = [];
  for (let pageNumber = 0; ; pageNumber++) {
    const res = await t.request('GET', `${collection}?pageNumber=${pageNumber}&pageSize=${pageSize}`);
    expect(res.status).toBe(200);
    totals.push(res.body.data.totalCount);
    const records: Array<{ Gsid: string }> = res.body.data.records;
    expect(records.length).toBeLessThanOrEqual(pageSize);
    gsids.push(...records.map((r) => r.Gsid));
    if (records.length < pageSize) return { gsids, totals };
  }
}

/** `count` distinct casings of one address: bit k of n decides whether the k-th letter is upper case. */
function casings(address: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    let letter = 0;
    return address
      .split('')
      .map((char) => (/[a-z]/.test(char) ? (n & (1 << letter++ % 30) ? char.toUpperCase() : char) : char))
      .join('');
  });
}

describeEachBackend('concurrency', (backend) => {
  describe(`${CREATES} concurrent creates`, () => {
    let t: TestApp;
    let created: TestResponse[];
    beforeAll(async () => {
      t = await createTestApp(backend);
      created = await Promise.all(
        Array.from({ length: CREATES }, (_, i) =>
          t.request('POST', '/v1/companies', { body: { Name: `Concurrent ${i}`, Employees: i } }),
        ),
      );
    });
    afterAll(() => t.close());

    it('all succeed with distinct Gsids and store exactly what each request sent', async () => {
      expect(created.map((res) => res.status)).toEqual(Array(CREATES).fill(200));
      const gsids = created.map((res) => res.body.data.Gsid);
      expect(new Set(gsids).size).toBe(CREATES);
      for (const gsid of gsids) expect(gsid).toMatch(/^[0-9A-Z]{36}$/);
      created.forEach((res, i) => expect(res.body.data).toMatchObject({ Name: `Concurrent ${i}`, Employees: i }));
      const samples = await Promise.all([0, 99, 150, 299].map((i) => t.request('GET', `/v1/companies/${gsids[i]}`)));
      samples.forEach((res, n) => expect(res.body.data).toEqual(created[[0, 99, 150, 299][n]!]!.body.data));
    });

    it('totalCount is exact', async () => {
      const res = await t.request('GET', '/v1/companies?pageSize=1');
      expect(res.body.data.totalCount).toBe(CREATES);
    });

    it.each([100, 25, 7, 1])('paging with pageSize %i returns every record exactly once, in the same order', async (pageSize) => {
      const expected = new Set(created.map((res) => res.body.data.Gsid as string));
      const { gsids, totals } = await pageThrough(t, '/v1/companies', pageSize);
      expect(gsids.length).toBe(CREATES);
      expect(new Set(gsids)).toEqual(expected);
      expect(new Set(totals)).toEqual(new Set([CREATES]));
      const reference = await pageThrough(t, '/v1/companies', 100);
      expect(gsids).toEqual(reference.gsids);
    });

    it('the list order is CreatedDate, then Gsid', async () => {
      const { gsids } = await pageThrough(t, '/v1/companies', 100);
      const byId = new Map(created.map((res) => [res.body.data.Gsid as string, res.body.data as { Gsid: string; CreatedDate: string }]));
      const listed = gsids.map((gsid) => byId.get(gsid)!);
      const sorted = [...listed].sort((a, b) =>
        a.CreatedDate === b.CreatedDate ? (a.Gsid < b.Gsid ? -1 : 1) : a.CreatedDate < b.CreatedDate ? -1 : 1,
      );
      expect(listed.map((r) => r.Gsid)).toEqual(sorted.map((r) => r.Gsid));
    });

    it('paging while others create returns every earlier record exactly once', async () => {
      const before = new Set((await pageThrough(t, '/v1/companies', 100)).gsids);
      const writers = Promise.all(
        Array.from({ length: 60 }, (_, i) => t.request('POST', '/v1/companies', { body: { Name: `Late ${i}` } })),
      );
      const { gsids } = await pageThrough(t, '/v1/companies', 9);
      const late = await writers;
      expect(late.every((res) => res.status === 200)).toBe(true);
      expect(new Set(gsids).size).toBe(gsids.length);
      const seen = new Set(gsids);
      for (const gsid of before) expect(seen.has(gsid)).toBe(true);
      expect((await t.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount).toBe(CREATES + 60);
    });
  });

  describe('unique Email under concurrency', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend);
    });
    afterAll(() => t.close());

    it('creates of the same Email differing only in case: exactly one 200, the rest 409', async () => {
      const emails = casings('same.person@example.com', 40);
      expect(new Set(emails).size).toBe(40);
      const results = await Promise.all(
        emails.map((Email, i) => t.request('POST', '/v1/people', { body: { FirstName: `Racer ${i}`, Email } })),
      );
      const winners = results.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) expectError(res, 409, 'GSAPI_4090', 'Email');
      const people = await t.request('GET', '/v1/people?pageSize=100');
      const stored = people.body.data.records.filter((p: { Email?: string }) => p.Email?.toLowerCase() === 'same.person@example.com');
      expect(stored).toEqual([winners[0]!.body.data]);
    });

    it('distinct Emails created concurrently all succeed', async () => {
      const before = (await t.request('GET', '/v1/people?pageSize=1')).body.data.totalCount;
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => t.request('POST', '/v1/people', { body: { LastName: `Many ${i}`, Email: `many.${i}@example.com` } })),
      );
      expect(results.map((res) => res.status)).toEqual(Array(100).fill(200));
      expect((await t.request('GET', '/v1/people?pageSize=1')).body.data.totalCount).toBe(before + 100);
    });

    it('concurrent updates to one Email: exactly one 200, the rest 409', async () => {
      const people = await Promise.all(
        Array.from({ length: 20 }, (_, i) => t.request('POST', '/v1/people', { body: { FirstName: `Mover ${i}`, Email: `mover.${i}@example.com` } })),
      );
      const targets = casings('taken.later@example.com', 20);
      const results = await Promise.all(
        people.map((res, i) =>
          i % 2 === 0
            ? t.request('PUT', `/v1/people/${res.body.data.Gsid}`, { body: { Email: targets[i] } })
            : t.request('PATCH', `/v1/people/${res.body.data.Gsid}`, { body: { Email: targets[i] } }),
        ),
      );
      expect(results.filter((res) => res.status === 200)).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) expectError(res, 409, 'GSAPI_4090', 'Email');
      // The losers kept their own addresses.
      const after = await Promise.all(people.map((res) => t.request('GET', `/v1/people/${res.body.data.Gsid}`)));
      const owners = after.filter((res) => res.body.data.Email.toLowerCase() === 'taken.later@example.com');
      expect(owners).toHaveLength(1);
      after.forEach((res, i) => {
        if (res !== owners[0]) expect(res.body.data.Email).toBe(`mover.${i}@example.com`);
      });
    });
  });

  describe('concurrent writes to one record', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend);
    });
    afterAll(() => t.close());

    it('concurrent PUTs all succeed and the final record is exactly one of the writes', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Contended', CSMName: 'Untouched' } })).body.data;
      const writes = Array.from({ length: 50 }, (_, i) => ({ Name: `Writer ${i}`, ARR: i * 1000 + 0.5, Industry: `Industry ${i}`, Employees: i }));
      const results = await Promise.all(writes.map((body) => t.request('PUT', `/v1/companies/${company.Gsid}`, { body })));
      results.forEach((res, i) => {
        expect(res.status).toBe(200);
        expect(res.body.data).toMatchObject({ ...writes[i], Gsid: company.Gsid, CreatedDate: company.CreatedDate, CSMName: 'Untouched' });
      });
      const final = (await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data;
      const { Name, ARR, Industry, Employees } = final;
      expect(writes).toContainEqual({ Name, ARR, Industry, Employees });
      expect(final).toMatchObject({ Gsid: company.Gsid, CreatedDate: company.CreatedDate, CSMName: 'Untouched' });
      expect(final.ModifiedDate >= company.ModifiedDate).toBe(true);
      expect((await t.request('GET', '/v1/companies')).body.data.totalCount).toBe(1);
    });

    it('concurrent PATCHes of different fields all take effect (no lost update)', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Patched from all sides' } })).body.data;
      const patches = [
        { Industry: 'Software' },
        { ARR: 42.5 },
        { LifecycleStage: 'Adopting' },
        { Status: 'Active' },
        { CSMName: 'Avery Chen' },
        { Employees: 12 },
        { OriginalContractDate: '2022-01-31' },
        { RenewalDate: '2025-01-31' },
      ];
      const results = await Promise.all(patches.map((body) => t.request('PATCH', `/v1/companies/${company.Gsid}`, { body })));
      expect(results.map((res) => res.status)).toEqual(Array(patches.length).fill(200));
      const final = (await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data;
      expect(final).toMatchObject(Object.assign({ Name: 'Patched from all sides' }, ...patches));
    });

    it('concurrent deletes of one record: exactly one 200, the rest 404', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Deleted many times' } })).body.data;
      const results = await Promise.all(Array.from({ length: 20 }, () => t.request('DELETE', `/v1/companies/${company.Gsid}`)));
      expect(results.filter((res) => res.status === 200)).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) expectError(res, 404, 'GSOBJ_1011');
      expectError(await t.request('GET', `/v1/companies/${company.Gsid}`), 404, 'GSOBJ_1011');
    });

    it('updates racing a delete either succeed before it or answer 404; none resurrects the record', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Vanishing' } })).body.data;
      const results = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => t.request('PUT', `/v1/companies/${company.Gsid}`, { body: { Name: `Racing ${i}` } })),
        t.request('DELETE', `/v1/companies/${company.Gsid}`),
        ...Array.from({ length: 10 }, (_, i) => t.request('PATCH', `/v1/companies/${company.Gsid}`, { body: { Employees: i } })),
      ]);
      const deleted = results[10]!;
      expect(deleted.status).toBe(200);
      for (const res of results.filter((r) => r !== deleted)) {
        if (res.status !== 200) expectError(res, 404, 'GSOBJ_1011');
      }
      expectError(await t.request('GET', `/v1/companies/${company.Gsid}`), 404, 'GSOBJ_1011');
    });
  });

  describe('person create racing company delete', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend);
    });
    afterAll(() => t.close());

    it('never leaves a person pointing at a deleted company', async () => {
      const pairs = 40;
      const companies = await Promise.all(
        Array.from({ length: pairs }, (_, i) => t.request('POST', '/v1/companies', { body: { Name: `Raced ${i}` } })),
      );
      const ids: string[] = companies.map((res) => res.body.data.Gsid);

      const raced = await Promise.all(
        ids.map(async (gsid, i) => {
          const create = () => t.request('POST', '/v1/people', { body: { FirstName: `Employee ${i}`, CompanyId: gsid } });
          const remove = () => t.request('DELETE', `/v1/companies/${gsid}`);
          // Alternate which request is issued first.
          if (i % 2 === 0) {
            const [person, deletion] = await Promise.all([create(), remove()]);
            return { gsid, person, deletion };
          }
          const [deletion, person] = await Promise.all([remove(), create()]);
          return { gsid, person, deletion };
        }),
      );

      for (const { gsid, person, deletion } of raced) {
        const outcome = `${person.status}/${deletion.status}`;
        expect(['200/409', '400/200'], `${gsid}: person ${JSON.stringify(person.body)} delete ${JSON.stringify(deletion.body)}`).toContain(outcome);
        if (person.status === 200) {
          expectError(deletion, 409, 'GSAPI_4090', gsid);
          expect((await t.request('GET', `/v1/companies/${gsid}`)).status).toBe(200);
          expect((await t.request('GET', `/v1/people/${person.body.data.Gsid}`)).body.data.CompanyId).toBe(gsid);
        } else {
          expectError(person, 400, 'GSOBJ_PEOPLE1001', 'CompanyId');
          expectError(await t.request('GET', `/v1/companies/${gsid}`), 404, 'GSOBJ_1011');
          expect((await t.request('GET', `/v1/people?CompanyId=${gsid}`)).body.data.totalCount).toBe(0);
        }
      }

      // Across the whole store: every person's company exists.
      const people = (await t.request('GET', '/v1/people?pageSize=100')).body.data.records as Array<{ CompanyId?: string }>;
      expect(people.length).toBe(raced.filter((r) => r.person.status === 200).length);
      for (const person of people) {
        expect((await t.request('GET', `/v1/companies/${person.CompanyId}`)).status).toBe(200);
      }
    });

    it('re-pointing people at a company being deleted never leaves a dangling reference', async () => {
      const home = (await t.request('POST', '/v1/companies', { body: { Name: 'Home' } })).body.data;
      const doomed = (await t.request('POST', '/v1/companies', { body: { Name: 'Doomed' } })).body.data;
      const people = await Promise.all(
        Array.from({ length: 10 }, (_, i) => t.request('POST', '/v1/people', { body: { FirstName: `Mover ${i}`, CompanyId: home.Gsid } })),
      );
      const results = await Promise.all([
        ...people.map((res) => t.request('PATCH', `/v1/people/${res.body.data.Gsid}`, { body: { CompanyId: doomed.Gsid } })),
        t.request('DELETE', `/v1/companies/${doomed.Gsid}`),
      ]);
      const deletion = results.at(-1)!;
      const moved = results.slice(0, -1).filter((res) => res.status === 200);
      if (deletion.status === 200) {
        expect(moved).toHaveLength(0);
        for (const res of results.slice(0, -1)) expectError(res, 400, 'GSOBJ_PEOPLE1001', 'CompanyId');
      } else {
        // The company was never deleted, so every re-pointing succeeded.
        expectError(deletion, 409, 'GSAPI_4090');
        expect(moved).toHaveLength(people.length);
      }
      const after = await Promise.all(people.map((res) => t.request('GET', `/v1/people/${res.body.data.Gsid}`)));
      for (const res of after) {
        expect((await t.request('GET', `/v1/companies/${res.body.data.CompanyId}`)).status).toBe(200);
      }
    });
  });
});
