/**
 * Rate limits over HTTP, counted in the database (both backends): the call over the limit is 429
 * with Gainsight's exact body and Retry-After, each key has its own budget, a new window starts a
 * new budget (the clock is injected), public routes and refused keys are not counted, and nothing
 * is limited unless rate limits are on.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKeyService, type AccessKeyService } from '../../src/domain/access-keys.js';
import { GAINSIGHT_RATE_LIMITS, type RateLimitPolicy } from '../../src/domain/rate-limits.js';
import { buildApp } from '../../src/server/app.js';
import { createDatabaseRateCounter } from '../../src/store/rate-limit-database.js';
import { openStore, type Store } from '../../src/store/store.js';
import { BOOTSTRAP_KEY } from '../helpers/app.js';
import { describeEachBackend, sqliteBackend, type Backend } from '../helpers/backends.js';

/** A moment 15.25 s into a minute (and 12 h into its day): 45 s (rounded up) to the next minute. */
const START = Date.parse('2026-05-06T12:00:15.250Z');

interface Limited {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly accessKeys: AccessKeyService;
  readonly clock: { now: number };
  call(url?: string, key?: string | null, method?: 'GET' | 'POST', body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }>;
  close(): Promise<void>;
}

async function limitedApp(backend: Backend, policy: RateLimitPolicy | undefined): Promise<Limited> {
  const databaseUrl = await backend.newDatabaseUrl();
  const store = await openStore({ url: databaseUrl, sqliteSynchronous: 'normal' });
  await store.migrate();
  const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP_KEY });
  const clock = { now: START };
  const now = () => clock.now;
  const app = await buildApp({
    store,
    accessKeys,
    ...(policy ? { rateLimit: { policy, counter: createDatabaseRateCounter(store.database, { now }), now } } : {}),
  });
  return {
    app,
    store,
    accessKeys,
    clock,
    async call(url = '/v1/companies', key: string | null = BOOTSTRAP_KEY, method = 'GET', body?: unknown) {
      const response = await app.inject({
        method,
        url,
        headers: { ...(key === null ? {} : { accesskey: key }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: response.statusCode, headers: response.headers, body: response.json(), text: response.body };
    },
    async close() {
      await app.close();
      await store.close();
      await backend.dispose(databaseUrl);
    },
  };
}

async function callTimes(t: Limited, times: number, url?: string, key?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await t.call(url, key)).status);
  return statuses;
}

describeEachBackend('rate limits like Gainsight (--rate-limit gainsight)', (backend) => {
  let t: Limited;
  beforeEach(async () => {
    t = await limitedApp(backend, GAINSIGHT_RATE_LIMITS);
    return () => t.close();
  });

  it('answers 100 calls in a minute, and the 101st with 429 GU_2400 "Too many request" and Retry-After to the next minute', async () => {
    const statuses = await callTimes(t, 100);
    expect(statuses.every((status) => status === 200)).toBe(true);

    const refused = await t.call();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('45');
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    // Exactly Gainsight's body, plus the request id every envelope carries.
    expect(Object.keys(refused.body)).toEqual(['result', 'errorCode', 'errorDesc', 'requestId']);
    expect(refused.body).toEqual({ result: false, errorCode: 'GU_2400', errorDesc: 'Too many request', requestId: refused.headers['x-request-id'] });
    expect(refused.text).toBe(`{"result":false,"errorCode":"GU_2400","errorDesc":"Too many request","requestId":"${refused.headers['x-request-id']}"}`);

    // Still refused later in the same minute, with less to wait.
    t.clock.now = START + 30_000;
    const later = await t.call('/v1/people');
    expect(later.status).toBe(429);
    expect(later.headers['retry-after']).toBe('15');
  });

  it('answers again from the first instant of the next minute', async () => {
    await callTimes(t, 101);
    t.clock.now = Date.parse('2026-05-06T12:00:59.999Z');
    expect((await t.call()).status).toBe(429);
    t.clock.now = Date.parse('2026-05-06T12:01:00.000Z');
    const statuses = await callTimes(t, 100);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect((await t.call()).status).toBe(429);
  });

  it('gives each access key a budget of its own', async () => {
    const other = await t.accessKeys.create('other client');
    await callTimes(t, 100);
    expect((await t.call()).status).toBe(429);
    const statuses = await callTimes(t, 100, '/v1/companies', other.key);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect((await t.call('/v1/companies', other.key)).status).toBe(429);
  });

  it('answers over-limit NXT calls in the NXT envelope, and counts every surface in one budget', async () => {
    await callTimes(t, 60, '/v1/companies');
    for (let i = 0; i < 40; i++) expect((await t.call('/v1/data/objects/query/Company', BOOTSTRAP_KEY, 'POST', { limit: 1 })).status).toBe(200);
    const refused = await t.call('/v1/data/objects/query/Company', BOOTSTRAP_KEY, 'POST', { limit: 1 });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('45');
    expect(refused.body).toEqual({
      result: false,
      errorCode: 'GU_2400',
      errorDesc: 'Too many request',
      requestId: refused.headers['x-request-id'],
      data: null,
      message: 'Too many request',
    });
  });

  it('forgets the counts of windows that have ended (at most a minute after a node last did)', async () => {
    await callTimes(t, 3);
    const rows = () =>
      t.store.database.db.selectFrom('rate_limit_counter').select(['window_seconds', 'window_start', 'count']).orderBy('window_start').orderBy('window_seconds').execute();
    expect((await rows()).map((row) => Number(row.count))).toEqual([3, 3]);
    // Two days on: the next call sweeps the rows of the windows that ended.
    t.clock.now = START + 2 * 86_400_000;
    expect((await t.call()).status).toBe(200);
    for (let i = 0; i < 100 && (await rows()).length > 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const left = await rows();
    expect(left.map((row) => [Number(row.window_seconds), Number(row.count)])).toEqual([
      [86_400, 1],
      [60, 1],
    ]);
    expect(left.every((row) => Date.parse(String(row.window_start)) >= START + 86_400_000)).toBe(true);
  });

  it('does not limit or count health checks and documents, nor calls refused for their key', async () => {
    for (let i = 0; i < 120; i++) {
      expect((await t.call('/healthz', null)).status).toBe(200);
    }
    expect((await t.call('/openapi.json', null)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await t.call('/v1/companies', null)).status).toBe(401);
      expect((await t.call('/v1/companies', 'gsk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).status).toBe(401);
    }
    // The key's whole budget is still there.
    const statuses = await callTimes(t, 100);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect((await t.call()).status).toBe(429);
    expect((await t.call('/healthz', null)).status).toBe(200);
  });
});

describe('rate limits with a custom policy (--rate-limit 3/min,5/day) [sqlite]', () => {
  let t: Limited;
  beforeAll(async () => {
    t = await limitedApp(sqliteBackend, [
      { limit: 3, seconds: 60 },
      { limit: 5, seconds: 86_400 },
    ]);
  });
  afterAll(() => t.close());

  it('refuses past the day limit until midnight UTC, whatever the minute', async () => {
    expect(await callTimes(t, 4)).toEqual([200, 200, 200, 429]);
    t.clock.now += 60_000;
    // The refused call of the minute before counted too: one call left today.
    expect((await t.call()).status).toBe(200);
    const refused = await t.call();
    expect(refused.status).toBe(429);
    // 12:01:15.25 -> midnight: 11 h 58 min 44.75 s, rounded up.
    expect(refused.headers['retry-after']).toBe(String(11 * 3600 + 58 * 60 + 45));
    t.clock.now = Date.parse('2026-05-07T00:00:00Z');
    expect(await callTimes(t, 4)).toEqual([200, 200, 200, 429]);
  });
});

describe('without --rate-limit [sqlite]', () => {
  it('limits nothing', async () => {
    const t = await limitedApp(sqliteBackend, undefined);
    try {
      const statuses = await callTimes(t, 150);
      expect(statuses.every((status) => status === 200)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
