/**
 * GET /docs in a real headless Chromium (playwright-core driving the system's /usr/bin/chromium),
 * against a listening server: the page renders every operation of /openapi.json, under helmet's
 * default Content-Security-Policy (the server's own policy when it sends one); Authorize stores a
 * key, and "Try it out" on GET /v1/companies reaches the server with the accessKey header (200
 * in the UI, and the server's log line names the key). Screenshots are written to
 * test-artifacts/docs.png and test-artifacts/docs-try-it.png for a person to look at.
 *
 * Without Chromium the suite is skipped with a notice (`.ci/run` installs Debian's chromium).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { REPO_ROOT, waitFor } from '../helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(
    `\n*** NOTICE: ${CHROMIUM} is missing: the /docs browser check (test/e2e/docs-browser.test.ts) is SKIPPED. ***\n` +
      '*** Install it (apt-get install chromium) or set CHROMIUM_PATH. ***\n\n',
  );
}

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const BOOTSTRAP_KEY = 'docs-browser-bootstrap-0123456789abcdef';
const KEY_NAME = 'docs-browser-reader';
const COMPANY = 'Docs Browser Check Co';

/** helmet's default policy, as helmet sends it when used with no options. */
function helmetDefaultPolicy(): string {
  return Object.entries(helmet.contentSecurityPolicy.getDefaultDirectives())
    .map(([directive, values]) => [directive, ...Array.from(values, String)].join(' '))
    .join('; ');
}

interface Operation {
  readonly id: string;
  readonly method: string;
  readonly path: string;
}

function operationsOf(document: { paths: Record<string, Record<string, { operationId: string }>> }): Operation[] {
  return Object.entries(document.paths)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ id: operation.operationId, method: method.toUpperCase(), path })))
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe.skipIf(!haveChromium)('GET /docs in headless Chromium', () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  let key: string;
  let operations: Operation[];
  const logLines: Record<string, unknown>[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    store = await openStore({ url: 'sqlite::memory:' });
    await store.migrate();
    const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP_KEY });
    key = (await accessKeys.create(KEY_NAME, { readOnly: true })).key;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = await buildApp({ store, accessKeys, logger: pino({ level: 'info' }, sink) });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const created = await fetch(`${base}/v1/companies`, {
      method: 'POST',
      headers: { accessKey: BOOTSTRAP_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: COMPANY }),
    });
    expect(created.status).toBe(200);
    operations = operationsOf((await (await fetch(`${base}/openapi.json`)).json()) as never);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // Injected by the browser's tooling, so the policy does not apply to it.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) => {
        console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI);
      });`,
    });
    // The server's own policy when it has one; helmet's defaults otherwise, which are what the
    // page must work under.
    await page.route(`${base}/docs`, async (route) => {
      const response = await route.fetch();
      const headers = response.headers();
      headers['content-security-policy'] ??= helmetDefaultPolicy();
      await route.fulfill({ response, headers });
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  it('renders every operation of /openapi.json, with no script or policy errors', async () => {
    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    const policy = await response!.allHeaders();
    expect(policy['content-security-policy']).toContain("script-src 'self'");

    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    const rendered = await page.locator('.opblock').evaluateAll((blocks) =>
      blocks.map((block) => ({
        id: block.querySelector('.opblock-summary-operation-id')?.textContent ?? '',
        method: block.querySelector('.opblock-summary-method')?.textContent ?? '',
        path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
      })),
    );
    rendered.sort((a, b) => a.id.localeCompare(b.id));
    expect(operations.length).toBeGreaterThan(20);
    expect(rendered).toEqual(operations);
    await page.screenshot({ path: join(ARTIFACTS, 'docs.png') });
    expect(problems).toEqual([]);
  }, 120_000);

  it('tries GET /v1/companies: 401 before Authorize, 200 after, with the key reaching the server', async () => {
    const operation = page.locator('#operations-Companies-listCompanies');
    await operation.locator('.opblock-summary-control').click();
    await operation.locator('.try-out__btn').click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();

    await operation.locator('.execute').click();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain('401');

    await page.locator('.auth-wrapper .authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').first().fill(key);
    await dialog.locator('.auth-btn-wrapper .authorize').click();
    await dialog.locator('.btn-done').click();

    await operation.locator('.btn-clear').click();
    await operation.locator('.execute').click();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain('200');
    await expect.poll(() => operation.locator('.live-responses-table tr.response .response-col_description').first().textContent()).toContain(COMPANY);
    await operation.screenshot({ path: join(ARTIFACTS, 'docs-try-it.png') });

    // The server saw the key: its request line names the key (and never holds the key itself).
    const line = await waitFor(() => logLines.find((entry) => entry.route === '/v1/companies' && entry.statusCode === 200 && entry.method === 'GET' && entry.keyName === KEY_NAME), {
      timeoutMs: 5_000,
      what: 'the log line of the try-it request',
    });
    expect(line.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(logLines)).not.toContain(key);
    expect(problems.filter((problem) => !problem.includes('401'))).toEqual([]);
  }, 120_000);

  it('keeps the key across a reload (persistAuthorization)', async () => {
    // A new visit (not a reload, which would reopen the operation from the URL's deep link).
    await page.goto(`${base}/docs`);
    const operation = page.locator('#operations-Companies-listCompanies');
    await operation.waitFor({ timeout: 60_000 });
    await operation.locator('.opblock-summary-control').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain('200');
  }, 120_000);
});
