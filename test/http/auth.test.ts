import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { surfaceOf } from '../../src/server/envelope.js';
import { describeEachBackend, sqliteBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp } from '../helpers/app.js';

const MISSING_ID = 'Z'.repeat(36);
const PUBLIC_OPERATIONS = new Set(['GET /healthz', 'GET /openapi.json']);
const SEED_OPERATIONS = [
  'GET /v1/companies',
  'POST /v1/companies',
  'GET /v1/companies/{companyId}',
  'PUT /v1/companies/{companyId}',
  'DELETE /v1/companies/{companyId}',
  'GET /v1/people',
  'POST /v1/reports',
];
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

interface Operation {
  /** `METHOD /path/{param}`, as the OpenAPI document names it. */
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** The path with every parameter replaced by a well-formed id that matches no record. */
  readonly url: string;
  /** The path with every parameter replaced by a malformed id (same as `url` without parameters). */
  readonly malformedUrl: string;
  readonly hasParameters: boolean;
  readonly hasBody: boolean;
  /** Declared `security: []` in the document. */
  readonly declaredPublic: boolean;
  /** The operation's `x-access` is `write` (a read-only key gets 403). */
  readonly writes: boolean;
  /** Declared for admin keys only (x-access admin): other keys get 403. */
  readonly admin: boolean;
}

/**
 * The operations come from the server's own OpenAPI document, read once at collection time, so a
 * route added later is covered by every test below without touching this file.
 */
async function readOperations(): Promise<Operation[]> {
  const probe = await createTestApp(sqliteBackend);
  try {
    const document = (await probe.request('GET', '/openapi.json', { key: null })).body;
    const operations: Operation[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const [lower, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(lower)) continue;
        const method = lower.toUpperCase();
        operations.push({
          name: `${method} ${path}`,
          method,
          path,
          url: path.replace(/\{\w+\}/g, MISSING_ID),
          malformedUrl: path.replace(/\{\w+\}/g, 'not-a-gsid'),
          hasParameters: /\{\w+\}/.test(path),
          hasBody: operation.requestBody !== undefined,
          declaredPublic: Array.isArray(operation.security) && operation.security.length === 0,
          writes: operation['x-access'] === 'write',
          admin: operation['x-access'] === 'admin',
        });
      }
    }
    return operations;
  } finally {
    await probe.close();
  }
}

const operations = await readOperations();
const publicOperations = operations.filter((op) => PUBLIC_OPERATIONS.has(op.name));
const protectedOperations = operations.filter((op) => !PUBLIC_OPERATIONS.has(op.name));
const readOperationsList = protectedOperations.filter((op) => !op.writes && !op.admin);
const writeOperations = protectedOperations.filter((op) => op.writes);

/** A body the operation would accept (or at least parse) if the caller were allowed. */
function bodyFor(op: Operation): unknown {
  if (!op.hasBody) return undefined;
  if (op.path === '/v1/reports') return { reportId: 'no-such-report' };
  if (op.path.startsWith('/v1/people')) return { FirstName: 'Auth' };
  return { Name: 'Auth Test' };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A well-formed key whose id and secret match nothing stored. */
const UNKNOWN_KEY = `gsk_${'A'.repeat(12)}_${'b'.repeat(32)}`;

/** The same key with the last character of its secret changed. */
function tamper(key: string): string {
  return key.slice(0, -1) + (key.endsWith('x') ? 'y' : 'x');
}

it('the OpenAPI document lists every seed operation and exactly the expected public ones', () => {
  const names = operations.map((op) => op.name);
  for (const seed of SEED_OPERATIONS) expect(names).toContain(seed);
  expect(publicOperations.map((op) => op.name).sort()).toEqual([...PUBLIC_OPERATIONS].sort());
  // A route that declares itself public must be one of the two known ones (new public routes need review).
  expect(operations.filter((op) => op.declaredPublic).map((op) => op.name).sort()).toEqual([...PUBLIC_OPERATIONS].sort());
});

describeEachBackend('auth', (backend) => {
  let t: TestApp;
  let readOnlyKey: string;
  let readWriteKey: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    readOnlyKey = (await t.accessKeys.create('read only', { readOnly: true })).key;
    readWriteKey = (await t.accessKeys.create('read write')).key;
  });
  afterAll(() => t.close());

  describe('public operations', () => {
    it.each(publicOperations.map((op) => [op.name, op] as const))('%s answers 200 without a key', async (_name, op) => {
      const res = await t.request(op.method, op.url, { key: null });
      expect(res.status).toBe(200);
      expect((await t.request('HEAD', op.url, { key: null })).status).toBe(200);
    });

    it.each(publicOperations.map((op) => [op.name, op] as const))('%s also answers 200 with a wrong key', async (_name, op) => {
      expect((await t.request(op.method, op.url, { key: 'wrong' })).status).toBe(200);
    });
  });

  describe('every protected operation', () => {
    const cases = protectedOperations.map((op) => [op.name, op] as const);

    it.each(cases)('%s: no key -> 401 GS_APIG_2401', async (_name, op) => {
      expectError(await t.request(op.method, op.url, { key: null, body: bodyFor(op) }), 401, 'GS_APIG_2401');
      expectError(await t.request(op.method, op.url, { key: '', body: bodyFor(op) }), 401, 'GS_APIG_2401');
      if (op.method === 'GET') expect((await t.request('HEAD', op.url, { key: null })).status).toBe(401);
    });

    it.each(cases)('%s: wrong key -> 401 GS_APIG_2401, and the key is not echoed', async (_name, op) => {
      for (const key of ['wrong', UNKNOWN_KEY, tamper(readWriteKey), tamper(BOOTSTRAP_KEY)]) {
        const res = await t.request(op.method, op.url, { key, body: bodyFor(op) });
        expectError(res, 401, 'GS_APIG_2401');
        expect(res.body.errorDesc).not.toContain(key.trim());
      }
    });

    it.each(cases)('%s: revoked key -> 401 GS_APIG_2401', async (_name, op) => {
      for (const readOnly of [false, true]) {
        const created = await t.accessKeys.create(`revoked ${op.name}`, { readOnly });
        const before = await t.request(op.method, op.url, { key: created.key, body: bodyFor(op) });
        expect(before.status).not.toBe(401);
        expect(await t.accessKeys.revoke(created.record.id)).toBe(true);
        expectError(await t.request(op.method, op.url, { key: created.key, body: bodyFor(op) }), 401, 'GS_APIG_2401');
      }
    });

    it.each(cases)('%s: the bootstrap key and a read-write key are accepted (admin operations: the bootstrap key only)', async (_name, op) => {
      if (op.admin) expectError(await t.request(op.method, op.url, { key: readWriteKey, body: bodyFor(op) }), 403, 'GSAPI_4030');
      for (const key of op.admin ? [BOOTSTRAP_KEY] : [BOOTSTRAP_KEY, readWriteKey]) {
        const res = await t.request(op.method, op.url, { key, body: bodyFor(op) });
        expect([401, 403]).not.toContain(res.status);
        expect(res.status).toBeLessThan(500);
      }
    });

    it.each(cases)('%s: authentication comes first (no key + malformed id or bad body -> 401)', async (_name, op) => {
      const json = { 'content-type': 'application/json' };
      const attempts = [
        t.request(op.method, op.malformedUrl, { key: null, body: bodyFor(op) }),
        t.request(op.method, op.malformedUrl, { key: null, payload: '{"Name": ', headers: json }),
        t.request(op.method, op.url, { key: null, payload: '[1, 2', headers: json }),
        t.request(op.method, op.url, { key: null, body: { NoSuchField: 1, Name: 5 } }),
        t.request(op.method, op.url, { key: null, payload: 'plain text', headers: { 'content-type': 'text/plain' } }),
        t.request(op.method, op.url, { key: null, payload: '{"Name":"x"}' }),
        t.request(op.method, op.url, { key: null, payload: `{"Name":"${'x'.repeat(1024 * 1024 + 16)}"}`, headers: json }),
        t.request(op.method, op.malformedUrl, { key: 'wrong', payload: '{"Name": ', headers: json }),
      ];
      for (const res of await Promise.all(attempts)) expectError(res, 401, 'GS_APIG_2401');
    });
  });

  describe('read-only keys', () => {
    it.each([...writeOperations, ...protectedOperations.filter((op) => op.admin)].map((op) => [op.name, op] as const))('%s -> 403 GSAPI_4030', async (_name, op) => {
      expectError(await t.request(op.method, op.url, { key: readOnlyKey, body: bodyFor(op) }), 403, 'GSAPI_4030');
      // Forbidden before validation: a malformed id or body does not change the answer.
      expectError(await t.request(op.method, op.malformedUrl, { key: readOnlyKey, body: { Nope: true } }), 403, 'GSAPI_4030');
    });

    it.each(readOperationsList.map((op) => [op.name, op] as const))('%s is allowed (200, or no such record)', async (_name, op) => {
      const res = await t.request(op.method, op.url, { key: readOnlyKey, body: bodyFor(op) });
      if (surfaceOf(op.path) === 'nxt') {
        // The NXT surface answers "no such record", "no such object" (the path names neither) and
        // a body meant for another route with 400: what matters is that the key was accepted.
        expect([200, 400], JSON.stringify(res.body)).toContain(res.status);
        if (res.status === 400) expect(['GSOBJ_1011', 'GSAPI_4001', 'GSOBJ_1007']).toContain(res.body.errorCode);
        return;
      }
      expect([200, 404], JSON.stringify(res.body)).toContain(res.status);
      if (res.status === 404) expect(res.body.errorCode).toBe('GSOBJ_1011');
    });

    it('can read existing records', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Readable' } })).body.data;
      const res = await t.request('GET', `/v1/companies/${company.Gsid}`, { key: readOnlyKey });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(company);
      expect((await t.request('GET', '/v1/companies', { key: readOnlyKey })).status).toBe(200);
      expect((await t.request('GET', '/v1/people', { key: readOnlyKey })).status).toBe(200);
      expect((await t.request('HEAD', `/v1/companies/${company.Gsid}`, { key: readOnlyKey })).status).toBe(200);
    });

    it('may run reports (POST /v1/reports is a read)', async () => {
      expectError(
        await t.request('POST', '/v1/reports', { key: readOnlyKey, body: { reportId: 'no-such-report' } }),
        404,
        'GSOBJ_1011',
      );
    });

    it('write nothing when refused', async () => {
      const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Protected', ARR: 1 } })).body.data;
      const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Kept', CompanyId: company.Gsid } })).body.data;
      const companiesBefore = (await t.request('GET', '/v1/companies')).body.data.totalCount;
      const peopleBefore = (await t.request('GET', '/v1/people')).body.data.totalCount;

      const attempts: Array<[string, string, unknown]> = [
        ['POST', '/v1/companies', { Name: 'Sneaky' }],
        ['POST', '/v1/people', { FirstName: 'Sneaky' }],
        ['PUT', `/v1/companies/${company.Gsid}`, { Name: 'Changed', ARR: 2 }],
        ['PATCH', `/v1/companies/${company.Gsid}`, { ARR: null }],
        ['PUT', `/v1/people/${person.Gsid}`, { FirstName: 'Changed' }],
        ['PATCH', `/v1/people/${person.Gsid}`, { CompanyId: null }],
        ['DELETE', `/v1/people/${person.Gsid}`, undefined],
        ['DELETE', `/v1/companies/${company.Gsid}`, undefined],
      ];
      for (const [method, url, body] of attempts) {
        expectError(await t.request(method, url, { key: readOnlyKey, body }), 403, 'GSAPI_4030');
      }

      expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data).toEqual(company);
      expect((await t.request('GET', `/v1/people/${person.Gsid}`)).body.data).toEqual(person);
      expect((await t.request('GET', '/v1/companies')).body.data.totalCount).toBe(companiesBefore);
      expect((await t.request('GET', '/v1/people')).body.data.totalCount).toBe(peopleBefore);
    });
  });

  describe('header name', () => {
    it.each(['accesskey', 'accessKey', 'AccessKey', 'ACCESSKEY'])('%s is accepted (in-process)', async (header) => {
      const res = await t.request('GET', '/v1/companies', { key: null, headers: { [header]: readWriteKey } });
      expect(res.status).toBe(200);
    });

    it('is case-insensitive on the wire (AccessKey, ACCESSKEY, accesskey)', async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      expect(address).toContain(String(port));
      const get = (headers: Record<string, string>) =>
        new Promise<{ status: number; body: any }>((resolve, reject) => {
          const request = http.request({ host: '127.0.0.1', port, path: '/v1/companies', method: 'GET', headers }, (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
          });
          request.on('error', reject);
          request.end();
        });
      for (const header of ['AccessKey', 'ACCESSKEY', 'accesskey', 'aCcEsSkEy']) {
        const res = await get({ [header]: readWriteKey });
        expect(res.status, header).toBe(200);
        expect(res.body.result).toBe(true);
      }
      const missing = await get({ 'X-Access-Key': readWriteKey });
      expect(missing.status).toBe(401);
      expect(missing.body.errorCode).toBe('GS_APIG_2401');
    });

    it('a key in another header or in the query string is not accepted', async () => {
      expectError(await t.request('GET', '/v1/companies', { key: null, headers: { authorization: `Bearer ${readWriteKey}` } }), 401, 'GS_APIG_2401');
      expectError(await t.request('GET', `/v1/companies?accessKey=${readWriteKey}`, { key: null }), 401, 'GS_APIG_2401');
    });
  });

  describe('unknown paths', () => {
    it.each(['/nope', '/v1/companies/x/y', '/v2/companies', '/v1/company'])('%s: no key -> 401, wrong key -> 401', async (url) => {
      expectError(await t.request('GET', url, { key: null }), 401, 'GS_APIG_2401');
      expectError(await t.request('POST', url, { key: null, body: {} }), 401, 'GS_APIG_2401');
      expectError(await t.request('GET', url, { key: 'wrong' }), 401, 'GS_APIG_2401');
    });

    it.each(['/nope', '/v1/companies/x/y', '/v2/companies', '/v1/company'])('%s: any valid key -> 404 GSAPI_4040', async (url) => {
      for (const key of [BOOTSTRAP_KEY, readWriteKey, readOnlyKey]) {
        expectError(await t.request('GET', url, { key }), 404, 'GSAPI_4040');
      }
      expectError(await t.request('DELETE', url, { key: readWriteKey }), 404, 'GSAPI_4040');
    });

    it('a known path with an unsupported method still authenticates first', async () => {
      expectError(await t.request('POST', `/v1/companies/${MISSING_ID}`, { key: null, body: {} }), 401, 'GS_APIG_2401');
      expectError(await t.request('DELETE', '/v1/companies', { key: 'wrong' }), 401, 'GS_APIG_2401');
      expectError(await t.request('DELETE', '/v1/companies', { key: readWriteKey }), 405, 'GSAPI_4050');
    });
  });

  describe('key life cycle', () => {
    it('a created key works at once, for reads and writes', async () => {
      const { key, record } = await t.accessKeys.create('fresh');
      expect(key).not.toBe('');
      expect(record.readOnly).toBe(false);
      const created = await t.request('POST', '/v1/companies', { key, body: { Name: 'Made with a fresh key' } });
      expect(created.status).toBe(200);
      expect((await t.request('GET', `/v1/companies/${created.body.data.Gsid}`, { key })).body.data).toEqual(created.body.data);
    });

    it('keys are distinct and unguessable strings', async () => {
      const keys = await Promise.all(Array.from({ length: 20 }, (_, i) => t.accessKeys.create(`distinct ${i}`)));
      expect(new Set(keys.map((k) => k.key)).size).toBe(20);
      expect(new Set(keys.map((k) => k.record.id)).size).toBe(20);
      for (const { key } of keys) expect(key.length).toBeGreaterThanOrEqual(32);
    });

    it('the bootstrap key works for reads and writes', async () => {
      const res = await t.request('POST', '/v1/companies', { key: BOOTSTRAP_KEY, body: { Name: 'Bootstrapped' } });
      expect(res.status).toBe(200);
      expect((await t.request('GET', `/v1/companies/${res.body.data.Gsid}`, { key: BOOTSTRAP_KEY })).status).toBe(200);
    });

    it('the bootstrap key is never written to the database', async () => {
      await t.request('GET', '/v1/companies', { key: BOOTSTRAP_KEY });
      const stored = await t.store.keys.list();
      expect(stored.map((k) => k.keyHash)).not.toContain(sha256Hex(BOOTSTRAP_KEY));
      const rows = await t.store.database.db.selectFrom('access_key').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(BOOTSTRAP_KEY);
    });

    it('list() shows lastUsedAt after use and never the key', async () => {
      const { key, record } = await t.accessKeys.create('tracked');
      const listed = () => t.accessKeys.list().then((all) => all.find((k) => k.id === record.id));
      const before = await listed();
      expect(before).toBeDefined();
      expect(before!.lastUsedAt).toBeUndefined();

      const startedAt = new Date().toISOString();
      expect((await t.request('GET', '/v1/companies', { key })).status).toBe(200);
      const after = await vi.waitFor(
        async () => {
          const entry = await listed();
          expect(entry?.lastUsedAt).toBeDefined();
          return entry!;
        },
        { timeout: 5_000, interval: 20 },
      );
      expect(after.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(after.lastUsedAt! >= startedAt.slice(0, 19)).toBe(true);
      expect(after.name).toBe('tracked');
      expect(after.readOnly).toBe(false);

      const everything = JSON.stringify(await t.accessKeys.list());
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(-32));
    });

    it('the stored row holds only a SHA-256 hash of the key', async () => {
      const { key, record } = await t.accessKeys.create('hashed', { readOnly: true });
      const stored = (await t.store.keys.list()).find((k) => k.id === record.id)!;
      expect(stored).toBeDefined();
      expect(stored.keyHash).not.toBe(key);
      expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.keyHash).toBe(sha256Hex(key));
      expect(stored.readOnly).toBe(true);

      // Nothing in the raw table contains the key or its secret part.
      const secret = key.slice(-32);
      const rows = await t.store.database.db.selectFrom('access_key').selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(secret);
    });

    it('revocation by id or by displayed prefix takes effect at once, also for cached keys', async () => {
      const longCache = await createTestApp(backend, { cacheTtlMs: 10 * 60_000 });
      try {
        for (const by of ['id', 'prefix'] as const) {
          const { key, record } = await longCache.accessKeys.create(`revoke by ${by}`);
          // Used twice, so it is certainly in the verification cache.
          expect((await longCache.request('GET', '/v1/companies', { key })).status).toBe(200);
          expect((await longCache.request('GET', '/v1/companies', { key })).status).toBe(200);
          expect(await longCache.accessKeys.revoke(by === 'id' ? record.id : `gsk_${record.id}`)).toBe(true);
          expectError(await longCache.request('GET', '/v1/companies', { key }), 401, 'GS_APIG_2401');
          expectError(await longCache.request('POST', '/v1/companies', { key, body: { Name: 'After revoke' } }), 401, 'GS_APIG_2401');
          // Revoking again reports that there was no active key, and the key stays revoked.
          expect(await longCache.accessKeys.revoke(record.id)).toBe(false);
          expectError(await longCache.request('GET', '/v1/companies', { key }), 401, 'GS_APIG_2401');
          const listed = (await longCache.accessKeys.list()).find((k) => k.id === record.id)!;
          expect(listed.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        }
        expect((await longCache.request('GET', '/v1/companies', { key: BOOTSTRAP_KEY })).status).toBe(200);
      } finally {
        await longCache.close();
      }
    });

    it('revoking one key leaves the others working', async () => {
      const first = await t.accessKeys.create('first');
      const second = await t.accessKeys.create('second', { readOnly: true });
      await t.accessKeys.revoke(first.record.id);
      expectError(await t.request('GET', '/v1/companies', { key: first.key }), 401, 'GS_APIG_2401');
      expect((await t.request('GET', '/v1/companies', { key: second.key })).status).toBe(200);
      expect((await t.request('GET', '/v1/companies', { key: readWriteKey })).status).toBe(200);
    });

    it('a revoked read-only key is 401, not 403', async () => {
      const { key, record } = await t.accessKeys.create('revoked reader', { readOnly: true });
      expectError(await t.request('POST', '/v1/companies', { key, body: { Name: 'x' } }), 403, 'GSAPI_4030');
      await t.accessKeys.revoke(record.id);
      expectError(await t.request('POST', '/v1/companies', { key, body: { Name: 'x' } }), 401, 'GS_APIG_2401');
    });
  });
});
