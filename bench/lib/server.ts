/**
 * What the HTTP benchmarks (bench/http.ts, bench/run.ts) share: checking the tools, seeding with
 * the CLI, starting the built server (dist/), the bare node:http baseline and the layer servers of
 * `bench:http --layers` pinned to CPU 0, running wrk pinned to CPU 1, reading the server's memory
 * and CPU time, and stopping them.
 */
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SERVE_NODE_FLAGS } from '../../src/cli/heap.js';

/** The access key the benchmarked servers are started with (GS_ACCESS_KEY). */
export const HTTP_BENCH_KEY = 'bench-http-key-0123456789abcdef';

/** Stops the script with a message naming it (exit status 1). */
export function fail(script: string, message: string): never {
  console.error(`${script}: ${message}`);
  process.exit(1);
}

/** Fails unless wrk and taskset are installed, there are 2 CPUs, and dist/ is built. */
export function checkHttpBenchSetup(script: string): void {
  for (const [tool, pkg] of [['wrk', 'wrk'], ['taskset', 'util-linux']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
      fail(script, `${tool} is not installed (Debian: apt-get install ${pkg}); it is needed to measure`);
    }
  }
  if (availableParallelism() < 2) fail(script, 'needs 2 CPUs (the servers pinned to CPU 0, wrk to CPU 1)');
  if (!existsSync(BUILT_CLI)) fail(script, 'dist/cli/main.js not found: run `npm run build` first, from the repository root');
}

/** A positive whole number from an option, or the script stops saying which option is wrong. */
export function wholeOption(script: string, name: string, value: string | undefined, minimum = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < minimum) fail(script, `--${name} must be a whole number, at least ${minimum}`);
  return n;
}

/** The built CLI the benchmarks run, relative to the repository root. */
export const BUILT_CLI = 'dist/cli/main.js';

/**
 * A copy of the built package (dist/, spec/, schemas/, package.json; node_modules linked) in
 * `dir`, so that a long run keeps measuring one build while dist/ is rebuilt underneath it (a
 * seed written by one build and served by another would not be a measurement). Returns its CLI.
 */
export function snapshotBuild(dir: string): string {
  const root = join(dir, 'build');
  mkdirSync(root, { recursive: true });
  for (const path of ['dist', 'spec', 'schemas', 'package.json']) cpSync(path, join(root, path), { recursive: true });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'), 'dir');
  return join(root, BUILT_CLI);
}

/** Seeds with the CLI (`seed --companies N --people M --random-seed bench`); returns the seconds it took. */
export function seedWithCli(database: string, companies: number, people: number, cli = BUILT_CLI): number {
  const started = performance.now();
  console.error(`seeding ${companies} companies and ${people} people...`);
  execFileSync(
    process.execPath,
    [cli, 'seed', '--companies', String(companies), '--people', String(people), '--random-seed', 'bench', '--db', database],
    { stdio: ['ignore', 2, 2] },
  );
  const seconds = (performance.now() - started) / 1000;
  console.error(`seeded in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** A port nothing listens on now (the OS picks it), so the servers never meet a stranger's. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once `url` answers 200 (polling every `everyMs`); rejects if the child exits first, or after 60 s. */
export async function waitUntilAnswering(child: ChildProcess, name: string, url: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before answering`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${name} did not answer ${url} within 60 s`);
}

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export interface RunningServer {
  child: ChildProcess;
  base: string;
  /** Milliseconds from spawning the process to the first 200 from /healthz. */
  startMs: number;
}

/**
 * Starts the built server on `database` as `npm start` does (with SERVE_NODE_FLAGS), pinned to
 * CPU 0, logging only warnings (nothing written per request); its output goes straight to this
 * process's stderr (no pipe to fill or to read).
 */
export async function startServer(database: string, cli = BUILT_CLI, extraArguments: readonly string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('taskset', ['-c', '0', process.execPath, ...SERVE_NODE_FLAGS, cli, 'serve', '--port', String(port), '--log-level', 'warn', '--db', database, ...extraArguments], {
    env: { ...process.env, GS_ACCESS_KEY: HTTP_BENCH_KEY },
    stdio: ['ignore', 2, 2],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(child, 'the server', `${base}/healthz`, 5);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { child, base, startMs: performance.now() - started };
}

export interface Answer {
  path: string;
  type: string | null;
  bytes: Buffer;
  /** The answer's headers as sent, but those Node's HTTP server writes itself (TRANSPORT_HEADERS). */
  headers: Record<string, string>;
}

/** Headers a node:http server writes for every answer: replaying them would send them twice. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** A request to the benchmarked server with its key; fails unless it answers `expect` (200). */
export async function call(base: string, method: string, path: string, body?: unknown, expect = 200): Promise<Answer> {
  const response = await fetch(base + path, {
    method,
    headers: { accessKey: HTTP_BENCH_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== expect) throw new Error(`${method} ${path}: ${response.status} ${bytes.toString().slice(0, 500)}`);
  return { path, type: response.headers.get('content-type'), bytes, headers: replayedHeaders(response) };
}

/** An answer's headers but the transport ones, in the order received (fetch sorts them by name). */
function replayedHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name)));
}

/** The JSON body of a GET to the benchmarked server. */
export async function getJson<T>(base: string, path: string): Promise<T> {
  return JSON.parse((await call(base, 'GET', path)).bytes.toString()) as T;
}

/**
 * Starts the bare node:http baseline (bench/bare-server.mjs), pinned to CPU 0, answering each
 * recorded GET with the server's bytes, and checks that it does (status 200, same content type,
 * same body bytes). The recorded answers are written to `dir`.
 */
export async function startBareServer(answers: readonly Answer[], dir: string): Promise<{ child: ChildProcess; base: string }> {
  return startReplayServer(answers, dir, 'the bare server', ['bench/bare-server.mjs']);
}

/**
 * The empty async hooks of the `hooks` layer of `bench:http --layers`, per stage: as many as the
 * server runs for a GET as async functions (onRequest: the request id, the limits,
 * authentication; onSend: the limits, the audit trail, Idempotency-Key; onResponse: the audit
 * trail, Idempotency-Key), as `serve` runs by default (no metrics, rate limits or sandbox). Its
 * one more onRequest hook, the security headers, is a callback. test/unit/bench-layers.test.ts
 * counts them in the app.
 */
export const SERVER_ASYNC_HOOKS = { onRequest: 3, onSend: 3, onResponse: 2 } as const;

/** What the layers of `bench:http --layers` add to node:http, one at a time (bench/layer-servers.mjs). */
export type Layer = 'node' | 'fastify' | 'hooks';

/**
 * Starts a server of bench/layer-servers.mjs, pinned to CPU 0, answering each recorded GET with
 * the server's bytes and headers (`hooks`: with SERVER_ASYNC_HOOKS empty async hooks), and checks
 * that it does, headers included.
 */
export async function startLayerServer(answers: readonly Answer[], dir: string, layer: Layer): Promise<{ child: ChildProcess; base: string }> {
  const hooks = layer === 'hooks' ? SERVER_ASYNC_HOOKS : { onRequest: 0, onSend: 0, onResponse: 0 };
  return startReplayServer(answers, dir, `the ${layer} layer server`, ['bench/layer-servers.mjs'], {
    extraArguments: [layer, String(hooks.onRequest), String(hooks.onSend), String(hooks.onResponse)],
    sameHeaders: true,
  });
}

/**
 * Starts `script` (pinned to CPU 0) on the recorded answers, written to a file of its own in `dir`,
 * and checks that it answers each with the server's status, content type and body bytes, and
 * with `sameHeaders`, every header the server sent (transport headers aside).
 */
async function startReplayServer(
  answers: readonly Answer[],
  dir: string,
  name: string,
  script: readonly string[],
  { extraArguments = [], sameHeaders = false }: { extraArguments?: readonly string[]; sameHeaders?: boolean } = {},
): Promise<{ child: ChildProcess; base: string }> {
  const recorded = answers.map(({ path, type, bytes, headers }) => {
    const body = bytes.toString('utf8');
    if (!Buffer.from(body, 'utf8').equals(bytes)) throw new Error(`GET ${path}: the body is not valid UTF-8, so ${name} could not replay it`);
    return { path, type, body, headers };
  });
  const file = join(dir, `responses-${name.replace(/\W+/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(recorded));
  const port = await freePort();
  const child = spawn('taskset', ['-c', '0', process.execPath, ...script, file, String(port), ...extraArguments], { stdio: ['ignore', 'ignore', 2] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(child, name, base + answers[0]!.path);
    for (const { path, type, bytes, headers } of answers) {
      const response = await fetch(base + path, { headers: { accessKey: HTTP_BENCH_KEY } });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200 || response.headers.get('content-type') !== type || !body.equals(bytes)) {
        throw new Error(`${name} does not answer GET ${path} with the server's bytes`);
      }
      if (sameHeaders && JSON.stringify(replayedHeaders(response)) !== JSON.stringify(headers)) {
        throw new Error(`${name} does not answer GET ${path} with the server's headers`);
      }
    }
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { child, base };
}

export interface WrkOptions {
  seconds: number;
  connections: number;
  /** A Lua script (wrk -s), e.g. one that posts. */
  script?: string;
}

const execFileAsync = promisify(execFile);

/**
 * Requests per second from wrk (one thread, pinned to CPU 1) on `url`; fails on any non-2xx
 * answer or socket error. Runs without blocking this process, so it can sample meanwhile.
 */
export async function wrk(url: string, options: WrkOptions): Promise<number> {
  return (await wrkMeasured(url, options)).rate;
}

export interface WrkMeasurement {
  /** Requests per second. */
  rate: number;
  /** Requests answered in the run. */
  requests: number;
  /** CPU time per request of the server's process and of its main thread, in us (when its pid was given). */
  cpuUs?: { process: number; mainThread: number };
  /** Latency percentiles in ms (wrk --latency). */
  p50Ms: number;
  p99Ms: number;
}

/** wrk's units as milliseconds: `812.00us`, `1.20ms`, `2.01s`. */
function milliseconds(value: string, unit: string): number {
  return Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[unit]!;
}

/** As wrk(), with the latency distribution too. */
export async function wrkMeasured(url: string, { seconds, connections, script }: WrkOptions): Promise<WrkMeasurement> {
  // A 10 s timeout (wrk's default is 2 s): a slow answer on the loaded machine is slow, not an error.
  const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', '-H', `accessKey: ${HTTP_BENCH_KEY}`, ...(script ? ['-s', script] : []), url];
  const { stdout } = await execFileAsync('taskset', args, { encoding: 'utf8' });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const requests = /(\d+) requests in/.exec(stdout);
  const p50 = /^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(stdout);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(stdout);
  if (!rate || !requests || !p50 || !p99 || /Non-2xx|Socket errors/.test(stdout)) throw new Error(`wrk failed on ${url}:\n${stdout}`);
  return { rate: Number(rate[1]), requests: Number(requests[1]), p50Ms: milliseconds(p50[1]!, p50[2]!), p99Ms: milliseconds(p99[1]!, p99[2]!) };
}

/** As wrkMeasured(), with the CPU time the process `pid` spent per request (from /proc). */
async function wrkWithCpu(url: string, options: WrkOptions, pid: number | undefined): Promise<WrkMeasurement> {
  if (pid === undefined) return wrkMeasured(url, options);
  const before = cpuTimes(pid);
  const measured = await wrkMeasured(url, options);
  const after = cpuTimes(pid);
  const perRequest = (ms: number) => (ms * 1000) / measured.requests;
  return { ...measured, cpuUs: { process: perRequest(after.process - before.process), mainThread: perRequest(after.mainThread - before.mainThread) } };
}

/** CPU time (ms) a thread or process has used, from its `/proc/.../stat`: user and system apart. */
export function cpuSplit(statFile: string): { user: number; system: number } {
  const text = readFileSync(statFile, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const msPerTick = 1000 / CLOCK_TICKS_PER_SECOND;
  return { user: Number(fields[11]) * msPerTick, system: Number(fields[12]) * msPerTick };
}

/**
 * CPU time (user + system, ms) a process has used: all its threads, and its main thread (the one
 * answering requests; its thread id is the process id). Kernel ticks: 10 ms resolution.
 */
export function cpuTimes(pid: number): { process: number; mainThread: number } {
  const total = (file: string) => {
    const { user, system } = cpuSplit(file);
    return user + system;
  };
  return { process: total(`/proc/${pid}/stat`), mainThread: total(`/proc/${pid}/task/${pid}/stat`) };
}

/** USER_HZ: Linux reports CPU times in 1/100 s on every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Requests/s of the server and of the bare server on the same path: a warm-up of each (`warmup`
 * seconds, not counted; 0 for none), then `rounds` rounds alternating them, so that load on the
 * shared machine hits both alike. One sample a round each.
 */
export async function wrkAlternating(
  server: string,
  bare: string,
  path: string,
  options: WrkOptions & { warmup: number; rounds: number },
): Promise<{ ours: number[]; baseline: number[] }> {
  const { ours, baseline } = await wrkAlternatingMeasured(server, bare, path, options);
  return { ours: ours.map((m) => m.rate), baseline: baseline.map((m) => m.rate) };
}

/**
 * As wrkAlternating(), with each round's latency distribution too, and the CPU time per request
 * of the servers whose process ids are given (`pids`).
 */
export async function wrkAlternatingMeasured(
  server: string,
  other: string,
  path: string,
  { warmup, rounds, pids, ...options }: WrkOptions & { warmup: number; rounds: number; pids?: { server: number; other: number } },
): Promise<{ ours: WrkMeasurement[]; baseline: WrkMeasurement[] }> {
  if (warmup > 0) {
    await wrk(server + path, { ...options, seconds: warmup });
    await wrk(other + path, { ...options, seconds: warmup });
  }
  const ours: WrkMeasurement[] = [];
  const baseline: WrkMeasurement[] = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(await wrkWithCpu(server + path, options, pids?.server));
    baseline.push(await wrkWithCpu(other + path, options, pids?.other));
  }
  return { ours, baseline };
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM), or undefined when the process is gone. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
