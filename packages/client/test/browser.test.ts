/**
 * The client in browsers: bundled for platform=browser (esbuild fails on any Node built-in, so a
 * Node-only import cannot sneak in), made only of the package's own sources, and run in a real
 * headless Chromium against the live server, from a page of the server's own origin.
 *
 * Without Chromium the in-browser run is skipped with a notice; the bundle checks always run.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, type BrowserBundle } from '../scripts/bundle-size.mjs';
import { ACCESS_KEY, startLiveServer, type LiveServer } from './helpers/live-server.js';

const PACKAGE_ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(`\n*** NOTICE: ${CHROMIUM} is missing: the client's in-browser run (packages/client/test/browser.test.ts) is SKIPPED. ***\n\n`);
}

let bundle: BrowserBundle;
beforeAll(async () => {
  bundle = await bundleForBrowser();
});

describe('browser bundle', () => {
  it('bundles for platform=browser from the package\'s own sources only', () => {
    const outside = bundle.inputs.map((input) => relative(PACKAGE_ROOT, resolve(input))).filter((input) => !input.startsWith('src/'));
    expect(outside).toEqual([]);
    expect(bundle.code).not.toMatch(/\brequire\(|from\s*"node:/);
  });

  it('stays small (README states the measured size)', () => {
    process.stdout.write(`client browser bundle: ${bundle.bytes} bytes minified, ${bundle.gzipBytes} bytes gzipped\n`);
    expect(bundle.gzipBytes).toBeLessThan(8 * 1024);
  });
});

describe.skipIf(!haveChromium)('in headless Chromium', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates, pages, queries and gets a typed error, with the browser\'s own fetch', async () => {
    // bypassCSP: the page is a JSON answer of the server, whose policy (if any) is meant for its own pages.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/healthz`);
    const outcome = await page.evaluate(
      async ({ code, accessKey, baseUrl }) => {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        // Built from a string: Vitest rewrites an import() written in this function, which runs in the page.
        const load = new Function('url', 'return import(url)') as (url: string) => Promise<typeof import('../src/index.js')>;
        const { createClient, GainsightApiError } = await load(url);
        const client = createClient({ baseUrl, accessKey });
        for (const name of ['Browser A', 'Browser B', 'Browser C']) await client.companies.create({ Name: name });
        const names: Array<string | undefined> = [];
        for await (const company of client.companies.iterate({ pageSize: 2 })) names.push(company.Name);
        const { records } = await client.data.query('Company', { select: ['Name'], orderBy: { Name: 'desc' }, limit: 1 });
        let error: unknown;
        try {
          await client.companies.get('0'.repeat(36));
        } catch (thrown) {
          error = thrown;
        }
        const typed = error instanceof GainsightApiError ? error : undefined;
        return {
          names,
          records,
          error: typed && { status: typed.status, errorCode: typed.errorCode, hasRequestId: typeof typed.requestId === 'string' },
          isNode: typeof (globalThis as { process?: unknown }).process !== 'undefined',
        };
      },
      { code: bundle.code, accessKey: ACCESS_KEY, baseUrl: server.url },
    );
    expect(outcome).toEqual({
      names: ['Browser A', 'Browser B', 'Browser C'],
      records: [{ Name: 'Browser C' }],
      error: { status: 404, errorCode: 'GSOBJ_1011', hasRequestId: true },
      isNode: false,
    });
    await context.close();
  }, 60_000);
});
