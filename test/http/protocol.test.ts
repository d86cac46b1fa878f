import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeedSpec } from '../../src/spec.js';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

const MISSING_ID = 'Z'.repeat(36);
const ONE_MIB = 1024 * 1024;
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const JSON_TYPE = { 'content-type': 'application/json' };
/** What a stack trace, a source location or a driver's internals look like in a message. */
const INTERNALS = /\n\s*at |\bat [\w.<>]+ \(|\.[cm]?[jt]s:\d+|node_modules|\/work\/|\/src\/|SqliteError|Kysely|SQLITE_|pg_|relation "|driver/i;

function expectSameRequestId(res: TestResponse): void {
  const header = res.headers['x-request-id'];
  expect(typeof header).toBe('string');
  expect(header).not.toBe('');
  expect(res.body.requestId).toBe(header);
}

function expectNoInternals(res: TestResponse): void {
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(INTERNALS);
  expect(Object.keys(res.body).sort()).toEqual(['errorCode', 'errorDesc', 'requestId', 'result']);
}

describeEachBackend('protocol', (backend) => {
  let t: TestApp;
  let document: any;
  beforeAll(async () => {
    t = await createTestApp(backend);
    document = (await t.request('GET', '/openapi.json', { key: null })).body;
  });
  afterAll(() => t.close());

  const createCompany = async (body: Record<string, unknown> = { Name: 'Protocol Co' }) => {
    const res = await t.request('POST', '/v1/companies', { body });
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const companyCount = async () => (await t.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount as number;

  describe('request ids', () => {
    const responses: Array<[string, () => Promise<TestResponse>, number]> = [
      ['a success (list)', () => t.request('GET', '/v1/companies'), 200],
      ['a success (create)', () => t.request('POST', '/v1/companies', { body: { Name: 'Rid' } }), 200],
      ['a validation error', () => t.request('POST', '/v1/companies', { body: { Name: 5 } }), 400],
      ['malformed JSON', () => t.request('POST', '/v1/companies', { payload: '{', headers: JSON_TYPE }), 400],
      ['a missing key', () => t.request('GET', '/v1/companies', { key: null }), 401],
      ['a missing record', () => t.request('GET', `/v1/companies/${MISSING_ID}`), 404],
      ['an unknown route', () => t.request('GET', '/v1/nowhere'), 404],
      ['an unknown route without key', () => t.request('GET', '/v1/nowhere', { key: null }), 401],
      ['a wrong method', () => t.request('POST', `/v1/companies/${MISSING_ID}`, { body: {} }), 405],
      ['a body too large', () => t.request('POST', '/v1/companies', { payload: 'x'.repeat(ONE_MIB + 1), headers: JSON_TYPE }), 413],
      ['an unsupported media type', () => t.request('POST', '/v1/companies', { payload: '<a/>', headers: { 'content-type': 'application/xml' } }), 415],
      ['health', () => t.request('GET', '/healthz', { key: null }), 200],
    ];

    it.each(responses)('X-Request-Id equals body.requestId on %s', async (_name, send, status) => {
      const res = await send();
      expect(res.status).toBe(status);
      expectSameRequestId(res);
    });

    it('HEAD responses carry an X-Request-Id too', async () => {
      const res = await t.request('HEAD', '/v1/companies');
      expect(res.headers['x-request-id']).toMatch(/^\S+$/);
    });

    it('ids differ between requests, sequential or concurrent', async () => {
      const sequential: string[] = [];
      for (let i = 0; i < 10; i++) sequential.push((await t.request('GET', '/v1/companies')).body.requestId);
      const concurrent = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 2 === 0 ? t.request('GET', '/v1/companies') : t.request('GET', `/v1/companies/${MISSING_ID}`),
        ),
      );
      const ids = [...sequential, ...concurrent.map((res) => res.body.requestId)];
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each(['trace-0001', 'abc.DEF_123:456-789', '8f14e45f-ceea-467f-a0e3-9e53b1a2c3d4', 'x'.repeat(64)])(
      'echoes a safe client id %s, on success and on failure',
      async (id) => {
        for (const res of [
          await t.request('GET', '/v1/companies', { headers: { 'x-request-id': id } }),
          await t.request('GET', '/v1/companies', { key: null, headers: { 'x-request-id': id } }),
          await t.request('GET', '/v1/nowhere', { headers: { 'x-request-id': id } }),
        ]) {
          expect(res.headers['x-request-id']).toBe(id);
          expect(res.body.requestId).toBe(id);
        }
      },
    );

    it.each([
      ['spaces', 'has some spaces'],
      ['500 characters', 'a'.repeat(500)],
      ['markup', '<script>alert(1)</script>'],
      ['a newline escape', 'id\\r\\nset-cookie:x'],
      ['quotes', '"quoted"'],
      ['a slash', '../../etc/passwd'],
    ])('replaces an unsafe client id (%s)', async (_name, id) => {
      const first = await t.request('GET', '/v1/companies', { headers: { 'x-request-id': id } });
      const second = await t.request('GET', '/v1/companies', { key: null, headers: { 'x-request-id': id } });
      for (const res of [first, second]) {
        expectSameRequestId(res);
        expect(res.body.requestId).not.toBe(id);
        expect(res.body.requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      }
      expect(first.body.requestId).not.toBe(second.body.requestId);
    });
  });

  describe('methods and paths', () => {
    /** The methods the document declares for a path, plus HEAD where GET exists. */
    const documentedMethods = (path: string): string[] => {
      const methods = Object.keys(document.paths[path]).filter((m) => HTTP_METHODS.includes(m)).map((m) => m.toUpperCase());
      if (methods.includes('GET')) methods.push('HEAD');
      return methods.sort();
    };

    const allowOf = (res: TestResponse): string[] =>
      String(res.headers.allow ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean)
        .sort();

    it.each([
      ['POST', `/v1/companies/${MISSING_ID}`, '/v1/companies/{companyId}'],
      ['DELETE', '/v1/companies', '/v1/companies'],
    ])('%s %s -> 405 GSAPI_4050 with Allow', async (method, url, template) => {
      const res = await t.request(method, url, { body: method === 'DELETE' ? undefined : {} });
      expectError(res, 405, 'GSAPI_4050', method);
      expect(allowOf(res)).toEqual(documentedMethods(template));
      expect(allowOf(res)).toEqual(expect.arrayContaining(['GET', 'HEAD']));
      expect(allowOf(res)).not.toContain(method);
    });

    it('every undocumented method on every documented path -> 405 with the documented methods in Allow', async () => {
      let checked = 0;
      for (const template of Object.keys(document.paths)) {
        const url = template.replace(/\{\w+\}/g, MISSING_ID);
        const documented = documentedMethods(template);
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !documented.includes(m))) {
          const res = await t.request(method, url, { body: method === 'GET' || method === 'DELETE' ? undefined : {} });
          expectError(res, 405, 'GSAPI_4050', method);
          expect(allowOf(res), `${method} ${template}`).toEqual(documented);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(5);
    });

    it('405 on a malformed id is still 405 (the method is wrong whatever the id)', async () => {
      expectError(await t.request('POST', '/v1/companies/not-a-gsid', { body: {} }), 405, 'GSAPI_4050');
    });

    it('a wrong method changes nothing', async () => {
      const company = await createCompany({ Name: 'Unmoved' });
      const before = await companyCount();
      expectError(await t.request('POST', `/v1/companies/${company.Gsid}`, { body: { Name: 'Moved' } }), 405, 'GSAPI_4050');
      expectError(await t.request('DELETE', '/v1/companies'), 405, 'GSAPI_4050');
      expect(await companyCount()).toBe(before);
      expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data).toEqual(company);
    });

    it('a trailing slash is accepted on collections, items and system routes', async () => {
      const company = await createCompany({ Name: 'Slashed' });
      const list = await t.request('GET', '/v1/companies/');
      expect(list.status).toBe(200);
      expect(list.body.data.totalCount).toBe((await t.request('GET', '/v1/companies')).body.data.totalCount);
      expect((await t.request('GET', `/v1/companies/${company.Gsid}/`)).body.data).toEqual(company);
      const created = await t.request('POST', '/v1/companies/', { body: { Name: 'Posted with slash' } });
      expect(created.status).toBe(200);
      expect((await t.request('GET', `/v1/companies/${created.body.data.Gsid}`)).status).toBe(200);
      const put = await t.request('PUT', `/v1/companies/${company.Gsid}/`, { body: { Name: 'Slashed again' } });
      expect(put.body.data.Name).toBe('Slashed again');
      expect((await t.request('GET', '/v1/people/')).status).toBe(200);
      expect((await t.request('GET', '/healthz/', { key: null })).status).toBe(200);
      expectError(await t.request('GET', '/v1/companies/', { key: null }), 401, 'GS_APIG_2401');
    });

    it('HEAD answers like GET without a body', async () => {
      const company = await createCompany({ Name: 'Headed' });
      for (const url of ['/v1/companies', `/v1/companies/${company.Gsid}`, '/v1/people', '/v1/companies?pageSize=2']) {
        const res = await t.request('HEAD', url);
        expect(res.status, url).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['x-request-id']).toBeTruthy();
      }
      expect((await t.request('HEAD', `/v1/companies/${MISSING_ID}`)).status).toBe(404);
      expect((await t.request('HEAD', '/v1/companies/not-a-gsid')).status).toBe(400);
      expect((await t.request('HEAD', '/v1/companies', { key: null })).status).toBe(401);
      expect((await t.request('HEAD', '/healthz', { key: null })).status).toBe(200);
      expect((await t.request('HEAD', '/openapi.json', { key: null })).status).toBe(200);
    });
  });

  describe('system routes', () => {
    it('GET /healthz answers 200 {status: ok, database} without a key', async () => {
      const res = await t.request('GET', '/healthz', { key: null });
      expect(res.status).toBe(200);
      expect(res.body.result).toBe(true);
      expect(res.body.data).toEqual({ status: 'ok', database: backend.name });
    });

    it('GET /openapi.json is an OpenAPI 3.1 document served without a key', async () => {
      const res = await t.request('GET', '/openapi.json', { key: null });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.openapi).toMatch(/^3\.1\.\d+$/);
      expect(res.body.info.title).toEqual(expect.any(String));
      expect(res.body.info.version).toEqual(expect.any(String));
      expect(res.body.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', name: 'accessKey', in: 'header' });
    });

    it('contains every seed path and method with the seed operationId', () => {
      const seed = loadSeedSpec() as any;
      let count = 0;
      for (const [path, item] of Object.entries(seed.paths as Record<string, Record<string, any>>)) {
        for (const [method, operation] of Object.entries(item)) {
          if (!HTTP_METHODS.includes(method)) continue;
          count++;
          expect(document.paths[path]?.[method]?.operationId, `${method.toUpperCase()} ${path}`).toBe(operation.operationId);
          expect(document.paths[path][method]['x-extension'], `${method.toUpperCase()} ${path} is a seed operation`).toBeUndefined();
        }
      }
      expect(count).toBe(7);
    });

    it('marks every operation that is not in the seed with x-extension: true', () => {
      const seed = loadSeedSpec() as any;
      const extensions: string[] = [];
      for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
        for (const [method, operation] of Object.entries(item)) {
          if (!HTTP_METHODS.includes(method)) continue;
          if (seed.paths[path]?.[method]) continue;
          expect(operation['x-extension'], `${method.toUpperCase()} ${path}`).toBe(true);
          extensions.push(`${method.toUpperCase()} ${path}`);
        }
      }
      for (const expected of ['PATCH /v1/companies/{companyId}', 'POST /v1/people', 'GET /v1/people/{personId}', 'GET /healthz']) {
        expect(extensions).toContain(expected);
      }
    });

    it('operationIds are unique', () => {
      const ids = Object.values(document.paths as Record<string, Record<string, any>>).flatMap((item) =>
        Object.entries(item)
          .filter(([method]) => HTTP_METHODS.includes(method))
          .map(([, operation]) => operation.operationId),
      );
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('CompanyInput includes CSMName and OriginalContractDate, and the server accepts them', async () => {
      const input = document.components.schemas.CompanyInput;
      expect(Object.keys(input.properties)).toEqual(expect.arrayContaining(['Name', 'CSMName', 'OriginalContractDate']));
      expect(input.properties.OriginalContractDate.format).toBe('date');
      const created = await createCompany({ Name: 'Input', CSMName: 'Kim Lee', OriginalContractDate: '2021-03-01' });
      expect(created).toMatchObject({ CSMName: 'Kim Lee', OriginalContractDate: '2021-03-01' });
    });
  });

  describe('content types', () => {
    it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON'])(
      'accepts %s',
      async (type) => {
        const res = await t.request('POST', '/v1/companies', { payload: '{"Name":"Typed \\u00e9"}', headers: { 'content-type': type } });
        expect(res.status).toBe(200);
        expect(res.body.data.Name).toBe('Typed é');
        const put = await t.request('PUT', `/v1/companies/${res.body.data.Gsid}`, {
          payload: '{"Name":"Typed again"}',
          headers: { 'content-type': type },
        });
        expect(put.status).toBe(200);
        expect(put.body.data.Name).toBe('Typed again');
      },
    );

    it('accepts application/merge-patch+json on PATCH', async () => {
      const company = await createCompany({ Name: 'Merge', Industry: 'Retail', Employees: 3 });
      const res = await t.request('PATCH', `/v1/companies/${company.Gsid}`, {
        payload: '{"Industry":null,"Employees":4}',
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(res.status).toBe(200);
      expect(res.body.data).not.toHaveProperty('Industry');
      expect(res.body.data.Employees).toBe(4);
      expect(res.body.data.Name).toBe('Merge');
      const withCharset = await t.request('PATCH', `/v1/companies/${company.Gsid}`, {
        payload: '{"Employees":5}',
        headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' },
      });
      expect(withCharset.body.data.Employees).toBe(5);
    });

    it('DELETE and GET with Content-Type: application/json and an empty body work', async () => {
      const company = await createCompany({ Name: 'Empty bodied' });
      const get = await t.request('GET', `/v1/companies/${company.Gsid}`, { payload: '', headers: JSON_TYPE });
      expect(get.status).toBe(200);
      expect((await t.request('GET', '/v1/companies', { payload: '', headers: JSON_TYPE })).status).toBe(200);
      const deleted = await t.request('DELETE', `/v1/companies/${company.Gsid}`, { payload: '', headers: JSON_TYPE });
      expect(deleted.status).toBe(200);
      expect(deleted.body.data).toEqual({ Gsid: company.Gsid });
      expectError(await t.request('DELETE', `/v1/companies/${company.Gsid}`, { payload: '', headers: JSON_TYPE }), 404, 'GSOBJ_1011');
      expectError(await t.request('GET', `/v1/companies/${company.Gsid}`, { payload: '', headers: JSON_TYPE }), 404, 'GSOBJ_1011');
    });

    it('a write with an empty JSON body is a 400 that asks for a body, never a 500', async () => {
      const res = await t.request('POST', '/v1/companies', { payload: '', headers: JSON_TYPE });
      expectError(res, 400, 'GSAPI_4000');
      expect(res.body.errorDesc).toMatch(/body/i);
    });

    const writes: Array<[string, string, (gsid: string) => string]> = [
      ['POST', 'create', () => '/v1/companies'],
      ['PUT', 'update', (gsid) => `/v1/companies/${gsid}`],
      ['PATCH', 'patch', (gsid) => `/v1/companies/${gsid}`],
      ['POST', 'report', () => '/v1/reports'],
    ];

    it.each(writes)('%s (%s) with text/plain -> 415 GSAPI_4150, nothing written', async (method, _what, url) => {
      const company = await createCompany({ Name: 'Plain' });
      const before = await companyCount();
      const payload = url(company.Gsid) === '/v1/reports' ? '{"reportId":"r"}' : '{"Name":"Plain text"}';
      const res = await t.request(method, url(company.Gsid), { payload, headers: { 'content-type': 'text/plain' } });
      expectError(res, 415, 'GSAPI_4150');
      expect(await companyCount()).toBe(before);
      expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data).toEqual(company);
    });

    it.each(['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/json'])(
      'POST with %s -> 415 GSAPI_4150',
      async (type) => {
        const before = await companyCount();
        expectError(await t.request('POST', '/v1/companies', { payload: '{"Name":"x"}', headers: { 'content-type': type } }), 415, 'GSAPI_4150');
        expect(await companyCount()).toBe(before);
      },
    );

    it('a body without Content-Type on POST -> 415 GSAPI_4150, nothing written', async () => {
      const before = await companyCount();
      expectError(await t.request('POST', '/v1/companies', { payload: '{"Name":"No type"}' }), 415, 'GSAPI_4150');
      expectError(await t.request('POST', '/v1/people', { payload: '{"FirstName":"No type"}' }), 415, 'GSAPI_4150');
      expect(await companyCount()).toBe(before);
    });

    it('a body over 1 MiB -> 413 GSAPI_4130, nothing written', async () => {
      const before = await companyCount();
      const big = JSON.stringify({ Name: 'Big', Industry: 'x'.repeat(ONE_MIB) });
      expectError(await t.request('POST', '/v1/companies', { payload: big, headers: JSON_TYPE }), 413, 'GSAPI_4130');
      const company = await createCompany({ Name: 'Target of a big PUT' });
      expectError(await t.request('PUT', `/v1/companies/${company.Gsid}`, { payload: big, headers: JSON_TYPE }), 413, 'GSAPI_4130');
      expect(await companyCount()).toBe(before + 1);
      expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data).toEqual(company);
    });

    it('a body just under 1 MiB is read and validated (not 413)', async () => {
      const name = 'n'.repeat(ONE_MIB - 100);
      const res = await t.request('POST', '/v1/companies', { body: { Name: name } });
      expectError(res, 400, 'GSOBJ_1001', 'Name');
    });

    it('malformed JSON -> 400 GSAPI_4000, never 500', async () => {
      for (const payload of ['{', '{"Name":}', 'nul', '{"Name":"x",}', '\u0000']) {
        expectError(await t.request('POST', '/v1/companies', { payload, headers: JSON_TYPE }), 400, 'GSAPI_4000');
      }
    });

    describe('prototype poisoning', () => {
      const poisoned: Array<[string, string, string]> = [
        ['__proto__ at the top', '{"Name":"Poison","__proto__":{"polluted":"yes"}}', '__proto__'],
        ['__proto__ only', '{"__proto__":{"Name":"Poison"}}', '__proto__'],
        ['constructor.prototype', '{"Name":"Poison","constructor":{"prototype":{"polluted":"yes"}}}', 'constructor'],
      ];

      const targets = (gsid: string) =>
        [
          ['POST', '/v1/companies'],
          ['PUT', `/v1/companies/${gsid}`],
          ['PATCH', `/v1/companies/${gsid}`],
          ['POST', '/v1/people'],
        ] as const;

      it.each(poisoned)('%s -> 400, never 500, nothing written, nothing polluted', async (_name, payload) => {
        const company = await createCompany({ Name: 'Unpoisoned' });
        const before = await companyCount();
        for (const [method, url] of targets(company.Gsid)) {
          const res = await t.request(method, url, { payload, headers: JSON_TYPE });
          expect(res.status, `${method} ${url}`).toBe(400);
          expect(res.body.result).toBe(false);
        }
        expect(await companyCount()).toBe(before);
        expect((await t.request('GET', `/v1/companies/${company.Gsid}`)).body.data).toEqual(company);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      });

      it.each(poisoned)('%s: the error names the forbidden key instead of calling valid JSON malformed', async (_name, payload, key) => {
        const company = await createCompany({ Name: 'Unpoisoned' });
        for (const [method, url] of targets(company.Gsid)) {
          const res = await t.request(method, url, { payload, headers: JSON_TYPE });
          expect(res.body.errorDesc, `${method} ${url}: errorDesc names ${key}`).toContain(key);
        }
      });
    });
  });

  describe('errors never leak internals', () => {
    it('client errors of every kind carry no stack trace, path or driver detail', async () => {
      const company = await createCompany({ Name: 'Leak check' });
      await t.request('POST', '/v1/people', { body: { FirstName: 'Ref', Email: 'leak@example.com', CompanyId: company.Gsid } });
      const failures = await Promise.all([
        t.request('POST', '/v1/companies', { payload: '{"Name": tru', headers: JSON_TYPE }),
        t.request('POST', '/v1/companies', { payload: 'x'.repeat(ONE_MIB + 1), headers: JSON_TYPE }),
        t.request('POST', '/v1/companies', { payload: 'x', headers: { 'content-type': 'application/xml' } }),
        t.request('POST', '/v1/companies', { body: { Name: 'x', Bogus: 1 } }),
        t.request('POST', '/v1/companies', { body: { Name: 'x', RenewalDate: '2023-02-30' } }),
        t.request('POST', '/v1/people', { body: { FirstName: 'x', CompanyId: MISSING_ID } }),
        t.request('POST', '/v1/people', { body: { FirstName: 'x', Email: 'LEAK@example.com' } }),
        t.request('DELETE', `/v1/companies/${company.Gsid}`),
        t.request('GET', '/v1/companies/not-a-gsid'),
        t.request('GET', '/v1/companies?pageSize=abc'),
        t.request('GET', '/nowhere'),
        t.request('PUT', '/v1/companies'),
        t.request('GET', '/v1/companies', { key: 'wrong' }),
      ]);
      expect(failures.map((res) => res.status)).toEqual([400, 413, 415, 400, 400, 400, 409, 409, 400, 400, 404, 405, 401]);
      for (const res of failures) expectNoInternals(res);
    });

    it('a database failure is a 5xx envelope without internals, and /healthz says 503', async () => {
      const broken = await createTestApp(backend);
      try {
        await broken.store.close();
        const failures = [
          await broken.request('GET', '/v1/companies'),
          await broken.request('POST', '/v1/companies', { body: { Name: 'Nowhere' } }),
          await broken.request('GET', `/v1/companies/${MISSING_ID}`),
        ];
        for (const res of failures) {
          expect(res.status).toBeGreaterThanOrEqual(500);
          expect(['GSAPI_5000', 'GSAPI_5030']).toContain(res.body.errorCode);
          expectSameRequestId(res);
          expectNoInternals(res);
        }
        const health = await broken.request('GET', '/healthz', { key: null });
        expectError(health, 503, 'GSAPI_5030');
        expectNoInternals(health);
      } finally {
        await broken.app.close();
        await backend.dispose(broken.databaseUrl);
      }
    });
  });
});
