/**
 * The filter model (every operator, expressions, NULL semantics, reference paths), validation of
 * filters and report definitions, saved-report CRUD, CSV output and access rules of /v1/reports.
 * Expected rows are computed here in plain JS from the data the suite creates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

type Value = string | number;
type Row = Record<string, Value>;

interface Company {
  Name: string;
  Industry?: string;
  ARR?: number;
  Employees?: number;
  LifecycleStage?: string;
  RenewalDate?: string;
  CSMName?: string;
  Gsid?: string;
  CreatedDate?: string;
}

interface Person {
  FirstName: string;
  company?: number;
  Role?: string;
}

type Operator =
  | 'EQ' | 'NE' | 'LT' | 'GT' | 'LTE' | 'GTE' | 'BTW' | 'IS_NULL' | 'IS_NOT_NULL'
  | 'CONTAINS' | 'DOES_NOT_CONTAINS' | 'STARTS_WITH' | 'ENDS_WITH' | 'IN' | 'NOT_IN';

/** Code point order; undefined last. */
function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function less(a: Value, b: Value): boolean {
  return typeof a === 'number' && typeof b === 'number' ? a < b : compareText(String(a), String(b)) < 0;
}

/** The semantics the issue promises, written independently of the server. */
function matches(value: Value | undefined, operator: Operator, args: readonly Value[]): boolean {
  const present = value !== undefined;
  const text = present ? String(value).toLowerCase() : '';
  const needle = String(args[0] ?? '').toLowerCase();
  switch (operator) {
    case 'EQ':
      return present && value === args[0];
    case 'NE':
      return !present || value !== args[0];
    case 'LT':
      return present && less(value, args[0]!);
    case 'GT':
      return present && less(args[0]!, value);
    case 'LTE':
      return present && !less(args[0]!, value);
    case 'GTE':
      return present && !less(value, args[0]!);
    case 'BTW':
      return present && !less(value, args[0]!) && !less(args[1]!, value);
    case 'IS_NULL':
      return !present;
    case 'IS_NOT_NULL':
      return present;
    case 'CONTAINS':
      return present && text.includes(needle);
    case 'DOES_NOT_CONTAINS':
      return !present || !text.includes(needle);
    case 'STARTS_WITH':
      return present && text.startsWith(needle);
    case 'ENDS_WITH':
      return present && text.endsWith(needle);
    case 'IN':
      return present && args.includes(value);
    case 'NOT_IN':
      return !present || !args.includes(value);
  }
}

const COMPANIES: readonly Company[] = [
  { Name: 'Acme 100% Cloud', Industry: 'Software', ARR: 100, Employees: 10, LifecycleStage: 'Adopting', RenewalDate: '2025-01-01', CSMName: 'Ann Lee' },
  { Name: 'a_b Labs', Industry: 'Software', ARR: 200, Employees: 20, LifecycleStage: 'Renewing', RenewalDate: '2025-06-30', CSMName: 'bob stone' },
  { Name: 'axb Labs', Industry: 'Retail', ARR: 300, Employees: 30, LifecycleStage: 'Onboarding', RenewalDate: '2025-12-31' },
  { Name: 'Acme 1000 Cloud', Industry: 'Retail', ARR: 150.5, Employees: 5, RenewalDate: '2026-03-01', CSMName: 'ANN MARIE' },
  { Name: 'Null Corp' },
  { Name: 'Zero ARR Inc', Industry: 'Manufacturing', ARR: 0, Employees: 0, LifecycleStage: 'Churned', RenewalDate: '2024-12-31' },
  { Name: 'Percent Sign %', Industry: 'Finance', ARR: 1000000, LifecycleStage: 'Adopting', CSMName: '100% Pat' },
  { Name: 'Under_Score', Industry: 'Finance', ARR: -50, LifecycleStage: 'Renewing', CSMName: 'a_b' },
  { Name: 'Backslash \\ Co', LifecycleStage: 'Adopting', CSMName: 'c:\\path' },
  { Name: 'Zed software', Industry: 'software', ARR: 250, Employees: 7, RenewalDate: '2025-06-30' },
  // Code point order differs from UTF-16 order here: U+FF5E sorts before U+1F600.
  { Name: '\u{1F600} Emoji', Industry: 'Media' },
  { Name: '\uFF5E Fullwidth', Industry: 'Media' },
];

const PEOPLE: readonly Person[] = [
  { FirstName: 'Ava', company: 0, Role: 'CEO' },
  { FirstName: 'Ben', company: 0 },
  { FirstName: 'Cat', company: 1, Role: 'CTO' },
  { FirstName: 'Dan', company: 2 },
  { FirstName: 'Eve', company: 3 },
  { FirstName: 'Fay', company: 4 },
  { FirstName: 'Gus', company: 8 },
  { FirstName: 'Hal' },
  { FirstName: 'Ivy', Role: 'Advisor' },
];

const listing = (extra: Record<string, unknown> = {}) => ({
  name: 'filter probe',
  object: 'Company',
  fields: ['Name'],
  orderBy: [{ field: 'Name', direction: 'asc' }],
  ...extra,
});

const peopleListing = (extra: Record<string, unknown> = {}) => ({
  name: 'people probe',
  object: 'Person',
  fields: ['FirstName'],
  orderBy: [{ field: 'FirstName', direction: 'asc' }],
  ...extra,
});

function condition(name: string, operator: unknown, value: unknown, alias?: string) {
  return alias === undefined ? { name, operator, value } : { name, alias, operator, value };
}

describeEachBackend('reports: filters, definitions, saved reports, CSV', (backend) => {
  let t: TestApp;
  const companies: Company[] = [];

  const fieldOf = (c: Company, field: string): Value | undefined => (c as unknown as Record<string, Value | undefined>)[field];
  const companyNames = (predicate: (c: Company) => boolean) => companies.filter(predicate).map((c) => c.Name).sort(compareText);
  const personNames = (predicate: (p: Person, company: Company | undefined) => boolean) =>
    PEOPLE.filter((p) => predicate(p, p.company === undefined ? undefined : companies[p.company]))
      .map((p) => p.FirstName)
      .sort(compareText);

  async function post(body: unknown, options: { headers?: Record<string, string>; key?: string | null } = {}): Promise<TestResponse> {
    return t.request('POST', '/v1/reports', { body, ...options });
  }

  async function run(body: unknown): Promise<{ records: Row[]; columns: { name: string; type: string }[]; totalCount: number }> {
    const res = await post(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  /** Names of the companies the filter selects (runtime filters on an ad-hoc listing). */
  async function namesFor(filters: unknown, where?: unknown): Promise<string[]> {
    const data = await run({ definition: listing(where === undefined ? {} : { where }), filters });
    expect(data.totalCount).toBe(data.records.length);
    return data.records.map((r) => r.Name as string);
  }

  async function peopleFor(filters: unknown): Promise<string[]> {
    const data = await run({ definition: peopleListing(), filters });
    expect(data.totalCount).toBe(data.records.length);
    return data.records.map((r) => r.FirstName as string);
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const input of COMPANIES) {
      const res = await t.request('POST', '/v1/companies', { body: input });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      companies.push({ ...input, Gsid: res.body.data.Gsid, CreatedDate: res.body.data.CreatedDate });
    }
    for (const [i, person] of PEOPLE.entries()) {
      const body: Record<string, unknown> = { FirstName: person.FirstName, Email: `person${i}@example.com` };
      if (person.company !== undefined) body.CompanyId = companies[person.company]!.Gsid;
      if (person.Role !== undefined) body.Role = person.Role;
      const res = await t.request('POST', '/v1/people', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });
  afterAll(() => t.close());

  describe('operators', () => {
    const cases: [string, Operator, Value[]][] = [
      ['Industry', 'EQ', ['Software']],
      ['ARR', 'EQ', [0]],
      ['RenewalDate', 'EQ', ['2025-06-30']],
      ['Industry', 'NE', ['Software']],
      ['ARR', 'NE', [100]],
      ['ARR', 'LT', [150.5]],
      ['ARR', 'LT', [0]],
      ['ARR', 'GT', [150.5]],
      ['ARR', 'LTE', [150.5]],
      ['ARR', 'GTE', [150.5]],
      ['Employees', 'GT', [5]],
      ['Employees', 'LTE', [5]],
      ['RenewalDate', 'LT', ['2025-06-30']],
      ['RenewalDate', 'GTE', ['2025-06-30']],
      ['Name', 'LT', ['B']],
      ['Name', 'GT', ['Z']],
      ['ARR', 'BTW', [100, 200]],
      ['ARR', 'BTW', [-50, 0]],
      ['RenewalDate', 'BTW', ['2025-01-01', '2025-12-31']],
      ['Name', 'BTW', ['A', 'Z']],
      ['ARR', 'IS_NULL', []],
      ['ARR', 'IS_NOT_NULL', []],
      ['Industry', 'IS_NULL', []],
      ['RenewalDate', 'IS_NOT_NULL', []],
      ['Name', 'CONTAINS', ['acme']],
      ['Name', 'CONTAINS', ['LABS']],
      ['Name', 'CONTAINS', ['100%']],
      ['Name', 'CONTAINS', ['a_b']],
      ['Name', 'CONTAINS', ['_']],
      ['Name', 'CONTAINS', ['%']],
      ['Name', 'CONTAINS', ['\\']],
      ['CSMName', 'CONTAINS', ['ann']],
      ['Name', 'DOES_NOT_CONTAINS', ['acme']],
      ['CSMName', 'DOES_NOT_CONTAINS', ['ANN']],
      ['Industry', 'DOES_NOT_CONTAINS', ['soft']],
      ['Name', 'STARTS_WITH', ['ACME 10']],
      ['Name', 'STARTS_WITH', ['a_']],
      ['CSMName', 'STARTS_WITH', ['100%']],
      ['Name', 'ENDS_WITH', ['labs']],
      ['Name', 'ENDS_WITH', [' %']],
      ['CSMName', 'ENDS_WITH', ['_b']],
      ['LifecycleStage', 'IN', ['Adopting', 'Renewing']],
      ['ARR', 'IN', [0, 200, 999]],
      ['RenewalDate', 'IN', ['2025-06-30', '2024-12-31']],
      ['LifecycleStage', 'NOT_IN', ['Adopting', 'Renewing']],
      ['ARR', 'NOT_IN', [0, 200]],
      ['Industry', 'NOT_IN', ['Software', 'Retail']],
    ];

    it.each(cases)('%s %s %j selects what the operator promises', async (field, operator, value) => {
      const expected = companyNames((c) => matches(fieldOf(c, field), operator, value));
      // Every case must discriminate: it keeps some companies and drops others.
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(COMPANIES.length);
      expect(await namesFor({ conditions: [condition(field, operator, value, 'A')], expression: 'A' })).toEqual(expected);
      // The same condition without alias and expression, and inside the definition's where.
      expect(await namesFor({ conditions: [condition(field, operator, value)] })).toEqual(expected);
      expect(await namesFor(undefined, { conditions: [condition(field, operator, value)] })).toEqual(expected);
    });

    it.each([
      ['Industry', 'EQ', ['Nope']],
      ['ARR', 'GT', [1e12]],
      ['ARR', 'LT', [-1e12]],
      ['ARR', 'BTW', [201, 249]],
      ['Name', 'CONTAINS', ['zzz']],
      ['Name', 'STARTS_WITH', ['cloud']],
      ['Name', 'ENDS_WITH', ['acme']],
      ['Name', 'IS_NULL', []],
      ['LifecycleStage', 'IN', ['Nope']],
      ['Name', 'NOT_IN', COMPANIES.map((c) => c.Name)],
      ['Name', 'DOES_NOT_CONTAINS', ['']],
    ] as [string, Operator, Value[]][])('%s %s %j selects nothing', async (field, operator, value) => {
      expect(companyNames((c) => matches(fieldOf(c, field), operator, value))).toEqual([]);
      const data = await run({ definition: listing(), filters: { conditions: [condition(field, operator, value)] } });
      expect(data).toMatchObject({ records: [], totalCount: 0 });
    });

    it('hand-checked selections (guards the expectations above)', async () => {
      const contains = (text: string) => namesFor({ conditions: [condition('Name', 'CONTAINS', [text])] });
      expect(await contains('100%')).toEqual(['Acme 100% Cloud']);
      expect(await contains('a_b')).toEqual(['a_b Labs']);
      expect(await contains('AXB')).toEqual(['axb Labs']);
      expect(await contains('\\')).toEqual(['Backslash \\ Co']);
      expect(await namesFor({ conditions: [condition('ARR', 'BTW', [100, 200])] })).toEqual(['Acme 100% Cloud', 'Acme 1000 Cloud', 'a_b Labs']);
      expect(await namesFor({ conditions: [condition('Name', 'LT', ['B'])] })).toEqual(['Acme 100% Cloud', 'Acme 1000 Cloud']);
      expect(await namesFor({ conditions: [condition('Name', 'ENDS_WITH', ['%'])] })).toEqual(['Percent Sign %']);
    });

    it('EQ and IN on text are exact (case-sensitive)', async () => {
      expect(await namesFor({ Industry: 'Software' })).toEqual(['Acme 100% Cloud', 'a_b Labs']);
      expect(await namesFor({ Industry: 'software' })).toEqual(['Zed software']);
    });

    it('CONTAINS ignores case beyond ASCII too', async () => {
      const res = await t.request('POST', '/v1/companies', { body: { Name: 'ÜBER Straße GmbH', Industry: 'Unicode' } });
      expect(res.status).toBe(200);
      try {
        const where = (operator: string, text: string) => ({
          conditions: [condition('Industry', 'EQ', ['Unicode'], 'A'), condition('Name', operator, [text], 'B')],
          expression: 'A AND B',
        });
        expect(await namesFor(where('CONTAINS', 'über'))).toEqual(['ÜBER Straße GmbH']);
        expect(await namesFor(where('STARTS_WITH', 'üb'))).toEqual(['ÜBER Straße GmbH']);
        expect(await namesFor(where('DOES_NOT_CONTAINS', 'über'))).toEqual([]);
      } finally {
        await t.request('DELETE', `/v1/companies/${res.body.data.Gsid}`);
      }
    });

    it('filters on Gsid, integers and date-times', async () => {
      expect(await namesFor({ Gsid: companies[2]!.Gsid })).toEqual(['axb Labs']);
      expect(await namesFor({ conditions: [condition('Gsid', 'IN', [companies[0]!.Gsid, companies[1]!.Gsid])] })).toEqual([
        'Acme 100% Cloud',
        'a_b Labs',
      ]);
      expect(await namesFor({ Employees: 0 })).toEqual(['Zero ARR Inc']);
      const all = companyNames(() => true);
      expect(await namesFor({ conditions: [condition('CreatedDate', 'LTE', ['2999-01-01T00:00:00Z'])] })).toEqual(all);
      expect(await namesFor({ conditions: [condition('CreatedDate', 'GT', ['2999-01-01T00:00:00Z'])] })).toEqual([]);
      expect(await namesFor({ conditions: [condition('ModifiedDate', 'BTW', ['2000-01-01T00:00:00Z', '2999-01-01T00:00:00+02:00'])] })).toEqual(all);
    });

    it('date-time values: an exact CreatedDate matches its record; the column reads back unchanged', async () => {
      const target = companies[3]!;
      const names = await namesFor({ conditions: [condition('CreatedDate', 'EQ', [target.CreatedDate!])] });
      expect(names).toContain(target.Name);
      const data = await run({ definition: listing({ fields: ['Name', 'CreatedDate'] }) });
      expect(data.columns).toEqual([{ name: 'Name', type: 'string' }, { name: 'CreatedDate', type: 'datetime' }]);
      expect(data.records).toEqual([...companies].sort((a, b) => compareText(a.Name, b.Name)).map((c) => ({ Name: c.Name, CreatedDate: c.CreatedDate })));
      const latest = await run({ definition: { name: 'latest', object: 'Company', fields: [], aggregates: [{ fn: 'max', field: 'CreatedDate', as: 'latest' }] } });
      expect(latest.records).toEqual([{ latest: companies.map((c) => c.CreatedDate!).sort().at(-1) }]);
    });

    // A number that the field's type cannot hold is either refused (400 naming the field) or
    // compared as the number it is; never a 500, and the same on every backend.
    it.each([
      ['Employees GT 4.5', condition('Employees', 'GT', [4.5]), (c: Company) => c.Employees !== undefined && c.Employees > 4.5],
      ['Employees IN [5, 5.5]', condition('Employees', 'IN', [5, 5.5]), (c: Company) => c.Employees === 5],
      ['Employees BTW [4.5, 10.5]', condition('Employees', 'BTW', [4.5, 10.5]), (c: Company) => c.Employees !== undefined && c.Employees >= 4.5 && c.Employees <= 10.5],
      ['Employees LT 3e9', condition('Employees', 'LT', [3e9]), (c: Company) => c.Employees !== undefined],
      ['Employees NE 1e300', condition('Employees', 'NE', [1e300]), () => true],
    ])('%s: a clear 400 or the right rows, never a 500', async (_label, cond, predicate) => {
      const res = await post({ definition: listing(), filters: { conditions: [cond] } });
      if (res.status === 400) {
        expectError(res, 400, 'GSOBJ_1008', 'Employees');
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.data.records.map((r: Row) => r.Name)).toEqual(companyNames(predicate));
      }
    });

    // No stored text holds a NUL character (the API refuses it), so a filter value with one
    // matches nothing, or is refused; it must not crash the query or match everything.
    it.each([
      ['EQ', ['a\u0000b']],
      ['CONTAINS', ['\u0000']],
      ['STARTS_WITH', ['Acme\u0000']],
      ['IN', ['Acme 100% Cloud\u0000']],
    ])('a text value with a NUL character (%s) matches nothing or is refused', async (operator, value) => {
      const res = await post({ definition: listing(), filters: { conditions: [condition('Name', operator, value)] } });
      if (res.status === 400) {
        expectError(res, 400, 'GSOBJ_1008', 'value');
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.data).toMatchObject({ records: [], totalCount: 0 });
      }
    });

    it('IN takes up to 1000 values', async () => {
      const values = Array.from({ length: 1000 }, (_, i) => `Industry ${i}`);
      values[999] = 'Retail';
      expect(await namesFor({ conditions: [condition('Industry', 'IN', values)] })).toEqual(companyNames((c) => c.Industry === 'Retail'));
      expect(await namesFor({ conditions: [condition('Industry', 'NOT_IN', values)] })).toEqual(companyNames((c) => c.Industry !== 'Retail'));
      expectError(
        await post({ definition: listing(), filters: { conditions: [condition('Industry', 'IN', [...values, 'x'])] } }),
        400,
        'GSOBJ_1008',
        'IN',
      );
    });

    it('operator names are accepted in lower case', async () => {
      expect(await namesFor({ conditions: [condition('Industry', 'eq', ['Software'])] })).toEqual(['Acme 100% Cloud', 'a_b Labs']);
    });
  });

  describe('shorthand filters', () => {
    it('a value is EQ, an array is IN, several keys are ANDed, null is IS_NULL', async () => {
      expect(await namesFor({ Industry: 'Software' })).toEqual(companyNames((c) => c.Industry === 'Software'));
      expect(await namesFor({ LifecycleStage: ['Adopting', 'Renewing'] })).toEqual(
        companyNames((c) => c.LifecycleStage === 'Adopting' || c.LifecycleStage === 'Renewing'),
      );
      expect(await namesFor({ Industry: 'Finance', LifecycleStage: ['Adopting', 'Churned'] })).toEqual(['Percent Sign %']);
      expect(await namesFor({ Industry: null })).toEqual(companyNames((c) => c.Industry === undefined));
      expect(await namesFor({ ARR: 150.5 })).toEqual(['Acme 1000 Cloud']);
      expect(await namesFor({})).toEqual(companyNames(() => true));
    });
  });

  describe('expressions', () => {
    // A: Industry = Software; B: ARR > 150; C: LifecycleStage = Onboarding; D: Industry IS_NULL
    const conditions = [
      condition('Industry', 'EQ', ['Software'], 'A'),
      condition('ARR', 'GT', [150], 'B'),
      condition('LifecycleStage', 'EQ', ['Onboarding'], 'C'),
    ];
    const A = (c: Company) => c.Industry === 'Software';
    const B = (c: Company) => c.ARR !== undefined && c.ARR > 150;
    const C = (c: Company) => c.LifecycleStage === 'Onboarding';
    const byExpression = (expression: string) => namesFor({ conditions, expression });

    it('AND binds tighter than OR: "A OR B AND C" is "A OR (B AND C)"', async () => {
      const expected = companyNames((c) => A(c) || (B(c) && C(c)));
      expect(expected).not.toEqual(companyNames((c) => (A(c) || B(c)) && C(c)));
      expect(await byExpression('A OR B AND C')).toEqual(expected);
      expect(await byExpression('A OR (B AND C)')).toEqual(expected);
      expect(await byExpression('(A OR B) AND C')).toEqual(companyNames((c) => (A(c) || B(c)) && C(c)));
      expect(await byExpression('B AND C OR A')).toEqual(expected);
    });

    it('NOT binds tighter than AND: "NOT A AND B" is "(NOT A) AND B"', async () => {
      const expected = companyNames((c) => !A(c) && B(c));
      expect(expected).not.toEqual(companyNames((c) => !(A(c) && B(c))));
      expect(await byExpression('NOT A AND B OR A AND NOT A AND C')).toEqual(expected);
      const onlyAB = [conditions[0], conditions[1]];
      expect(await namesFor({ conditions: onlyAB, expression: 'NOT A AND B' })).toEqual(expected);
      expect(await namesFor({ conditions: onlyAB, expression: '(NOT A) AND B' })).toEqual(expected);
      expect(await namesFor({ conditions: onlyAB, expression: 'NOT (A AND B)' })).toEqual(companyNames((c) => !(A(c) && B(c))));
    });

    it('nested parentheses, double negation, whitespace and keyword case', async () => {
      expect(await byExpression('((A)) OR NOT NOT (B AND C)')).toEqual(companyNames((c) => A(c) || (B(c) && C(c))));
      expect(await byExpression('  NOT (A OR B)\n\tAND NOT C ')).toEqual(companyNames((c) => !(A(c) || B(c)) && !C(c)));
      expect(await byExpression('A or B and not C')).toEqual(companyNames((c) => A(c) || (B(c) && !C(c))));
    });

    it('without an expression, conditions are ANDed', async () => {
      expect(await namesFor({ conditions: conditions.slice(0, 2) })).toEqual(companyNames((c) => A(c) && B(c)));
    });
  });

  describe('NULL handling', () => {
    const industry = (operator: Operator, value: Value[]) => namesFor({ conditions: [condition('Industry', operator, value)] });
    const withoutIndustry = () => companyNames((c) => c.Industry === undefined);

    it('NE, NOT_IN and DOES_NOT_CONTAINS include records without a value; IS_NULL selects only them', async () => {
      const nulls = withoutIndustry();
      expect(nulls).toEqual(['Backslash \\ Co', 'Null Corp']);
      expect(await industry('IS_NULL', [])).toEqual(nulls);
      for (const names of [await industry('NE', ['Software']), await industry('NOT_IN', ['Software']), await industry('DOES_NOT_CONTAINS', ['Soft'])]) {
        expect(names).toEqual(expect.arrayContaining(nulls));
        expect(names).not.toContain('Acme 100% Cloud');
      }
    });

    it('EQ, LT, IN, BTW, CONTAINS exclude records without a value', async () => {
      const checks = [
        await industry('IN', [...new Set(COMPANIES.flatMap((c) => (c.Industry === undefined ? [] : [c.Industry])))]),
        await industry('LT', ['zzz']),
        await industry('GTE', ['']),
        await industry('BTW', ['', 'zzz']),
        await industry('CONTAINS', ['']),
        await namesFor({ conditions: [condition('ARR', 'LT', [1e12])] }),
      ];
      for (const names of checks) {
        expect(names).not.toContain('Null Corp');
        expect(names).not.toContain('Backslash \\ Co');
      }
      expect(checks[0]).toEqual(companyNames((c) => c.Industry !== undefined));
    });

    it('NOT negates exactly: NOT (EQ) includes NULLs, NOT (NE) excludes them', async () => {
      const eq = condition('Industry', 'EQ', ['Software'], 'A');
      expect(await namesFor({ conditions: [eq], expression: 'NOT (A)' })).toEqual(companyNames((c) => c.Industry !== 'Software'));
      expect(await namesFor({ conditions: [eq], expression: 'NOT (A)' })).toEqual(expect.arrayContaining(withoutIndustry()));
      const ne = condition('Industry', 'NE', ['Software'], 'A');
      expect(await namesFor({ conditions: [ne], expression: 'NOT A' })).toEqual(['Acme 100% Cloud', 'a_b Labs']);
      const notNull = condition('ARR', 'IS_NULL', [], 'A');
      expect(await namesFor({ conditions: [notNull], expression: 'NOT A' })).toEqual(companyNames((c) => c.ARR !== undefined));
      const lt = condition('ARR', 'LT', [150], 'A');
      expect(await namesFor({ conditions: [lt], expression: 'NOT A' })).toEqual(companyNames((c) => !(c.ARR !== undefined && c.ARR < 150)));
    });
  });

  describe('reference paths', () => {
    it('filters people by a field of their company', async () => {
      const byCompany = (operator: Operator, field: string, value: Value[]) =>
        peopleFor({ conditions: [condition(`CompanyId.${field}`, operator, value)] });
      const expect_ = (field: keyof Company, operator: Operator, value: Value[]) =>
        personNames((_p, c) => matches(c === undefined ? undefined : (c[field] as Value | undefined), operator, value));

      expect(await byCompany('EQ', 'Industry', ['Software'])).toEqual(expect_('Industry', 'EQ', ['Software']));
      expect(await byCompany('EQ', 'Industry', ['Software'])).toEqual(['Ava', 'Ben', 'Cat']);
      // People without a company, and people of a company without an industry, have no CompanyId.Industry.
      expect(await byCompany('NE', 'Industry', ['Software'])).toEqual(expect_('Industry', 'NE', ['Software']));
      expect(await byCompany('IS_NULL', 'Industry', [])).toEqual(['Fay', 'Gus', 'Hal', 'Ivy']);
      expect(await byCompany('GT', 'ARR', [150])).toEqual(expect_('ARR', 'GT', [150]));
      expect(await byCompany('CONTAINS', 'Name', ['ACME'])).toEqual(['Ava', 'Ben', 'Eve']);
      expect(await peopleFor({ 'CompanyId.LifecycleStage': ['Adopting', 'Renewing'] })).toEqual(
        expect_('LifecycleStage', 'IN', ['Adopting', 'Renewing']),
      );
      expect(await peopleFor({ conditions: [condition('CompanyId', 'IS_NULL', [])] })).toEqual(['Hal', 'Ivy']);
      expect(await peopleFor({ CompanyId: companies[0]!.Gsid })).toEqual(['Ava', 'Ben']);
    });

    it('combines own and referenced fields in one expression', async () => {
      const names = await peopleFor({
        conditions: [condition('CompanyId.Industry', 'EQ', ['Software'], 'A'), condition('Role', 'IS_NOT_NULL', [], 'B')],
        expression: 'A AND B OR NOT A AND NOT B',
      });
      expect(names).toEqual(
        personNames((p, c) => {
          const a = c?.Industry === 'Software';
          const b = p.Role !== undefined;
          return (a && b) || (!a && !b);
        }),
      );
    });

    it('groups people by a field of their company', async () => {
      const data = await run({
        definition: {
          name: 'people by industry',
          object: 'Person',
          fields: ['CompanyId.Industry'],
          groupBy: ['CompanyId.Industry'],
          aggregates: [{ fn: 'count', as: 'people' }],
          orderBy: [{ field: 'people', direction: 'desc' }],
        },
      });
      const industries = PEOPLE.map((p) => (p.company === undefined ? undefined : companies[p.company]!.Industry));
      const expected = [...new Set(industries)]
        .map((industry) => ({ industry, people: industries.filter((i) => i === industry).length }))
        .sort((a, b) => b.people - a.people || compareText(a.industry, b.industry))
        .map(({ industry, people }) => (industry === undefined ? { people } : { 'CompanyId.Industry': industry, people }));
      expect(data.records).toEqual(expected);
      expect(data.totalCount).toBe(expected.length);
    });

    it('selects referenced fields as columns', async () => {
      const data = await run({
        definition: {
          name: 'people with company',
          object: 'Person',
          fields: ['FirstName', 'CompanyId.Name', 'CompanyId.ARR'],
          orderBy: [{ field: 'FirstName' }],
        },
      });
      expect(data.columns).toEqual([
        { name: 'FirstName', type: 'string' },
        { name: 'CompanyId.Name', type: 'string' },
        { name: 'CompanyId.ARR', type: 'number' },
      ]);
      const expected = [...PEOPLE]
        .sort((a, b) => compareText(a.FirstName, b.FirstName))
        .map((p) => {
          const c = p.company === undefined ? undefined : companies[p.company]!;
          const row: Row = { FirstName: p.FirstName };
          if (c) row['CompanyId.Name'] = c.Name;
          if (c?.ARR !== undefined) row['CompanyId.ARR'] = c.ARR;
          return row;
        });
      expect(data.records).toEqual(expected);
    });
  });

  describe('ordering, grouping, limits and empty results', () => {
    it('orders text by code point with values missing last, in both directions', async () => {
      for (const direction of ['asc', 'desc'] as const) {
        const data = await run({
          definition: { name: 'by industry', object: 'Company', fields: ['Name', 'Industry'], orderBy: [{ field: 'Industry', direction }, { field: 'Name' }] },
        });
        const present = companies.filter((c) => c.Industry !== undefined);
        const missing = companies.filter((c) => c.Industry === undefined);
        const sign = direction === 'asc' ? 1 : -1;
        const expected = [
          ...present.sort((a, b) => sign * compareText(a.Industry, b.Industry) || compareText(a.Name, b.Name)),
          ...missing.sort((a, b) => compareText(a.Name, b.Name)),
        ].map((c) => c.Name);
        expect(data.records.map((r) => r.Name)).toEqual(expected);
      }
    });

    it('applies runtime filters before the limit and ANDs them with the definition where', async () => {
      const definition = listing({ fields: ['Name', 'ARR'], orderBy: [{ field: 'ARR', direction: 'desc' }], limit: 2 });
      const data = await run({ definition, filters: { Industry: 'Retail' } });
      const retail = companies.filter((c) => c.Industry === 'Retail').sort((a, b) => b.ARR! - a.ARR!);
      expect(data.records).toEqual(retail.slice(0, 2).map((c) => ({ Name: c.Name, ARR: c.ARR })));
      expect(data.totalCount).toBe(retail.length);

      const narrowed = await run({
        definition: { ...definition, where: { conditions: [condition('ARR', 'GT', [0])] }, limit: 100 },
        filters: { conditions: [condition('ARR', 'LT', [300])] },
      });
      expect(narrowed.records.map((r) => r.Name)).toEqual(
        companies.filter((c) => c.ARR !== undefined && c.ARR > 0 && c.ARR < 300).sort((a, b) => b.ARR! - a.ARR!).map((c) => c.Name),
      );
      // The run's limit overrides the definition's.
      const overridden = await run({ definition, limit: 3 });
      expect(overridden.records).toHaveLength(3);
      expect(overridden.totalCount).toBe(companies.length);
    });

    it('filters before grouping; count, sum, avg, min and max per group', async () => {
      const data = await run({
        definition: {
          name: 'stats',
          object: 'Company',
          fields: ['Industry'],
          groupBy: ['Industry'],
          aggregates: [
            { fn: 'count', as: 'n' },
            { fn: 'count', field: 'ARR', as: 'withARR' },
            { fn: 'sum', field: 'ARR' },
            { fn: 'min', field: 'RenewalDate', as: 'firstRenewal' },
            { fn: 'max', field: 'ARR', as: 'maxARR' },
            { fn: 'sum', field: 'Employees', as: 'staff' },
            { fn: 'avg', field: 'Employees', as: 'avgStaff' },
          ],
          orderBy: [{ field: 'Industry' }],
        },
        filters: { conditions: [condition('ARR', 'GTE', [0])] },
      });
      expect(data.columns).toEqual([
        { name: 'Industry', type: 'string' },
        { name: 'n', type: 'integer' },
        { name: 'withARR', type: 'integer' },
        { name: 'sumARR', type: 'number' },
        { name: 'firstRenewal', type: 'date' },
        { name: 'maxARR', type: 'number' },
        { name: 'staff', type: 'integer' },
        { name: 'avgStaff', type: 'number' },
      ]);
      const kept = companies.filter((c) => c.ARR !== undefined && c.ARR >= 0);
      const industries = [...new Set(kept.map((c) => c.Industry))].sort(compareText);
      const expected = industries.map((industry) => {
        const group = kept.filter((c) => c.Industry === industry);
        const row: Row = {};
        if (industry !== undefined) row.Industry = industry;
        row.n = group.length;
        row.withARR = group.filter((c) => c.ARR !== undefined).length;
        row.sumARR = group.reduce((s, c) => s + c.ARR!, 0);
        const renewals = group.map((c) => c.RenewalDate).filter((d): d is string => d !== undefined).sort();
        if (renewals.length > 0) row.firstRenewal = renewals[0]!;
        row.maxARR = Math.max(...group.map((c) => c.ARR!));
        const staff = group.map((c) => c.Employees).filter((e): e is number => e !== undefined);
        if (staff.length > 0) row.staff = staff.reduce((s, e) => s + e, 0);
        if (staff.length > 0) row.avgStaff = staff.reduce((s, e) => s + e, 0) / staff.length;
        return row;
      });
      expect(data.records).toEqual(expected);
      expect(data.totalCount).toBe(expected.length);
    });

    it('without groupBy, fields list row by row', async () => {
      const data = await run({ definition: { name: 'rows', object: 'Company', fields: ['Name', 'ARR', 'RenewalDate'], orderBy: [{ field: 'Name' }] } });
      expect(data.records).toEqual(
        [...companies]
          .sort((a, b) => compareText(a.Name, b.Name))
          .map((c) => {
            const row: Row = { Name: c.Name };
            if (c.ARR !== undefined) row.ARR = c.ARR;
            if (c.RenewalDate !== undefined) row.RenewalDate = c.RenewalDate;
            return row;
          }),
      );
      expect(data.totalCount).toBe(companies.length);
    });

    it('empty results: records [] and totalCount 0, listed or grouped', async () => {
      const none = { Industry: 'No Such Industry' };
      expect(await run({ definition: listing(), filters: none })).toEqual({ records: [], totalCount: 0, columns: [{ name: 'Name', type: 'string' }] });
      const grouped = await run({ reportId: 'arr-by-industry', filters: none });
      expect(grouped.records).toEqual([]);
      expect(grouped.totalCount).toBe(0);
      const people = await run({ reportId: 'people-by-company', filters: { 'CompanyId.Industry': 'No Such Industry' } });
      expect(people).toMatchObject({ records: [], totalCount: 0 });
    });

    it('an aggregate without groupBy yields one row, also over no records', async () => {
      const count = (filters?: unknown) =>
        run({ definition: { name: 'total', object: 'Company', fields: [], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'ARR', as: 's' }] }, filters });
      const all = await count();
      expect(all.records).toEqual([{ n: companies.length, s: companies.reduce((s, c) => s + (c.ARR ?? 0), 0) }]);
      expect(all.totalCount).toBe(1);
      const empty = await count({ Industry: 'No Such Industry' });
      expect(empty.records).toEqual([{ n: 0 }]);
      expect(empty.totalCount).toBe(1);
    });
  });

  describe('bad filters', () => {
    const bad = (filters: unknown) => post({ definition: listing(), filters });
    const expectDesc = (res: TestResponse, ...parts: string[]) => {
      for (const part of parts) expect(res.body.errorDesc, JSON.stringify(res.body)).toContain(part);
    };

    it('unknown fields: GSOBJ_1002 naming the field', async () => {
      expectError(await bad({ Nope: 'x' }), 400, 'GSOBJ_1002', 'Nope');
      expectError(await bad({ conditions: [condition('Nope', 'EQ', ['x'])] }), 400, 'GSOBJ_1002', 'Nope');
      expectError(await bad({ conditions: [condition('Industry.Name', 'EQ', ['x'])] }), 400, 'GSOBJ_1002', 'Industry.Name');
      expectError(await bad({ conditions: [condition('industry', 'EQ', ['x'])] }), 400, 'GSOBJ_1002', 'industry');
      expectError(await post({ definition: peopleListing(), filters: { 'CompanyId.Nope': 'x' } }), 400, 'GSOBJ_1002', 'CompanyId.Nope');
      expectError(await post({ definition: peopleListing(), filters: { 'CompanyId.Name.Extra': 'x' } }), 400, 'GSOBJ_1002', 'CompanyId.Name.Extra');
      expectError(await post({ definition: listing({ where: { Nope: 1 } }) }), 400, 'GSOBJ_1002', 'Nope');
    });

    it('an unknown operator', async () => {
      const res = await bad({ conditions: [condition('Name', 'LIKE', ['x'])] });
      expectError(res, 400, 'GSOBJ_1008', 'operator');
      expectDesc(res, 'LIKE');
      expectError(await bad({ conditions: [condition('Name', 5, ['x'])] }), 400, 'GSOBJ_1008', 'operator');
    });

    it.each([
      ['BTW with one value', condition('ARR', 'BTW', [1]), 'BTW'],
      ['BTW with three values', condition('ARR', 'BTW', [1, 2, 3]), 'BTW'],
      ['IS_NULL with a value', condition('ARR', 'IS_NULL', [1]), 'IS_NULL'],
      ['IS_NOT_NULL with a value', condition('ARR', 'IS_NOT_NULL', [null]), 'IS_NOT_NULL'],
      ['EQ with two values', condition('ARR', 'EQ', [1, 2]), 'EQ'],
      ['EQ with none', condition('ARR', 'EQ', []), 'EQ'],
      ['IN with none', condition('Industry', 'IN', []), 'IN'],
    ])('wrong arity: %s', async (_label, cond, operator) => {
      const res = await bad({ conditions: [cond] });
      expectError(res, 400, 'GSOBJ_1008', 'value');
      expectDesc(res, operator);
    });

    it.each([
      ['ARR with a string', { conditions: [condition('ARR', 'EQ', ['100'])] }, 'ARR'],
      ['ARR with a string (shorthand)', { ARR: '100' }, 'ARR'],
      ['ARR IN with a string', { ARR: [100, '200'] }, 'ARR'],
      ['Employees with a boolean', { conditions: [condition('Employees', 'GT', [true])] }, 'Employees'],
      ['Name with a number', { conditions: [condition('Name', 'EQ', [5])] }, 'Name'],
      ['Name with null', { conditions: [condition('Name', 'EQ', [null])] }, 'Name'],
      ['Name with an object (shorthand)', { Name: { op: 'EQ' } }, 'Name'],
      ['CONTAINS on a number field', { conditions: [condition('ARR', 'CONTAINS', ['1'])] }, 'CONTAINS'],
      ['CONTAINS with a number', { conditions: [condition('Name', 'CONTAINS', [1])] }, 'CONTAINS'],
    ])('value type mismatch: %s', async (_label, filters, part) => {
      const res = await bad(filters);
      expectError(res, 400, 'GSOBJ_1008');
      expectDesc(res, part);
    });

    it('impossible dates and date-times', async () => {
      expectError(await bad({ conditions: [condition('RenewalDate', 'EQ', ['2025-02-30'])] }), 400, 'GSOBJ_1006', '2025-02-30');
      expectError(await bad({ RenewalDate: '30/01/2025' }), 400, 'GSOBJ_1006', 'RenewalDate');
      expectError(await bad({ RenewalDate: '2025-1-5' }), 400, 'GSOBJ_1006', 'RenewalDate');
      expectError(await bad({ conditions: [condition('CreatedDate', 'GT', ['soon'])] }), 400, 'GSOBJ_1005', 'soon');
      expectError(await bad({ conditions: [condition('CreatedDate', 'GT', ['2025-01-01'])] }), 400, 'GSOBJ_1005', '2025-01-01');
    });

    it('a date-time on a day that does not exist is refused, not rolled over', async () => {
      expectError(await bad({ conditions: [condition('CreatedDate', 'LT', ['2025-02-30T00:00:00Z'])] }), 400, 'GSOBJ_1005', '2025-02-30');
      expectError(await bad({ conditions: [condition('ModifiedDate', 'GT', ['2023-04-31T12:00:00Z'])] }), 400, 'GSOBJ_1005', '2023-04-31');
    });

    it('expressions that are too long or nested too deeply', async () => {
      const one = [condition('Industry', 'EQ', ['Software'], 'A')];
      expectError(await bad({ conditions: one, expression: `A${' OR A'.repeat(400)}` }), 400, 'GSOBJ_1008', 'expression');
      expectError(await bad({ conditions: one, expression: `${'('.repeat(60)}A${')'.repeat(60)}` }), 400, 'GSOBJ_1008', 'expression');
      expect(await namesFor({ conditions: one, expression: `${'('.repeat(10)}A${')'.repeat(10)}` })).toEqual(['Acme 100% Cloud', 'a_b Labs']);
    });

    it('a value that is not an array', async () => {
      for (const value of ['Software', 5, null, { a: 1 }]) {
        const res = await bad({ conditions: [condition('Industry', 'EQ', value)] });
        expectError(res, 400, 'GSOBJ_1008', 'value');
        expectDesc(res, 'array');
      }
      expectError(await bad({ conditions: [{ name: 'Industry', operator: 'EQ' }] }), 400, 'GSOBJ_1008', 'value');
    });

    it('filters and conditions of the wrong shape', async () => {
      expectError(await bad('Industry = Software'), 400, 'GSOBJ_1008', 'filters');
      expectError(await bad([{ Industry: 'Software' }]), 400, 'GSOBJ_1008', 'filters');
      expectError(await bad({ conditions: { name: 'Industry' } }), 400, 'GSOBJ_1008', 'conditions');
      expectError(await bad({ conditions: ['Industry'] }), 400, 'GSOBJ_1008', 'conditions[0]');
      expectError(await bad({ conditions: [], having: 'x' }), 400, 'GSOBJ_1002', 'having');
      expectError(await bad({ conditions: [{ ...condition('Industry', 'EQ', ['x']), negate: true }] }), 400, 'GSOBJ_1002', 'negate');
      const tooMany = Array.from({ length: 51 }, () => condition('ARR', 'GT', [1]));
      expectError(await bad({ conditions: tooMany }), 400, 'GSOBJ_1008', 'conditions');
    });

    const two = [condition('Industry', 'EQ', ['Software'], 'A'), condition('ARR', 'GT', [1], 'B')];
    it.each([
      ['A; DROP TABLE company', ';'],
      ['A AND B; DROP TABLE company', ';'],
      ["A AND B OR '1'='1'", "'"],
      ['A AND (B', ')'],
      ['A AND B)', ')'],
      ['A B', 'B'],
      ['A AND', 'end'],
      ['A OR OR B', 'OR'],
      ['NOT', 'end'],
      ['()', ')'],
      ['A && B', '&'],
      ['A AND B -- comment', '-'],
      ['A AND 1', '1'],
      ['A AND B AND C', 'C'],
      ['A AND b', 'b'],
    ])('expression %j is rejected naming the problem (%s)', async (expression, part) => {
      const res = await bad({ conditions: two, expression });
      expectError(res, 400, 'GSOBJ_1008', 'expression');
      expectDesc(res, part);
    });

    it('an empty or blank expression is rejected', async () => {
      expectError(await bad({ conditions: two, expression: '   ' }), 400, 'GSOBJ_1008', 'expression');
      expectError(await bad({ conditions: two, expression: '' }), 400, 'GSOBJ_1008', 'expression');
    });

    it('an expression that is not a string', async () => {
      expectError(await bad({ conditions: two, expression: 5 }), 400, 'GSOBJ_1008', 'expression');
    });

    it('a condition unused by the expression', async () => {
      const res = await bad({ conditions: two, expression: 'A' });
      expectError(res, 400, 'GSOBJ_1008', 'expression');
      expectDesc(res, 'B');
    });

    it('aliases: missing with an expression, duplicate, or a keyword', async () => {
      expectError(
        await bad({ conditions: [two[0], condition('ARR', 'GT', [1])], expression: 'A' }),
        400,
        'GSOBJ_1007',
        'alias',
      );
      expectError(await bad({ conditions: [two[0], { ...two[1]!, alias: 'A' }], expression: 'A' }), 400, 'GSOBJ_1008', 'alias');
      expectError(await bad({ conditions: [{ ...two[0]!, alias: 'AND' }], expression: 'AND' }), 400, 'GSOBJ_1008', 'alias');
      expectError(await bad({ conditions: [{ ...two[0]!, alias: '1x' }], expression: '1x' }), 400, 'GSOBJ_1008', 'alias');
    });

    it('runtime filters are checked against the report object', async () => {
      // Company has no FirstName: the built-in report's object decides which fields exist.
      expectError(await post({ reportId: 'largest-customers', filters: { FirstName: 'x' } }), 400, 'GSOBJ_1002', 'FirstName');
      expectError(await post({ reportId: 'people-by-company', filters: { Industry: 'x' } }), 400, 'GSOBJ_1002', 'Industry');
    });
  });

  describe('bad definitions and run requests', () => {
    const base = { name: 'bad', object: 'Company', fields: ['Industry'], groupBy: ['Industry'] };
    const adHoc = (definition: unknown) => post({ definition });

    it.each([
      ['unknown object', { ...base, object: 'Opportunity' }, 'GSOBJ_1008', 'Opportunity'],
      ['object in the wrong case', { ...base, object: 'company' }, 'GSOBJ_1008', 'object'],
      ['missing object', { name: 'x', fields: ['Name'] }, 'GSOBJ_1007', 'object'],
      ['missing name', { object: 'Company', fields: ['Name'] }, 'GSOBJ_1007', 'name'],
      ['blank name', { name: '  ', object: 'Company', fields: ['Name'] }, 'GSOBJ_1007', 'name'],
      ['name too long', { name: 'x'.repeat(256), object: 'Company', fields: ['Name'] }, 'GSOBJ_1001', 'name'],
      ['unknown field', { name: 'x', object: 'Company', fields: ['Nope'] }, 'GSOBJ_1002', 'Nope'],
      ['field of the other object', { name: 'x', object: 'Company', fields: ['FirstName'] }, 'GSOBJ_1002', 'FirstName'],
      ['fields not an array', { name: 'x', object: 'Company', fields: 'Name' }, 'GSOBJ_1008', 'fields'],
      ['a field listed twice', { name: 'x', object: 'Company', fields: ['Name', 'Name'] }, 'GSOBJ_1008', 'Name'],
      ['no fields and no aggregates', { name: 'x', object: 'Company', fields: [] }, 'GSOBJ_1007', 'fields'],
      ['unknown groupBy field', { ...base, groupBy: ['Nope'] }, 'GSOBJ_1002', 'Nope'],
      ['sum over a string field', { ...base, aggregates: [{ fn: 'sum', field: 'Name', as: 's' }] }, 'GSOBJ_1008', 'Name'],
      ['avg over a date field', { ...base, aggregates: [{ fn: 'avg', field: 'RenewalDate' }] }, 'GSOBJ_1008', 'RenewalDate'],
      ['max over a string field', { ...base, aggregates: [{ fn: 'max', field: 'CSMName' }] }, 'GSOBJ_1008', 'CSMName'],
      ['sum without a field', { ...base, aggregates: [{ fn: 'sum', as: 's' }] }, 'GSOBJ_1007', 'aggregates[0].field'],
      ['unknown aggregate function', { ...base, aggregates: [{ fn: 'median', field: 'ARR' }] }, 'GSOBJ_1008', 'median'],
      ['aggregate over an unknown field', { ...base, aggregates: [{ fn: 'count', field: 'Nope' }] }, 'GSOBJ_1002', 'Nope'],
      ['aggregate with an unknown key', { ...base, aggregates: [{ fn: 'count', distinct: true }] }, 'GSOBJ_1002', 'distinct'],
      ['bad aggregate name', { ...base, aggregates: [{ fn: 'count', as: 'two words' }] }, 'GSOBJ_1008', 'as'],
      [
        'field neither grouped nor aggregated',
        { ...base, fields: ['Industry', 'Name'], aggregates: [{ fn: 'count', as: 'n' }] },
        'GSOBJ_1008',
        'Name',
      ],
      ['field with aggregates and no groupBy', { name: 'x', object: 'Company', fields: ['Name'], aggregates: [{ fn: 'count' }] }, 'GSOBJ_1008', 'Name'],
      ['orderBy on a non-column', { ...base, aggregates: [{ fn: 'count', as: 'n' }], orderBy: [{ field: 'ARR' }] }, 'GSOBJ_1008', 'ARR'],
      ['orderBy on a field not selected', { name: 'x', object: 'Company', fields: ['Name'], orderBy: [{ field: 'Industry' }] }, 'GSOBJ_1008', 'orderBy'],
      ['orderBy with a bad direction', { ...base, orderBy: [{ field: 'Industry', direction: 'up' }] }, 'GSOBJ_1008', 'direction'],
      ['orderBy not an array', { ...base, orderBy: 'Industry' }, 'GSOBJ_1008', 'orderBy'],
      [
        'duplicate aggregate names',
        { ...base, aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'ARR', as: 'n' }] },
        'GSOBJ_1008',
        'aggregates[1]',
      ],
      ['aggregate named like a field', { ...base, aggregates: [{ fn: 'count', as: 'Industry' }] }, 'GSOBJ_1008', 'Industry'],
      ['limit 0', { ...base, limit: 0 }, 'GSOBJ_1008', 'limit'],
      ['limit 10001', { ...base, limit: 10001 }, 'GSOBJ_1008', 'limit'],
      ['limit 1.5', { ...base, limit: 1.5 }, 'GSOBJ_1008', 'limit'],
      ['limit as a string', { ...base, limit: '5' }, 'GSOBJ_1008', 'limit'],
      ['unknown definition key', { ...base, having: { n: 1 } }, 'GSOBJ_1002', 'having'],
      ['a bad where', { ...base, where: { conditions: [condition('ARR', 'EQ', ['1'])] } }, 'GSOBJ_1008', 'where'],
      ['definition not an object', 'SELECT * FROM company', 'GSOBJ_1008', 'definition'],
    ])('%s', async (_label, definition, code, part) => {
      expectError(await adHoc(definition), 400, code, part);
    });

    it.each([0, 10001, 1.5, -1, '10'])('run limit %j is rejected naming limit', async (limit) => {
      expectError(await post({ definition: listing(), limit }), 400, 'GSOBJ_1008', 'limit');
    });

    it('limit 10000 and 1 are accepted', async () => {
      expect((await run({ definition: listing(), limit: 10000 })).records).toHaveLength(companies.length);
      expect((await run({ definition: listing(), limit: 1 })).records).toHaveLength(1);
    });

    it('both reportId and definition, or neither', async () => {
      const both = await post({ reportId: 'arr-by-industry', definition: listing() });
      expectError(both, 400, 'GSOBJ_1008', 'reportId');
      expect(both.body.errorDesc).toContain('definition');
      expectError(await post({}), 400, 'GSOBJ_1007', 'reportId');
      expectError(await post({ filters: { Industry: 'Software' } }), 400, 'GSOBJ_1007', 'reportId');
      expectError(await post({ reportId: '' }), 400, 'GSOBJ_1007', 'reportId');
    });

    it('a bad or unknown reportId', async () => {
      expectError(await post({ reportId: 'no-such-report' }), 404, 'GSOBJ_1011', 'no-such-report');
      expectError(await post({ reportId: 42 }), 400, 'GSOBJ_1008', 'reportId');
      expectError(await post({ reportId: 'bad id!' }), 400, 'GSOBJ_1008', 'reportId');
    });

    it('an unknown body key, parameters with an ad-hoc definition, a body that is not an object', async () => {
      expectError(await post({ reportId: 'arr-by-industry', filter: { Industry: 'x' } }), 400, 'GSOBJ_1002', 'filter');
      expectError(await post({ definition: listing(), parameters: { days: 1 } }), 400, 'GSOBJ_1008', 'parameters');
      expectError(await post(['arr-by-industry']), 400, 'GSAPI_4000');
      expectError(await t.request('POST', '/v1/reports', { payload: '{"reportId": ', headers: { 'content-type': 'application/json' } }), 400, 'GSAPI_4000');
      expectError(await t.request('POST', '/v1/reports'), 400, 'GSAPI_4000');
    });
  });

  describe('saved reports', () => {
    const definition = {
      name: 'Retail by stage',
      object: 'Company',
      fields: ['LifecycleStage'],
      groupBy: ['LifecycleStage'],
      aggregates: [{ fn: 'count', as: 'n' }],
      where: { conditions: [condition('Industry', 'IN', ['Retail', 'Software'], 'A')], expression: 'A' },
      orderBy: [{ field: 'n', direction: 'desc' }],
      limit: 50,
    };
    const replacement = { name: 'Names', object: 'Company', fields: ['Name'], orderBy: [{ field: 'Name', direction: 'desc' }] };

    /** The stored definition is the one sent; the server may spell out an omitted groupBy as []. */
    function expectSameDefinition(actual: Record<string, unknown>, sent: Record<string, unknown>): void {
      const { groupBy, ...rest } = actual;
      expect(rest).toEqual(sent);
      expect(groupBy === undefined || (Array.isArray(groupBy) && groupBy.length === 0)).toBe(true);
    }

    function expectedGroups(filter: (c: Company) => boolean): Row[] {
      const kept = companies.filter((c) => (c.Industry === 'Retail' || c.Industry === 'Software') && filter(c));
      const stages = [...new Set(kept.map((c) => c.LifecycleStage))];
      return stages
        .map((stage) => {
          const row: Row = {};
          if (stage !== undefined) row.LifecycleStage = stage;
          row.n = kept.filter((c) => c.LifecycleStage === stage).length;
          return row;
        })
        .sort((a, b) => (b.n as number) - (a.n as number) || compareText(a.LifecycleStage as string | undefined, b.LifecycleStage as string | undefined));
    }

    it('create, read, list, run, replace, delete', async () => {
      const created = await t.request('PUT', '/v1/reports/retail-by-stage', { body: definition });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.data).toMatchObject({ id: 'retail-by-stage', name: 'Retail by stage', object: 'Company', builtIn: false, definition });
      const { createdDate } = created.body.data;

      const fetched = await t.request('GET', '/v1/reports/retail-by-stage');
      expect(fetched.status).toBe(200);
      expect(fetched.body.data).toMatchObject({ id: 'retail-by-stage', builtIn: false, definition, createdDate });

      const list = await t.request('GET', '/v1/reports');
      expect(list.body.data.records).toContainEqual(
        expect.objectContaining({ id: 'retail-by-stage', name: 'Retail by stage', object: 'Company', builtIn: false }),
      );
      expect(list.body.data.records.filter((r: { builtIn: boolean }) => r.builtIn)).toHaveLength(5);

      const ran = await run({ reportId: 'retail-by-stage' });
      expect(ran.records).toEqual(expectedGroups(() => true));
      expect(ran.totalCount).toBe(ran.records.length);
      const filtered = await run({ reportId: 'retail-by-stage', filters: { conditions: [condition('ARR', 'GT', [150])] }, limit: 1 });
      const expectedFiltered = expectedGroups((c) => c.ARR !== undefined && c.ARR > 150);
      expect(filtered.records).toEqual(expectedFiltered.slice(0, 1));
      expect(filtered.totalCount).toBe(expectedFiltered.length);

      const replaced = await t.request('PUT', '/v1/reports/retail-by-stage', { body: replacement });
      expect(replaced.status).toBe(200);
      expect(replaced.body.data).toMatchObject({ id: 'retail-by-stage', name: 'Names', builtIn: false, definition: replacement, createdDate });
      expect(replaced.body.data.modifiedDate >= createdDate).toBe(true);
      expectSameDefinition((await t.request('GET', '/v1/reports/retail-by-stage')).body.data.definition, replacement);
      const ranReplaced = await run({ reportId: 'retail-by-stage' });
      expect(ranReplaced.records.map((r) => r.Name)).toEqual(companyNames(() => true).reverse());
      const listed = (await t.request('GET', '/v1/reports')).body.data.records.filter((r: { id: string }) => r.id === 'retail-by-stage');
      expect(listed).toEqual([expect.objectContaining({ name: 'Names' })]);

      const deleted = await t.request('DELETE', '/v1/reports/retail-by-stage');
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ result: true, data: { id: 'retail-by-stage' } });
      expectError(await t.request('GET', '/v1/reports/retail-by-stage'), 404, 'GSOBJ_1011', 'retail-by-stage');
      expectError(await post({ reportId: 'retail-by-stage' }), 404, 'GSOBJ_1011', 'retail-by-stage');
      expectError(await t.request('DELETE', '/v1/reports/retail-by-stage'), 404, 'GSOBJ_1011', 'retail-by-stage');
      const after = (await t.request('GET', '/v1/reports')).body.data.records;
      expect(after.map((r: { id: string }) => r.id)).not.toContain('retail-by-stage');
    });

    it('an invalid definition is not saved, and does not replace a saved one', async () => {
      expectError(
        await t.request('PUT', '/v1/reports/never-saved', { body: { ...replacement, fields: ['Nope'] } }),
        400,
        'GSOBJ_1002',
        'Nope',
      );
      expectError(await t.request('GET', '/v1/reports/never-saved'), 404, 'GSOBJ_1011');
      expect((await t.request('PUT', '/v1/reports/kept', { body: replacement })).status).toBe(200);
      expectError(
        await t.request('PUT', '/v1/reports/kept', { body: { ...replacement, aggregates: [{ fn: 'sum', field: 'Name' }] } }),
        400,
        'GSOBJ_1008',
        'Name',
      );
      expectError(await t.request('PUT', '/v1/reports/kept', { body: { ...replacement, unknownKey: 1 } }), 400, 'GSOBJ_1002', 'unknownKey');
      expectError(await t.request('PUT', '/v1/reports/kept'), 400, 'GSAPI_4000');
      expectSameDefinition((await t.request('GET', '/v1/reports/kept')).body.data.definition, replacement);
      expect((await t.request('DELETE', '/v1/reports/kept')).status).toBe(200);
    });

    it('parameters apply to built-in reports only', async () => {
      expect((await t.request('PUT', '/v1/reports/with-params', { body: replacement })).status).toBe(200);
      expectError(await post({ reportId: 'with-params', parameters: { days: 3 } }), 400, 'GSOBJ_1002', 'days');
      expect((await t.request('DELETE', '/v1/reports/with-params')).status).toBe(200);
    });

    it.each(['companies-by-lifecycle-stage', 'arr-by-industry', 'upcoming-renewals', 'people-by-company', 'largest-customers'])(
      'built-in %s cannot be replaced or deleted (409 GSAPI_4090)',
      async (id) => {
        expectError(await t.request('PUT', `/v1/reports/${id}`, { body: replacement }), 409, 'GSAPI_4090', id);
        expectError(await t.request('DELETE', `/v1/reports/${id}`), 409, 'GSAPI_4090', id);
        const fetched = await t.request('GET', `/v1/reports/${id}`);
        expect(fetched.status).toBe(200);
        expect(fetched.body.data.builtIn).toBe(true);
        expect(fetched.body.data.name).not.toBe('Names');
      },
    );

    it.each([
      ['bad!id', 'bad!id'],
      ['bad.id', 'bad.id'],
      ['-leading-dash', '-leading-dash'],
      ['x'.repeat(65), 'x'.repeat(65)],
      ['%C3%A9t%C3%A9', 'été'],
    ])('invalid id %s: 400 naming reportId on GET, PUT and DELETE', async (path) => {
      expectError(await t.request('GET', `/v1/reports/${path}`), 400, 'GSOBJ_1008', 'reportId');
      expectError(await t.request('PUT', `/v1/reports/${path}`, { body: replacement }), 400, 'GSOBJ_1008', 'reportId');
      expectError(await t.request('DELETE', `/v1/reports/${path}`), 400, 'GSOBJ_1008', 'reportId');
    });

    it('accepts the longest valid id', async () => {
      const id = `A${'b_-9'.repeat(15)}xyz`;
      expect(id).toHaveLength(64);
      expect((await t.request('PUT', `/v1/reports/${id}`, { body: replacement })).status).toBe(200);
      expect((await t.request('GET', `/v1/reports/${id}`)).body.data.id).toBe(id);
      expect((await t.request('DELETE', `/v1/reports/${id}`)).status).toBe(200);
    });
  });

  describe('access', () => {
    let readOnlyKey: string;
    beforeAll(async () => {
      readOnlyKey = (await t.accessKeys.create('report reader', { readOnly: true })).key;
    });
    const def = { name: 'RO', object: 'Company', fields: ['Name'] };

    it('a read-only key may list, read and run reports (POST /v1/reports is a read)', async () => {
      expect((await t.request('GET', '/v1/reports', { key: readOnlyKey })).status).toBe(200);
      expect((await t.request('GET', '/v1/reports/arr-by-industry', { key: readOnlyKey })).status).toBe(200);
      const ran = await post({ reportId: 'largest-customers', limit: 2 }, { key: readOnlyKey });
      expect(ran.status).toBe(200);
      expect(ran.body.data.records).toHaveLength(2);
      expect((await post({ definition: def }, { key: readOnlyKey })).status).toBe(200);
    });

    it('a read-only key may not save or delete (403 GSAPI_4030), and nothing changes', async () => {
      expectError(await t.request('PUT', '/v1/reports/ro-report', { body: def, key: readOnlyKey }), 403, 'GSAPI_4030');
      expectError(await t.request('GET', '/v1/reports/ro-report'), 404, 'GSOBJ_1011');
      expect((await t.request('PUT', '/v1/reports/ro-report', { body: def })).status).toBe(200);
      expectError(await t.request('DELETE', '/v1/reports/ro-report', { key: readOnlyKey }), 403, 'GSAPI_4030');
      expect((await t.request('GET', '/v1/reports/ro-report')).status).toBe(200);
      expectError(await t.request('DELETE', '/v1/reports/arr-by-industry', { key: readOnlyKey }), 403, 'GSAPI_4030');
      expect((await t.request('DELETE', '/v1/reports/ro-report')).status).toBe(200);
    });

    it('no key: 401 before anything else', async () => {
      expectError(await post({ reportId: 'nope!' }, { key: null }), 401, 'GS_APIG_2401');
      expectError(await t.request('PUT', '/v1/reports/bad!id', { body: 'x', key: null }), 401, 'GS_APIG_2401');
      expectError(await t.request('GET', '/v1/reports', { key: null }), 401, 'GS_APIG_2401');
    });
  });
});

/** RFC 4180 parser: quoted fields may hold commas, doubled quotes and line breaks; CRLF ends a record. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        cell += c;
        i++;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else {
      if (c === '"' || c === '\n' || c === '\r') throw new Error(`unquoted ${JSON.stringify(c)} at ${i}`);
      cell += c;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length > 0) throw new Error('last record does not end with CRLF');
  return rows;
}

describeEachBackend('reports: CSV', (backend) => {
  let t: TestApp;
  const inputs = [
    { Name: 'Comma, Inc', Industry: 'Software', ARR: 10, CSMName: 'Lee, Ann' },
    { Name: 'Say "Hi" Co', Industry: 'Retail', ARR: 20.5 },
    { Name: 'Multi\nLine', Industry: 'Software', CSMName: 'Carriage\r\nReturn' },
    { Name: 'Plain', ARR: 0 },
    { Name: '  spaced  ', Industry: "O'Brien; Sons", ARR: 1234567.89 },
  ];

  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const body of inputs) expect((await t.request('POST', '/v1/companies', { body })).status).toBe(200);
  });
  afterAll(() => t.close());

  async function csv(body: unknown, accept = 'text/csv', key: string = BOOTSTRAP_KEY) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: { accept, accesskey: key, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return res;
  }

  const definition = { name: 'csv', object: 'Company', fields: ['Name', 'Industry', 'ARR', 'CSMName'], orderBy: [{ field: 'Name' }] };

  it('answers text/csv with a header row and RFC 4180 quoting', async () => {
    const res = await csv({ definition });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.body).toBe(
      'Name,Industry,ARR,CSMName\r\n' +
        '  spaced  ,O\'Brien; Sons,1234567.89,\r\n' +
        '"Comma, Inc",Software,10,"Lee, Ann"\r\n' +
        '"Multi\nLine",Software,,"Carriage\r\nReturn"\r\n' +
        'Plain,,0,\r\n' +
        '"Say ""Hi"" Co",Retail,20.5,\r\n',
    );
  });

  it('has the same rows as the JSON answer', async () => {
    for (const body of [{ definition }, { reportId: 'arr-by-industry' }, { reportId: 'largest-customers', limit: 3 }, { reportId: 'people-by-company' }]) {
      const json = await t.request('POST', '/v1/reports', { body });
      expect(json.status).toBe(200);
      const res = await csv(body);
      expect(res.statusCode).toBe(200);
      const [header, ...rows] = parseCsv(res.body);
      const columns = json.body.data.columns.map((c: { name: string }) => c.name);
      expect(header).toEqual(columns);
      expect(rows).toEqual(
        json.body.data.records.map((record: Row) => columns.map((name: string) => (record[name] === undefined ? '' : String(record[name])))),
      );
    }
  });

  it('an empty result is just the header row', async () => {
    const res = await csv({ definition, filters: { Industry: 'None' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('Name,Industry,ARR,CSMName\r\n');
  });

  it.each([
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['text/*', 'csv'],
    ['text/html, text/csv;q=0.1', 'csv'],
    ['application/json;q=0.5, text/csv', 'csv'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    ['text/csv;q=0.5, application/json', 'json'],
  ])('Accept: %s answers %s', async (accept, kind) => {
    const res = await csv({ reportId: 'arr-by-industry' }, accept);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(kind === 'csv' ? /^text\/csv/ : /^application\/json/);
  });

  it.each(['text/html', 'application/xml', 'text/csv;q=0, application/json;q=0'])('Accept: %s is 406 GSAPI_4060', async (accept) => {
    const res = await t.request('POST', '/v1/reports', { body: { reportId: 'arr-by-industry' }, headers: { accept } });
    expectError(res, 406, 'GSAPI_4060');
    expect(res.body.errorDesc).toContain('text/csv');
  });

  it('errors are JSON envelopes even when CSV was asked for', async () => {
    const res = await t.request('POST', '/v1/reports', { body: { definition, filters: { Nope: 1 } }, headers: { accept: 'text/csv' } });
    expectError(res, 400, 'GSOBJ_1002', 'Nope');
  });

  it('a read-only key may download CSV', async () => {
    const key = (await t.accessKeys.create('csv reader', { readOnly: true })).key;
    const res = await csv({ reportId: 'largest-customers' }, 'text/csv', key);
    expect(res.statusCode).toBe(200);
    expect(parseCsv(res.body)[0]).toEqual(['Gsid', 'Name', 'ARR', 'Industry', 'LifecycleStage', 'CSMName']);
  });
});
