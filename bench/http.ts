/**
 * Request rate of the real server against a bare node:http server that sends the same bytes,
 * in the same run, on the same machine: the ratio is what the project's goal is stated in
 * (README, Performance: GET by id at half the bare rate, a page of 25 at a third).
 *
 *   npm run build && npm run bench:http -- --duration 10 --rounds 3
 *
 * Options: --duration (seconds per wrk run, default 10), --rounds (default 3), --warmup (seconds
 * of wrk on each server before a request's rounds, not counted; default 2, 0 for none),
 * --connections (default 32), --companies and --people (the data set, default 10000 and 30000).
 *
 * A fresh SQLite database in a temporary directory is seeded with the CLI (`seed --companies N
 * --people M --random-seed bench`), then the built server (dist/) is started on it with
 * `--log-level warn`, so that it writes nothing per request; its output goes straight to this
 * process's stderr (no pipe to fill or to read). Three requests are measured:
 *
 * - GET by id: `GET /v1/companies/{id}`, an id from the middle of the seeded companies;
 * - first page: `GET /v1/companies?pageSize=25` (page 0);
 * - last page: `GET /v1/companies?pageSize=25&pageNumber=floor((companies - 1) / 25)`.
 *
 * Each answer is recorded once from the server, and the bare server (bench/bare-server.mjs)
 * answers the same request with those bytes (checked: status 200, same body bytes); the server's
 * own answers differ from one another only in the request id. Per request: one warm-up wrk run on
 * each, then rounds alternating server and bare server; medians of the rounds. The server and
 * the bare server run pinned to CPU 0, wrk (one thread) to CPU 1.
 *
 * Needs `wrk` and `taskset` (Debian: apt-get install wrk util-linux), 2 CPUs, and `npm run build`.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './common.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    companies: { type: 'string', default: '10000' },
    people: { type: 'string', default: '30000' },
  },
});
const KEY = 'bench-http-key-0123456789abcdef';
const PAGE_SIZE = 25;
const companies = Number(values.companies);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

function fail(message: string): never {
  console.error(`bench/http.ts: ${message}`);
  process.exit(1);
}

for (const [tool, pkg] of [['wrk', 'wrk'], ['taskset', 'util-linux']]) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
    fail(`${tool} is not installed (Debian: apt-get install ${pkg}); it is needed to measure`);
  }
}
if (availableParallelism() < 2) fail('needs 2 CPUs (the servers pinned to CPU 0, wrk to CPU 1)');
if (!existsSync('dist/cli/main.js')) fail('dist/cli/main.js not found: run `npm run build` first, from the repository root');
if (!Number.isInteger(companies) || companies < 1) fail('--companies must be a positive integer');
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');
if (!Number.isInteger(Number(values.duration)) || Number(values.duration) < 1) fail('--duration must be a whole number of seconds, at least 1');
if (!Number.isInteger(warmup) || warmup < 0) fail('--warmup must be a whole number of seconds (0 for none)');

/** A port nothing listens on now (the OS picks it), so the servers never meet a stranger's. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once `url` answers 200; rejects if the child exits first, or after 60 s. */
async function waitUntilAnswering(child: ChildProcess, name: string, url: string, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before answering`);
    try {
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer ${url} within 60 s`);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function wrk(url: string, seconds: number): number {
  const output = execFileSync(
    'taskset',
    ['-c', '1', 'wrk', '-t1', `-c${values.connections}`, `-d${seconds}s`, '-H', `accessKey: ${KEY}`, url],
    { encoding: 'utf8' },
  );
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!rate || /Non-2xx|Socket errors/.test(output)) throw new Error(`wrk failed on ${url}:\n${output}`);
  return Number(rate[1]);
}

const dir = mkdtempSync(join(tmpdir(), 'gs-bench-'));
const database = `sqlite:${join(dir, 'bench.db')}`;
let server: ChildProcess | undefined;
let bare: ChildProcess | undefined;
try {
  const started = performance.now();
  console.error(`seeding ${companies} companies and ${values.people} people...`);
  execFileSync(
    process.execPath,
    ['dist/cli/main.js', 'seed', '--companies', String(companies), '--people', values.people!, '--random-seed', 'bench', '--db', database],
    { stdio: ['ignore', 2, 2] },
  );
  console.error(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const [serverPort, barePort] = [await freePort(), await freePort()];
  server = spawn('taskset', ['-c', '0', process.execPath, 'dist/cli/main.js', 'serve', '--port', String(serverPort), '--log-level', 'warn', '--db', database], {
    env: { ...process.env, GS_ACCESS_KEY: KEY },
    // Straight to this process's stderr: nothing to drain here, nothing that can fill and block.
    stdio: ['ignore', 2, 2],
  });
  const base = `http://127.0.0.1:${serverPort}`;
  await waitUntilAnswering(server, 'the server', `${base}/healthz`);

  const get = async (path: string) => {
    const response = await fetch(base + path, { headers: { accessKey: KEY } });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body.toString()}`);
    return { type: response.headers.get('content-type'), body };
  };
  const pageOf = (pageNumber: number) => `/v1/companies?pageSize=${PAGE_SIZE}${pageNumber ? `&pageNumber=${pageNumber}` : ''}`;
  const lastPage = Math.floor((companies - 1) / PAGE_SIZE);
  type Page = { data: { records: { Gsid: string }[]; totalCount: number } };
  const first = JSON.parse((await get(pageOf(0))).body.toString()) as Page;
  if (first.data.totalCount !== companies) throw new Error(`the seeded database holds ${first.data.totalCount} companies, not ${companies}`);
  const middle = JSON.parse((await get(pageOf(Math.floor(lastPage / 2)))).body.toString()) as Page;
  const id = middle.data.records[0]!.Gsid;
  const requests = { 'GET by id': `/v1/companies/${id}`, 'first page of 25': pageOf(0), [`last page of 25 (page ${lastPage})`]: pageOf(lastPage) };

  const recorded = [];
  for (const path of Object.values(requests)) {
    const { type, body } = await get(path);
    const text = body.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(body)) throw new Error(`GET ${path}: the body is not valid UTF-8, so the bare server could not replay it`);
    recorded.push({ path, type, body: text, bytes: body });
  }
  const lastRecords = (JSON.parse(recorded[2]!.body) as Page).data.records.length;
  if (lastRecords !== companies - lastPage * PAGE_SIZE) throw new Error(`the last page holds ${lastRecords} companies, not ${companies - lastPage * PAGE_SIZE}`);
  writeFileSync(join(dir, 'responses.json'), JSON.stringify(recorded.map(({ path, type, body }) => ({ path, type, body }))));

  bare = spawn('taskset', ['-c', '0', process.execPath, 'bench/bare-server.mjs', join(dir, 'responses.json'), String(barePort)], {
    stdio: ['ignore', 'ignore', 2],
  });
  const bareBase = `http://127.0.0.1:${barePort}`;
  await waitUntilAnswering(bare, 'the bare server', bareBase + recorded[0]!.path);
  for (const { path, type, bytes } of recorded) {
    const response = await fetch(bareBase + path, { headers: { accessKey: KEY } });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200 || response.headers.get('content-type') !== type || !body.equals(bytes)) {
      throw new Error(`the bare server does not answer GET ${path} with the server's bytes`);
    }
  }

  const results = [];
  for (const [name, path] of Object.entries(requests)) {
    if (warmup > 0) {
      wrk(base + path, warmup);
      wrk(bareBase + path, warmup);
    }
    const ours: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < rounds; round++) {
      ours.push(wrk(base + path, Number(values.duration)));
      baseline.push(wrk(bareBase + path, Number(values.duration)));
    }
    results.push({ name, path, bytes: recorded.find((r) => r.path === path)!.bytes.length, ours, baseline });
  }

  console.log(
    `\n${companies} companies, ${values.people} people (SQLite); wrk -t1 -c${values.connections} -d${values.duration}s, ` +
      `${rounds} alternating rounds after a ${warmup} s warm-up of each, medians (requests/s)\n`,
  );
  console.log('| request | body | server | bare node:http | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.bytes} B | ${median(r.ours).toFixed(0)} | ${median(r.baseline).toFixed(0)} | ${(median(r.ours) / median(r.baseline)).toFixed(2)} |`,
    );
  }
} catch (error) {
  console.error(`bench/http.ts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await Promise.all([stop(server), stop(bare)]);
  rmSync(dir, { recursive: true, force: true });
}
