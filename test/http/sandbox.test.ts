/**
 * The sandbox controls (`serve --sandbox`) over HTTP, on both backends: absent without the option,
 * admin-only on every route, the request journal (records, redaction, filters, bounds), resets and
 * snapshots (counts and cached pages right afterwards, keys kept), fault rules (as matched, seeded,
 * expiring, writing nothing).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../src/api/sandbox/index.js';
import { DEFAULT_JOURNAL_OPTIONS } from '../../src/domain/sandbox/journal.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';
import { describeEachBackend, sqliteBackend } from '../helpers/backends.js';

const SANDBOX: Omit<SandboxOptions, 'databaseUrl'> = { journal: { ...DEFAULT_JOURNAL_OPTIONS, flushIntervalMs: 50 }, faultCacheMs: 0 };
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The sandbox's operations, from its own OpenAPI document. */
async function sandboxOperations(): Promise<{ method: string; path: string; url: string }[]> {
  const probe = await createTestApp(sqliteBackend, { sandbox: SANDBOX });
  try {
    const document = (await probe.request('GET', '/openapi.json', { key: null })).body;
    const operations: { method: string; path: string; url: string }[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      if (!path.startsWith('/v1/_sandbox/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        expect(operation['x-access']).toBe('admin');
        operations.push({ method: method.toUpperCase(), path, url: path.replace('{name}', 'before').replace('{id}', 'fault_x') });
      }
    }
    return operations;
  } finally {
    await probe.close();
  }
}

const operations = await sandboxOperations();

/** A 400 naming `field` (body schema refusals carry the GSOBJ_100x code of the problem, others GSAPI_4000). */
function expectBadInput(response: TestResponse, field: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(response.body.errorCode).toMatch(/^(GSAPI_4000|GSOBJ_100\d)$/);
  expect(response.body.errorDesc).toContain(field);
}

it('documents eleven sandbox operations, each with schemas and the 401/403 answers', () => {
  expect(operations.map((op) => `${op.method} ${op.path}`).sort()).toEqual([
    'DELETE /v1/_sandbox/faults',
    'DELETE /v1/_sandbox/faults/{id}',
    'DELETE /v1/_sandbox/requests',
    'DELETE /v1/_sandbox/snapshots/{name}',
    'GET /v1/_sandbox/faults',
    'GET /v1/_sandbox/requests',
    'GET /v1/_sandbox/snapshots',
    'POST /v1/_sandbox/faults',
    'POST /v1/_sandbox/reset',
    'POST /v1/_sandbox/snapshots',
    'POST /v1/_sandbox/snapshots/{name}/restore',
  ]);
});

describe('without --sandbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(sqliteBackend);
  });
  afterAll(() => t.close());

  it('every sandbox path is an unknown path: 404 with a key, 401 without, absent from the document', async () => {
    const unknown = await t.request('GET', '/v1/_nothing_here');
    expectError(unknown, 404, 'GSAPI_4040');
    for (const op of operations) {
      const res = await t.request(op.method, op.url, { body: op.method === 'POST' ? { name: 'x' } : undefined });
      expectError(res, 404, 'GSAPI_4040');
      // Worded as for any unknown path.
      expect(res.body.errorDesc).toBe(unknown.body.errorDesc.replace('GET /v1/_nothing_here', `${op.method} ${op.url}`));
      expectError(await t.request(op.method, op.url, { key: null }), 401, 'GS_APIG_2401');
    }
    const document = (await t.request('GET', '/openapi.json', { key: null })).body;
    expect(Object.keys(document.paths).filter((path) => path.includes('_sandbox'))).toEqual([]);
  });
});

describeEachBackend('sandbox', (backend) => {
  let t: TestApp;
  let adminKey: string;
  let plainKey: string;
  let readerKey: string;
  beforeAll(async () => {
    t = await createTestApp(backend, { sandbox: SANDBOX });
    adminKey = (await t.accessKeys.create('ci admin', { admin: true })).key;
    plainKey = (await t.accessKeys.create('connector')).key;
    readerKey = (await t.accessKeys.create('reader', { readOnly: true })).key;
  });
  afterAll(() => t.close());

  const journal = async (query = '') => (await t.request('GET', `/v1/_sandbox/requests${query}`)).body.data.records as any[];
  const companies = async () => (await t.request('GET', '/v1/companies?pageSize=100')).body.data as { records: any[]; totalCount: number };

  describe('access', () => {
    it.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s: 401 without a key, 403 for non-admin keys', async (_name, op) => {
      expectError(await t.request(op.method, op.url, { key: null }), 401, 'GS_APIG_2401');
      for (const key of [plainKey, readerKey]) {
        const res = await t.request(op.method, op.url, { key, body: op.method === 'POST' ? {} : undefined });
        expectError(res, 403, 'GSAPI_4030');
        expect(res.body.errorDesc).toMatch(/needs an admin key/);
      }
      const allowed = await t.request(op.method, op.url, { key: adminKey, body: op.method === 'POST' ? {} : undefined });
      expect([401, 403]).not.toContain(allowed.status);
    });
  });

  describe('request journal', () => {
    it('records each request with its answer, and never a key', async () => {
      await t.request('DELETE', '/v1/_sandbox/requests');
      const created = await t.request('POST', '/v1/companies?accessKey=' + plainKey, {
        key: plainKey,
        body: { Name: 'Journal Inc', Industry: `pasted ${plainKey} by mistake` },
        headers: { 'x-request-id': 'journal-1', authorization: `Bearer ${adminKey}`, cookie: 'session=abc' },
      });
      expect(created.status).toBe(200);
      await t.request('GET', '/v1/companies/not-a-gsid', { key: plainKey, headers: { 'x-request-id': 'journal-2' } });
      await t.request('GET', '/v1/companies', { key: 'gsk_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', headers: { 'x-request-id': 'journal-3' } });

      const records = await journal();
      expect(records.map((record) => record.requestId)).toEqual(['journal-3', 'journal-2', 'journal-1']);
      const [refused, bad, write] = records;
      expect(write).toMatchObject({
        method: 'POST',
        path: '/v1/companies',
        query: { accessKey: '[REDACTED]' },
        keyName: 'connector',
        status: 200,
        requestBodyTruncated: false,
        responseBodyTruncated: false,
        faultId: null,
      });
      expect(write.headers).toMatchObject({ accesskey: '[REDACTED]', authorization: '[REDACTED]', cookie: '[REDACTED]', 'x-request-id': 'journal-1' });
      expect(JSON.parse(write.requestBody)).toEqual({ Name: 'Journal Inc', Industry: 'pasted [REDACTED] by mistake' });
      expect(JSON.parse(write.responseBody).data.Gsid).toBe(created.body.data.Gsid);
      expect(write.durationMs).toBeGreaterThan(0);
      expect(Date.parse(write.at)).toBeGreaterThan(Date.now() - 60_000);
      expect(write.node).toEqual(expect.any(String));
      expect(bad).toMatchObject({ method: 'GET', path: '/v1/companies/not-a-gsid', status: 400, keyName: 'connector' });
      expect(refused).toMatchObject({ status: 401, keyName: null });
      // Nowhere in the journal, as sent or as stored: the keys and the bootstrap key.
      const text = JSON.stringify(records);
      for (const secret of [plainKey, adminKey, BOOTSTRAP_KEY, 'gsk_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'session=abc']) {
        expect(text).not.toContain(secret);
      }
      // The sandbox's own requests are not journaled.
      expect(records.some((record) => record.path.startsWith('/v1/_sandbox'))).toBe(false);
    });

    it('filters by method, path glob, status, requestId, since and after; limit; newest first', async () => {
      await t.request('DELETE', '/v1/_sandbox/requests');
      const before = new Date(Date.now() - 1000).toISOString();
      for (let i = 0; i < 3; i++) await t.request('GET', '/v1/companies?pageSize=1', { headers: { 'x-request-id': `list-${i}` } });
      await t.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Gsid'] }, headers: { 'x-request-id': 'query-1' } });
      await t.request('GET', '/v1/people/not-a-gsid', { headers: { 'x-request-id': 'bad-1' } });

      expect((await journal('?method=post')).map((r) => r.requestId)).toEqual(['query-1']);
      expect((await journal('?path=/v1/data/objects/query/*')).map((r) => r.requestId)).toEqual(['query-1']);
      expect((await journal('?path=/v1/*')).map((r) => r.requestId)).toEqual(['list-2', 'list-1', 'list-0']);
      expect((await journal('?status=4xx')).map((r) => r.requestId)).toEqual(['bad-1']);
      expect((await journal('?status=200&limit=2')).map((r) => r.requestId)).toEqual(['query-1', 'list-2']);
      expect((await journal('?requestId=list-1')).map((r) => r.requestId)).toEqual(['list-1']);
      expect(await journal(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
      const all = await journal(`?since=${encodeURIComponent(before)}`);
      expect(all).toHaveLength(5);
      const after = await journal(`?after=${all[2].id}`);
      expect(after.map((r) => r.requestId)).toEqual(['query-1', 'bad-1']);

      for (const [query, name] of [
        ['?status=abc', 'status'],
        ['?since=yesterday', 'since'],
        ['?limit=0', 'limit'],
        ['?path=companies', 'path'],
        ['?nope=1', 'nope'],
      ]) {
        expectError(await t.request('GET', `/v1/_sandbox/requests${query}`), 400, 'GSAPI_4000', name);
      }
      expect((await t.request('DELETE', '/v1/_sandbox/requests')).body.data.deleted).toBe(5);
      expect(await journal()).toEqual([]);
    });
  });

  describe('snapshots and resets', () => {
    it('restores exactly what was saved: records, counts and cached pages, keys and journal untouched', async () => {
      expect((await t.request('POST', '/v1/_sandbox/reset', { body: { to: { seed: { companies: 30, people: 60, randomSeed: 'snap' } } } })).body.data).toMatchObject({
        to: 'seed',
        tables: { company: 30, person: 60 },
      });
      const saved = (await t.request('POST', '/v1/_sandbox/snapshots', { body: { name: 'before' } })).body.data;
      expect(saved).toMatchObject({ name: 'before', tables: { company: 30, person: 60 } });
      const original = await companies();
      expect(original.totalCount).toBe(30);

      // Writes after the snapshot: a create, an update, a delete (the page is cached in between).
      const victim = original.records[0];
      await t.request('DELETE', `/v1/people?CompanyId=${victim.Gsid}`);
      const people = (await t.request('GET', `/v1/people?CompanyId=${victim.Gsid}&pageSize=100`)).body.data.records as any[];
      for (const person of people) await t.request('DELETE', `/v1/people/${person.Gsid}`);
      expect((await t.request('DELETE', `/v1/companies/${victim.Gsid}`)).status).toBe(200);
      await t.request('PUT', `/v1/companies/${original.records[1].Gsid}`, { body: { Name: 'Renamed' } });
      await t.request('POST', '/v1/companies', { body: { Name: 'Added later' } });
      const changed = await companies();
      expect(changed.totalCount).toBe(30);
      expect(changed.records.map((record) => record.Name)).toContain('Renamed');

      const restored = await t.request('POST', '/v1/_sandbox/snapshots/before/restore', { key: adminKey });
      expect(restored.body.data).toMatchObject({ name: 'before', records: saved.records });
      expect(restored.body.data.ms).toBeGreaterThan(0);
      expect(await companies()).toEqual(original);
      expect((await t.request('GET', '/v1/people?pageSize=1')).body.data.totalCount).toBe(60);
      // Keys were not part of it, and the journal was kept.
      expect((await t.request('GET', '/v1/companies', { key: plainKey })).status).toBe(200);
      expect((await journal('?limit=1000')).length).toBeGreaterThan(5);

      expect((await t.request('GET', '/v1/_sandbox/snapshots')).body.data.records.map((s: any) => s.name)).toEqual(['before']);
      expectError(await t.request('POST', '/v1/_sandbox/snapshots/after/restore'), 404, 'GSOBJ_1011', 'after');
      expectError(await t.request('POST', '/v1/_sandbox/snapshots/bad%20name/restore'), 400, 'GSAPI_4000', 'name');
      expectBadInput(await t.request('POST', '/v1/_sandbox/snapshots', { body: { name: '' } }), 'name');
      expectBadInput(await t.request('POST', '/v1/_sandbox/snapshots', { body: {} }), 'name');
      expect((await t.request('DELETE', '/v1/_sandbox/snapshots/before')).body.data.deleted).toBe(1);
      expectError(await t.request('DELETE', '/v1/_sandbox/snapshots/before'), 404, 'GSOBJ_1011', 'before');
    });

    it('resets to empty, to the demo data and to generated records; bad targets are 400', async () => {
      await t.request('GET', '/v1/companies?pageSize=5');
      const empty = (await t.request('POST', '/v1/_sandbox/reset', { body: { to: 'empty' } })).body.data;
      expect(empty.records).toBe(0);
      expect((await t.request('GET', '/v1/companies?pageSize=5')).body.data).toEqual({ records: [], totalCount: 0 });
      const demo = (await t.request('POST', '/v1/_sandbox/reset', { body: { to: 'demo' } })).body.data;
      expect(demo.tables).toMatchObject({ company: 50, person: 200 });
      expect((await t.request('GET', '/v1/companies?pageSize=5')).body.data.totalCount).toBe(50);
      expectBadInput(await t.request('POST', '/v1/_sandbox/reset', { body: { to: 'full' } }), 'to');
      expectBadInput(await t.request('POST', '/v1/_sandbox/reset', { body: { to: { seed: { companies: -1, people: 0 } } } }), 'companies');
      expectBadInput(await t.request('POST', '/v1/_sandbox/reset', { body: { to: { seed: { companies: 1, people: 1, baseDate: '2024-13-01' } } } }), 'baseDate');
      expect((await t.request('GET', '/v1/companies?pageSize=5')).body.data.totalCount).toBe(50);
    });
  });

  describe('faults', () => {
    const addFault = async (rule: unknown) => {
      const res = await t.request('POST', '/v1/_sandbox/faults', { body: rule });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data;
    };

    it('fires a 429 on exactly the third matching query, then expires; the sandbox itself is never faulted', async () => {
      await t.request('DELETE', '/v1/_sandbox/faults');
      await t.request('POST', '/v1/_sandbox/reset', { body: { to: 'demo' } });
      // Matches from the third query on (a rule that always fires, after two probability-0... instead: times and order).
      const passThrough = await addFault({ match: { path: '/v1/data/objects/query/*' }, effect: { delayMs: 1 }, times: 2 });
      const rule = await addFault({
        match: { method: 'POST', path: '/v1/data/objects/query/*', object: 'company', key: 'GS_ACCESS_KEY' },
        effect: { status: 429 },
        times: 1,
      });
      expect(rule).toMatchObject({ id: expect.stringMatching(/^fault_/), match: { object: 'Company' }, effect: { status: 429, delayMs: 0, drop: false }, probability: 1, times: 1, hits: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await t.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Gsid'], limit: 1 } });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers['retry-after']).toBe('1');
          expect(res.body).toMatchObject({ result: false, errorCode: 'GU_2400', errorDesc: 'Too many request', data: null });
        }
      }
      expect(statuses).toEqual([200, 200, 429, 200]);
      // Other objects, methods and keys do not match.
      await addFault({ match: { object: 'Person' }, effect: { status: 500 } });
      expect((await t.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Gsid'] } })).status).toBe(200);
      expect((await t.request('GET', '/v1/companies', { key: plainKey })).status).toBe(200);
      const person = await t.request('GET', '/v1/people?pageSize=1');
      expectError(person, 500, 'GU_1101');
      const listed = (await t.request('GET', '/v1/_sandbox/faults')).body.data.records as any[];
      expect(listed.map((r) => [r.id, r.hits, r.expired])).toEqual([
        [passThrough.id, 2, true],
        [rule.id, 1, true],
        [expect.any(String), 1, false],
      ]);
      // A rule for every path leaves the sandbox reachable, so it can be removed.
      await addFault({ match: { path: '/**' }, effect: { status: 503 } });
      expectError(await t.request('GET', '/v1/companies'), 503, 'GSAPI_5030');
      expect((await t.request('DELETE', '/v1/_sandbox/faults')).body.data.deleted).toBe(4);
      expect((await t.request('GET', '/v1/companies')).status).toBe(200);
      // The journal shows which rule failed which request.
      const faulted = await journal('?status=429');
      expect(faulted[0]).toMatchObject({ path: '/v1/data/objects/query/Company', faultId: rule.id });
    });

    it('repeats the same pattern for the same seed, and another for another seed', async () => {
      const pattern = async (seed: number) => {
        await t.request('DELETE', '/v1/_sandbox/faults');
        await addFault({ match: { method: 'GET', path: '/healthz' }, effect: { status: 500 }, probability: 0.4, seed });
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await t.request('GET', '/healthz', { key: null })).status);
        return statuses;
      };
      const first = await pattern(42);
      expect(first).toContain(500);
      expect(first).toContain(200);
      expect(await pattern(42)).toEqual(first);
      expect(await pattern(7)).not.toEqual(first);
      const rules = (await t.request('GET', '/v1/_sandbox/faults')).body.data.records;
      expect(rules[0]).toMatchObject({ matched: 30, seed: 7 });
      expect(rules[0].hits).toBe((await pattern(7)).filter((s) => s === 500).length);
      await t.request('DELETE', '/v1/_sandbox/faults');
    });

    it('writes nothing for a faulted write: status, custom body, dropped connection; delays then handles', async () => {
      const before = (await companies()).totalCount;
      const custom = await addFault({ match: { method: 'POST', path: '/v1/companies' }, effect: { status: 502, body: { oops: [1, 2] } }, times: 1 });
      const res = await t.app.inject({ method: 'POST', url: '/v1/companies', headers: { accesskey: BOOTSTRAP_KEY, 'content-type': 'application/json' }, payload: '{"Name":"Never"}' });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual({ oops: [1, 2] });
      expect((await companies()).totalCount).toBe(before);

      await addFault({ match: { method: 'POST', path: '/v1/companies' }, effect: { status: 500 }, times: 1 });
      expectError(await t.request('POST', '/v1/companies', { body: { Name: 'Never' } }), 500, 'GU_1101');
      expect((await companies()).totalCount).toBe(before);
      // The journal keeps what the faulted request sent, though no handler read it.
      expect((await journal('?status=500'))[0]).toMatchObject({ method: 'POST', requestBody: '{"Name":"Never"}' });

      // A dropped connection, over a real socket.
      await addFault({ match: { method: 'POST', path: '/v1/companies' }, effect: { drop: true, delayMs: 20 }, times: 1 });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const outcome = await new Promise<string>((resolve) => {
        const request = http.request({ port, method: 'POST', path: '/v1/companies', headers: { accesskey: BOOTSTRAP_KEY, 'content-type': 'application/json' } }, (response) =>
          resolve(`answered ${response.statusCode}`),
        );
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        request.end('{"Name":"Never"}');
      });
      expect(outcome).toBe('ECONNRESET');
      expect((await companies()).totalCount).toBe(before);
      const dropped = (await journal('?status=0'))[0];
      expect(dropped).toMatchObject({ method: 'POST', path: '/v1/companies', status: 0 });

      const slow = await addFault({ match: { method: 'GET', path: '/v1/companies/*' }, effect: { delayMs: 300 }, times: 1 });
      const started = Date.now();
      expectError(await t.request('GET', '/v1/companies/not-a-gsid'), 400, 'GSOBJ_1004');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect((await t.request('DELETE', `/v1/_sandbox/faults/${slow.id}`)).body.data.deleted).toBe(1);
      expectError(await t.request('DELETE', `/v1/_sandbox/faults/${slow.id}`), 404, 'GSOBJ_1011', slow.id);
      expect(custom.id).not.toBe(slow.id);
      await t.request('DELETE', '/v1/_sandbox/faults');
    });

    it.each([
      [{}, 'effect'],
      [{ effect: {} }, 'effect'],
      [{ effect: { status: 200 } }, 'effect.status'],
      [{ effect: { status: 500 }, probability: 0 }, 'probability'],
      [{ effect: { status: 500 }, times: 0 }, 'times'],
      [{ effect: { status: 500, drop: true } }, 'effect.drop'],
      [{ effect: { status: 500 }, match: { method: 'TRACE' } }, 'match.method'],
      [{ effect: { status: 500 }, match: { path: 'companies' } }, 'match.path'],
      [{ effect: { status: 500 }, match: { path: '/v9/**' } }, 'match.path'],
      [{ effect: { status: 500 }, match: { object: 'Unicorn' } }, 'match.object'],
      [{ effect: { status: 500 }, match: { key: 'no such key' } }, 'match.key'],
      [{ effect: { status: 500 }, match: { color: 'red' } }, 'color'],
    ])('refuses the rule %j naming %s', async (rule, field) => {
      expectBadInput(await t.request('POST', '/v1/_sandbox/faults', { body: rule }), field);
      expect((await t.request('GET', '/v1/_sandbox/faults')).body.data.records).toEqual([]);
    });
  });
});

describeEachBackend('sandbox journal bounds', (backend) => {
  it('keeps at most the configured number of records through 20,000 requests, and none older than the age bound', async () => {
    const t = await createTestApp(backend, { sandbox: { journal: { maxRecords: 1000, maxAgeMs: 60 * 60 * 1000, bodyLimit: 100, flushIntervalMs: 50 } } });
    try {
      const total = 20_000;
      for (let start = 0; start < total; start += 200) {
        await Promise.all(
          Array.from({ length: 200 }, (_, i) => t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': `bound-${start + i}` } })),
        );
      }
      // Pruned within a second of the last write.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const records = (await t.request('GET', '/v1/_sandbox/requests?limit=1000')).body.data.records as any[];
      // At most 1000 kept: the oldest records (read from the start) are among the newest 1000.
      const oldest = (await t.request('GET', '/v1/_sandbox/requests?after=0&limit=1000')).body.data.records as any[];
      expect(oldest.length).toBeGreaterThan(0);
      const newestIds = new Set(records.map((record) => record.id));
      expect(oldest.filter((record) => !newestIds.has(record.id))).toEqual([]);
      // The newest survive (the last batch's requests finished in any order).
      const newest = new Set(records.slice(0, 200).map((record) => record.requestId));
      for (let i = total - 200; i < total; i++) expect(newest.has(`bound-${i}`)).toBe(true);
      expect(records.some((record) => record.requestId === 'bound-0')).toBe(false);
      // Bodies are cut at the configured size.
      expect(records[0].responseBody.length).toBeLessThanOrEqual(100);
    } finally {
      await t.close();
    }
  }, 300_000);

  it('drops records older than the age bound', async () => {
    const t = await createTestApp(backend, { sandbox: { journal: { maxRecords: 1000, maxAgeMs: 1000, bodyLimit: 100, flushIntervalMs: 50 } } });
    try {
      await t.request('DELETE', '/v1/_sandbox/requests');
      await t.request('GET', '/healthz', { headers: { 'x-request-id': 'old' } });
      expect((await t.request('GET', '/v1/_sandbox/requests')).body.data.records.map((r: any) => r.requestId)).toEqual(['old']);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await t.request('GET', '/healthz', { headers: { 'x-request-id': 'new' } });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect((await t.request('GET', '/v1/_sandbox/requests')).body.data.records.map((r: any) => r.requestId)).toEqual(['new']);
    } finally {
      await t.close();
    }
  });
});
