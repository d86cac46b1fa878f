/**
 * The bound on heavy requests (report runs, NXT queries), made deterministic: the store's report
 * runner waits on a gate the test opens, so the requests in flight are exactly the ones sent.
 * Over the bound: 503 GSAPI_5030 with Retry-After in the route's envelope, at once, never
 * queued; cheap routes and health checks unaffected; the slots free again when the work ends.
 * Also the URL length limit (414) on both surfaces, before authentication.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { BOOTSTRAP_KEY } from '../helpers/app.js';

describe('the bound on heavy requests (--max-heavy-requests 2) [sqlite]', () => {
  let store: Store;
  let app: FastifyInstance;
  let open: () => void = () => {};
  let gate = Promise.resolve();
  let waiting = 0;

  beforeAll(async () => {
    store = await openStore({ url: 'sqlite::memory:' });
    await store.migrate();
    // Every report and query waits for the gate before it reads.
    const runner = Object.fromEntries(
      Object.entries(store.reportRunner).map(([name, method]) => [
        name,
        async (...args: unknown[]) => {
          waiting++;
          await gate;
          waiting--;
          return (method as (...a: unknown[]) => Promise<unknown>)(...args);
        },
      ]),
    ) as unknown as Store['reportRunner'];
    app = await buildApp({
      store: { ...store, reportRunner: runner },
      accessKeys: createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP_KEY }),
      limits: { maxHeavyRequests: 2, maxUrlLength: 1024 },
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const closeGate = () => {
    gate = new Promise((resolve) => (open = resolve));
  };
  const report = () =>
    app.inject({ method: 'POST', url: '/v1/reports', headers: { accesskey: BOOTSTRAP_KEY }, payload: { reportId: 'companies-by-lifecycle-stage' } });
  const query = () =>
    app.inject({ method: 'POST', url: '/v1/data/objects/query/Company', headers: { accesskey: BOOTSTRAP_KEY }, payload: { select: ['Name'] } });
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(condition()).toBe(true);
  };

  it('with 2 heavy requests running, a third report or query is refused at once with 503 and Retry-After; others are answered', async () => {
    closeGate();
    const running = [report(), query()];
    await until(() => waiting === 2);

    const refusedReport = await report();
    expect(refusedReport.statusCode).toBe(503);
    expect(refusedReport.headers['retry-after']).toBe('1');
    expect(refusedReport.json()).toEqual({
      result: false,
      errorCode: 'GSAPI_5030',
      errorDesc: 'The server is running its limit of 2 reports and queries at once; retry in a moment',
      requestId: refusedReport.headers['x-request-id'],
    });
    const refusedQuery = await query();
    expect(refusedQuery.statusCode).toBe(503);
    expect(refusedQuery.headers['retry-after']).toBe('1');
    expect(Object.keys(refusedQuery.json())).toEqual(['result', 'errorCode', 'errorDesc', 'requestId', 'data', 'message']);
    // The refused ones never reached the database.
    expect(waiting).toBe(2);

    // Cheap calls and health checks are not bounded.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/companies', headers: { accesskey: BOOTSTRAP_KEY } })).statusCode).toBe(200);

    open();
    expect((await Promise.all(running)).map((response) => response.statusCode)).toEqual([200, 200]);
    // Their slots are free again.
    expect((await report()).statusCode).toBe(200);
    expect((await query()).statusCode).toBe(200);
  });

  it('a heavy request that fails frees its slot too', async () => {
    closeGate();
    const failing = app.inject({ method: 'POST', url: '/v1/reports', headers: { accesskey: BOOTSTRAP_KEY }, payload: { reportId: 'no-such-report' } });
    const running = report();
    await until(() => waiting >= 1);
    open();
    expect((await failing).statusCode).toBe(404);
    expect((await running).statusCode).toBe(200);
    const after = await Promise.all([report(), report()]);
    expect(after.map((response) => response.statusCode)).toEqual([200, 200]);
  });

  it('a URL over the limit is 414 on both surfaces, before authentication; one within it is answered', async () => {
    for (const url of [
      `/v1/companies?pad=${'x'.repeat(1100)}`,
      `/v1/meta/services/objects/Company/describe?pad=${'x'.repeat(1100)}`,
      // Path parameters this long are more than the router takes: still a URL too long, not a 400.
      `/v1/companies/${'A'.repeat(1100)}`,
      `/v1/data/objects/Company/${'A'.repeat(1100)}`,
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(414);
      expect(response.json().errorCode).toBe('GSAPI_4140');
      expect(response.json().errorDesc).toBe(`Request URL is ${url.length} characters long; at most 1024 are accepted`);
    }
    expect((await app.inject({ method: 'GET', url: `/v1/companies?pad=${'x'.repeat(900)}`, headers: { accesskey: BOOTSTRAP_KEY } })).statusCode).toBe(200);
  });
});
