/**
 * GET /docs and its assets over HTTP (the browser check is test/e2e/docs-browser.test.ts): public
 * like /healthz, served from the installed swagger-ui-dist (no CDN), with no inline script so
 * that a `script-src 'self'` policy lets the page run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';
import { sqliteBackend } from '../helpers/backends.js';

const swaggerUiDist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

describe('GET /docs', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp(sqliteBackend)));
  afterAll(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('serves the page without a key, loading only its own scripts and styles', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes!)?.[1])).toEqual([
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/init.js',
    ]);
    // No inline code: every script is empty and loaded from this server.
    expect(scripts.every(([, , body]) => body!.trim() === '')).toBe(true);
    expect(page.body).not.toMatch(/\son[a-z]+=|<style|style=|https?:\/\//);
    expect(page.body).toContain('/docs/assets/swagger-ui.css');
    // The same page with a trailing slash.
    expect((await get('/docs/')).body).toBe(page.body);
  });

  it('serves the installed Swagger UI files as they are', async () => {
    for (const [name, type] of [
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', 'text/css; charset=utf-8'],
      ['favicon-32x32.png', 'image/png'],
    ] as const) {
      const asset = await get(`/docs/assets/${name}`);
      expect(asset.statusCode, name).toBe(200);
      expect(asset.headers['content-type'], name).toBe(type);
      expect(asset.rawPayload.equals(readFileSync(join(swaggerUiDist, name))), name).toBe(true);
    }
  });

  it('initializes from this server\'s /openapi.json with the key kept across visits', async () => {
    const init = await get('/docs/assets/init.js');
    expect(init.statusCode).toBe(200);
    expect(init.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(init.body).toContain("'/openapi.json'");
    expect(init.body).toContain('persistAuthorization: true');
    expect(init.body).not.toMatch(/https?:\/\//);
    // The document it renders declares the accessKey header scheme that Authorize fills in.
    const document = (await get('/openapi.json')).json();
    expect(Object.values(document.components.securitySchemes)).toContainEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'accessKey' }));
  });

  it('serves nothing else: other paths under /docs need a key and are 404 with one', async () => {
    for (const url of ['/docs/assets/index.html', '/docs/assets/../../package.json', '/docs/assets/swagger-initializer.js']) {
      expectError(await t.request('GET', url, { key: null }), 401, 'GS_APIG_2401');
      expectError(await t.request('GET', url), 404, 'GSAPI_4040');
    }
  });
});
