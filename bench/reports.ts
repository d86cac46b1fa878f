/**
 * Report timings over a large seeded data set, with a baseline in the same run: the same
 * question asked with hand-written SQL straight through the driver (the store's own Kysely
 * connection, so both get values back through the same type parsers). The ratio shows what the
 * report engine (validation, planning, query building, serialization) adds on top of the database.
 * The engine runs in-process (`POST /v1/reports` through Fastify's inject); its time ends when the
 * response is serialized (the benchmark does not parse it).
 *
 *   npm run bench:reports -- --db sqlite:/tmp/bench.db --companies 1000000 --runs 7
 *   npm run bench:reports -- --db 'postgres://postgres@127.0.0.1:5432/test?schema=bench' --companies 1000000
 *
 * `--people` defaults to three times `--companies` (the data set: 1,000,000 companies and
 * 3,000,000 people). The database is seeded (deterministically) only when it holds fewer
 * companies or people than asked for; companies and people seeded in one go, as from an empty
 * database, follow the generator's shape (97% of people have a company, drawn from the first
 * 100,000 companies seeded). People added to a database that already has its companies all
 * point at the first 100 companies listed: start from an empty database for the shape.
 * Before any timing, each report's rows from the engine are compared with the hand-written SQL's
 * (same values in the same order, and the same count before the limit); the script exits with
 * status 1, naming the report, when they differ. Then one warm-up of each, and `--runs` rounds
 * that alternate engine and SQL, so that load on the shared machine hits both alike.
 * Timings are wall-clock medians; the machine is shared, so compare ratios, not absolutes.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { addDays } from '../src/domain/dates.js';
import { buildApp } from '../src/server/app.js';
import { Company, Person } from '../src/domain/objects/index.js';
import { seedDatabase } from '../src/seed/generator.js';
import { openStore } from '../src/store/store.js';
import { BENCH_KEY, median, timeAlternating } from './common.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite:./data/bench.db' },
    companies: { type: 'string', default: '1000000' },
    people: { type: 'string' },
    runs: { type: 'string', default: '7' },
    /** Comma-separated report ids to time (default: every built-in report). */
    reports: { type: 'string' },
  },
});
const companies = Number(values.companies);
const people = values.people === undefined ? 3 * companies : Number(values.people);
const runs = Number(values.runs);
const KEY = BENCH_KEY;
/** The built-in reports' row limit (DEFAULT_REPORT_LIMIT), which the hand-written SQL applies too. */
const LIMIT = 1000;

/** The store, seeded up to `companies` companies and `people` people (a database that holds them is reused). */
async function openSeededStore(url: string) {
  const store = await openStore({ url, sqliteSynchronous: 'normal' });
  await store.migrate();
  const has = { companies: await store.records(Company).count(), people: await store.records(Person).count() };
  const missing = { companies: Math.max(0, companies - has.companies), people: Math.max(0, people - has.people) };
  if (missing.companies + missing.people > 0) {
    const started = performance.now();
    console.error(`seeding ${missing.companies} companies and ${missing.people} people into ${store.dialect}...`);
    await seedDatabase(store, {
      ...missing,
      randomSeed: `bench-${has.companies}-${has.people}`,
      baseDate: new Date().toISOString().slice(0, 10),
      // Every 500,000 records, and what is not a count.
      onProgress: (message) => {
        const [, done, all] = /(\d+)\/(\d+)$/.exec(message) ?? [];
        if (done === undefined || Number(done) % 500_000 === 0 || done === all) console.error(message);
      },
    });
    console.error(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { store, total: { companies: await store.records(Company).count(), people: await store.records(Person).count() } };
}

const { store, total } = await openSeededStore(values.db!);
const app = await buildApp({ store, bootstrapKey: KEY });
const db = store.database.db;
// As the built-in report computes its range: today (UTC) through today + 90 days.
const today = new Date().toISOString().slice(0, 10);
const in90 = addDays(today, 90);
// The engine sorts text by code point: PostgreSQL needs the "C" collation for that, SQLite's
// default (BINARY, on UTF-8) already is.
const byCodePoint = (column: string) => (store.dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql.ref(column));

interface EngineResult {
  columns: { name: string; type: string }[];
  records: Record<string, unknown>[];
  totalCount: number;
}

/** The rows of the hand-written SQL, named as the report's columns, and the count before the limit. */
interface BaselineResult {
  records: Record<string, unknown>[];
  totalCount: number;
}

const engine = (reportId: string) => async () => {
  const response = await app.inject({ method: 'POST', url: '/v1/reports', headers: { accesskey: KEY }, payload: { reportId } });
  if (response.statusCode !== 200) throw new Error(`${reportId}: ${response.statusCode} ${response.body}`);
  return response;
};

/** SQL rows renamed from SQL aliases to the report's column names. */
const renamed = (rows: readonly Record<string, unknown>[], names: Record<string, string>) =>
  rows.map((row) => Object.fromEntries(Object.entries(names).map(([column, alias]) => [column, row[alias]])));

const cases: { report: string; engine: ReturnType<typeof engine>; baseline: () => Promise<BaselineResult> }[] = [
  {
    report: 'companies-by-lifecycle-stage',
    engine: engine('companies-by-lifecycle-stage'),
    // By stage (code point order), the group without a stage last.
    baseline: async () => {
      const { rows } = await sql<Record<string, unknown>>`
        select lifecycle_stage, count(*) as companies, sum(arr) as total
        from company group by lifecycle_stage
        order by ${byCodePoint('lifecycle_stage')} asc nulls last limit ${LIMIT}`.execute(db);
      return { records: renamed(rows, { LifecycleStage: 'lifecycle_stage', companies: 'companies', totalARR: 'total' }), totalCount: rows.length };
    },
  },
  {
    report: 'arr-by-industry',
    engine: engine('arr-by-industry'),
    // As the engine orders: the sum, largest first, NULLs last; ties by the group key (NULL last).
    baseline: async () => {
      const { rows } = await sql<Record<string, unknown>>`
        select industry, count(*) as companies, sum(arr) as total, avg(arr) as average
        from company group by industry
        order by sum(arr) desc nulls last, ${byCodePoint('industry')} asc nulls last limit ${LIMIT}`.execute(db);
      return { records: renamed(rows, { Industry: 'industry', companies: 'companies', totalARR: 'total', avgARR: 'average' }), totalCount: rows.length };
    },
  },
  {
    report: 'upcoming-renewals',
    engine: engine('upcoming-renewals'),
    // As the engine: the page, then (only when the limit cut it off) the count, one after the other.
    baseline: async () => {
      const { rows } = await sql<Record<string, unknown>>`
        select gsid, name, renewal_date, arr, csm_name, lifecycle_stage from company
        where renewal_date between ${today} and ${in90} order by renewal_date, gsid limit ${LIMIT}`.execute(db);
      const totalCount =
        rows.length < LIMIT
          ? rows.length
          : Number((await sql<{ count: unknown }>`select count(*) as count from company where renewal_date between ${today} and ${in90}`.execute(db)).rows[0]!.count);
      const names = { Gsid: 'gsid', Name: 'name', RenewalDate: 'renewal_date', ARR: 'arr', CSMName: 'csm_name', LifecycleStage: 'lifecycle_stage' };
      return { records: renamed(rows, names), totalCount };
    },
  },
  {
    report: 'people-by-company',
    engine: engine('people-by-company'),
    // People counted per company first (the (company_id, ...) index serves the grouping); only
    // the companies with at least as many people as the 1000th (ties included) are joined to
    // their name; the groups counted in the same query. Most people first, then by name, then by
    // CompanyId; the group without a company (no name, no CompanyId) last among its equals. (The
    // 1000th count as a scalar subquery, `g.people >= (select ...)`, makes PostgreSQL expect a
    // third of the groups and hash the whole company table: 800 ms more. Joined as one row, it
    // expects few and looks each company up by its key.)
    baseline: async () => {
      const { rows } = await sql<Record<string, unknown>>`
        with g as materialized (select company_id, count(*) as people from person group by company_id),
        cut as (select people from g order by people desc limit 1 offset ${LIMIT - 1})
        select g.company_id, c.name, g.people, (select count(*) from g) as groups
        from g left join cut on true left join company c on c.gsid = g.company_id
        where cut.people is null or g.people >= cut.people
        order by g.people desc, ${byCodePoint('c.name')} asc nulls last, g.company_id asc nulls last limit ${LIMIT}`.execute(db);
      return {
        records: renamed(rows, { CompanyId: 'company_id', 'CompanyId.Name': 'name', people: 'people' }),
        totalCount: rows.length === 0 ? 0 : Number(rows[0]!.groups),
      };
    },
  },
  {
    report: 'largest-customers',
    engine: engine('largest-customers'),
    // Its own limit (10); the count only when the limit cut the rows off.
    baseline: async () => {
      const { rows } = await sql<Record<string, unknown>>`
        select gsid, name, arr, industry, lifecycle_stage, csm_name from company
        where arr is not null order by arr desc, gsid limit 10`.execute(db);
      const totalCount =
        rows.length < 10
          ? rows.length
          : Number((await sql<{ count: unknown }>`select count(*) as count from company where arr is not null`.execute(db)).rows[0]!.count);
      const names = { Gsid: 'gsid', Name: 'name', ARR: 'arr', Industry: 'industry', LifecycleStage: 'lifecycle_stage', CSMName: 'csm_name' };
      return { records: renamed(rows, names), totalCount };
    },
  },
];

/**
 * A value as the report answers it, by its column's type: numbers as numbers (a driver may hand
 * back a bigint or a numeric string), booleans as true/false (SQLite stores 0/1), and an empty
 * value (NULL) as absent, as the engine leaves it out of the record.
 */
function normalised(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  if (type === 'integer' || type === 'number') return Number(value);
  if (type === 'boolean') return value === true || Number(value) === 1;
  return value;
}

/**
 * Equal values. Numbers that are not integers may differ in the last bits: a floating-point sum
 * depends on the order of its terms, which PostgreSQL's parallel aggregation does not fix.
 */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) {
    return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

/** Why the two results differ, or undefined when they hold the same rows in the same order. */
function difference(got: EngineResult, expected: BaselineResult): string | undefined {
  const types = new Map(got.columns.map((c) => [c.name, c.type]));
  const rowOf = (record: Record<string, unknown>) =>
    Object.fromEntries(
      [...types.keys()].flatMap((name) => {
        const value = normalised(record[name], types.get(name));
        return value === undefined ? [] : [[name, value]];
      }),
    );
  if (got.totalCount !== expected.totalCount) return `engine counts ${got.totalCount} rows before the limit, the SQL ${expected.totalCount}`;
  if (got.records.length !== expected.records.length) return `engine returns ${got.records.length} rows, the SQL ${expected.records.length}`;
  for (const [i, record] of got.records.entries()) {
    const ours = rowOf(record);
    const theirs = rowOf(expected.records[i]!);
    const names = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    if ([...names].some((name) => !same(ours[name], theirs[name]))) {
      return `row ${i} differs: engine ${JSON.stringify(ours)}, SQL ${JSON.stringify(theirs)}`;
    }
  }
  return undefined;
}

const results = [];
const only = values.reports?.split(',');
for (const c of cases.filter((c) => !only || only.includes(c.report))) {
  // The same rows both ways, checked before anything is timed.
  const got = ((await c.engine()).json() as { data: EngineResult }).data;
  const problem = difference(got, await c.baseline());
  if (problem) {
    console.error(`bench/reports.ts: report ${c.report}: the hand-written SQL does not answer what the engine does: ${problem}`);
    await app.close();
    await store.close();
    process.exit(1);
  }
  const [engineMs, baselineMs] = await timeAlternating([c.engine, c.baseline], runs);
  results.push({ report: c.report, totalCount: got.totalCount, engineMs: engineMs!, baselineMs: baselineMs! });
}

console.log(`\n${store.dialect}, ${total.companies} companies and ${total.people} people, median of ${runs} alternating runs after one warm-up (ms); rows checked equal\n`);
console.log('| report | engine median | min | max | hand-written SQL median | ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.report} (${r.totalCount} rows before limit) | ${median(r.engineMs).toFixed(1)} | ${Math.min(...r.engineMs).toFixed(1)} | ` +
      `${Math.max(...r.engineMs).toFixed(1)} | ${median(r.baselineMs).toFixed(1)} | ${(median(r.engineMs) / median(r.baselineMs)).toFixed(2)} |`,
  );
}
await app.close();
await store.close();
