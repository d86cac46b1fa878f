/**
 * Runs the real command-line program (`node dist/cli/main.js ...`, built by `npm run build`) for
 * the end-to-end suites: one-shot commands with their output and exit code, and `serve` processes
 * started on a free port, waited for until /healthz answers, and stopped with a signal.
 *
 * Every process and temp directory made here is tracked; call `stopAllServers` in afterEach and
 * `removeTempDirs` in afterAll so nothing outlives a failed test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const CLI_PATH = join(REPO_ROOT, 'dist/cli/main.js');

/** A key for GS_ACCESS_KEY in the suites (full rights, never stored). */
export const E2E_ACCESS_KEY = 'e2e-bootstrap-key-0123456789abcdef';

/** Settings the program reads; the parent's values never leak into a child unless given. */
const PROGRAM_SETTINGS = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'GS_ACCESS_KEY',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'GS_METRICS',
  'GS_METRICS_PORT',
  'DB_POOL_SIZE',
  'DB_STATEMENT_TIMEOUT_MS',
  'SQLITE_SYNCHRONOUS',
  'GS_SCHEMA',
  'GS_PICKLIST_VALUES',
  'GS_NXT_DATE_FORMAT',
  'GS_RATE_LIMIT',
  'REDIS_URL',
  'GS_MAX_HEADER_SIZE',
  'GS_MAX_URL_LENGTH',
  'GS_REQUEST_TIMEOUT_MS',
  'GS_HEADERS_TIMEOUT_MS',
  'GS_KEEP_ALIVE_TIMEOUT_MS',
  'GS_CONNECTION_TIMEOUT_MS',
  'GS_MAX_HEAVY_REQUESTS',
  'DEBUG',
  'NODE_OPTIONS',
];

export type EnvOverrides = Record<string, string | undefined>;

export function cliEnv(overrides: EnvOverrides = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PROGRAM_SETTINGS) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// Temp directories

const tempDirs = new Set<string>();

export function makeTempDir(prefix = 'gs-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** `sqlite:/abs/path` of a new database file in a new temp directory. */
export function tempSqliteUrl(name = 'test.db'): string {
  return `sqlite:${join(makeTempDir(), name)}`;
}

// ---------------------------------------------------------------------------------------------
// Polling

export async function sleep(ms: number): Promise<void> {
  await new Promise((done) => setTimeout(done, ms));
}

/** Calls `probe` until it returns something other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

// ---------------------------------------------------------------------------------------------
// One-shot commands

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: EnvOverrides;
  /** Working directory; defaults to a new temp directory (so ./data never lands in the repo). */
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

const children = new Set<ChildProcess>();

function spawnCli(args: readonly string[], options: RunOptions): ChildProcess {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} does not exist: run npm run build first`);
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd ?? makeTempDir(),
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs `gainsight-api ...args` to completion (SIGKILLed after timeoutMs). */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail);
    child.once('close', (c, s) => done([c, s]));
  });
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/**
 * A command that failed the way a user should see it: exit 1, exactly one stderr line
 * `gainsight-api: ...`, no stack trace or node_modules path anywhere. Returns that line.
 */
export function oneLineFailure(result: CliResult): string {
  const context = JSON.stringify(result);
  expect(result.code, context).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, context).toHaveLength(1);
  expect(lines[0], context).toMatch(/^gainsight-api: /);
  expect(result.stderr + result.stdout, context).not.toMatch(/\n\s+at |node_modules/);
  return lines[0]!;
}

/** Creates a key named `name` with `keys create` on the database `db` (which must succeed) and returns the key it printed. */
export async function createKey(db: string, name: string): Promise<string> {
  const created = await runCli(['keys', 'create', '--name', name, '--db', db]);
  expect(created.code, created.stderr).toBe(0);
  return /gsk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/.exec(created.stdout)![0];
}

// ---------------------------------------------------------------------------------------------
// Servers

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT`, as the server logged it. */
  readonly url: string;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines written so far (stdout lines that parse as pino records). */
  logs(): LogLine[];
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  readonly exited: Promise<ExitStatus>;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

export interface StartOptions extends RunOptions {
  /** Arguments after `serve`; `--port 0` is added unless a port is given by flag or env. */
  readonly args?: readonly string[];
  /** False: add no `--port 0`, so the program's own default port applies. */
  readonly anyFreePort?: boolean;
}

const servers = new Set<ServerProcess>();

function parseLogs(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(raw) as LogLine;
      if (typeof parsed.msg === 'string') lines.push(parsed);
    } catch {
      // not a log line
    }
  }
  return lines;
}

/** Starts `gainsight-api serve`, resolving once it has logged its address and /healthz answers 200. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const args = [...(options.args ?? [])];
  const portGiven = args.includes('--port') || (options.env && 'PORT' in options.env);
  if (!portGiven && options.anyFreePort !== false) args.push('--port', '0');
  const child = spawnCli(['serve', ...args], options);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((done) =>
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      // Let the pipes drain so the last log lines are in `out`.
      setImmediate(() => done(exitStatus!));
    }),
  );
  const describe = () => `exit ${JSON.stringify(exitStatus)}\nstdout:\n${out}\nstderr:\n${err}`;

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 10_000) =>
    waitFor(
      () => {
        const line = parseLogs(out).find(predicate);
        if (line) return line;
        if (exitStatus) throw new Error(`server exited: ${describe()}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 20, what: 'a log line' },
    );

  const server: ServerProcess = {
    child,
    url: '',
    port: 0,
    stdout: () => out,
    stderr: () => err,
    logs: () => parseLogs(out),
    waitForLog,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (!exitStatus) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
  };
  servers.add(server);
  exited.then(() => servers.delete(server));

  let listening: LogLine;
  try {
    listening = await waitForLog((line) => line.msg === 'gainsight-api listening', options.timeoutMs ?? 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`serve did not start: ${(error as Error).message}\n${describe()}`);
  }
  const url = String(listening.address);
  Object.assign(server, { url, port: Number(new URL(url).port) });
  await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, {
    timeoutMs: 10_000,
    what: `${url}/healthz to answer 200`,
  });
  return server;
}

/** Kills every server and command still running (SIGKILL) and waits for them to exit. */
export async function stopAllServers(): Promise<void> {
  const pending = [...servers].map((server) => server.stop('SIGKILL', 5_000));
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(pending);
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** One JSON request; `key` is sent as the accessKey header (none when undefined). */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  { key, body }: { key?: string; body?: unknown } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers.accessKey = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Every record of a collection (`/v1/companies`, `/v1/people`), all pages, in list order. */
export async function listAll(baseUrl: string, collection: string, key: string): Promise<any[]> {
  const records: any[] = [];
  for (let page = 0; ; page++) {
    const response = await api(baseUrl, 'GET', `${collection}?pageSize=100&pageNumber=${page}`, { key });
    if (response.status !== 200) throw new Error(`GET ${collection} page ${page}: ${response.status} ${JSON.stringify(response.body)}`);
    const { records: pageRecords, totalCount } = response.body.data as { records: any[]; totalCount: number };
    records.push(...pageRecords);
    if (pageRecords.length === 0 || records.length >= totalCount) return records;
  }
}
