/**
 * GET /metrics: absent unless enabled (404, as any unknown path); enabled on the API port it needs
 * an access key; its text parses as the Prometheus exposition format; request counters move by
 * route template and status (never raw URLs); database statements are timed; PostgreSQL's pool is
 * reported; each app counts into its own registry.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { UNMATCHED_ROUTE, createMetrics, type ServerMetrics } from '../../src/server/metrics.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend, type Backend } from '../helpers/backends.js';
import { parseExposition, sampleValue, type Exposition } from '../helpers/prometheus.js';

const KEY = 'metrics-test-bootstrap-key-0123456789';
const MISSING_ID = 'Z'.repeat(36);
const POOL_SIZE = 4;

interface Server {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly metrics?: ServerMetrics;
  close(): Promise<void>;
}

async function startServer(backend: Backend, metricsOn?: { route: boolean }): Promise<Server> {
  const url = await backend.newDatabaseUrl();
  const metrics = metricsOn ? createMetrics() : undefined;
  const store = await openStore({ url, sqliteSynchronous: 'normal', poolSize: POOL_SIZE, onQuery: metrics?.observeQuery });
  await store.migrate();
  const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: KEY });
  const app = await buildApp({ store, accessKeys, ...(metrics ? { metrics: { metrics, route: metricsOn!.route } } : {}) });
  return {
    app,
    store,
    metrics,
    close: async () => {
      await app.close();
      await store.close();
      await backend.dispose(url);
    },
  };
}

async function scrape(app: FastifyInstance): Promise<Exposition> {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { accesskey: KEY } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
  return parseExposition(response.body);
}

const requestsTotal = (exposition: Exposition, route: string, status: string, method = 'GET') =>
  sampleValue(exposition, 'gsapi_http_requests_total', { method, route, status });

describeEachBackend('GET /metrics', (backend) => {
  describe('off (the default)', () => {
    let server: Server;
    beforeAll(async () => (server = await startServer(backend)));
    afterAll(() => server.close());

    it('is an unknown path: 404 envelope with a key, 401 without', async () => {
      const withKey = await server.app.inject({ method: 'GET', url: '/metrics', headers: { accesskey: KEY } });
      expect(withKey.statusCode).toBe(404);
      expect(withKey.json()).toMatchObject({ result: false, errorCode: 'GSAPI_4040' });
      const withoutKey = await server.app.inject({ method: 'GET', url: '/metrics' });
      expect(withoutKey.statusCode).toBe(401);
      expect(withoutKey.json()).toMatchObject({ result: false, errorCode: 'GS_APIG_2401' });
    });
  });

  describe('on the API port', () => {
    let server: Server;
    beforeAll(async () => (server = await startServer(backend, { route: true })));
    afterAll(() => server.close());

    it('needs an access key', async () => {
      for (const headers of [{}, { accesskey: 'not-a-key' }]) {
        const response = await server.app.inject({ method: 'GET', url: '/metrics', headers });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ result: false, errorCode: 'GS_APIG_2401' });
        expect(response.body).not.toContain('gsapi_');
      }
    });

    it('serves the process metrics in the text format', async () => {
      const exposition = await scrape(server.app);
      expect(exposition.types.get('process_cpu_user_seconds_total')).toBe('counter');
      expect(exposition.types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
      expect(sampleValue(exposition, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(exposition.types.get('gsapi_http_requests_total')).toBe('counter');
      expect(exposition.types.get('gsapi_http_request_duration_seconds')).toBe('histogram');
      expect(exposition.types.get('gsapi_db_query_duration_seconds')).toBe('histogram');
    });

    it('counts requests by route template and status, and times them', async () => {
      const before = await scrape(server.app);
      const headers = { accesskey: KEY };
      for (let i = 0; i < 3; i++) expect((await server.app.inject({ method: 'GET', url: '/v1/companies?pageSize=5', headers })).statusCode).toBe(200);
      expect((await server.app.inject({ method: 'GET', url: `/v1/companies/${MISSING_ID}`, headers })).statusCode).toBe(404);
      expect((await server.app.inject({ method: 'GET', url: '/v1/companies' })).statusCode).toBe(401);
      expect((await server.app.inject({ method: 'GET', url: `/no/such/path/${MISSING_ID}`, headers })).statusCode).toBe(404);
      const after = await scrape(server.app);

      expect(requestsTotal(after, '/v1/companies', '200') - requestsTotal(before, '/v1/companies', '200')).toBe(3);
      expect(requestsTotal(after, '/v1/companies', '401') - requestsTotal(before, '/v1/companies', '401')).toBe(1);
      expect(requestsTotal(after, '/v1/companies/{companyId}', '404') - requestsTotal(before, '/v1/companies/{companyId}', '404')).toBe(1);
      expect(requestsTotal(after, UNMATCHED_ROUTE, '404') - requestsTotal(before, UNMATCHED_ROUTE, '404')).toBe(1);
      // The previous scrape is counted too.
      expect(requestsTotal(after, '/metrics', '200')).toBeGreaterThanOrEqual(1);

      const histogram = { method: 'GET', route: '/v1/companies', status: '200' };
      const count = sampleValue(after, 'gsapi_http_request_duration_seconds_count', histogram);
      expect(count).toBe(requestsTotal(after, '/v1/companies', '200'));
      expect(sampleValue(after, 'gsapi_http_request_duration_seconds_bucket', { ...histogram, le: '+Inf' })).toBe(count);
      expect(sampleValue(after, 'gsapi_http_request_duration_seconds_sum', histogram)).toBeGreaterThan(0);

      // Raw URLs never become label values: ids and unknown paths would make a series each.
      const scraped = (await server.app.inject({ method: 'GET', url: '/metrics', headers })).body;
      expect(scraped).not.toContain(MISSING_ID);
      expect(scraped).not.toContain('/no/such/path');
    });

    it('times database statements', async () => {
      const before = sampleValue(await scrape(server.app), 'gsapi_db_query_duration_seconds_count', { outcome: 'ok' });
      const created = await server.app.inject({
        method: 'POST',
        url: '/v1/companies',
        headers: { accesskey: KEY, 'content-type': 'application/json' },
        payload: JSON.stringify({ Name: 'Metrics Co' }),
      });
      expect(created.statusCode).toBe(200);
      const after = await scrape(server.app);
      const count = sampleValue(after, 'gsapi_db_query_duration_seconds_count', { outcome: 'ok' });
      expect(count).toBeGreaterThan(before);
      expect(sampleValue(after, 'gsapi_db_query_duration_seconds_sum', { outcome: 'ok' })).toBeGreaterThan(0);
      expect(sampleValue(after, 'gsapi_db_query_duration_seconds_bucket', { outcome: 'ok', le: '+Inf' })).toBe(count);
    });

    if (backend.name === 'postgres') {
      it('reports the connection pool', async () => {
        const exposition = await scrape(server.app);
        expect(sampleValue(exposition, 'gsapi_db_pool_max_connections')).toBe(POOL_SIZE);
        const total = sampleValue(exposition, 'gsapi_db_pool_connections', { state: 'total' });
        expect(total).toBeGreaterThanOrEqual(1);
        expect(total).toBeLessThanOrEqual(POOL_SIZE);
        expect(sampleValue(exposition, 'gsapi_db_pool_connections', { state: 'idle' })).toBeLessThanOrEqual(total);
        expect(exposition.samples.some((sample) => sample.name === 'gsapi_db_pool_connections' && sample.labels.state === 'waiting')).toBe(true);
      });
    } else {
      it('reports no pool (SQLite has one connection)', async () => {
        const exposition = await scrape(server.app);
        expect(exposition.samples.filter((sample) => sample.name.startsWith('gsapi_db_pool'))).toEqual([]);
      });
    }
  });

  describe('two apps in one process', () => {
    let first: Server;
    let second: Server;
    beforeAll(async () => {
      first = await startServer(backend, { route: true });
      second = await startServer(backend, { route: true });
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('count into registries of their own', async () => {
      const before = requestsTotal(await scrape(second.app), '/v1/people', '200');
      for (let i = 0; i < 2; i++) expect((await first.app.inject({ method: 'GET', url: '/v1/people', headers: { accesskey: KEY } })).statusCode).toBe(200);
      expect(requestsTotal(await scrape(first.app), '/v1/people', '200')).toBe(2);
      expect(requestsTotal(await scrape(second.app), '/v1/people', '200')).toBe(before);
    });
  });

  describe('counted but not routed (served on a port of its own)', () => {
    let server: Server;
    beforeAll(async () => (server = await startServer(backend, { route: false })));
    afterAll(() => server.close());

    it('leaves /metrics unknown on the API port while counting', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/metrics', headers: { accesskey: KEY } });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ errorCode: 'GSAPI_4040' });
      const exposition = parseExposition(await server.metrics!.render());
      expect(requestsTotal(exposition, UNMATCHED_ROUTE, '404')).toBe(1);
    });
  });
});

describe('parseExposition (the checker itself)', () => {
  it('rejects what is not the text format', () => {
    expect(() => parseExposition('# TYPE a counter\na 1\n')).not.toThrow();
    expect(() => parseExposition('a 1\n')).toThrow(/before its TYPE/);
    expect(() => parseExposition('# TYPE a counter\na{x="1} 1\n')).toThrow(/line 2/);
    expect(() => parseExposition('# TYPE a counter\na one\n')).toThrow(/not a number/);
    expect(() => parseExposition('# TYPE a counter\na 1')).toThrow(/newline/);
  });
});
