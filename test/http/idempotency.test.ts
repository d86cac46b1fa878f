/**
 * Idempotency-Key (src/server/idempotency.ts) over HTTP, on both backends: replays are the first
 * answer byte for byte, a reused key with another request is 422, concurrent duplicates write
 * once, answers expire after 24 hours (injected clock), keys are per access key, every write
 * route takes the header, and 5xx answers are rolled back with their writes.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errors } from '../../src/domain/errors.js';
import { Company } from '../../src/domain/objects/index.js';
import { handleError } from '../../src/server/error-handler.js';
import { registerIdempotency } from '../../src/server/idempotency.js';
import { openStore } from '../../src/store/store.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp } from '../helpers/app.js';
import { describeEachBackend } from '../helpers/backends.js';

interface Raw {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** A request with the exact bytes of the answer (the helper parses them). */
async function send(t: TestApp, method: string, url: string, options: { key?: string; body?: unknown; headers?: Record<string, string>; accessKey?: string } = {}): Promise<Raw> {
  const headers: Record<string, string> = { accesskey: options.accessKey ?? BOOTSTRAP_KEY, ...options.headers };
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await t.app.inject({
    method: method as 'POST',
    url,
    headers,
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

async function countCompanies(t: TestApp): Promise<number> {
  return (await t.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount;
}

async function recordedKeys(t: TestApp): Promise<string[]> {
  const rows = await t.store.database.db.selectFrom('idempotency_key').select('request_key').orderBy('request_key').execute();
  return rows.map((row: { request_key: string }) => row.request_key);
}

describeEachBackend('Idempotency-Key', (backend) => {
  let now = new Date('2026-06-01T00:00:00.000Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { idempotency: { clock: () => now } });
  });
  afterAll(() => t.close());

  it('replays the first answer byte for byte (Gsid and requestId included), marked Idempotent-Replayed, and writes once', async () => {
    const before = await countCompanies(t);
    const first = await send(t, 'POST', '/v1/companies', { key: 'create-1', body: { Name: 'Once Inc', ARR: 10.5 } });
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await send(t, 'POST', '/v1/companies', { key: 'create-1', body: { Name: 'Once Inc', ARR: 10.5 } });
    expect(again.status).toBe(200);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    // The body keeps the first request's id; the header names this request (its log line).
    expect(JSON.parse(again.body).requestId).toBe(JSON.parse(first.body).requestId);
    expect(again.headers['x-request-id']).not.toBe(JSON.parse(first.body).requestId);
    expect(await countCompanies(t)).toBe(before + 1);
    const gsid = JSON.parse(first.body).data.Gsid;
    expect((await t.request('GET', `/v1/companies/${gsid}`)).body.data.Name).toBe('Once Inc');
  });

  it('refuses the key for a different request with 422 GSAPI_4220, writing nothing', async () => {
    await send(t, 'POST', '/v1/companies', { key: 'reuse-1', body: { Name: 'First' } });
    const before = await countCompanies(t);
    for (const [method, url, body] of [
      ['POST', '/v1/companies', { Name: 'Second' }],
      ['POST', '/v1/companies', { Name: 'First', Industry: 'Other' }],
      ['POST', '/v1/people', { Name: 'First' }],
      ['POST', '/v1/companies?x=1', { Name: 'First' }],
    ] as const) {
      const res = await send(t, method, url, { key: 'reuse-1', body });
      expect(res.status, `${method} ${url}`).toBe(422);
      expect(JSON.parse(res.body)).toMatchObject({ result: false, errorCode: 'GSAPI_4220' });
      expect(JSON.parse(res.body).errorDesc).toContain('Idempotency-Key "reuse-1"');
    }
    expect(await countCompanies(t)).toBe(before);
  });

  it('runs concurrent duplicates exactly once: the others wait and replay the same answer', async () => {
    const before = await countCompanies(t);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send(t, 'POST', '/v1/companies', { key: 'concurrent-1', body: { Name: 'Raced' } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await countCompanies(t)).toBe(before + 1);
    // Different keys sent together all run.
    const distinct = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(t, 'POST', '/v1/companies', { key: `concurrent-distinct-${i}`, body: { Name: 'Raced' } })),
    );
    expect(new Set(distinct.map((answer) => JSON.parse(answer.body).data.Gsid)).size).toBe(10);
    expect(await countCompanies(t)).toBe(before + 11);
  });

  it('keeps keys per access key: another key with the same Idempotency-Key writes its own record', async () => {
    const other = await t.accessKeys.create('idempotency-other');
    const mine = await send(t, 'POST', '/v1/companies', { key: 'shared-name', body: { Name: 'Mine' } });
    const theirs = await send(t, 'POST', '/v1/companies', { key: 'shared-name', body: { Name: 'Mine' }, accessKey: other.key });
    expect(theirs.status).toBe(200);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(theirs.body).data.Gsid).not.toBe(JSON.parse(mine.body).data.Gsid);
    // Each replays its own.
    const mineAgain = await send(t, 'POST', '/v1/companies', { key: 'shared-name', body: { Name: 'Mine' } });
    const theirsAgain = await send(t, 'POST', '/v1/companies', { key: 'shared-name', body: { Name: 'Mine' }, accessKey: other.key });
    expect(mineAgain.body).toBe(mine.body);
    expect(theirsAgain.body).toBe(theirs.body);
  });

  it('records a 4xx answer (replayed too) and undoes nothing it did not write', async () => {
    const before = await countCompanies(t);
    const refused = await send(t, 'POST', '/v1/companies', { key: 'bad-1', body: { Industry: 'No name' } });
    expect(refused.status).toBe(400);
    const again = await send(t, 'POST', '/v1/companies', { key: 'bad-1', body: { Industry: 'No name' } });
    expect(again.status).toBe(400);
    expect(again.body).toBe(refused.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // The fixed request is another request: a new key is needed.
    expect((await send(t, 'POST', '/v1/companies', { key: 'bad-1', body: { Name: 'Fixed' } })).status).toBe(422);
    expect(await countCompanies(t)).toBe(before);
  });

  it('undoes what a refused request wrote before it was refused (a 409 after a write in the same request)', async () => {
    const company = JSON.parse((await send(t, 'POST', '/v1/companies', { body: { Name: 'Referenced' } })).body).data;
    await send(t, 'POST', '/v1/people', { body: { FirstName: 'Ref', CompanyId: company.Gsid } });
    const refused = await send(t, 'DELETE', `/v1/companies/${company.Gsid}`, { key: 'delete-referenced' });
    expect(refused.status).toBe(409);
    expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).status).toBe(200);
    expect((await send(t, 'DELETE', `/v1/companies/${company.Gsid}`, { key: 'delete-referenced' })).body).toBe(refused.body);
  });

  it('validates the key: empty, longer than 255 or not printable ASCII is 400 naming Idempotency-Key, and nothing is written', async () => {
    const before = await countCompanies(t);
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
      const res = await send(t, 'POST', '/v1/companies', { key, body: { Name: 'Bad key' } });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(JSON.parse(res.body).errorDesc).toContain('Idempotency-Key');
    }
    expect(await countCompanies(t)).toBe(before);
    const longest = await send(t, 'POST', '/v1/companies', { key: '~'.repeat(255), body: { Name: 'Longest key' } });
    expect(longest.status).toBe(200);
    expect((await send(t, 'POST', '/v1/companies', { key: '~'.repeat(255), body: { Name: 'Longest key' } })).headers['idempotent-replayed']).toBe('true');
  });

  it('ignores the header on reads sent as POST (running a report): they are safe to retry as they are', async () => {
    const first = await send(t, 'POST', '/v1/reports', { key: 'report-1', body: { reportId: 'upcoming-renewals', parameters: { days: 30 } } });
    const second = await send(t, 'POST', '/v1/reports', { key: 'report-1', body: { reportId: 'upcoming-renewals', parameters: { days: 60 } } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(second.body).requestId).not.toBe(JSON.parse(first.body).requestId);
  });

  it('replays the ETag of a recorded update', async () => {
    const created = JSON.parse((await send(t, 'POST', '/v1/companies', { body: { Name: 'Tagged' } })).body).data;
    const first = await send(t, 'PATCH', `/v1/companies/${created.Gsid}`, { key: 'patch-1', body: { Industry: 'Tags' } });
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    const again = await send(t, 'PATCH', `/v1/companies/${created.Gsid}`, { key: 'patch-1', body: { Industry: 'Tags' } });
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.body).toBe(first.body);
  });

  it('frees a key after 24 hours (the same key runs again, even with another body) and prunes expired keys', async () => {
    expect(await recordedKeys(t)).toContain('create-1');
    now = new Date('2026-06-10T00:00:00.000Z');
    const first = await send(t, 'POST', '/v1/companies', { key: 'expiring', body: { Name: 'Day one' } });
    // The keys of June 1 expired long ago: the first request after that pruned them.
    expect(await recordedKeys(t)).toEqual(['expiring']);
    now = new Date(now.getTime() + 24 * 3600_000 - 1);
    expect((await send(t, 'POST', '/v1/companies', { key: 'expiring', body: { Name: 'Day one' } })).body).toBe(first.body);
    now = new Date(now.getTime() + 2);
    const later = await send(t, 'POST', '/v1/companies', { key: 'expiring', body: { Name: 'Day two' } });
    expect(later.status).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(later.body).data.Name).toBe('Day two');
    expect((await send(t, 'POST', '/v1/companies', { key: 'expiring', body: { Name: 'Day two' } })).body).toBe(later.body);
  });
});

describeEachBackend('Idempotency-Key on every write route', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('takes the header on every write operation of the OpenAPI document, replaying each answer', async () => {
    const company = (await t.request('POST', '/v1/companies', { body: { Name: 'Routes Co', Industry: 'Routing' } })).body.data;
    const spare = (await t.request('POST', '/v1/companies', { body: { Name: 'Spare Co' } })).body.data;
    const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Route', Email: 'route@example.com' } })).body.data;
    const extra = (await t.request('POST', '/v1/people', { body: { FirstName: 'Extra' } })).body.data;
    await t.request('PUT', '/v1/reports/doomed', { body: { name: 'Doomed', object: 'Company', fields: ['Name'] } });
    const event = { sharedSecret: 's', topicName: 'T', tenantId: 'tenant', eventName: 'E', eventVersion: '1.0' };
    // One request per write operation, each expected to succeed.
    const samples: Record<string, { method: string; url: string; body?: unknown; headers?: Record<string, string> }> = {
      createCompany: { method: 'POST', url: '/v1/companies', body: { Name: 'Made by route' } },
      updateCompany: { method: 'PUT', url: `/v1/companies/${company.Gsid}`, body: { Name: 'Routes Co 2' } },
      patchCompany: { method: 'PATCH', url: `/v1/companies/${company.Gsid}`, body: { Industry: null } },
      deleteCompany: { method: 'DELETE', url: `/v1/companies/${spare.Gsid}` },
      createPerson: { method: 'POST', url: '/v1/people', body: { FirstName: 'Made' } },
      updatePerson: { method: 'PUT', url: `/v1/people/${person.Gsid}`, body: { LastName: 'Routed' } },
      patchPerson: { method: 'PATCH', url: `/v1/people/${person.Gsid}`, body: { Role: 'Tester' } },
      deletePerson: { method: 'DELETE', url: `/v1/people/${extra.Gsid}` },
      saveReport: { method: 'PUT', url: '/v1/reports/kept', body: { name: 'Kept', object: 'Company', fields: ['Name'] } },
      deleteReport: { method: 'DELETE', url: '/v1/reports/doomed' },
      nxtInsert: { method: 'POST', url: '/v1/data/objects/Company', body: { records: [{ Name: 'NXT made' }] } },
      nxtUpdate: { method: 'PUT', url: '/v1/data/objects/Company?keys=Gsid', body: { records: [{ Gsid: company.Gsid, Industry: 'NXT' }] } },
      nxtDelete: { method: 'DELETE', url: `/v1/data/objects/Company/${company.Gsid}` },
      nxtPeopleUpsert: { method: 'PUT', url: '/v1/peoplemgmt/v1.0/people', body: { Email: 'upsert@example.com', Role: 'Upserted' } },
      nxtPeopleUpsertV1: { method: 'PUT', url: '/v1.0/api/people', body: { Email: 'upsert-v1@example.com' } },
      nxtPostEvent: { method: 'POST', url: '/v1.0/api/eventManager/event', body: { a: 1 }, headers: event },
      nxtCreateUsers: { method: 'POST', url: '/v1/users/services', body: { records: [{ Email: 'route.user@example.com', Name: 'Route User' }] } },
    };
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const writes: string[] = [];
    for (const operations of Object.values<Record<string, any>>(document.paths)) {
      for (const operation of Object.values(operations)) {
        if ((operation.parameters ?? []).some((parameter: { name?: string }) => parameter.name === 'Idempotency-Key')) writes.push(operation.operationId);
        if (operation['x-access'] === 'write') expect(operation.responses['422'], operation.operationId).toBeDefined();
      }
    }
    // A new write route needs a sample here.
    expect(writes.sort()).toEqual(Object.keys(samples).sort());
    for (const [operationId, sample] of Object.entries(samples)) {
      const options = { key: `route-${operationId}`, body: sample.body, headers: sample.headers };
      const first = await send(t, sample.method, sample.url, options);
      expect(first.status, `${operationId}: ${first.body}`).toBe(200);
      const again = await send(t, sample.method, sample.url, options);
      expect(again.status, operationId).toBe(200);
      expect(again.body, operationId).toBe(first.body);
      expect(again.headers['idempotent-replayed'], operationId).toBe('true');
    }
    // The writes happened once: the deleted company answers as deleted, the created one exists once.
    expectError(await t.request('GET', `/v1/companies/${company.Gsid}`), 404, 'GSOBJ_1011');
    const made = await t.request('POST', '/v1/data/objects/query/Company', { body: { select: ['Name'], where: { conditions: [{ name: 'Name', alias: 'A', value: ['NXT made'], operator: 'EQ' }], expression: 'A' } } });
    expect(made.body.data.records).toHaveLength(1);
  });
});

describeEachBackend('Idempotency-Key and server errors', (backend) => {
  it('does not record a 5xx: its writes are rolled back and a retry with the key runs again', async () => {
    const url = await backend.newDatabaseUrl();
    const store = await openStore({ url, sqliteSynchronous: 'normal' });
    await store.migrate();
    const app = Fastify();
    app.setErrorHandler(handleError);
    app.addHook('onRequest', async (request) => {
      request.principal = { keyId: 'test', name: 'test', readOnly: false, admin: false };
    });
    registerIdempotency(app, store.idempotency);
    let failNext = true;
    app.post('/v1/companies', { config: { access: 'write' } }, async () => {
      const Name = `Attempt ${failNext ? 'failing' : 'passing'}`;
      const record = await store.records(Company).insert({ Gsid: 'A'.repeat(35) + (failNext ? 'F' : 'P'), Name, CreatedDate: '2026-01-01T00:00:00.000Z', ModifiedDate: '2026-01-01T00:00:00.000Z' });
      if (failNext) {
        failNext = false;
        throw errors.unavailable('injected after the write');
      }
      return record;
    });
    await app.ready();
    try {
      const post = () => app.inject({ method: 'POST', url: '/v1/companies', headers: { 'idempotency-key': 'retry-me', 'content-type': 'application/json' }, payload: '{}' });
      const failed = await post();
      expect(failed.statusCode).toBe(503);
      expect(await store.records(Company).count()).toBe(0);
      const retried = await post();
      expect(retried.statusCode).toBe(200);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(retried.json().Name).toBe('Attempt passing');
      expect(await store.records(Company).count()).toBe(1);
      expect((await post()).body).toBe(retried.body);
    } finally {
      await app.close();
      await store.close();
      await backend.dispose(url);
    }
  });
});
