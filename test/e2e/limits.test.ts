/**
 * Limits against slow and heavy clients, on the real server with short timeouts: a slowloris
 * crowd (many connections sending their headers a byte at a time) is cut off with 408 while
 * health checks keep answering; a slow body too; a burst of reports and NXT queries over the
 * bound on heavy requests gets some 503s with Retry-After and never a 500, health checks still
 * answering; long URLs are 414 and huge headers 431, as envelopes; idle kept-alive connections
 * close.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';
import { E2E_ACCESS_KEY, removeTempDirs, runCli, sleep, startServer, stopAllServers, tempSqliteUrl, type ServerProcess } from '../helpers/cli.js';

const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 3000;
const MAX_HEAVY = 2;
/** Generous: the machine is shared and loaded; a server that hangs takes far longer. */
const HEALTH_BOUND_MS = 5_000;

interface Raw {
  readonly text: string;
  readonly ms: number;
}

/** Opens a connection, sends `head` now, then `drip` one byte every `everyMs` until the server closes. */
function slowClient(port: number, head: string, drip: string, everyMs: number): Promise<Raw> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let index = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(drip[index++ % drip.length]!);
    }, everyMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, ms: Date.now() - started });
    });
    socket.write(head);
  });
}

/** One raw request; the whole answer as text (the server closes or the answer is complete). */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
    socket.end(request);
  });
}

function statusAndBody(text: string): { status: number; headers: string; body: any } {
  const end = text.indexOf('\r\n\r\n');
  expect(end, `an answer, got ${JSON.stringify(text.slice(0, 120))}`).toBeGreaterThan(0);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), headers: text.slice(0, end), body: JSON.parse(text.slice(end + 4)) };
}

/** Probes /healthz every 100 ms until `stop` resolves; the slowest answer and any failure. */
async function probeHealth(url: string, stop: Promise<unknown>): Promise<{ probes: number; slowestMs: number; failures: string[] }> {
  let stopped = false;
  void stop.finally(() => (stopped = true));
  const result = { probes: 0, slowestMs: 0, failures: [] as string[] };
  while (!stopped) {
    const started = Date.now();
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTH_BOUND_MS * 2) });
      await response.arrayBuffer();
      if (response.status !== 200) result.failures.push(`status ${response.status}`);
    } catch (error) {
      result.failures.push((error as Error).message);
    }
    result.probes++;
    result.slowestMs = Math.max(result.slowestMs, Date.now() - started);
    await sleep(100);
  }
  return result;
}


const HEAVY_CALLS = [
  ['reports', '/v1/reports', { reportId: 'people-by-company' }],
  ['NXT queries', '/v1/data/objects/query/Person', { select: ['Gsid', 'Email', 'FirstName', 'LastName'], limit: 5000, orderBy: { Email: 'desc' } }],
] as const;

/**
 * A burst of heavy calls over the bound, /healthz probed meanwhile. On SQLite a report's queries
 * run on the event loop one after the other, so the bound is rarely reached there (the burst then
 * queues at the socket, and health checks wait behind it within the bound); on PostgreSQL they
 * run at once in the database, and the bound refuses what is over it.
 */
function heavyBurstTests(backend: string, current: () => ServerProcess, expectRefusals: boolean): void {
  it.each(HEAVY_CALLS)(`a burst of 40 %s over the bound of ${MAX_HEAVY} at once: ${expectRefusals ? 'some 503 with Retry-After, ' : ''}the others answered, never a 500; health checks answer`, async (_what, path, body) => {
    const server = current();
    const burst = Promise.all(
      Array.from({ length: 40 }, async () => {
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { accesskey: E2E_ACCESS_KEY, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
      }),
    );
    const [answers, health] = await Promise.all([burst, probeHealth(server.url, burst)]);
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    console.info(`[limits ${backend}] burst of 40 on ${path} with --max-heavy-requests ${MAX_HEAVY}: ${count(200)} answered, ${count(503)} refused with 503; /healthz slowest ${health.slowestMs} ms`);
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(count(200)).toBeGreaterThanOrEqual(MAX_HEAVY);
    if (expectRefusals) expect(count(503)).toBeGreaterThan(0);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused.retryAfter).toBe('1');
      expect(refused.body.errorCode).toBe('GSAPI_5030');
      expect(refused.body.errorDesc).toContain('reports and queries at once');
    }
    expect(health.failures).toEqual([]);
    expect(health.slowestMs).toBeLessThan(HEALTH_BOUND_MS);
    // Once the burst is over, the bound is free again.
    const after = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { accesskey: E2E_ACCESS_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(after.status).toBe(200);
  }, 120_000);
}

describe('limits against slow and heavy clients (real server)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    const db = tempSqliteUrl();
    const seeded = await runCli(['seed', '--companies', '2000', '--people', '6000', '--random-seed', '7', '--db', db], { timeoutMs: 120_000 });
    expect(seeded.code, seeded.stderr).toBe(0);
    server = await startServer({
      env: { GS_ACCESS_KEY: E2E_ACCESS_KEY, DATABASE_URL: db },
      args: [
        '--headers-timeout', String(HEADERS_TIMEOUT_MS),
        '--request-timeout', String(REQUEST_TIMEOUT_MS),
        '--keep-alive-timeout', '1000',
        '--max-heavy-requests', String(MAX_HEAVY),
        '--max-url-length', '4096',
        '--max-header-size', '8192',
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    removeTempDirs();
  });

  it('200 slowloris connections, headers a byte at a time: each cut off with the 408 envelope after the headers timeout, health checks answering meanwhile', async () => {
    const crowd = Promise.all(
      Array.from({ length: 200 }, () => slowClient(server.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'abcdefgh', 200)),
    );
    const [clients, health] = await Promise.all([crowd, probeHealth(server.url, crowd)]);
    console.info(`[limits] slowloris: 200 connections closed after ${Math.min(...clients.map((c) => c.ms))}-${Math.max(...clients.map((c) => c.ms))} ms; /healthz ${health.probes} probes, slowest ${health.slowestMs} ms`);
    expect(health.failures).toEqual([]);
    expect(health.probes).toBeGreaterThan(3);
    expect(health.slowestMs).toBeLessThan(HEALTH_BOUND_MS);
    for (const client of clients) {
      expect(client.ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      // Bounded: not held for as long as the client likes (it would drip forever).
      expect(client.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 10_000);
      const { status, body } = statusAndBody(client.text);
      expect(status).toBe(408);
      expect(body).toEqual({ result: false, errorCode: 'GSAPI_4080', errorDesc: expect.stringContaining('not received in time'), requestId: expect.any(String) });
    }
  }, 60_000);

  it('a body sent a byte at a time is cut off with 408 after the request timeout', async () => {
    const head = `POST /v1/companies HTTP/1.1\r\nHost: 127.0.0.1\r\naccessKey: ${E2E_ACCESS_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"Name":"`;
    const client = await slowClient(server.port, head, 'x', 200);
    expect(client.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(client.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 10_000);
    // The request was under way in Fastify: its answer is the request's own envelope or 408.
    expect(client.text).toMatch(/^HTTP\/1\.1 (408|400)/);
    expect(statusAndBody(client.text).body.result).toBe(false);
  }, 30_000);

  heavyBurstTests('sqlite', () => server, false);

  it('a URL over --max-url-length is 414 as an envelope; the same path within it is answered', async () => {
    const long = await fetch(`${server.url}/v1/companies?pad=${'x'.repeat(5000)}`, { headers: { accesskey: E2E_ACCESS_KEY } });
    expect(long.status).toBe(414);
    expect(await long.json()).toEqual({
      result: false,
      errorCode: 'GSAPI_4140',
      errorDesc: `Request URL is ${'/v1/companies?pad='.length + 5000} characters long; at most 4096 are accepted`,
      requestId: long.headers.get('x-request-id'),
    });
    const nxt = await fetch(`${server.url}/v1/meta/services/objects/Company/describe?pad=${'A'.repeat(5000)}`, { headers: { accesskey: E2E_ACCESS_KEY } });
    expect(nxt.status).toBe(414);
    expect(Object.keys((await nxt.json()) as object)).toEqual(['result', 'errorCode', 'errorDesc', 'requestId', 'data', 'message']);
    expect((await fetch(`${server.url}/v1/companies?pad=${'x'.repeat(3000)}`, { headers: { accesskey: E2E_ACCESS_KEY } })).status).toBe(200);
  });

  it('headers over --max-header-size are 431 as an envelope', async () => {
    const text = await rawRequest(server.port, `GET /v1/companies HTTP/1.1\r\nHost: 127.0.0.1\r\naccessKey: ${E2E_ACCESS_KEY}\r\nX-Big: ${'y'.repeat(10_000)}\r\n\r\n`);
    const { status, headers, body } = statusAndBody(text);
    expect(status).toBe(431);
    expect(headers).toMatch(/\r\nContent-Type: application\/json/i);
    expect(body).toEqual({ result: false, errorCode: 'GSAPI_4310', errorDesc: 'Request line and headers are larger than the limit of 8192 bytes', requestId: expect.any(String) });
    // A malformed request line gets an envelope too.
    const garbage = statusAndBody(await rawRequest(server.port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.errorCode).toBe('GSAPI_4000');
  });

  it('closes an idle kept-alive connection after --keep-alive-timeout', async () => {
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => resolve(Date.now() - started));
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.resume();
    });
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(10_000);
  }, 20_000);
});

describe.skipIf(!postgresUrl)('the bound on heavy requests on PostgreSQL (real server) [postgres]', () => {
  const schema = `test_limits_${randomBytes(5).toString('hex')}`;
  let server: ServerProcess;
  beforeAll(async () => {
    const db = withSchema(postgresUrl!, schema);
    const seeded = await runCli(['seed', '--companies', '2000', '--people', '6000', '--random-seed', '7', '--db', db], { timeoutMs: 120_000 });
    expect(seeded.code, seeded.stderr).toBe(0);
    server = await startServer({ env: { GS_ACCESS_KEY: E2E_ACCESS_KEY, DATABASE_URL: db }, args: ['--max-heavy-requests', String(MAX_HEAVY)] });
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    await dropSchema(postgresUrl!, schema);
  });

  heavyBurstTests('postgres', () => server, true);
});
