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
 * The database is seeded (deterministically) only when it holds fewer companies than asked for.
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
import { BENCH_KEY, median, openSeededStore, timeAlternating } from './common.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite:./data/bench.db' },
    companies: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '7' },
  },
});
const companies = Number(values.companies);
const runs = Number(values.runs);
const KEY = BENCH_KEY;
/** The built-in reports' row limit (DEFAULT_REPORT_LIMIT), which the hand-written SQL applies too. */
const LIMIT = 1000;

const { store, total } = await openSeededStore(values.db!, companies);
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
for (const c of cases) {
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

console.log(`\n${store.dialect}, ${total} companies, median of ${runs} alternating runs after one warm-up (ms); rows checked equal\n`);
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
