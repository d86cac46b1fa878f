/**
 * Authentication on every route: the app's routes are enumerated as Fastify registers them
 * (every method, its own HEAD routes, plugins' routes; every optional feature that adds routes
 * switched on) and each is called without a key and with a wrong one. Each must answer 401 with
 * the failure envelope, except the declared public routes, which must be exactly the small set
 * listed here: a new route cannot become public without this list changing. Rights are checked
 * the same way: every write route refuses a read-only key, every admin route a non-admin key.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService, type AccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import type { RegisteredRoute } from '../../src/server/route-inventory.js';
import { openStore, type Store } from '../../src/store/store.js';

const BOOTSTRAP = 'route-auth-bootstrap-key-0123456789abcdef';

/** The only routes that answer without a key, as `METHOD url` (Fastify patterns). */
const PUBLIC_ROUTES = [
  'GET /healthz',
  'HEAD /healthz',
  'GET /openapi.json',
  'HEAD /openapi.json',
  'GET /docs',
  'HEAD /docs',
  'GET /docs/assets/init.js',
  'HEAD /docs/assets/init.js',
  ...['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui.css.map', 'swagger-ui-bundle.js.map', 'favicon-32x32.png', 'favicon-16x16.png'].flatMap(
    (name) => [`GET /docs/assets/${name}`, `HEAD /docs/assets/${name}`],
  ),
].sort();

/** A concrete URL for a route pattern: parameters get plausible values. */
function urlOf(pattern: string): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => (name === 'object' ? 'Company' : 'X0AB7ZK1BC2DEF3GH4IJ5KL6MN7OP8QR9ST0')).replace(/\*$/, 'anything');
}

const key = (route: RegisteredRoute) => `${route.method} ${route.url}`;

describe('authentication on every route', () => {
  let store: Store;
  let app: FastifyInstance;
  let accessKeys: AccessKeyService;
  let routes: readonly RegisteredRoute[];
  let readOnlyKey: string;
  let writeKey: string;

  beforeAll(async () => {
    store = await openStore({ url: 'sqlite::memory:' });
    await store.migrate();
    accessKeys = createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP });
    // Every option that adds routes is on: metrics on the API port, CORS (its OPTIONS * route).
    app = await buildApp({ store, accessKeys, metrics: { metrics: createMetrics(), route: true }, corsOrigins: ['https://app.example.com'] });
    routes = app.registeredRoutes;
    readOnlyKey = (await accessKeys.create('reader', { readOnly: true })).key;
    writeKey = (await accessKeys.create('writer')).key;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const call = (route: RegisteredRoute, headers: Record<string, string>) => {
    const request: InjectOptions = { method: route.method as InjectOptions['method'], url: urlOf(route.url), headers: { ...headers } };
    if (['POST', 'PUT', 'PATCH'].includes(route.method)) {
      request.payload = '{}';
      request.headers!['content-type'] = 'application/json';
    }
    return app.inject(request);
  };

  it('sees every route: the seed, NXT, report, system, docs, metrics and plugin routes, with HEAD', () => {
    const seen = new Set(routes.map(key));
    for (const expected of [
      'GET /v1/companies',
      'POST /v1/companies',
      'DELETE /v1/people/:personId',
      'POST /v1/reports',
      'POST /v1/data/objects/:object',
      'POST /v1/data/objects/query/:object',
      'PUT /v1.0/api/people',
      'POST /v1.0/api/eventManager/event',
      'GET /metrics',
      'HEAD /v1/companies',
      'OPTIONS *',
      ...PUBLIC_ROUTES,
    ]) {
      expect(seen, expected).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(100);
  });

  it('answers 401 with the failure envelope on every route but the public ones, without a key or with a wrong one', async () => {
    const answeredWithoutKey: string[] = [];
    for (const route of routes) {
      const attempts: Record<string, string>[] = [{}, { accesskey: 'gsk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }, { accesskey: 'not-a-key' }];
      for (const headers of attempts) {
        const response = await call(route, headers);
        if (response.statusCode !== 401) {
          if (Object.keys(headers).length === 0) answeredWithoutKey.push(key(route));
          continue;
        }
        if (route.method === 'HEAD') continue;
        const body = response.json();
        expect(body, key(route)).toMatchObject({ result: false, errorCode: 'GS_APIG_2401', requestId: response.headers['x-request-id'] });
        expect(typeof body.errorDesc, key(route)).toBe('string');
      }
    }
    // What answers without a key: exactly the public routes, and 405 on their other methods.
    const publicPaths = new Set(PUBLIC_ROUTES.map((route) => route.split(' ')[1]));
    const notAllowed = answeredWithoutKey.filter((route) => !PUBLIC_ROUTES.includes(route));
    expect([...new Set(answeredWithoutKey.filter((route) => PUBLIC_ROUTES.includes(route)))].sort()).toEqual(PUBLIC_ROUTES);
    for (const route of notAllowed) {
      const [method, url] = route.split(' ') as [string, string];
      expect(publicPaths, route).toContain(url);
      const response = await call({ method, url }, {});
      expect(response.statusCode, route).toBe(405);
    }
  });

  it('declares access public on exactly the public routes (and on their 405 answers)', () => {
    const declaredPublic = routes.filter((route) => route.access === 'public');
    const publicPaths = new Set(PUBLIC_ROUTES.map((route) => route.split(' ')[1]));
    for (const route of declaredPublic) expect(publicPaths, key(route)).toContain(route.url);
    // A route that declares nothing is treated as needing a key (fail closed); only plugins' are.
    expect(routes.filter((route) => route.access === undefined).map(key)).toEqual(['OPTIONS *']);
  });

  it('refuses a read-only key on every write route and a non-admin key on every admin route (403)', async () => {
    const writes = routes.filter((route) => route.access === 'write');
    expect(writes.length).toBeGreaterThan(10);
    for (const route of writes) {
      const response = await call(route, { accesskey: readOnlyKey });
      expect(response.statusCode, key(route)).toBe(403);
    }
    const admins = routes.filter((route) => route.access === 'admin');
    for (const route of admins) {
      expect((await call(route, { accesskey: writeKey })).statusCode, key(route)).toBe(403);
      expect((await call(route, { accesskey: readOnlyKey })).statusCode, key(route)).toBe(403);
    }
  });
});
