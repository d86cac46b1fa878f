/**
 * Prometheus metrics (`GET /metrics`, text format): requests by route and status, their latency,
 * database statement latency, connection pool usage, and the process's own metrics.
 *
 * Each server has its own Registry, never prom-client's global one: tests build many apps in one
 * process, and a global registry would mix their counts (and refuse a metric registered twice).
 *
 * Off by default. `serve --metrics` answers `/metrics` on the API port to any access key;
 * `serve --metrics-port N` answers it on a separate listener without a key instead (a scraper
 * inside a private network), see serveMetrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueryListener } from '../store/query-timing.js';
import type { Store } from '../store/store.js';
import { routeTemplate } from './request-route.js';

/** Requests that matched no route share one label value, so unknown URLs cannot add series. */
export const UNMATCHED_ROUTE = '(unmatched)';

// Seconds. Requests: from a cached page (well under a millisecond) to a slow report.
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Statements: a primary-key lookup on SQLite takes microseconds.
const QUERY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ServerMetrics {
  readonly registry: Registry;
  /** Pass to openStore as `onQuery` so that statements are timed. */
  readonly observeQuery: QueryListener;
  /** The exposition text of every metric. */
  render(): Promise<string>;
}

/** The metrics of one server; create it before the store so that the store can report to it. */
export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const queries = new Histogram({
    name: 'gsapi_db_query_duration_seconds',
    help: 'Database statements by outcome (ok or error), timed around the driver call',
    labelNames: ['outcome'],
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  const ok = queries.labels('ok');
  const failed = queries.labels('error');
  return {
    registry,
    observeQuery: (durationMs, error) => (error ? failed : ok).observe(durationMs / 1000),
    render: () => registry.metrics(),
  };
}

export interface MetricsRegistration {
  readonly metrics: ServerMetrics;
  /** True: `GET /metrics` on this app, for any access key; false: only counted here. */
  readonly route: boolean;
}

/** Counts the app's requests (and its store's pool) into `metrics`; adds the route if asked. */
export function registerMetrics(app: FastifyInstance, store: Store, { metrics, route }: MetricsRegistration): void {
  const { registry } = metrics;
  const requests = new Counter({
    name: 'gsapi_http_requests_total',
    help: 'Requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'gsapi_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: routeTemplate(request) ?? UNMATCHED_ROUTE, status: String(reply.statusCode) };
    requests.inc(labels);
    durations.observe(labels, reply.elapsedTime / 1000);
  });

  const poolUsage = store.database.poolUsage;
  // SQLite has one connection per process and no pool, so there is nothing to report for it.
  if (poolUsage) {
    new Gauge({
      name: 'gsapi_db_pool_connections',
      help: 'Database pool: connections open (total) and idle, and queries waiting for a connection',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const usage = poolUsage();
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
    new Gauge({
      name: 'gsapi_db_pool_max_connections',
      help: 'The most connections the database pool opens (DB_POOL_SIZE)',
      registers: [registry],
      collect() {
        this.set(poolUsage().max);
      },
    });
  }

  if (route) {
    app.get('/metrics', { config: { access: 'read' } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await metrics.render()),
    );
  }
}

export interface MetricsListener {
  /** `http://HOST:PORT`, the port chosen when 0 was asked for. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on a listener of its own, without a key: for scrapers on a private network.
 * Anything else there is 404; it serves nothing of the API.
 */
export async function serveMetrics(metrics: ServerMetrics, host: string, port: number): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics could not be collected\n'),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  const { address, port: bound } = server.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    address: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
