/**
 * Bodies nested deeper than any Gainsight call needs are refused with a clear 400 before any
 * handler runs, on every surface, and write nothing. Found from outside: `{"Name":[[[…]]]}`
 * 100,000 deep (a 200 KB body) answered 500, and `{"Industry":{"a":{"a":…}}}` 20,000 deep was
 * described as `[object Object]`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

describeEachBackend('deeply nested bodies', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const send = (method: string, url: string, payload: string) =>
    t.request(method, url, { payload, headers: { 'content-type': 'application/json' } });
  const companies = async () => (await t.request('GET', '/v1/companies')).body.data.totalCount as number;

  it('refuses 100,000 nested arrays and 20,000 nested objects with a 400 naming the limit, writing nothing', async () => {
    const before = await companies();
    const bodies = [
      `{"Name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      `{"Name":"Deep","Industry":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
    ];
    for (const [method, url] of [
      ['POST', '/v1/companies'],
      ['POST', '/v1/data/objects/Company'],
      ['POST', '/v1/data/objects/query/Company'],
      ['POST', '/v1/reports'],
    ] as const) {
      for (const body of bodies) {
        const response = await send(method, url, body);
        expectError(response, 400, response.body.errorCode);
        expect(response.body.errorDesc, url).toMatch(/more than 64 levels deep/);
      }
    }
    expect(await companies()).toBe(before);
  });

  it('takes bodies nested 64 levels deep to validation, which names the field', async () => {
    const response = await send('POST', '/v1/companies', `{"Name":"Ok","Industry":${'['.repeat(63)}${']'.repeat(63)}}`);
    expectError(response, 400, 'GSOBJ_1008', 'Industry');
    expect(response.body.errorDesc).toMatch(/\[\[\[\[/);
    // A value nested deep inside a string is just text.
    const ok = await send('POST', '/v1/companies', JSON.stringify({ Name: '['.repeat(100) }));
    expect(ok.status).toBe(200);
  });
});
