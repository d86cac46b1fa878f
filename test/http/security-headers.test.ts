/**
 * Security headers on every answer (successes, refusals, unknown paths, /docs) and CORS: off by
 * default, on for the configured origins only, with the headers this API reads and answers.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadServeConfig } from '../../src/config.js';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { parseCorsOrigins, type CorsOrigins } from '../../src/server/cors-origins.js';
import { openStore, type Store } from '../../src/store/store.js';

const KEY = 'security-headers-key-0123456789abcdef';
const ALLOWED = 'https://app.example.com';

async function appWith(corsOrigins?: CorsOrigins): Promise<{ app: FastifyInstance; store: Store }> {
  const store = await openStore({ url: 'sqlite::memory:' });
  await store.migrate();
  const app = await buildApp({ store, accessKeys: createAccessKeyService(store.keys, { bootstrapKey: KEY }), corsOrigins });
  return { app, store };
}

/** An app built before the enclosing block's tests and closed (with its store) after them; call the result to reach it. */
function appForBlock(corsOrigins?: CorsOrigins): () => FastifyInstance {
  let built: { app: FastifyInstance; store: Store } | undefined;
  beforeAll(async () => {
    built = await appWith(corsOrigins);
  });
  afterAll(async () => {
    await built?.app.close();
    await built?.store.close();
  });
  return () => built!.app;
}

describe('security headers', () => {
  const app = appForBlock();

  const answers: [string, InjectOptions, number][] = [
    ['a success', { method: 'GET', url: '/v1/companies', headers: { accesskey: KEY } }, 200],
    ['a write', { method: 'POST', url: '/v1/companies', headers: { accesskey: KEY }, payload: { Name: 'Headers Inc' } }, 200],
    ['a missing key', { method: 'GET', url: '/v1/companies' }, 401],
    ['a wrong key on the NXT surface', { method: 'POST', url: '/v1/data/objects/query/Company', headers: { accesskey: 'nope' }, payload: {} }, 401],
    ['a bad body', { method: 'POST', url: '/v1/companies', headers: { accesskey: KEY }, payload: { Name: 42 } }, 400],
    ['an unknown path', { method: 'GET', url: '/v1/nothing-here', headers: { accesskey: KEY } }, 404],
    ['a method not allowed', { method: 'PATCH', url: '/v1/companies', headers: { accesskey: KEY } }, 405],
    ['health', { method: 'GET', url: '/healthz' }, 200],
    ['the OpenAPI document', { method: 'GET', url: '/openapi.json' }, 200],
    ['the docs page', { method: 'GET', url: '/docs' }, 200],
    ['a docs script', { method: 'GET', url: '/docs/assets/init.js' }, 200],
  ];

  it.each(answers)('are on %s', async (_what, request, status) => {
    const response = await app().inject(request);
    expect(response.statusCode).toBe(status);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
    const policy = directives(response.headers['content-security-policy']);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    // Plain HTTP by default: no HSTS (the TLS proxy's job), and no upgrade of the docs' requests.
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('let the /docs page load everything it refers to, and nothing inline runs', async () => {
    const page = await app().inject({ method: 'GET', url: '/docs' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const policy = directives(page.headers['content-security-policy']);
    // Swagger UI sets style attributes and uses data: icons; it fetches /openapi.json.
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    const html = page.body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body!.trim(), 'inline script').toBe('');
      const src = /src="([^"]+)"/.exec(attributes!)![1]!;
      // Same origin: a path of this server, which script-src 'self' allows, and which it serves.
      expect(src).toMatch(/^\/[^/]/);
      expect((await app().inject({ method: 'GET', url: src })).statusCode).toBe(200);
    }
    for (const [, href] of html.matchAll(/<link\b[^>]*href="([^"]+)"/g)) {
      expect(href).toMatch(/^\/[^/]/);
      expect((await app().inject({ method: 'GET', url: href! })).statusCode).toBe(200);
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('CORS', () => {
  const preflight = (origin: string, method = 'POST'): InjectOptions => ({
    method: 'OPTIONS',
    url: '/v1/companies',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'accesskey,content-type,idempotency-key' },
  });

  describe('off by default', () => {
    const app = appForBlock();

    it('answers cross-origin requests and preflights without any CORS header', async () => {
      const get = await app().inject({ method: 'GET', url: '/v1/companies', headers: { origin: ALLOWED, accesskey: KEY } });
      expect(get.statusCode).toBe(200);
      expect(corsHeaders(get.headers)).toEqual({});
      const options = await app().inject(preflight(ALLOWED));
      // An OPTIONS like any other request: it needs a key.
      expect(options.statusCode).toBe(401);
      expect(options.json()).toMatchObject({ result: false, errorCode: 'GS_APIG_2401' });
      expect(corsHeaders(options.headers)).toEqual({});
    });
  });

  describe('on for listed origins', () => {
    const app = appForBlock([ALLOWED, 'http://localhost:3000']);

    it('answers an allowed origin’s preflight with the headers this API reads, without a key', async () => {
      for (const origin of [ALLOWED, 'http://localhost:3000']) {
        const response = await app().inject(preflight(origin, 'DELETE'));
        expect(response.statusCode).toBe(204);
        expect(response.headers['access-control-allow-origin']).toBe(origin);
        expect(String(response.headers.vary)).toMatch(/Origin/i);
        expect(String(response.headers['access-control-allow-methods']).split(', ')).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
        const allowedHeaders = String(response.headers['access-control-allow-headers']).toLowerCase().split(', ');
        for (const header of ['accesskey', 'content-type', 'idempotency-key', 'if-match']) expect(allowedHeaders).toContain(header);
        expect(response.headers['access-control-allow-credentials']).toBeUndefined();
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('lets an allowed origin read the answer and its X-Request-Id, ETag and Retry-After headers', async () => {
      const response = await app().inject({ method: 'GET', url: '/v1/companies', headers: { origin: ALLOWED, accesskey: KEY } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(String(response.headers['access-control-expose-headers']).split(', ')).toEqual(['X-Request-Id', 'ETag', 'Retry-After']);
      // Refusals carry it too, so a page can read why it was refused.
      const refused = await app().inject({ method: 'GET', url: '/v1/companies', headers: { origin: ALLOWED } });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe(ALLOWED);
    });

    it('gives other origins nothing: no CORS header on their preflights or requests', async () => {
      for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'http://app.example.com', 'null']) {
        const options = await app().inject(preflight(origin));
        expect(options.statusCode, origin).toBe(401);
        expect(corsHeaders(options.headers), origin).toEqual({});
        const get = await app().inject({ method: 'GET', url: '/v1/companies', headers: { origin, accesskey: KEY } });
        expect(corsHeaders(get.headers), origin).toEqual({});
      }
      // Nor requests without an Origin (servers, curl): CORS is for browsers.
      const plain = await app().inject({ method: 'GET', url: '/v1/companies', headers: { accesskey: KEY } });
      expect(corsHeaders(plain.headers)).toEqual({});
    });
  });

  describe('on for any origin', () => {
    it('answers * and never allows credentials', async () => {
      const { app, store } = await appWith('*');
      try {
        const response = await app.inject(preflight('https://anywhere.example'));
        expect(response.statusCode).toBe(204);
        expect(response.headers['access-control-allow-origin']).toBe('https://anywhere.example');
        expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      } finally {
        await app.close();
        await store.close();
      }
    });
  });

  it('reads --cors-origin / GS_CORS_ORIGIN: off, *, a list of exact origins; anything else stops the start', () => {
    expect(parseCorsOrigins(undefined)).toBeUndefined();
    expect(parseCorsOrigins(' ')).toBeUndefined();
    expect(parseCorsOrigins('*')).toBe('*');
    expect(parseCorsOrigins('https://a.example, http://localhost:3000')).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(loadServeConfig({}).corsOrigins).toBeUndefined();
    expect(loadServeConfig({ GS_CORS_ORIGIN: 'https://a.example' }).corsOrigins).toEqual(['https://a.example']);
    expect(loadServeConfig({ GS_CORS_ORIGIN: 'https://a.example' }, { corsOrigin: '*' }).corsOrigins).toBe('*');
    for (const bad of ['https://a.example/', 'https://a.example/app', 'a.example', 'ftp://a.example', '*, https://a.example', 'https://A.example']) {
      expect(() => loadServeConfig({ GS_CORS_ORIGIN: bad }), bad).toThrow(ConfigError);
      expect(() => loadServeConfig({ GS_CORS_ORIGIN: bad }), bad).toThrow(/^GS_CORS_ORIGIN \(--cors-origin\) /);
    }
  });
});

function directives(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map(([name, ...values]) => [name!, values]),
  );
}

function corsHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-')));
}
