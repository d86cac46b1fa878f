/**
 * Optimistic concurrency over HTTP, on both backends: single records carry a strong ETag (GET,
 * PUT, PATCH), If-Match makes PUT, PATCH and DELETE conditional (412 GSAPI_4120 when stale,
 * nothing changed), and of concurrent writers holding the same tag exactly one wins.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';
import { describeEachBackend } from '../helpers/backends.js';

describeEachBackend('ETag and If-Match', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const create = async (collection: string, body: unknown) => (await t.request('POST', collection, { body })).body.data;
  const etagOf = async (path: string) => String((await t.request('GET', path)).headers.etag);

  it('answers a strong ETag on GET, PUT and PATCH: the same for the same version, new for every change', async () => {
    for (const [collection, body, change] of [
      ['/v1/companies', { Name: 'Tag Co' }, { Industry: 'Tagging' }],
      ['/v1/people', { FirstName: 'Tag' }, { Role: 'Tagger' }],
    ] as const) {
      const record = await create(collection, body);
      const path = `${collection}/${record.Gsid}`;
      const tag = await etagOf(path);
      expect(tag).toMatch(/^"[A-Za-z0-9_-]{24}"$/);
      expect(await etagOf(path)).toBe(tag);
      const patched = await t.request('PATCH', path, { body: change });
      expect(patched.headers.etag).not.toBe(tag);
      // What a write answers is what the next read answers, tag included.
      expect(await etagOf(path)).toBe(patched.headers.etag);
      const put = await t.request('PUT', path, { body: { ...body, ...change } });
      expect(put.headers.etag).not.toBe(patched.headers.etag);
      expect(await etagOf(path)).toBe(put.headers.etag);
    }
  });

  it('gives every update its own tag, however fast they follow each other', async () => {
    const record = await create('/v1/companies', { Name: 'Fast' });
    const tags = new Set<string>();
    for (let i = 0; i < 20; i++) {
      tags.add(String((await t.request('PATCH', `/v1/companies/${record.Gsid}`, { body: { Employees: i } })).headers.etag));
    }
    expect(tags.size).toBe(20);
  });

  it('writes with a current If-Match, refuses a stale one with 412 GSAPI_4120 and changes nothing', async () => {
    const record = await create('/v1/companies', { Name: 'Guarded', Industry: 'Before' });
    const path = `/v1/companies/${record.Gsid}`;
    const stale = await etagOf(path);
    const ok = await t.request('PATCH', path, { body: { Industry: 'After' }, headers: { 'if-match': stale } });
    expect(ok.status).toBe(200);
    const current = String(ok.headers.etag);
    for (const [method, body] of [
      ['PATCH', { Industry: 'Lost update' }],
      ['PUT', { Name: 'Lost update' }],
      ['DELETE', undefined],
    ] as const) {
      const refused = await t.request(method, path, { body, headers: { 'if-match': stale } });
      expectError(refused, 412, 'GSAPI_4120');
      expect(refused.body.errorDesc).toContain(record.Gsid);
    }
    const after = await t.request('GET', path);
    expect(after.body.data).toMatchObject({ Name: 'Guarded', Industry: 'After' });
    expect(after.headers.etag).toBe(current);
    // A list of tags matches when one of them is current; a weak tag never does (strong comparison).
    expect((await t.request('PUT', path, { body: { Name: 'Listed' }, headers: { 'if-match': `${stale}, ${current}` } })).status).toBe(200);
    const now = await etagOf(path);
    expectError(await t.request('PATCH', path, { body: { Industry: 'Weak' }, headers: { 'if-match': `W/${now}` } }), 412, 'GSAPI_4120');
    // An unchanged PATCH body is still refused when stale.
    expectError(await t.request('PATCH', path, { body: {}, headers: { 'if-match': stale } }), 412, 'GSAPI_4120');
    expect((await t.request('DELETE', path, { headers: { 'if-match': now } })).status).toBe(200);
    expectError(await t.request('GET', path), 404, 'GSOBJ_1011');
  });

  it('treats If-Match: * as any existing record, and answers 404 for a missing one whatever the header', async () => {
    const record = await create('/v1/people', { FirstName: 'Star' });
    const path = `/v1/people/${record.Gsid}`;
    expect((await t.request('PATCH', path, { body: { Role: 'Any' }, headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await t.request('DELETE', path, { headers: { 'if-match': '*' } })).status).toBe(200);
    for (const header of ['*', '"whatever"']) {
      expectError(await t.request('PATCH', path, { body: { Role: 'Gone' }, headers: { 'if-match': header } }), 404, 'GSOBJ_1011');
      expectError(await t.request('DELETE', path, { headers: { 'if-match': header } }), 404, 'GSOBJ_1011');
    }
  });

  it('answers 400 naming If-Match for a malformed value (an unquoted tag), changing nothing', async () => {
    const record = await create('/v1/companies', { Name: 'Malformed' });
    const path = `/v1/companies/${record.Gsid}`;
    const tag = await etagOf(path);
    for (const header of [tag.slice(1, -1), ',', '"open']) {
      expectError(await t.request('PATCH', path, { body: { Industry: 'X' }, headers: { 'if-match': header } }), 400, 'GSAPI_4000', 'If-Match');
    }
    expect(await etagOf(path)).toBe(tag);
  });

  it('without If-Match, writes are unconditional as before', async () => {
    const record = await create('/v1/companies', { Name: 'Free' });
    const path = `/v1/companies/${record.Gsid}`;
    expect((await t.request('PATCH', path, { body: { Industry: 'One' } })).status).toBe(200);
    expect((await t.request('PUT', path, { body: { Name: 'Free 2' } })).status).toBe(200);
    expect((await t.request('DELETE', path)).status).toBe(200);
  });

  it('lets exactly one of concurrent writers holding the same tag win; the others get 412', async () => {
    for (let round = 0; round < 10; round++) {
      const record = await create('/v1/companies', { Name: `Race ${round}` });
      const path = `/v1/companies/${record.Gsid}`;
      const tag = await etagOf(path);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => t.request(i % 2 ? 'PUT' : 'PATCH', path, { body: { Name: `Winner ${i}` }, headers: { 'if-match': tag } })),
      );
      expect(answers.map((answer) => answer.status).sort(), `round ${round}`).toEqual([200, 412, 412, 412, 412, 412]);
      const winner = answers.findIndex((answer) => answer.status === 200);
      const after = await t.request('GET', path);
      expect(after.body.data.Name).toBe(`Winner ${winner}`);
      expect(after.headers.etag).toBe(answers[winner]!.headers.etag);
    }
  });

  it('lets one of a delete and an update holding the same tag win: the update loses with 412, or finds the record gone (404)', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 10; round++) {
      const record = await create('/v1/companies', { Name: `Delete race ${round}` });
      const path = `/v1/companies/${record.Gsid}`;
      const tag = await etagOf(path);
      const [removed, patched] = await Promise.all([
        t.request('DELETE', path, { headers: { 'if-match': tag } }),
        t.request('PATCH', path, { body: { Industry: 'Late' }, headers: { 'if-match': tag } }),
      ]);
      const after = await t.request('GET', path);
      if (removed.status === 200) {
        expect(patched.status).toBe(404);
        expect(after.status).toBe(404);
      } else {
        expect([removed.status, patched.status]).toEqual([412, 200]);
        expect(after.body.data.Industry).toBe('Late');
      }
      outcomes.add(`${removed.status}/${patched.status}`);
    }
    expect([...outcomes].every((outcome) => ['200/404', '412/200'].includes(outcome))).toBe(true);
  });

  it('documents ETag, If-Match and 412 in the OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const collection of ['/v1/companies/{companyId}', '/v1/people/{personId}']) {
      const item = document.paths[collection];
      for (const method of ['get', 'put', 'patch']) expect(item[method].responses['200'].headers.ETag, `${method} ${collection}`).toBeDefined();
      for (const method of ['put', 'patch', 'delete']) {
        expect(item[method].parameters.map((parameter: { name: string }) => parameter.name)).toContain('If-Match');
        expect(item[method].parameters.find((parameter: { name: string }) => parameter.name === 'If-Match').in).toBe('header');
        expect(item[method].responses['412']).toEqual({ $ref: '#/components/responses/PreconditionFailed' });
      }
    }
    expect(document.components.responses.PreconditionFailed.description).toContain('GSAPI_4120');
  });
});
