/**
 * NXT query timings over a large seeded data set: `POST /v1/data/objects/query/Company` selecting
 * every field describe lists, ordered by ModifiedDate then Gsid, 5000 records a page, for the
 * first page and the last one, through the real app in-process. The baseline, in the same run, is
 * the same page fetched with hand-written SQL straight through the driver (a better-sqlite3
 * prepared statement, or a pg client query); the ratio is what the server adds on top: planning
 * and building the query, turning 5000 rows into records with every field present (null when
 * empty), and serializing them as JSON. The "store runner" column is the server's query alone
 * (query building, driver, row objects), without presenting and serializing.
 *
 *   npm run bench:nxt -- --db sqlite:/tmp/bench-nxt.db --companies 1000000 --runs 7
 *   npm run bench:nxt -- --db 'postgres://postgres@127.0.0.1:5432/test?schema=bench_nxt' --companies 1000000
 *
 * The database is seeded (deterministically) only when it holds fewer companies than asked for.
 * Each page's SQL plan (the server's query and the hand-written one) is printed in one line:
 * EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL (`--analyze` for EXPLAIN ANALYZE).
 * Timings are wall-clock medians; the machine is shared, so compare ratios, not absolutes.
 */
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
} from 'kysely';
import pg from 'pg';
import { planQuery } from '../src/domain/nxt/query.js';
import { builtinRegistry } from '../src/domain/objects/index.js';
import { buildApp } from '../src/server/app.js';
import { parsePostgresUrl, sessionOptions, timestampToIso } from '../src/store/postgres.js';
import { createReportRunner } from '../src/store/report-query.js';
import { SQLITE_CACHE_KIB } from '../src/store/sqlite.js';
import { parseDatabaseUrl } from '../src/store/store.js';
import { BENCH_KEY, median, openSeededStore, timeAlternating } from './common.js';
import { describedFieldNames, NXT_DESCRIBE_PATH, NXT_PAGE_LIMIT, NXT_QUERY_PATH, nxtQueryBody } from './lib/requests.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite:./data/bench-nxt.db' },
    companies: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '7' },
    analyze: { type: 'boolean', default: false },
  },
});
const companies = Number(values.companies);
const runs = Number(values.runs);
const KEY = BENCH_KEY;
const LIMIT = NXT_PAGE_LIMIT;

const target = parseDatabaseUrl(values.db!);
const { store, total } = await openSeededStore(values.db!, companies);
if (total < LIMIT) throw new Error(`need at least ${LIMIT} companies, have ${total}`);
const app = await buildApp({ store, bootstrapKey: KEY });

// Every field as describe lists it, and the column each is stored in.
const described = await app.inject({ method: 'GET', url: NXT_DESCRIBE_PATH, headers: { accesskey: KEY } });
if (described.statusCode !== 200) throw new Error(`describe: ${described.statusCode} ${described.body}`);
const fieldNames = describedFieldNames(described.json());
const lookUp = builtinRegistry.surfaceLookUp('nxt');
const view = lookUp('Company')!;
const columns = fieldNames.map((name) => {
  const field = view.fields.find((f) => f.name === name);
  if (!field) throw new Error(`describe lists ${name}, which the NXT view of Company does not have`);
  return field.column;
});
const baselineSql = (placeholder: (n: number) => string) =>
  `select ${columns.join(', ')} from ${view.table} order by modified_date, gsid limit ${placeholder(1)} offset ${placeholder(2)}`;

const bodyOf = (offset: number) => nxtQueryBody(fieldNames, offset);

/** The SQL the server runs for a body: the same runner, over a Kysely that only compiles. */
async function serverSql(body: object): Promise<CompiledQuery> {
  const captured: CompiledQuery[] = [];
  const sqlite = store.dialect === 'sqlite';
  const compileOnly = new Kysely<unknown>({
    dialect: {
      createAdapter: () => (sqlite ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (sqlite ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
      createQueryCompiler: () => (sqlite ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    },
    log: (event) => void captured.push(event.query),
  });
  await createReportRunner({ ...store.database, db: compileOnly }).run(planQuery(view, body, { lookUp }));
  await compileOnly.destroy();
  return captured[0]!;
}

/** The baseline driver, opened on its own: a raw page of rows, and a plan as one line. */
interface Baseline {
  page(offset: number): Promise<Record<string, unknown>[]>;
  plan(query: string, parameters: readonly unknown[]): Promise<string>;
  close(): Promise<void>;
}

async function openBaseline(): Promise<Baseline> {
  if (target.dialect === 'sqlite') {
    const raw = new BetterSqlite3(target.path, { readonly: true });
    raw.pragma(`cache_size = -${SQLITE_CACHE_KIB}`); // as the server's connection
    const statement = raw.prepare(baselineSql(() => '?'));
    return {
      page: async (offset) => statement.all(LIMIT, offset) as Record<string, unknown>[],
      plan: async (query, parameters) =>
        (raw.prepare(`explain query plan ${query}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join('; '),
      close: async () => void raw.close(),
    };
  }
  const { connectionString, schema, options } = parsePostgresUrl(target.url);
  // The server's session settings and type parsers, so both get the same values back.
  const parsers: Record<number, (text: string) => unknown> = { 20: Number, 1700: Number, 1082: (text) => text, 1114: timestampToIso, 1184: timestampToIso };
  const client = new pg.Client({
    connectionString,
    options: sessionOptions(schema, options),
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser },
  });
  await client.connect();
  const text = baselineSql((n) => `$${n}`);
  return {
    page: async (offset) => (await client.query(text, [LIMIT, offset])).rows as Record<string, unknown>[],
    plan: async (query, parameters) => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${values.analyze ? '(analyze) ' : ''}${query}`, [...parameters]);
      // Plan nodes joined by arrows, each node's details (sort keys, filters) in brackets; what
      // follows the tree unindented (JIT, planning and execution times) at the end, in braces.
      const nodes: { node: string; details: string[] }[] = [];
      const trailer: string[] = [];
      for (const { 'QUERY PLAN': line } of rows) {
        const text = line.trim();
        if (nodes.length === 0 || text.startsWith('->')) nodes.push({ node: text.replace(/^->\s*/, ''), details: [] });
        else if (!line.startsWith(' ') || trailer.length > 0) trailer.push(text);
        else nodes.at(-1)!.details.push(text);
      }
      const tree = nodes.map(({ node, details }) => (details.length ? `${node} [${details.join('; ')}]` : node)).join(' → ');
      return trailer.length ? `${tree} {${trailer.join(' ')}}` : tree;
    },
    close: () => client.end(),
  };
}

const baseline = await openBaseline();
const explainKind = store.dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : values.analyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN';

const query = (body: object) => async () => {
  const response = await app.inject({ method: 'POST', url: NXT_QUERY_PATH, headers: { accesskey: KEY }, payload: body });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return response;
};

const pages = [
  { page: 'first', offset: 0 },
  { page: 'last', offset: total - LIMIT },
];

const results = [];
for (const { page, offset } of pages) {
  const body = bodyOf(offset);
  const plan = planQuery(view, body, { lookUp });
  const server = query(body);
  const samples = await timeAlternating([server, () => store.reportRunner.run(plan), () => baseline.page(offset)], runs);
  const [serverMs, runnerMs, baselineMs] = [samples[0]!, samples[1]!, samples[2]!];

  // The same page both ways: same records in the same order, every field present.
  const response = await server();
  const records = (response.json() as { data: { records: Record<string, unknown>[] } }).data.records;
  const rows = await baseline.page(offset);
  if (records.length !== LIMIT || rows.length !== LIMIT) throw new Error(`${page}: ${records.length} records, ${rows.length} rows`);
  for (const i of [0, LIMIT - 1]) {
    if (records[i]!.Gsid !== rows[i]!.gsid) throw new Error(`${page}: record ${i} is ${records[i]!.Gsid}, SQL row ${rows[i]!.gsid}`);
  }
  const nulls = records.reduce((n, record) => n + Object.values(record).filter((v) => v === null).length, 0);
  if (Object.keys(records[0]!).length !== fieldNames.length) throw new Error(`${page}: records do not hold every field`);

  const compiled = await serverSql(body);
  results.push({
    page: `${page} (offset ${offset})`,
    serverMs,
    runnerMs,
    baselineMs,
    bytes: response.rawPayload.length,
    nulls,
    serverSql: compiled.sql,
    serverPlan: await baseline.plan(compiled.sql, compiled.parameters),
    baselinePlan: await baseline.plan(baselineSql(store.dialect === 'sqlite' ? () => '?' : (n) => `$${n}`), [LIMIT, offset]),
  });
}

const ms = (samples: number[]) => median(samples).toFixed(1);
console.log(`\n${store.dialect}, ${total} companies, ${fieldNames.length} fields, limit ${LIMIT}, median of ${runs} runs after one warm-up (ms)\n`);
console.log('| page | server median | min | max | store runner median | hand-written SQL median | ratio server / SQL | response |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.page} | ${ms(r.serverMs)} | ${Math.min(...r.serverMs).toFixed(1)} | ${Math.max(...r.serverMs).toFixed(1)} | ${ms(r.runnerMs)} | ` +
      `${ms(r.baselineMs)} | ${(median(r.serverMs) / median(r.baselineMs)).toFixed(2)} | ` +
      `${(r.bytes / 1e6).toFixed(2)} MB, ${r.nulls} nulls |`,
  );
}
console.log(`\nPlans (${explainKind}):\n`);
console.log('| page | query | plan |');
console.log('| --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.page} | server | ${r.serverPlan} |`);
  console.log(`| ${r.page} | hand-written | ${r.baselinePlan} |`);
}
console.log(`\nServer SQL (last page):\n${results.at(-1)!.serverSql}`);

await baseline.close();
await app.close();
await store.close();
