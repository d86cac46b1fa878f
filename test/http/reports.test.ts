/**
 * The built-in reports, checked against results computed here, in plain JS, from the data this
 * suite creates through the API (never through the report engine itself).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp } from '../helpers/app.js';

type Row = Record<string, string | number>;

interface CompanyInput {
  Name: string;
  Industry?: string;
  LifecycleStage?: string;
  ARR?: number;
  RenewalDate?: string;
  CSMName?: string;
}

interface CreatedCompany extends CompanyInput {
  Gsid: string;
}

interface PersonInput {
  FirstName: string;
  /** Index into the companies array; absent for a person without a company. */
  company?: number;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Code point order (what the server promises for text); undefined sorts last. */
function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Numbers descending, undefined last. */
function compareNumberDesc(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return b - a;
}

/** Drops undefined values, as the server omits empty columns. */
function compact(row: Record<string, string | number | undefined>): Row {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) as Row;
}

function sum(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}

function avg(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0) / present.length;
}

function groupsOf<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

// Run in a time zone whose local date differs from the UTC date right now, so a server that
// took "today" from local time instead of UTC would get the renewal window wrong.
const originalTimeZone = process.env.TZ;
process.env.TZ = new Date().getUTCHours() >= 12 ? 'Pacific/Kiritimati' : 'Etc/GMT+12';
afterAll(() => {
  if (originalTimeZone === undefined) delete process.env.TZ;
  else process.env.TZ = originalTimeZone;
});

describeEachBackend('reports: built-in reports', (backend) => {
  let t: TestApp;
  // Today's UTC date, as the server computes it. Taken once; a run across midnight UTC could
  // see a different day, which only matters for the renewal window.
  const today = new Date().toISOString().slice(0, 10);
  const day = (offset: number) => addDays(today, offset);

  // Sums and averages are exact in binary floating point whatever the order of addition.
  const companyInputs: CompanyInput[] = [
    { Name: 'Alpha Soft', Industry: 'Software', LifecycleStage: 'Adopting', ARR: 120000, RenewalDate: day(0), CSMName: 'Ann Lee' },
    { Name: 'Beta Health', Industry: 'Healthcare', LifecycleStage: 'Renewing', ARR: 300000, RenewalDate: day(90), CSMName: 'Bo Park' },
    { Name: 'Gamma Retail', Industry: 'Retail', LifecycleStage: 'Onboarding', ARR: 45000.5, RenewalDate: day(91) },
    { Name: 'Delta Soft', Industry: 'Software', LifecycleStage: 'Renewing', ARR: 80000, RenewalDate: day(-1), CSMName: 'Ann Lee' },
    { Name: 'Epsilon Care', Industry: 'Healthcare', LifecycleStage: 'Adopting', RenewalDate: day(30) },
    { Name: 'Zeta Unclassified', LifecycleStage: 'Churned', ARR: 30000, RenewalDate: day(45) },
    { Name: 'Eta Systems', Industry: 'Software', ARR: 250000, RenewalDate: day(1) },
    { Name: 'Theta Bank', Industry: 'Finance', LifecycleStage: 'Adopting', ARR: 175000, RenewalDate: day(89) },
    { Name: 'Iota Credit', Industry: 'Finance', LifecycleStage: 'Onboarding', ARR: 60000 },
    { Name: 'Kappa Shops', Industry: 'Retail', LifecycleStage: 'Renewing', ARR: 95000.25, RenewalDate: day(200) },
    { Name: 'Lambda School', Industry: 'Education', LifecycleStage: 'Adopting', ARR: 30000, RenewalDate: day(10) },
    { Name: 'Mu Academy', Industry: 'Education' },
    { Name: 'Nu Apps', Industry: 'Software', LifecycleStage: 'Adopting', ARR: 15000, RenewalDate: day(30), CSMName: 'Cy Ng' },
    { Name: 'Xi Industrial', Industry: 'Manufacturing', LifecycleStage: 'Renewing', ARR: 500000, RenewalDate: day(60) },
    { Name: 'Omicron Parts', Industry: 'Manufacturing', LifecycleStage: 'Churned', ARR: 1000, RenewalDate: day(-30) },
    { Name: 'Pi Charity', Industry: 'Nonprofit', LifecycleStage: 'Prospect' },
    { Name: 'Rho Retail', Industry: 'Retail', LifecycleStage: 'expansion', ARR: 80000, RenewalDate: day(30) },
    { Name: 'Sigma Soft', Industry: 'Software', LifecycleStage: 'Adopting', ARR: 7500, RenewalDate: day(90) },
  ];
  const personInputs: PersonInput[] = [
    { FirstName: 'A1', company: 0 },
    { FirstName: 'A2', company: 0 },
    { FirstName: 'A3', company: 0 },
    { FirstName: 'B1', company: 1 },
    { FirstName: 'B2', company: 1 },
    { FirstName: 'X1', company: 13 },
    { FirstName: 'X2', company: 13 },
    { FirstName: 'E1', company: 6 },
    { FirstName: 'N1' },
    { FirstName: 'N2' },
    { FirstName: 'N3' },
  ];
  const companies: CreatedCompany[] = [];

  async function run(body: unknown): Promise<{ records: Row[]; columns: { name: string; type: string }[]; totalCount: number }> {
    const res = await t.request('POST', '/v1/reports', { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const input of companyInputs) {
      const res = await t.request('POST', '/v1/companies', { body: input });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      companies.push({ ...input, Gsid: res.body.data.Gsid });
    }
    for (const [i, input] of personInputs.entries()) {
      const body: Record<string, unknown> = { FirstName: input.FirstName, Email: `p${i}@example.com` };
      if (input.company !== undefined) body.CompanyId = companies[input.company]!.Gsid;
      const res = await t.request('POST', '/v1/people', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });
  afterAll(() => t.close());

  describe('catalogue', () => {
    it('lists the five built-in reports', async () => {
      const res = await t.request('GET', '/v1/reports');
      expect(res.status).toBe(200);
      const builtIns = res.body.data.records.filter((r: { builtIn: boolean }) => r.builtIn);
      expect(builtIns.map((r: { id: string }) => r.id).sort()).toEqual(
        ['arr-by-industry', 'companies-by-lifecycle-stage', 'largest-customers', 'people-by-company', 'upcoming-renewals'],
      );
      const objects = Object.fromEntries(builtIns.map((r: { id: string; object: string }) => [r.id, r.object]));
      expect(objects).toEqual({
        'arr-by-industry': 'Company',
        'companies-by-lifecycle-stage': 'Company',
        'largest-customers': 'Company',
        'people-by-company': 'Person',
        'upcoming-renewals': 'Company',
      });
    });

    it('describes upcoming-renewals with its days parameter (default 90)', async () => {
      const res = await t.request('GET', '/v1/reports/upcoming-renewals');
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ id: 'upcoming-renewals', builtIn: true, object: 'Company' });
      expect(res.body.data.parameters).toEqual([expect.objectContaining({ name: 'days', default: 90 })]);
      expect(res.body.data.definition.object).toBe('Company');
    });

    it('answers 404 GSOBJ_1011 for an unknown report id', async () => {
      expectError(await t.request('GET', '/v1/reports/no-such-report'), 404, 'GSOBJ_1011', 'no-such-report');
      expectError(await t.request('POST', '/v1/reports', { body: { reportId: 'no-such-report' } }), 404, 'GSOBJ_1011', 'no-such-report');
    });
  });

  describe('companies-by-lifecycle-stage', () => {
    function expected(rows: readonly CreatedCompany[]): Row[] {
      const groups = groupsOf(rows, (c) => c.LifecycleStage);
      return [...groups.entries()]
        .sort(([a], [b]) => compareText(a, b))
        .map(([stage, members]) => compact({ LifecycleStage: stage, companies: members.length, totalARR: sum(members.map((c) => c.ARR)) }));
    }

    it('counts companies and sums ARR per stage, ordered by stage (code point order, no stage last)', async () => {
      const data = await run({ reportId: 'companies-by-lifecycle-stage' });
      const rows = expected(companies);
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
      expect(data.columns).toEqual([
        { name: 'LifecycleStage', type: 'string' },
        { name: 'companies', type: 'integer' },
        { name: 'totalARR', type: 'number' },
      ]);
      // Sanity of the data set itself: a stage without any ARR, a group without a stage, and
      // a lower-case stage that sorts after the upper-case ones.
      expect(rows.find((r) => r.LifecycleStage === 'Prospect')).toEqual({ LifecycleStage: 'Prospect', companies: 1 });
      expect(rows.at(-1)).not.toHaveProperty('LifecycleStage');
      expect(rows.at(-2)!.LifecycleStage).toBe('expansion');
    });

    it('applies runtime filters before grouping', async () => {
      const data = await run({ reportId: 'companies-by-lifecycle-stage', filters: { Industry: 'Software' } });
      const rows = expected(companies.filter((c) => c.Industry === 'Software'));
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
    });
  });

  describe('arr-by-industry', () => {
    function expected(rows: readonly CreatedCompany[]): Row[] {
      const groups = groupsOf(rows, (c) => c.Industry);
      return [...groups.entries()]
        .map(([industry, members]) => ({
          industry,
          row: compact({
            Industry: industry,
            companies: members.length,
            totalARR: sum(members.map((c) => c.ARR)),
            avgARR: avg(members.map((c) => c.ARR)),
          }),
        }))
        .sort((a, b) => compareNumberDesc(a.row.totalARR as number | undefined, b.row.totalARR as number | undefined) || compareText(a.industry, b.industry))
        .map(({ row }) => row);
    }

    it('counts, sums and averages ARR per industry, largest total first', async () => {
      const data = await run({ reportId: 'arr-by-industry' });
      const rows = expected(companies);
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
      expect(data.columns).toEqual([
        { name: 'Industry', type: 'string' },
        { name: 'companies', type: 'integer' },
        { name: 'totalARR', type: 'number' },
        { name: 'avgARR', type: 'number' },
      ]);
      // The average is over companies that have an ARR (Healthcare has one without).
      expect(rows.find((r) => r.Industry === 'Healthcare')).toEqual({ Industry: 'Healthcare', companies: 2, totalARR: 300000, avgARR: 300000 });
      // Nonprofit has no ARR at all: no total, no average, sorted last.
      expect(rows.at(-1)).toEqual({ Industry: 'Nonprofit', companies: 1 });
    });

    it('breaks a tie on totalARR by Industry, the group without an industry last', async () => {
      const data = await run({ reportId: 'arr-by-industry' });
      const education = data.records.findIndex((r) => r.Industry === 'Education');
      const none = data.records.findIndex((r) => r.Industry === undefined);
      expect(data.records[education]!.totalARR).toBe(30000);
      expect(data.records[none]).toEqual({ companies: 1, totalARR: 30000, avgARR: 30000 });
      expect(none).toBe(education + 1);
    });

    it('limit keeps the first groups and totalCount still counts them all', async () => {
      const data = await run({ reportId: 'arr-by-industry', limit: 2 });
      const rows = expected(companies);
      expect(data.records).toEqual(rows.slice(0, 2));
      expect(data.totalCount).toBe(rows.length);
    });

    it('applies runtime filters before grouping', async () => {
      const filters = { LifecycleStage: ['Adopting', 'Renewing'] };
      const data = await run({ reportId: 'arr-by-industry', filters });
      const rows = expected(companies.filter((c) => c.LifecycleStage === 'Adopting' || c.LifecycleStage === 'Renewing'));
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
    });
  });

  describe('upcoming-renewals', () => {
    function expected(days: number): Row[] {
      const end = addDays(today, days);
      return companies
        .filter((c) => c.RenewalDate !== undefined && c.RenewalDate >= today && c.RenewalDate <= end)
        .sort((a, b) => compareText(a.RenewalDate, b.RenewalDate) || compareText(a.Gsid, b.Gsid))
        .map((c) =>
          compact({ Gsid: c.Gsid, Name: c.Name, RenewalDate: c.RenewalDate, ARR: c.ARR, CSMName: c.CSMName, LifecycleStage: c.LifecycleStage }),
        );
    }

    it('defaults to the next 90 days, today and today+90 included, soonest first', async () => {
      const data = await run({ reportId: 'upcoming-renewals' });
      const rows = expected(90);
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
      expect(data.columns).toEqual([
        { name: 'Gsid', type: 'gsid' },
        { name: 'Name', type: 'string' },
        { name: 'RenewalDate', type: 'date' },
        { name: 'ARR', type: 'number' },
        { name: 'CSMName', type: 'string' },
        { name: 'LifecycleStage', type: 'string' },
      ]);
      const names = data.records.map((r) => r.Name);
      expect(names[0]).toBe('Alpha Soft'); // renews today
      expect(names).toContain('Beta Health'); // today + 90
      expect(names).toContain('Sigma Soft'); // today + 90
      expect(names).not.toContain('Gamma Retail'); // today + 91
      expect(names).not.toContain('Delta Soft'); // yesterday
      expect(names).not.toContain('Iota Credit'); // no renewal date
    });

    it.each([0, 1, 30, 91, 3650])('days = %i', async (days) => {
      const data = await run({ reportId: 'upcoming-renewals', parameters: { days } });
      const rows = expected(days);
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
    });

    it('the test runs where the local date is not the UTC date (so "today" must be UTC)', () => {
      const now = new Date();
      const local = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
      expect(local).not.toBe(now.toISOString().slice(0, 10));
    });

    it('days = 0 is today only; days = 91 adds today+91', async () => {
      expect((await run({ reportId: 'upcoming-renewals', parameters: { days: 0 } })).records.map((r) => r.Name)).toEqual(['Alpha Soft']);
      const in91 = (await run({ reportId: 'upcoming-renewals', parameters: { days: 91 } })).records.map((r) => r.Name);
      expect(in91.at(-1)).toBe('Gamma Retail');
    });

    it.each([
      ['negative', -1],
      ['too large', 3651],
      ['fractional', 1.5],
      ['a string', '30'],
      ['null', null],
      ['a boolean', true],
    ])('rejects days %s with 400 naming parameters.days', async (_label, days) => {
      expectError(
        await t.request('POST', '/v1/reports', { body: { reportId: 'upcoming-renewals', parameters: { days } } }),
        400,
        'GSOBJ_1008',
        'days',
      );
    });

    it('rejects an unknown parameter and parameters that are not an object', async () => {
      expectError(
        await t.request('POST', '/v1/reports', { body: { reportId: 'upcoming-renewals', parameters: { weeks: 2 } } }),
        400,
        'GSOBJ_1002',
        'weeks',
      );
      expectError(
        await t.request('POST', '/v1/reports', { body: { reportId: 'upcoming-renewals', parameters: [90] } }),
        400,
        'GSOBJ_1008',
        'parameters',
      );
      expectError(
        await t.request('POST', '/v1/reports', { body: { reportId: 'largest-customers', parameters: { days: 5 } } }),
        400,
        'GSOBJ_1002',
        'days',
      );
    });

    it('combines the window with runtime filters', async () => {
      const data = await run({ reportId: 'upcoming-renewals', filters: { Industry: 'Software' } });
      const rows = expected(90).filter((r) => companies.find((c) => c.Gsid === r.Gsid)!.Industry === 'Software');
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
    });
  });

  describe('people-by-company', () => {
    function expected(): Row[] {
      const groups = groupsOf(personInputs, (p) => p.company);
      return [...groups.entries()]
        .map(([index, members]) => {
          const company = index === undefined ? undefined : companies[index]!;
          return compact({ CompanyId: company?.Gsid, 'CompanyId.Name': company?.Name, people: members.length });
        })
        .sort(
          (a, b) =>
            (b.people as number) - (a.people as number) ||
            compareText(a['CompanyId.Name'] as string | undefined, b['CompanyId.Name'] as string | undefined),
        );
    }

    it('counts people per company with the company name; people without a company form one row', async () => {
      const data = await run({ reportId: 'people-by-company' });
      const rows = expected();
      expect(data.records).toEqual(rows);
      expect(data.totalCount).toBe(rows.length);
      expect(data.columns).toEqual([
        { name: 'CompanyId', type: 'gsid' },
        { name: 'CompanyId.Name', type: 'string' },
        { name: 'people', type: 'integer' },
      ]);
      // Alpha (3) ties with the people without a company (3): Alpha by name, the empty group after.
      expect(data.records.slice(0, 2)).toEqual([
        { CompanyId: companies[0]!.Gsid, 'CompanyId.Name': 'Alpha Soft', people: 3 },
        { people: 3 },
      ]);
      expect(data.records.map((r) => r['CompanyId.Name'] ?? null)).toEqual(['Alpha Soft', null, 'Beta Health', 'Xi Industrial', 'Eta Systems']);
    });

    it('filters people by a field of their company', async () => {
      const data = await run({ reportId: 'people-by-company', filters: { 'CompanyId.Industry': 'Software' } });
      expect(data.records).toEqual([
        { CompanyId: companies[0]!.Gsid, 'CompanyId.Name': 'Alpha Soft', people: 3 },
        { CompanyId: companies[6]!.Gsid, 'CompanyId.Name': 'Eta Systems', people: 1 },
      ]);
      expect(data.totalCount).toBe(2);
    });

    it('limit keeps the first groups and totalCount still counts them all (the group without a company included)', async () => {
      const data = await run({ reportId: 'people-by-company', limit: 3 });
      expect(data.records).toEqual(expected().slice(0, 3));
      expect(data.totalCount).toBe(expected().length);
    });

    it('sorted by an aggregate that may be empty, then by the company name: any limit, either direction', async () => {
      // max(ARR) of each company with people: Xi 500000, Beta 300000, Eta 250000, Alpha 120000;
      // the group without a company has none (always last).
      const byArr = [
        { name: 'Xi Industrial', index: 13 },
        { name: 'Beta Health', index: 1 },
        { name: 'Eta Systems', index: 6 },
        { name: 'Alpha Soft', index: 0 },
      ].map(({ name, index }) => ({ CompanyId: companies[index]!.Gsid, 'CompanyId.Name': name, arr: companies[index]!.ARR! }));
      const definition = (direction: 'asc' | 'desc', limit: number) => ({
        definition: {
          name: 'By company ARR',
          object: 'Person',
          fields: ['CompanyId', 'CompanyId.Name'],
          groupBy: ['CompanyId', 'CompanyId.Name'],
          aggregates: [{ fn: 'max', field: 'CompanyId.ARR', as: 'arr' }],
          orderBy: [
            { field: 'arr', direction },
            { field: 'CompanyId.Name', direction: 'asc' },
          ],
          limit,
        },
      });
      const descending = [...byArr, {}];
      const ascending = [...byArr.slice().reverse(), {}];
      for (const limit of [1, 2, 4, 5, 6]) {
        const desc = await run(definition('desc', limit));
        expect(desc.records, `desc, limit ${limit}`).toEqual(descending.slice(0, limit));
        expect(desc.totalCount).toBe(5);
        const asc = await run(definition('asc', limit));
        expect(asc.records, `asc, limit ${limit}`).toEqual(ascending.slice(0, limit));
        expect(asc.totalCount).toBe(5);
      }
    });

    it('a definition grouping by the lookup and its fields, aggregating a field of the company and filtered by one', async () => {
      const data = await run({
        definition: {
          name: 'By company',
          object: 'Person',
          fields: ['CompanyId.Industry', 'CompanyId', 'CompanyId.Name'],
          groupBy: ['CompanyId.Name', 'CompanyId.Industry', 'CompanyId'],
          aggregates: [
            { fn: 'count', as: 'people' },
            { fn: 'max', field: 'CompanyId.ARR', as: 'arr' },
            { fn: 'count', field: 'CompanyId.CSMName', as: 'withCsm' },
          ],
          where: { conditions: [{ name: 'CompanyId.Industry', operator: 'NE', value: ['Healthcare'] }] },
          orderBy: [{ field: 'CompanyId.Industry', direction: 'desc' }],
          limit: 4,
        },
      });
      const industryDescending = (a: string | undefined, b: string | undefined) =>
        a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : compareText(b, a);
      const all = [...groupsOf(personInputs, (p) => p.company).entries()]
        .map(([index, members]) => {
          const company = index === undefined ? undefined : companies[index]!;
          return {
            row: compact({
              'CompanyId.Industry': company?.Industry,
              CompanyId: company?.Gsid,
              'CompanyId.Name': company?.Name,
              people: members.length,
              arr: company?.ARR,
              withCsm: company?.CSMName === undefined ? 0 : members.length,
            }),
            name: company?.Name,
            industry: company?.Industry,
          };
        })
        .filter((group) => group.industry !== 'Healthcare')
        // Industry descending (empty last), then the group keys: name, industry, Gsid.
        .sort((a, b) => industryDescending(a.industry, b.industry) || compareText(a.name, b.name));
      expect(data.records).toEqual(all.slice(0, 4).map((group) => group.row));
      expect(data.totalCount).toBe(all.length);
    });
  });

  describe('largest-customers', () => {
    function expected(): Row[] {
      return companies
        .filter((c) => c.ARR !== undefined)
        .sort((a, b) => b.ARR! - a.ARR! || compareText(a.Gsid, b.Gsid))
        .map((c) =>
          compact({ Gsid: c.Gsid, Name: c.Name, ARR: c.ARR, Industry: c.Industry, LifecycleStage: c.LifecycleStage, CSMName: c.CSMName }),
        );
    }

    it('answers the 10 largest companies by ARR by default; totalCount counts every company with an ARR', async () => {
      const data = await run({ reportId: 'largest-customers' });
      const rows = expected();
      expect(rows.length).toBeGreaterThan(10);
      expect(data.records).toEqual(rows.slice(0, 10));
      expect(data.totalCount).toBe(rows.length);
      expect(data.columns).toEqual([
        { name: 'Gsid', type: 'gsid' },
        { name: 'Name', type: 'string' },
        { name: 'ARR', type: 'number' },
        { name: 'Industry', type: 'string' },
        { name: 'LifecycleStage', type: 'string' },
        { name: 'CSMName', type: 'string' },
      ]);
      expect(data.records[0]!.Name).toBe('Xi Industrial');
    });

    it.each([1, 3, 12, 100])('limit %i overrides the default', async (limit) => {
      const data = await run({ reportId: 'largest-customers', limit });
      const rows = expected();
      expect(data.records).toEqual(rows.slice(0, limit));
      expect(data.totalCount).toBe(rows.length);
    });

    it('breaks ARR ties by Gsid and never lists companies without an ARR', async () => {
      const data = await run({ reportId: 'largest-customers', limit: 100 });
      const names = data.records.map((r) => r.Name);
      for (const name of ['Epsilon Care', 'Mu Academy', 'Pi Charity']) expect(names).not.toContain(name);
      const tied = data.records.filter((r) => r.ARR === 80000).map((r) => r.Gsid as string);
      expect(tied).toHaveLength(2);
      expect(tied).toEqual([...tied].sort(compareText));
    });

    it('applies runtime filters before the limit', async () => {
      const data = await run({ reportId: 'largest-customers', limit: 2, filters: { Industry: 'Software' } });
      const software = expected().filter((r) => r.Industry === 'Software');
      expect(data.records).toEqual(software.slice(0, 2));
      expect(data.totalCount).toBe(software.length);
    });

    it.each([0, 10001, 1.5, '5'])('rejects limit %s with 400 naming limit', async (limit) => {
      expectError(await t.request('POST', '/v1/reports', { body: { reportId: 'largest-customers', limit } }), 400, 'GSOBJ_1008', 'limit');
    });
  });
});

describeEachBackend('reports: values as their column type says', (backend) => {
  let t: TestApp;
  const users = [
    { FirstName: 'Avery', LastName: 'Chen', Email: 'avery@example.com', IsActiveUser: true },
    { FirstName: 'Blake', LastName: 'Diaz', Email: 'blake@example.com', IsActiveUser: false },
    { FirstName: 'Casey', LastName: 'Evans', Email: 'casey@example.com' },
  ];

  beforeAll(async () => {
    t = await createTestApp(backend);
    const user = await t.request('POST', '/v1/users/services', { body: { records: users } });
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    const person = await t.request('POST', '/v1/data/objects/Person', {
      body: { records: [{ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', EmailOptOut: false }] },
    });
    expect(person.status, JSON.stringify(person.body)).toBe(200);
  });
  afterAll(() => t.close());

  const definition = (object: string, fields: string[], extra: Record<string, unknown> = {}) => ({
    definition: { name: 'x', object, fields, ...extra },
  });

  it('answers booleans as true and false, as the boolean column type says (JSON)', async () => {
    const res = await t.request('POST', '/v1/reports', {
      body: definition('gsuser', ['Email', 'IsActiveUser'], { orderBy: [{ field: 'Email' }] }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.columns).toEqual([
      { name: 'Email', type: 'email' },
      { name: 'IsActiveUser', type: 'boolean' },
    ]);
    expect(res.body.data.records).toEqual([
      { Email: 'avery@example.com', IsActiveUser: true },
      { Email: 'blake@example.com', IsActiveUser: false },
      { Email: 'casey@example.com' },
    ]);

    const people = await t.request('POST', '/v1/reports', { body: definition('Person', ['Email', 'EmailOptOut']) });
    expect(people.status, JSON.stringify(people.body)).toBe(200);
    expect(people.body.data.records).toEqual([{ Email: 'ada@example.com', EmailOptOut: false }]);
  });

  it('answers true and false in CSV too', async () => {
    const csv = async (body: unknown) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/reports',
        headers: { accesskey: BOOTSTRAP_KEY, 'content-type': 'application/json', accept: 'text/csv' },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      return res.body;
    };
    expect(await csv(definition('gsuser', ['Email', 'IsActiveUser'], { orderBy: [{ field: 'Email' }] }))).toBe(
      'Email,IsActiveUser\r\navery@example.com,true\r\nblake@example.com,false\r\ncasey@example.com,\r\n',
    );
    expect(await csv(definition('Person', ['Email', 'EmailOptOut']))).toBe('Email,EmailOptOut\r\nada@example.com,false\r\n');
  });

  it('groups and filters by a boolean, answering the group key as a boolean', async () => {
    const grouped = await t.request('POST', '/v1/reports', {
      body: definition('gsuser', ['IsActiveUser'], {
        groupBy: ['IsActiveUser'],
        aggregates: [{ fn: 'count', as: 'users' }],
        orderBy: [{ field: 'IsActiveUser', direction: 'desc' }],
      }),
    });
    expect(grouped.status, JSON.stringify(grouped.body)).toBe(200);
    expect(grouped.body.data.records).toEqual([{ IsActiveUser: true, users: 1 }, { IsActiveUser: false, users: 1 }, { users: 1 }]);

    const filtered = await t.request('POST', '/v1/reports', {
      body: { ...definition('gsuser', ['Email', 'IsActiveUser']), filters: { IsActiveUser: false } },
    });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(200);
    expect(filtered.body.data.records).toEqual([{ Email: 'blake@example.com', IsActiveUser: false }]);
  });

  it('a saved report answers booleans the same way', async () => {
    const saved = await t.request('PUT', '/v1/reports/active-users', {
      body: { name: 'Active users', object: 'gsuser', fields: ['Email', 'IsActiveUser'], where: { IsActiveUser: true } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const res = await t.request('POST', '/v1/reports', { body: { reportId: 'active-users' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.records).toEqual([{ Email: 'avery@example.com', IsActiveUser: true }]);
  });
});

describeEachBackend('reports: saved definitions that no longer validate', (backend) => {
  let t: TestApp;
  const at = '2024-01-01T00:00:00.000Z';

  beforeAll(async () => {
    t = await createTestApp(backend);
    const good = await t.request('PUT', '/v1/reports/good', { body: { name: 'Good', object: 'Company', fields: ['Name'] } });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    // Written through the store, as an older version (or someone with database access) might
    // have: the routes would refuse each of these.
    await t.store.reports.put('bad-shape', { name: 'Bad shape', object: 'Company', fields: ['Name'], colour: 'red' }, at);
    await t.store.reports.put('bad-types', { name: 7, object: ['Company'], fields: 'Name' }, at);
    await t.store.reports.put('not-an-object', ['Name'], at);
    // The right shape, but no longer fitting the object model (a field since removed).
    await t.store.reports.put('gone-field', { name: 'Gone field', object: 'Company', fields: ['Name', 'Gone'] }, at);
  });
  afterAll(() => t.close());

  it('the list still answers 200, showing id, name and object as far as the stored JSON has them as strings', async () => {
    const res = await t.request('GET', '/v1/reports');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const saved = res.body.data.records.filter((r: { builtIn: boolean }) => !r.builtIn);
    expect(saved).toEqual([
      { id: 'bad-shape', name: 'Bad shape', object: 'Company', builtIn: false },
      { id: 'bad-types', builtIn: false },
      { id: 'gone-field', name: 'Gone field', object: 'Company', builtIn: false },
      { id: 'good', name: 'Good', object: 'Company', builtIn: false },
      { id: 'not-an-object', builtIn: false },
    ]);
  });

  it.each(['bad-shape', 'bad-types', 'not-an-object'])('GET and running %s answer 409 naming the report and the remedy', async (id) => {
    for (const res of [
      await t.request('GET', `/v1/reports/${id}`),
      await t.request('POST', '/v1/reports', { body: { reportId: id } }),
    ]) {
      expectError(res, 409, 'GSAPI_4090', `Saved report ${id}`);
      expect(res.body.errorDesc).toContain('no longer valid');
      expect(res.body.errorDesc).toContain(`PUT /v1/reports/${id}`);
    }
  });

  it('says what is wrong with the stored definition', async () => {
    const res = await t.request('GET', '/v1/reports/bad-shape');
    expectError(res, 409, 'GSAPI_4090', 'colour');
  });

  it('a definition of the right shape that no longer fits the object model: GET shows it, running it answers 409', async () => {
    const shown = await t.request('GET', '/v1/reports/gone-field');
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect(shown.body.data.definition).toEqual({ name: 'Gone field', object: 'Company', fields: ['Name', 'Gone'] });
    const run = await t.request('POST', '/v1/reports', { body: { reportId: 'gone-field' } });
    expectError(run, 409, 'GSAPI_4090', 'Gone');
    expect(run.body.errorDesc).toContain('report gone-field.fields[1]');
  });

  it("the run's own mistakes stay 400 on a valid saved report", async () => {
    expectError(await t.request('POST', '/v1/reports', { body: { reportId: 'good', filters: { Nope: 1 } } }), 400, 'GSOBJ_1002', 'filters.Nope');
    expect((await t.request('POST', '/v1/reports', { body: { reportId: 'good' } })).status).toBe(200);
  });

  it('a broken report can be replaced or deleted', async () => {
    const replaced = await t.request('PUT', '/v1/reports/bad-shape', { body: { name: 'Fixed', object: 'Company', fields: ['Name'] } });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect((await t.request('POST', '/v1/reports', { body: { reportId: 'bad-shape' } })).status).toBe(200);
    expect((await t.request('DELETE', '/v1/reports/not-an-object')).status).toBe(200);
    expectError(await t.request('GET', '/v1/reports/not-an-object'), 404, 'GSOBJ_1011');
  });
});
