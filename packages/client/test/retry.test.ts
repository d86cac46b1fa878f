/**
 * Retries over real HTTP: a real proxy (helpers/fault-proxy.ts) in front of a real server answers
 * the first requests with 429/503 or drops the connection. What is asserted is what the proxy
 * received: how many attempts, when, with which headers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, GainsightApiError, GainsightNetworkError, type GainsightClient } from '../src/index.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { ACCESS_KEY, startLiveServer, type LiveServer } from './helpers/live-server.js';

let server: LiveServer;
let proxy: FaultProxy;
let client: GainsightClient;
/** Straight to the server, to check what was written. */
let direct: GainsightClient;

beforeAll(async () => {
  server = await startLiveServer();
  proxy = await startFaultProxy(server.url);
  // A tiny backoff: a wait of a second or more can then only come from Retry-After.
  client = createClient({ baseUrl: proxy.url, accessKey: ACCESS_KEY, retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 } });
  direct = createClient({ baseUrl: server.url, accessKey: ACCESS_KEY, retry: false });
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});
beforeEach(() => proxy.reset());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

function gapsMs(): number[] {
  return proxy.received.slice(1).map((request, i) => request.at - proxy.received[i]!.at);
}

describe('idempotent calls are retried', () => {
  it('GET after two 503s: three attempts, the third answered by the server', async () => {
    const company = await direct.companies.create({ Name: 'Retry me' });
    proxy.inject({ status: 503 }, { status: 503 });
    expect(await client.companies.get(company.Gsid)).toEqual(company);
    expect(proxy.received.map((request) => request.fault && 'status' in request.fault ? request.fault.status : 'forwarded')).toEqual([
      503,
      503,
      'forwarded',
    ]);
  });

  it('429 with Retry-After in seconds: the retry waits that long', async () => {
    proxy.inject({ status: 429, retryAfter: '1' });
    const page = await client.companies.list();
    expect(page.records.length).toBeGreaterThan(0);
    expect(proxy.received).toHaveLength(2);
    // The backoff alone would be under 20 ms.
    expect(gapsMs()[0]).toBeGreaterThanOrEqual(950);
  });

  it('429 with Retry-After as an HTTP date: the retry waits until then', async () => {
    // HTTP dates have whole seconds: two seconds ahead is at least one second ahead.
    proxy.inject({ status: 429, retryAfter: new Date(Date.now() + 2000).toUTCString() });
    await client.companies.list();
    expect(proxy.received).toHaveLength(2);
    expect(gapsMs()[0]).toBeGreaterThanOrEqual(950);
  });

  it('a dropped connection is retried', async () => {
    proxy.inject({ reset: true }, { reset: true });
    const page = await client.people.list();
    expect(page.totalCount).toBeGreaterThanOrEqual(0);
    expect(proxy.received).toHaveLength(3);
  });

  it('the read-only POSTs (NXT query, report run) are retried', async () => {
    proxy.inject({ status: 429, retryAfter: '0' }, { reset: true });
    const { records } = await client.data.query('Company', { select: ['Name'], limit: 1 });
    expect(records).toHaveLength(1);
    expect(proxy.received.map((request) => request.method)).toEqual(['POST', 'POST', 'POST']);

    proxy.reset();
    proxy.inject({ status: 503 });
    const report = await client.reports.run({ reportId: 'arr-by-industry' });
    expect(report.columns.map((column) => column.name)).toContain('totalARR');
    expect(proxy.received).toHaveLength(2);
  });

  it('PUT and DELETE are retried', async () => {
    const company = await direct.companies.create({ Name: 'Put me' });
    proxy.inject({ reset: true });
    expect(await client.companies.update(company.Gsid, { Name: 'Put twice' })).toMatchObject({ Name: 'Put twice' });
    proxy.inject({ status: 503 });
    expect(await client.companies.delete(company.Gsid)).toEqual({ Gsid: company.Gsid });
    expect(proxy.received.map((request) => request.method)).toEqual(['PUT', 'PUT', 'DELETE', 'DELETE']);
  });

  it('gives up after the retries allowed, with the last answer as the error', async () => {
    proxy.inject({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const error = await rejection(client.companies.list());
    expect(error).toBeInstanceOf(GainsightApiError);
    expect(error).toMatchObject({ status: 503, errorCode: 'PROXY', attempts: 4 });
    expect(proxy.received).toHaveLength(4);
  });

  it('network errors on every attempt end in a GainsightNetworkError', async () => {
    proxy.inject({ reset: true }, { reset: true }, { reset: true }, { reset: true }, { reset: true });
    const error = await rejection(client.companies.list());
    expect(error).toBeInstanceOf(GainsightNetworkError);
    expect(error).toMatchObject({ method: 'GET', attempts: 4 });
    expect((error as Error).cause).toBeDefined();
    expect(proxy.received).toHaveLength(4);
  });

  it('a Retry-After longer than maxRetryAfterMs is thrown at once, carrying the wait asked for', async () => {
    const impatient = createClient({ baseUrl: proxy.url, accessKey: ACCESS_KEY, retry: { maxRetryAfterMs: 1000 } });
    proxy.inject({ status: 429, retryAfter: '120' });
    const error = await rejection(impatient.companies.list());
    expect(error).toMatchObject({ status: 429, attempts: 1, retryAfterMs: 120_000 });
    expect(proxy.received).toHaveLength(1);
  });

  it('an abort during the wait ends the call at once with the abort reason', async () => {
    proxy.inject({ status: 429, retryAfter: '30' });
    const controller = new AbortController();
    const started = performance.now();
    const call = rejection(client.companies.list({}, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('caller gave up')), 200);
    const error = await call;
    expect((error as Error).message).toBe('caller gave up');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(proxy.received).toHaveLength(1);
  });

  it('retry: false sends once', async () => {
    const once = createClient({ baseUrl: proxy.url, accessKey: ACCESS_KEY, retry: false });
    proxy.inject({ status: 503 });
    expect(await rejection(once.companies.list())).toMatchObject({ status: 503, attempts: 1 });
    expect(proxy.received).toHaveLength(1);
  });
});

describe('writes that are not idempotent are not retried', () => {
  it('a create answered 503 is sent once, and nothing is created', async () => {
    const before = (await direct.companies.list()).totalCount;
    proxy.inject({ status: 503 });
    const error = await rejection(client.companies.create({ Name: 'Only once' }));
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(proxy.received).toHaveLength(1);
    expect((await direct.companies.list()).totalCount).toBe(before);
  });

  it('a create whose connection drops is sent once', async () => {
    proxy.inject({ reset: true });
    const error = await rejection(client.people.create({ FirstName: 'Once' }));
    expect(error).toBeInstanceOf(GainsightNetworkError);
    expect(error).toMatchObject({ method: 'POST', attempts: 1 });
    expect(proxy.received).toHaveLength(1);
  });

  it('a merge patch answered 429 is sent once', async () => {
    const company = await direct.companies.create({ Name: 'Patch once' });
    proxy.inject({ status: 429, retryAfter: '0' });
    expect(await rejection(client.companies.patch(company.Gsid, { Industry: 'x' }))).toMatchObject({ status: 429, attempts: 1 });
    expect(proxy.received).toHaveLength(1);
  });

  it('with an idempotencyKey a create is retried, every attempt carrying the same Idempotency-Key', async () => {
    const before = (await direct.companies.list()).totalCount;
    proxy.inject({ status: 503 }, { reset: true });
    const created = await client.companies.create({ Name: 'Keyed' }, { idempotencyKey: 'create-keyed-1' });
    expect(created.Name).toBe('Keyed');
    expect(proxy.received.map((request) => request.headers['idempotency-key'])).toEqual(['create-keyed-1', 'create-keyed-1', 'create-keyed-1']);
    expect((await direct.companies.list()).totalCount).toBe(before + 1);
  });
});

describe('an answer lost after the server wrote', () => {
  it('a create without a key is not retried, though the server did create it: why creates need a key', async () => {
    proxy.inject({ loseAnswer: true });
    const error = await rejection(client.companies.create({ Name: 'Lost answer, no key' }));
    expect(error).toBeInstanceOf(GainsightNetworkError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(proxy.received[0]!.upstream?.status).toBe(200);
    const written = (await direct.data.query('Company', { select: ['Name'], where: { conditions: [{ name: 'Name', alias: 'A', operator: 'EQ', value: ['Lost answer, no key'] }], expression: 'A' } })).records;
    expect(written).toHaveLength(1);
  });

  it('a create with an idempotencyKey is retried and gets the first answer replayed: one record', async () => {
    proxy.inject({ loseAnswer: true });
    const created = await client.companies.create({ Name: 'Lost answer, keyed' }, { idempotencyKey: 'lost-answer-1' });
    expect(proxy.received).toHaveLength(2);
    expect(proxy.received[0]!.upstream?.status).toBe(200);
    expect(proxy.received[1]!.upstream?.headers['idempotent-replayed']).toBe('true');
    const written = (
      await direct.data.query<{ Gsid: string }>('Company', { select: ['Gsid'], where: { conditions: [{ name: 'Name', alias: 'A', operator: 'EQ', value: ['Lost answer, keyed'] }], expression: 'A' } })
    ).records;
    expect(written).toEqual([{ Gsid: created.Gsid }]);
  });
});

describe('answers that are not envelopes', () => {
  it('a proxy error page becomes a GainsightApiError without a code, quoting the page', async () => {
    proxy.inject({ status: 502, body: '<html><body>Bad Gateway</body></html>' });
    const error = await rejection(client.companies.list());
    expect(error).toBeInstanceOf(GainsightApiError);
    // 502 is not a status that says "retry": sent once.
    expect(error).toMatchObject({ status: 502, errorCode: null, requestId: null, attempts: 1 });
    expect((error as GainsightApiError).errorDesc).toContain('Bad Gateway');
  });
});
