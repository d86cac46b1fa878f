/**
 * The audit trail of writes: every successful write on every surface leaves an entry (key name and
 * id, method, route, object, Gsids, status, time, request id) readable by admin keys at
 * GET /v1/_admin/audit; reads, refused and failed writes and Idempotency-Key replays leave none.
 * Then the trail itself: batching, pruning by age and by count, and a database that refuses
 * entries never failing a request.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { loadServeConfig } from '../../src/config.js';
import { createAuditTrail, recordIdsOf } from '../../src/server/audit.js';
import { createAuditRepository, type AuditEntry } from '../../src/store/audit-repository.js';
import { openStore } from '../../src/store/store.js';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/cli.js';

describeEachBackend('audit trail of writes', (backend) => {
  let t: TestApp;
  let adminKey: string;
  let writerKey: string;
  let writerId: string;
  let readerKey: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    adminKey = (await t.accessKeys.create('auditor', { admin: true })).key;
    const writer = await t.accessKeys.create('sync-job');
    writerKey = writer.key;
    writerId = writer.record.id;
    readerKey = (await t.accessKeys.create('dashboard', { readOnly: true })).key;
  });
  afterAll(() => t?.close());

  const audit = async (query = '') => {
    const response = await t.request('GET', `/v1/_admin/audit${query}`, { key: adminKey });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.data.records as any[];
  };
  /** The entry of a request, once it is there (entries are recorded after the answer is sent). */
  const entryOf = (requestId: string) =>
    waitFor(async () => (await audit('?limit=1000')).find((entry) => entry.requestId === requestId), { timeoutMs: 5000, what: `audit entry ${requestId}` });

  it('records each successful write on every surface: who, what, which records, when', async () => {
    const before = Date.now();
    const created = await t.request('POST', '/v1/companies', { key: writerKey, body: { Name: 'Audited Co' } });
    expect(created.status).toBe(200);
    const gsid = created.body.data.Gsid as string;
    const entry = await entryOf(created.headers['x-request-id'] as string);
    expect(entry).toEqual({
      at: expect.any(String),
      requestId: created.body.requestId,
      keyId: writerId,
      keyName: 'sync-job',
      method: 'POST',
      route: '/v1/companies',
      object: 'Company',
      recordIds: [gsid],
      status: 200,
    });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now() + 1000);

    const person = await t.request('POST', '/v1/people', { key: writerKey, body: { FirstName: 'Ada', CompanyId: gsid } });
    const nxtInsert = await t.request('POST', '/v1/data/objects/company', { key: writerKey, body: { records: [{ Name: 'NXT One' }, { Name: 'NXT Two' }] } });
    const nxtGsids = nxtInsert.body.data.records.map((record: { Gsid: string }) => record.Gsid);
    const writes: [string, Promise<{ status: number; headers: Record<string, unknown> }>, Partial<AuditEntry>][] = [
      ['seed person', Promise.resolve(person), { method: 'POST', route: '/v1/people', object: 'Person', recordIds: [person.body.data.Gsid] }],
      ['NXT insert', Promise.resolve(nxtInsert), { method: 'POST', route: '/v1/data/objects/{object}', object: 'Company', recordIds: nxtGsids }],
      [
        'seed PUT',
        t.request('PUT', `/v1/companies/${gsid}`, { key: writerKey, body: { Name: 'Audited Co 2' } }),
        { method: 'PUT', route: '/v1/companies/{companyId}', object: 'Company', recordIds: [gsid] },
      ],
      [
        'seed PATCH',
        t.request('PATCH', `/v1/companies/${gsid}`, { key: writerKey, body: { Industry: 'Audit' } }),
        { method: 'PATCH', route: '/v1/companies/{companyId}', object: 'Company', recordIds: [gsid] },
      ],
      [
        'NXT update',
        t.request('PUT', '/v1/data/objects/Company?keys=Name', { key: writerKey, body: { records: [{ Name: 'NXT One', Industry: 'X' }] } }),
        { method: 'PUT', route: '/v1/data/objects/{object}', object: 'Company', recordIds: [nxtGsids[0]] },
      ],
      [
        'saved report',
        t.request('PUT', '/v1/reports/audited-report', {
          key: writerKey,
          body: { name: 'Audited', object: 'Company', fields: ['Name'] },
        }),
        { method: 'PUT', route: '/v1/reports/{reportId}', object: 'report', recordIds: ['audited-report'] },
      ],
      [
        'people upsert',
        t.request('PUT', '/v1.0/api/people', { key: writerKey, body: { Email: 'audit@example.com', FirstName: 'Audit' } }),
        { method: 'PUT', route: '/v1.0/api/people', object: 'Person' },
      ],
      [
        'user',
        t.request('POST', '/v1/users/services', { key: writerKey, body: { records: [{ FirstName: 'Una', LastName: 'User', Email: 'una@example.com' }] } }),
        { method: 'POST', route: '/v1/users/services', object: 'gsuser' },
      ],
      [
        'NXT delete',
        t.request('DELETE', `/v1/data/objects/Company/${nxtGsids[1]}`, { key: writerKey }),
        { method: 'DELETE', route: '/v1/data/objects/{object}/{gsid}', object: 'Company', recordIds: [nxtGsids[1]] },
      ],
    ];
    for (const [what, pending, expected] of writes) {
      const response = await pending;
      expect(response.status, what).toBe(200);
      const found = await entryOf(response.headers['x-request-id'] as string);
      expect(found, what).toMatchObject({ keyName: 'sync-job', status: 200, ...expected });
      if (!expected.recordIds) expect(found.recordIds.length, what).toBe(1);
    }
    const deleted = await t.request('DELETE', `/v1/people/${person.body.data.Gsid}`, { key: writerKey });
    expect(await entryOf(deleted.headers['x-request-id'] as string)).toMatchObject({
      method: 'DELETE',
      route: '/v1/people/{personId}',
      object: 'Person',
      recordIds: [person.body.data.Gsid],
    });
  });

  it('records no read, no refused or failed write, and no Idempotency-Key replay', async () => {
    const before = (await audit('?limit=1000')).length;
    const unrecorded = [
      await t.request('GET', '/v1/companies', { key: writerKey }),
      await t.request('POST', '/v1/reports', { key: writerKey, body: { reportId: 'arr-by-industry' } }),
      await t.request('POST', '/v1/data/objects/query/Company', { key: writerKey, body: {} }),
      await t.request('POST', '/v1/companies', { key: writerKey, body: { Name: 42 } }),
      await t.request('PUT', '/v1/companies/0MWZH7JFJCOE4C6CE2YNFVNGOIGSUFH0XQIV', { key: writerKey, body: { Name: 'Nobody' } }),
      await t.request('POST', '/v1/companies', { key: readerKey, body: { Name: 'Refused' } }),
      await t.request('POST', '/v1/companies', { key: null, body: { Name: 'Refused' } }),
    ];
    expect(unrecorded.map((response) => response.status)).toEqual([200, 200, 200, 400, 404, 403, 401]);
    const first = await t.request('POST', '/v1/companies', { key: writerKey, body: { Name: 'Once' }, headers: { 'idempotency-key': 'audit-once-1' } });
    // A replay answers the first answer's bytes (its requestId included), so it is sent past the spec checker.
    const replay = await t.app.inject({
      method: 'POST',
      url: '/v1/companies',
      headers: { accesskey: writerKey, 'idempotency-key': 'audit-once-1', 'content-type': 'application/json' },
      payload: { Name: 'Once' },
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().data.Gsid).toBe(first.body.data.Gsid);
    await entryOf(first.headers['x-request-id'] as string);
    // Let anything recorded late arrive, then count: only the first of the two.
    await new Promise((done) => setTimeout(done, 300));
    const after = await audit('?limit=1000');
    expect(after.length).toBe(before + 1);
    expect(after.filter((entry) => entry.recordIds.includes(first.body.data.Gsid))).toHaveLength(1);
  });

  it('filters by key (name or prefix), object (any case), time, and limits, newest first', async () => {
    const other = await t.accessKeys.create('other-job');
    const mine = await t.request('POST', '/v1/companies', { key: other.key, body: { Name: 'Other Co' } });
    const entry = await entryOf(mine.headers['x-request-id'] as string);
    expect((await audit('?key=other-job')).map((e) => e.requestId)).toEqual([entry.requestId]);
    expect((await audit(`?key=gsk_${other.record.id}`)).map((e) => e.requestId)).toEqual([entry.requestId]);
    expect((await audit(`?key=gsk_${writerId}`)).every((e) => e.keyName === 'sync-job')).toBe(true);
    const companies = await audit('?object=company&limit=1000');
    expect(companies.length).toBeGreaterThan(3);
    expect(companies.every((e) => e.object === 'Company')).toBe(true);
    const all = await audit('?limit=1000');
    const times = all.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await audit('?limit=2')).toEqual(all.slice(0, 2));
    expect(await audit(`?since=${encodeURIComponent(entry.at)}`)).toContainEqual(entry);
    expect(await audit(`?until=${encodeURIComponent(entry.at)}&limit=1000`)).not.toContainEqual(entry);
    expect(await audit('?since=2999-01-01')).toEqual([]);
  });

  it('is for admin keys only, and says which parameter is wrong', async () => {
    expectError(await t.request('GET', '/v1/_admin/audit', { key: null }), 401, 'GS_APIG_2401');
    expectError(await t.request('GET', '/v1/_admin/audit', { key: writerKey }), 403, 'GSAPI_4030');
    expectError(await t.request('GET', '/v1/_admin/audit', { key: readerKey }), 403, 'GSAPI_4030');
    expect((await t.request('GET', '/v1/_admin/audit')).status).toBe(200);
    for (const [query, field] of [
      ['?since=yesterday', 'since'],
      ['?until=2026-13-45', 'until'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?key=', 'key'],
      ['?object=a&object=b', 'object'],
    ] as const) {
      const response = await t.request('GET', `/v1/_admin/audit${query}`, { key: adminKey });
      expect(response.status, query).toBe(400);
      expect(response.body.errorDesc, query).toMatch(new RegExp(`^${field}: `));
    }
  });

  it('never holds a key or a body', async () => {
    const secretName = 'Audit Secret Body Value';
    const response = await t.request('POST', '/v1/companies', { key: writerKey, body: { Name: secretName } });
    await entryOf(response.headers['x-request-id'] as string);
    const text = JSON.stringify(await audit('?limit=1000'));
    expect(text).not.toContain(writerKey);
    expect(text).not.toContain(writerKey.slice(17));
    expect(text).not.toContain(secretName);
  });
});

describe('the audit trail itself', () => {
  const log = () => ({ warn: vi.fn(), info: vi.fn() }) as unknown as FastifyBaseLogger & { warn: ReturnType<typeof vi.fn> };
  const entry = (at: string, n: number): AuditEntry => ({
    at,
    requestId: `r${n}`,
    keyId: 'k',
    keyName: 'key',
    method: 'POST',
    route: '/v1/companies',
    object: 'Company',
    recordIds: [`G${n}`],
    status: 200,
  });

  it('prunes entries past the retention period and beyond the row cap, newest kept', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    try {
      await store.migrate({ tables: false });
      const repository = createAuditRepository(store.database);
      let now = Date.parse('2026-06-01T00:00:00Z');
      const trail = createAuditTrail(repository, log(), { retentionDays: 30, maxRows: 5, now: () => now });
      // Ten entries over 40 days: the oldest four are past 30 days when the first batch is written.
      for (let n = 0; n < 10; n++) trail.record(entry(new Date(now - (40 - 4 * n) * 86_400_000).toISOString(), n));
      await trail.flush();
      const kept = await repository.list({ limit: 100 });
      expect(kept.map((e) => e.requestId)).toEqual(['r9', 'r8', 'r7', 'r6', 'r5']);
      // Pruning runs at most hourly: a batch within the hour is only appended.
      trail.record(entry(new Date(now).toISOString(), 10));
      await trail.flush();
      expect(await repository.list({ limit: 100 })).toHaveLength(6);
      now += 3_600_001;
      trail.record(entry(new Date(now).toISOString(), 11));
      await trail.flush();
      expect((await repository.list({ limit: 100 })).map((e) => e.requestId)).toEqual(['r11', 'r10', 'r9', 'r8', 'r7']);
    } finally {
      await store.close();
    }
  });

  it('writes in batches off the request path, and a database that refuses entries only costs a warning', async () => {
    const appended: AuditEntry[][] = [];
    let refuse = false;
    const repository = {
      append: async (batch: readonly AuditEntry[]) => {
        if (refuse) throw new Error('database down');
        appended.push([...batch]);
      },
      list: async () => appended.flat(),
      prune: async () => 0,
    };
    const logger = log();
    const trail = createAuditTrail(repository, logger, { flushIntervalMs: 50 });
    for (let n = 0; n < 3; n++) trail.record(entry('2026-06-01T00:00:00.000Z', n));
    expect(appended).toEqual([]);
    await waitFor(() => appended.length === 1, { timeoutMs: 5000 });
    expect(appended[0]).toHaveLength(3);
    // A full batch is written at once.
    for (let n = 0; n < 100; n++) trail.record(entry('2026-06-01T00:00:00.000Z', n));
    await waitFor(() => appended.length === 2, { timeoutMs: 5000 });
    expect(appended[1]).toHaveLength(100);
    refuse = true;
    expect(() => trail.record(entry('2026-06-01T00:00:00.000Z', 1))).not.toThrow();
    await expect(trail.flush()).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ entries: 1 }), expect.stringMatching(/could not write audit entries/));
  });

  it('keeps entries GS_AUDIT_RETENTION_DAYS (--audit-retention-days) days, 90 unless set', () => {
    expect(loadServeConfig({}).auditRetentionDays).toBe(90);
    expect(loadServeConfig({ GS_AUDIT_RETENTION_DAYS: '30' }).auditRetentionDays).toBe(30);
    expect(loadServeConfig({ GS_AUDIT_RETENTION_DAYS: '30' }, { auditRetentionDays: '7' }).auditRetentionDays).toBe(7);
    for (const bad of ['0', '-1', 'forever', '1.5']) {
      expect(() => loadServeConfig({ GS_AUDIT_RETENTION_DAYS: bad }), bad).toThrow(/^GS_AUDIT_RETENTION_DAYS \(--audit-retention-days\) must be an integer from 1 to 36500/);
    }
  });

  it('takes record ids from the path and from the answer', () => {
    expect(recordIdsOf({ companyId: 'A1' }, '{"result":true,"data":{"Gsid":"A1","Name":"x"}}')).toEqual(['A1']);
    expect(recordIdsOf({ object: 'Company' }, '{"data":{"count":2,"records":[{"Gsid":"B1"},{"Gsid":"B2"}]}}')).toEqual(['B1', 'B2']);
    expect(recordIdsOf({ reportId: 'my-report' }, '{"data":{"id":"my-report"}}')).toEqual(['my-report']);
    expect(recordIdsOf({}, 'not json')).toEqual([]);
    expect(recordIdsOf({}, JSON.stringify({ data: { records: Array.from({ length: 500 }, (_, n) => ({ Gsid: `G${n}` })) } }))).toHaveLength(100);
  });
});
