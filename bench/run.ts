/**
 * The whole performance picture in one command: `npm run bench` (README, Performance).
 *
 *   npm run bench                                   # SQLite, 10,000 and 1,000,000 companies
 *   npm run bench -- --db 'postgres://postgres@127.0.0.1:5432/test?schema=bench'
 *   npm run bench -- --smoke --out /tmp/bench       # tiny data, 1 s runs: checks the script works
 *
 * For each size (`--sizes`, companies; people are 3×) a fresh database is seeded with the CLI
 * (`seed --companies N --people 3N --random-seed bench`): a SQLite file in a temporary directory,
 * or with a PostgreSQL `--db`, the URL's schema (?schema=, default bench) suffixed with the size
 * (`bench_10000`), dropped first and again at the end (`--keep` keeps it, and a SQLite file as
 * `<tmpdir>/gs-bench-<size>.db`; `--reuse` uses one that
 * holds exactly the size's companies and people, seeded beforehand, and leaves it). The built server
 * (dist/) is started on it pinned to CPU 0, wrk and this script run on CPU 1, and it measures:
 *
 * - cold start: spawning the server to the first 200 from /healthz (median of 3 starts);
 * - requests/s of `GET /v1/companies/{id}` and `GET /v1/companies?pageSize=25`, page 0 and the
 *   last page, against a bare node:http server sending the same bytes (bench/bare-server.mjs),
 *   wrk rounds alternating after a warm-up (`--duration`, `--rounds`, `--warmup`, `--connections`);
 * - page latency: single requests of page 0 and the last page of 25, /v1/companies and
 *   /v1/people, rounds alternating, p50 of `--samples`; the largest size is compared with the smallest;
 * - a full walk of the companies, pageSize=100, pageNumber=0,1,2,... one request at a time;
 * - an NXT query walk (bench/lib/requests.ts: every field, by ModifiedDate then Gsid, 5000 a
 *   page, offset k×5000) until a page comes back empty;
 * - every built-in report (POST /v1/reports), median of `--runs` after a warm-up;
 * - POST /v1/companies from 50 connections (wrk with a Lua script, a unique Name per request);
 *   the server runs with its defaults, so every insert is durable (SQLite synchronous=full);
 * - the sandbox's request journal (smallest size only): GET by id and page 0 with and without
 *   `--sandbox`, two servers on the same database, rounds alternating, saturated (requests/s, and
 *   CPU time per request of the request thread and of the whole process) and from one client
 *   (latency p50 and p99);
 * - the server's peak memory (VmHWM from /proc; VmRSS is also sampled during the wrk runs).
 *
 * The goals (README) are judged at the smallest size for requests/s and at the largest for the
 * rest. It writes `<out>/<YYYY-MM-DD>-<backend>.json` (every scenario: value, baseline, ratio,
 * target, met; the machine), `.md` (the table) and `.png` (page latency against size and page
 * position). It fails only when something fails to run, not when a goal is missed.
 *
 * Needs wrk and taskset (Debian: apt-get install wrk util-linux), 2 CPUs, and `npm run build`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Resvg } from '@resvg/resvg-js';
import pg from 'pg';
import { BUILT_IN_REPORTS } from '../src/domain/reports/builtins.js';
import { parseDatabaseUrl } from '../src/store/database-url.js';
import { journalFileOf } from '../src/store/sandbox-journal.js';
import { median, timeAlternating } from './common.js';
import { describedFieldNames, NXT_DESCRIBE_PATH, NXT_QUERY_PATH, nxtQueryBody } from './lib/requests.js';
import { count, latencyChartSvg, markdown, scenario, type BenchResult, type PageLatency, type Scenario, type Target } from './lib/results.js';
import {
  call,
  checkHttpBenchSetup,
  getJson,
  HTTP_BENCH_KEY,
  memoryMb,
  seedWithCli,
  snapshotBuild,
  startBareServer,
  startServer,
  stop,
  wholeOption,
  wrk,
  wrkAlternating,
  wrkAlternatingMeasured,
  type Answer,
  type WrkMeasurement,
  type RunningServer,
} from './lib/server.js';

const SCRIPT = 'bench/run.ts';
const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    sizes: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    samples: { type: 'string' },
    runs: { type: 'string' },
    connections: { type: 'string', default: '32' },
    'walk-limit': { type: 'string', default: '300' },
    out: { type: 'string', default: 'bench/results' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
  },
});
const smoke = values.smoke!;
/** An option's value, or its default for a full run or a smoke run. */
const option = (name: keyof typeof values, full: string, small: string, minimum = 1) =>
  wholeOption(SCRIPT, name, (values[name] as string | undefined) ?? (smoke ? small : full), minimum);
const duration = option('duration', '10', '1');
const rounds = option('rounds', '3', '1');
const warmup = option('warmup', '2', '0', 0);
const samples = option('samples', '21', '3');
const runs = option('runs', '5', '1');
const connections = option('connections', '32', '32');
const walkLimitSeconds = option('walk-limit', '300', '60');
const POST_CONNECTIONS = 50;
const PAGE_SIZE = 25;
const WALK_PAGE_SIZE = 100;
const sizes = (values.sizes ?? (smoke ? '200,1000' : '10000,1000000')).split(',').map((s) => wholeOption(SCRIPT, 'sizes', s.trim()));
sizes.sort((a, b) => a - b);
checkHttpBenchSetup(SCRIPT);

const target = values.db ? parseDatabaseUrl(values.db) : { dialect: 'sqlite' as const };
const backend = target.dialect;
// This script (and wrk, and the seeding CLI, which inherit it) on CPU 1; the servers pin themselves to CPU 0.
execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });

const work = mkdtempSync(join(tmpdir(), 'gs-bench-run-'));
// The build as it is now: other work may rebuild dist/ during a run of half an hour.
const cli = snapshotBuild(work);

/**
 * A fresh database for one size: a SQLite file, or a PostgreSQL schema dropped first. With
 * `--reuse`, a PostgreSQL schema that holds exactly the companies and people of this size (one
 * seeded beforehand with the CLI, or kept with --keep before the POST scenario added to it) is
 * used as it is: `seeded` is false then.
 */
async function freshDatabase(companies: number): Promise<{ url: string; seeded: boolean; drop(): Promise<void> }> {
  if (!values.db) {
    // --keep: outside the run's temporary directory (which goes at the end), for profiling afterwards.
    const file = values.keep ? join(tmpdir(), `gs-bench-${companies}.db`) : join(work, `bench-${companies}.db`);
    // The database and the sandbox journal's file beside it, each with its WAL.
    const drop = async () =>
      [file, journalFileOf(file)].forEach((base) => ['', '-wal', '-shm'].forEach((suffix) => rmSync(base + suffix, { force: true })));
    if (values.keep) await drop();
    return { url: `sqlite:${file}`, seeded: true, drop };
  }
  const url = new URL(values.db);
  const schema = `${url.searchParams.get('schema') ?? 'bench'}_${companies}`;
  url.searchParams.set('schema', schema);
  const drop = async () => void (await withPostgres((client) => client.query(`drop schema if exists "${schema}" cascade`)));
  if (values.reuse) {
    const held = await withPostgres(async (client) => {
      const tables = await client.query(`select count(*)::int as n from pg_tables where schemaname = $1 and tablename in ('company', 'person')`, [schema]);
      if (tables.rows[0].n !== 2) return undefined;
      const { rows } = await client.query(`select (select count(*) from "${schema}".company)::int as c, (select count(*) from "${schema}".person)::int as p`);
      return rows[0] as { c: number; p: number };
    });
    if (held?.c === companies && held.p === 3 * companies) return { url: url.toString(), seeded: false, drop };
  }
  await drop();
  return { url: url.toString(), seeded: true, drop };
}

async function withPostgres<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(values.db!);
  url.searchParams.delete('schema');
  url.searchParams.delete('options');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function machine(): BenchResult['machine'] {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git('rev-parse', 'HEAD') || 'unknown',
    uncommittedChanges: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
}

/** Samples the server's VmRSS every 100 ms while `during` runs; the largest sample is kept in `peak`. */
async function sampled<T>(pid: number, peak: { mb: number }, during: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => (peak.mb = Math.max(peak.mb, memoryMb(pid, 'VmRSS') ?? 0)), 100);
  try {
    return await during();
  } finally {
    clearInterval(timer);
  }
}

/** A wrk Lua script posting a valid company with a unique Name per request. */
function postScript(): string {
  const file = join(work, 'post-company.lua');
  writeFileSync(
    file,
    [
      'local n = 0',
      `local prefix = "bench-post-${Date.now()}-"`,
      'wrk.method = "POST"',
      'wrk.headers["Content-Type"] = "application/json"',
      'request = function()',
      '  n = n + 1',
      '  return wrk.format(nil, "/v1/companies", nil, \'{"Name":"\' .. prefix .. n .. \'","Industry":"Software","ARR":120000}\')',
      'end',
      '',
    ].join('\n'),
  );
  return file;
}

const scenarios: Scenario[] = [];
const pageLatency: PageLatency[] = [];
const seeds: BenchResult['seeds'] = [];
const smallest = sizes[0]!;
const largest = sizes.at(-1)!;
/** The target when `companies` is the size it is judged at. */
const at = (companies: number, size: number, t: Target | undefined) => (companies === size ? t : undefined);
const sqlite = backend === 'sqlite';
/** What failed to run: written into the results, and the script exits with status 1. */
const errors: BenchResult['errors'] = [];

/** Runs one group of scenarios; if it throws, the error is recorded and the run goes on. */
async function attempt(group: string, data: { companies: number; people: number }, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${SCRIPT}: ${group} at ${data.companies} companies failed: ${message}`);
    errors.push({ group, ...data, message });
  }
}

async function measure(companies: number): Promise<void> {
  const people = 3 * companies;
  const data = { companies, people };
  const database = await freshDatabase(companies);
  let server: RunningServer | undefined;
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  try {
    seeds.push(database.seeded ? { ...data, seconds: seedWithCli(database.url, companies, people, cli) } : { ...data, reused: true });

    // Cold start: spawn to the first 200 from /healthz; the last one started stays up.
    const starts: number[] = [];
    for (let i = 0; i < (smoke ? 1 : 3); i++) {
      await stop(server?.child);
      server = await startServer(database.url, cli);
      starts.push(server.startMs);
    }
    const { base, child } = server!;
    const pid = child.pid!;
    scenarios.push(
      scenario({ id: 'cold-start', name: 'cold start to the first 200 from /healthz', ...data, value: median(starts), unit: 'ms', samples: starts, target: at(companies, largest, { on: 'value', compare: '<', value: 1000 }) }),
    );

    const pageOf = (object: string, pageSize: number, pageNumber: number) => `/v1/${object}?pageSize=${pageSize}${pageNumber ? `&pageNumber=${pageNumber}` : ''}`;
    const lastOf = (total: number, pageSize: number) => Math.floor((total - 1) / pageSize);
    type Page = { data: { records: { Gsid: string }[]; totalCount: number } };
    for (const [object, total] of [['companies', companies], ['people', people]] as const) {
      const counted = (await getJson<Page>(base, pageOf(object, PAGE_SIZE, 0))).data.totalCount;
      if (counted !== total) throw new Error(`the seeded database holds ${counted} ${object}, not ${total}`);
    }
    const id = (await getJson<Page>(base, pageOf('companies', PAGE_SIZE, Math.floor(lastOf(companies, PAGE_SIZE) / 2)))).data.records[0]!.Gsid;

    const peak = { mb: 0 };
    // Requests/s against the bare server sending the same bytes.
    await attempt('requests/s', data, async () => {
      const throughput = [
        { id: 'get-by-id', name: 'GET /v1/companies/{id}', path: `/v1/companies/${id}`, goal: 0.5 },
        { id: 'companies-first-page', name: 'GET /v1/companies?pageSize=25, page 0', path: pageOf('companies', PAGE_SIZE, 0), goal: 0.35 },
        {
          id: 'companies-last-page',
          name: `GET /v1/companies?pageSize=25, last page (${lastOf(companies, PAGE_SIZE)})`,
          path: pageOf('companies', PAGE_SIZE, lastOf(companies, PAGE_SIZE)),
          goal: 0.35,
        },
      ];
      const answers: Answer[] = [];
      for (const { path } of throughput) answers.push(await call(base, 'GET', path));
      bare = await startBareServer(answers, work);
      for (const t of throughput) {
        const { ours, baseline } = await sampled(pid, peak, () =>
          wrkAlternating(base, bare!.base, t.path, { warmup, rounds, seconds: duration, connections }),
        );
        scenarios.push(
          scenario({
            id: t.id,
            name: t.name,
            ...data,
            value: median(ours),
            unit: 'req/s',
            baseline: median(baseline),
            baselineName: 'bare node:http',
            samples: ours,
            note: `${answers.find((a) => a.path === t.path)!.bytes.length} B`,
            target: at(companies, smallest, { on: 'ratio', compare: '>=', value: t.goal }),
          }),
        );
      }
      await stop(bare!.child);
    });

    // Page latency: single requests, first and last page of each object, alternating.
    await attempt('page latency', data, async () => {
      const pages = (['companies', 'people'] as const).flatMap((object) =>
        (['first', 'last'] as const).map((page) => {
          const number = page === 'first' ? 0 : lastOf(object === 'companies' ? companies : people, PAGE_SIZE);
          return { object, page, path: pageOf(object, PAGE_SIZE, number) };
        }),
      );
      const latencies = await timeAlternating(
        pages.map(({ path }) => () => call(base, 'GET', path)),
        samples,
      );
      for (const [i, { object, page, path }] of pages.entries()) {
        const p50Ms = median(latencies[i]!);
        pageLatency.push({ object, page, ...data, p50Ms });
        const atSmallest = pageLatency.find((p) => p.object === object && p.page === page && p.companies === smallest)!;
        const compared = companies !== smallest;
        scenarios.push(
          scenario({
            id: `page-latency-${object}-${page}`,
            name: `p50 of GET ${path.replace(/pageNumber=\d+/, 'pageNumber=last')}`,
            ...data,
            value: p50Ms,
            unit: 'ms',
            samples: latencies[i],
            ...(compared ? { baseline: atSmallest.p50Ms, baselineName: `at ${count(smallest)}` } : {}),
            target: compared && companies === largest ? { on: 'ratio', compare: '<=', value: 2 } : undefined,
          }),
        );
      }
    });

    // Full walk: pageSize=100, pages in order, one request at a time.
    await attempt('full walk', data, async () => {
      const pagesToWalk = Math.ceil(companies / WALK_PAGE_SIZE);
      let seen = 0;
      let walked = 0;
      const started = performance.now();
      for (; walked < pagesToWalk && performance.now() - started < walkLimitSeconds * 1000; walked++) {
        seen += (await getJson<Page>(base, pageOf('companies', WALK_PAGE_SIZE, walked))).data.records.length;
      }
      const seconds = (performance.now() - started) / 1000;
      if (walked === pagesToWalk && seen !== companies) throw new Error(`the walk saw ${seen} companies, not ${companies}`);
      scenarios.push(
        scenario({
          id: 'walk',
          name: `full walk of /v1/companies, pageSize=100 (${pagesToWalk} requests in order)`,
          ...data,
          value: seconds,
          unit: 's',
          ...(walked < pagesToWalk ? { note: `stopped after ${walked} of ${pagesToWalk} pages at --walk-limit` } : {}),
          target: at(companies, largest, { on: 'value', compare: '<', value: sqlite ? 30 : 60 }),
        }),
      );
      if (walked < pagesToWalk) scenarios.at(-1)!.met = companies === largest ? false : undefined;
    });

    // NXT query walk: offset k×5000 until a page comes back empty.
    await attempt('NXT query walk', data, async () => {
      const fields = describedFieldNames(await getJson(base, NXT_DESCRIBE_PATH));
      let seen = 0;
      let requests = 0;
      const started = performance.now();
      for (;;) {
        const answer = await call(base, 'POST', NXT_QUERY_PATH, nxtQueryBody(fields, seen));
        requests++;
        const got = (JSON.parse(answer.bytes.toString()) as { data: { records: unknown[] } }).data.records.length;
        if (got === 0) break;
        seen += got;
      }
      const seconds = (performance.now() - started) / 1000;
      if (seen !== companies) throw new Error(`the NXT walk saw ${seen} companies, not ${companies}`);
      scenarios.push(
        scenario({
          id: 'nxt-walk',
          name: `NXT query walk of Company, ${fields.length} fields, limit 5000 (${requests} requests)`,
          ...data,
          value: seconds,
          unit: 's',
          target: at(companies, largest, { on: 'value', compare: '<', value: 20 }),
        }),
      );
    });

    // Every built-in report, through the server.
    await attempt('reports', data, async () => {
      const ids = BUILT_IN_REPORTS.map((r) => r.id);
      const times = await timeAlternating(
        ids.map((reportId) => () => call(base, 'POST', '/v1/reports', { reportId })),
        runs,
      );
      for (const [i, reportId] of ids.entries()) {
        scenarios.push(
          scenario({
            id: `report-${reportId}`,
            name: `report ${reportId}`,
            ...data,
            value: median(times[i]!),
            unit: 'ms',
            samples: times[i],
            target: at(companies, largest, { on: 'value', compare: '<', value: sqlite ? 300 : 500 }),
          }),
        );
      }
    });

    // Creating companies from 50 connections (durable: the server's default synchronous=full).
    await attempt('POST /v1/companies', data, async () => {
      const rate = await sampled(pid, peak, () => wrk(`${base}/v1/companies`, { seconds: duration, connections: POST_CONNECTIONS, script: postScript() }));
      scenarios.push(
        scenario({
          id: 'post-companies',
          name: 'POST /v1/companies, 50 connections, a unique Name each',
          ...data,
          value: rate,
          unit: 'req/s',
          target: sqlite ? at(companies, largest, { on: 'value', compare: '>=', value: 5000 }) : undefined,
        }),
      );
    });

    // The sandbox's request journal (serve --sandbox): the same requests to a second server on the
    // same database with the journal on, rounds alternating with this one; saturated (requests/s,
    // `--connections`, and CPU time per request from /proc) and from one client (latency of each
    // request while the server has time to spare).
    if (companies === smallest) {
      await attempt('journal cost', data, async () => {
        const journaled = await startServer(database.url, cli, ['--sandbox']);
        try {
          const requests = [
            { id: 'get-by-id', name: 'GET /v1/companies/{id}', path: `/v1/companies/${id}` },
            { id: 'companies-first-page', name: 'GET /v1/companies?pageSize=25, page 0', path: pageOf('companies', PAGE_SIZE, 0) },
          ];
          for (const r of requests) {
            const pids = { server: journaled.child.pid!, other: pid };
            const saturated = await wrkAlternatingMeasured(journaled.base, base, r.path, { warmup, rounds, seconds: duration, connections, pids });
            const oneClient = await wrkAlternatingMeasured(journaled.base, base, r.path, { warmup: 0, rounds, seconds: duration, connections: 1 });
            const rates = (ms: WrkMeasurement[]) => ms.map((m) => m.rate);
            const p50s = (ms: WrkMeasurement[]) => ms.map((m) => m.p50Ms);
            const p99 = (ms: WrkMeasurement[]) => median(ms.map((m) => m.p99Ms)).toFixed(2);
            const cpu = (ms: WrkMeasurement[], of: 'process' | 'mainThread') => ms.map((m) => m.cpuUs![of]);
            const whole = (ms: WrkMeasurement[]) => median(cpu(ms, 'process')).toFixed(0);
            const common = { ...data, baselineName: 'without --sandbox' };
            scenarios.push(
              scenario({ id: `journal-${r.id}`, name: `${r.name} with --sandbox (request journal on), ${connections} connections`, ...common, value: median(rates(saturated.ours)), unit: 'req/s', baseline: median(rates(saturated.baseline)), samples: rates(saturated.ours) }),
              // The journal's own work runs on a worker thread: what the request thread pays is
              // this; the process's total (the worker's writes included) is in the note.
              scenario({
                id: `journal-${r.id}-request-thread-cpu`,
                name: `${r.name} with --sandbox, CPU time of the request thread per request, ${connections} connections`,
                ...common,
                value: median(cpu(saturated.ours, 'mainThread')),
                unit: 'us',
                baseline: median(cpu(saturated.baseline, 'mainThread')),
                samples: cpu(saturated.ours, 'mainThread'),
                note: `whole process, the journal's worker thread included: ${whole(saturated.ours)} us, ${whole(saturated.baseline)} us without`,
              }),
              scenario({
                id: `journal-${r.id}-latency`,
                name: `${r.name} with --sandbox, latency p50 from one client`,
                ...common,
                value: median(p50s(oneClient.ours)),
                unit: 'ms',
                baseline: median(p50s(oneClient.baseline)),
                samples: p50s(oneClient.ours),
                note: `p99 ${p99(oneClient.ours)} ms, ${p99(oneClient.baseline)} ms without`,
              }),
            );
          }
        } finally {
          await stop(journaled.child);
        }
      });
    }

    const hwm = memoryMb(pid, 'VmHWM') ?? Number.NaN;
    scenarios.push(
      scenario({
        id: 'rss',
        name: 'server peak memory (VmHWM) over the whole run',
        ...data,
        value: hwm,
        unit: 'MB',
        note: `VmRSS sampled during the wrk runs peaked at ${peak.mb.toFixed(0)} MB`,
        target: at(companies, largest, { on: 'value', compare: '<', value: 200 }),
      }),
    );
  } finally {
    await Promise.all([stop(server?.child), stop(bare?.child)]);
    // A database the run found seeded (--reuse) is not the run's to drop.
    if (!values.keep && database.seeded) await database.drop();
  }
}

try {
  const info = machine();
  if (backend === 'postgres') {
    info.postgres = await withPostgres(async (client) => (await client.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v.split(' ')[0]!);
  }
  const date = new Date().toISOString().slice(0, 10);
  console.error(`${SCRIPT}: ${backend}, sizes ${sizes.join(', ')}${smoke ? ' (smoke)' : ''}, key ${HTTP_BENCH_KEY}`);
  for (const companies of sizes) await attempt('all scenarios', { companies, people: 3 * companies }, () => measure(companies));

  const result: BenchResult = {
    date,
    backend,
    smoke,
    machine: info,
    options: { sizes, duration, rounds, warmup, samples, runs, connections, postConnections: POST_CONNECTIONS, pageSize: PAGE_SIZE, walkPageSize: WALK_PAGE_SIZE },
    seeds,
    scenarios,
    pageLatency,
    errors,
  };
  mkdirSync(values.out!, { recursive: true });
  const stem = join(values.out!, `${date}-${backend}`);
  const table = markdown(result);
  writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${stem}.md`, table);
  const png = new Resvg(latencyChartSvg(result), {
    font: { loadSystemFonts: false, fontDirs: ['/usr/share/fonts'], defaultFontFamily: 'DejaVu Sans' },
  }).render();
  writeFileSync(`${stem}.png`, png.asPng());
  console.log(`\n${table}`);
  console.error(`${SCRIPT}: wrote ${stem}.json, ${stem}.md and ${stem}.png`);
  if (errors.length > 0) {
    console.error(`${SCRIPT}: ${errors.length} group(s) of scenarios failed to run (listed in the files)`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`${SCRIPT}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
