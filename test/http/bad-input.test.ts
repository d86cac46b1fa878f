import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

/**
 * A table of bad inputs for every write of the seed objects. Each row must be refused with the
 * right status and code, name the offending field, and leave the data exactly as it was.
 */

type Target = 'POST /v1/companies' | 'PUT /v1/companies/{id}' | 'PATCH /v1/companies/{id}' | 'POST /v1/people';
type CompanyMode = 'POST' | 'PUT' | 'PATCH';

interface BadCase {
  readonly target: Target;
  readonly title: string;
  /** Sent with JSON.stringify. */
  readonly body?: unknown;
  /** Sent as is (needed for what JSON.stringify cannot produce, e.g. 1e400, bytes that are not UTF-8). */
  readonly payload?: string | Buffer;
  /** The request's content type; `null` sends none. Defaults to application/json. */
  readonly contentType?: string | null;
  readonly status: number;
  readonly code: string;
  readonly field?: string;
}

const ALL_MODES: readonly CompanyMode[] = ['POST', 'PUT', 'PATCH'];
const TARGET_OF: Record<CompanyMode, Target> = {
  POST: 'POST /v1/companies',
  PUT: 'PUT /v1/companies/{id}',
  PATCH: 'PATCH /v1/companies/{id}',
};
const ALL_TARGETS: readonly Target[] = [...Object.values(TARGET_OF), 'POST /v1/people'];
const VALID_NAME = 'Valid Name';
const MIB = 1024 * 1024;

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 30)}... (${text.length} chars)` : text;
};

/** One company field set to a bad value, on each write mode (POST and PUT also send a valid Name). */
function companyField(
  field: string,
  value: unknown,
  code: string,
  { modes = ALL_MODES, title }: { modes?: readonly CompanyMode[]; title?: string } = {},
): BadCase[] {
  return modes.map((mode) => ({
    target: TARGET_OF[mode],
    title: title ?? `${field} = ${show(value)}`,
    body: mode === 'PATCH' || field === 'Name' ? { [field]: value } : { Name: VALID_NAME, [field]: value },
    status: 400,
    code,
    field,
  }));
}

/** Like companyField, for members JSON.stringify cannot write: `fragment` is raw JSON text. */
function companyRaw(field: string, fragment: string, code: string, title: string): BadCase[] {
  return ALL_MODES.map((mode) => ({
    target: TARGET_OF[mode],
    title,
    payload: mode === 'PATCH' ? `{${fragment}}` : `{"Name":"${VALID_NAME}",${fragment}}`,
    status: 400,
    code,
    field,
  }));
}

/** One person field set to a bad value (with a valid FirstName unless that is the field). */
function personField(field: string, value: unknown, code: string, title?: string): BadCase {
  return {
    target: 'POST /v1/people',
    title: title ?? `${field} = ${show(value)}`,
    body: field === 'FirstName' ? { LastName: 'Valid', [field]: value } : { FirstName: 'Valid', [field]: value },
    status: 400,
    code,
    field,
  };
}

function personRaw(field: string, fragment: string, code: string, title: string): BadCase {
  return { target: 'POST /v1/people', title, payload: `{"LastName":"Valid",${fragment}}`, status: 400, code, field };
}

/** A minimal valid body of each target, so that a row's one fault is the only thing wrong. */
function validBody(target: Target): Record<string, string> {
  return target === 'POST /v1/people' ? { FirstName: 'Valid' } : { Name: VALID_NAME };
}

/** The same kind of broken request on every target; `request` gets that target's valid body. */
function everyTarget(
  title: string,
  request: (valid: Record<string, string>) => Pick<BadCase, 'payload' | 'contentType' | 'body'>,
  status: number,
  code: string,
): BadCase[] {
  return ALL_TARGETS.map((target) => ({ target, title, ...request(validBody(target)), status, code }));
}

/** JSON text of `valid` with its one member's value replaced by raw bytes. */
function withRawValue(valid: Record<string, string>, bytes: Buffer): Buffer {
  const [key] = Object.keys(valid);
  return Buffer.concat([Buffer.from(`{"${key}":"`), bytes, Buffer.from('"}')]);
}

const IMPOSSIBLE_DATES = [
  '2026-02-30',
  '2025-02-29',
  '1900-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-04-31',
  '2026-01-32',
  '2026-01-00',
  '2026-1-5',
  '20260105',
  '2026/01/05',
  '05-01-2026',
  '2026-01-05T00:00:00Z',
  '2026-01-05 ',
  ' 2026-01-05',
  '',
  'tomorrow',
];

const companyCases: BadCase[] = [
  // Name: required, text, at most 255 code points.
  ...companyField('Name', null, 'GSOBJ_1007'),
  ...companyField('Name', '', 'GSOBJ_1007'),
  ...companyField('Name', '   ', 'GSOBJ_1007'),
  ...companyField('Name', '\t\n\r ', 'GSOBJ_1007'),
  ...companyField('Name', 123, 'GSOBJ_1008'),
  ...companyField('Name', true, 'GSOBJ_1008'),
  ...companyField('Name', ['Acme'], 'GSOBJ_1008'),
  ...companyField('Name', { value: 'Acme' }, 'GSOBJ_1008'),
  ...companyField('Name', 'N'.repeat(256), 'GSOBJ_1001', { title: 'Name of 256 characters' }),
  ...companyField('Name', '😀'.repeat(256), 'GSOBJ_1001', { title: 'Name of 256 emoji (code points)' }),
  { target: 'POST /v1/companies', title: 'no Name at all', body: { Industry: 'Software' }, status: 400, code: 'GSOBJ_1007', field: 'Name' },
  { target: 'POST /v1/companies', title: 'empty object', body: {}, status: 400, code: 'GSOBJ_1007', field: 'Name' },
  { target: 'PUT /v1/companies/{id}', title: 'no Name at all', body: { ARR: 5 }, status: 400, code: 'GSOBJ_1007', field: 'Name' },

  // Numbers are never coerced, and must fit.
  ...companyField('ARR', '100', 'GSOBJ_1008'),
  ...companyField('ARR', true, 'GSOBJ_1008'),
  ...companyField('ARR', [100], 'GSOBJ_1008'),
  ...companyField('ARR', { amount: 100 }, 'GSOBJ_1008'),
  ...companyField('ARR', '', 'GSOBJ_1008'),
  ...companyField('ARR', null, 'GSOBJ_1008', { modes: ['POST', 'PUT'] }),
  ...companyRaw('ARR', '"ARR":1e400', 'GSOBJ_1008', 'ARR = 1e400 (Infinity once parsed)'),
  ...companyRaw('ARR', '"ARR":1e308', 'GSOBJ_1008', 'ARR = 1e308 (beyond the 1e15 bound)'),
  ...companyRaw('ARR', '"ARR":-1000000000000001', 'GSOBJ_1008', 'ARR = -1e15 - 1'),
  ...companyRaw('ARR', '"ARR":-1e400', 'GSOBJ_1008', 'ARR = -1e400 (-Infinity once parsed)'),
  ...companyField('Employees', 1.5, 'GSOBJ_1008'),
  ...companyField('Employees', -1, 'GSOBJ_1008'),
  ...companyField('Employees', 2147483648, 'GSOBJ_1008'),
  ...companyField('Employees', 1e20, 'GSOBJ_1008'),
  ...companyField('Employees', '5', 'GSOBJ_1008'),
  ...companyField('Employees', false, 'GSOBJ_1008'),
  ...companyRaw('Employees', '"Employees":1e400', 'GSOBJ_1008', 'Employees = 1e400'),

  // Optional text fields: null only clears (PATCH); other types are wrong.
  ...companyField('Industry', null, 'GSOBJ_1008', { modes: ['POST', 'PUT'] }),
  ...companyField('Industry', { name: 'Software' }, 'GSOBJ_1008'),
  ...companyField('Industry', ['Software'], 'GSOBJ_1008'),
  ...companyField('Industry', 42, 'GSOBJ_1008'),
  ...companyField('Status', false, 'GSOBJ_1008'),
  ...companyField('Industry', 'i'.repeat(10_000), 'GSOBJ_1001', { title: 'Industry of 10,000 characters' }),
  ...companyField('CSMName', 'c'.repeat(256), 'GSOBJ_1001', { title: 'CSMName of 256 characters' }),
  ...companyField('LifecycleStage', 'é'.repeat(256), 'GSOBJ_1001', { title: 'LifecycleStage of 256 accented characters' }),

  // Dates must be real calendar dates written YYYY-MM-DD.
  ...IMPOSSIBLE_DATES.flatMap((date) => [
    ...companyField('RenewalDate', date, 'GSOBJ_1006'),
    ...companyField('OriginalContractDate', date, 'GSOBJ_1006'),
  ]),
  ...companyField('RenewalDate', 20260105, 'GSOBJ_1008'),
  ...companyField('RenewalDate', null, 'GSOBJ_1008', { modes: ['POST', 'PUT'] }),
  ...companyField('OriginalContractDate', { year: 2026 }, 'GSOBJ_1008'),

  // Unknown and read-only fields.
  ...companyField('name', 'lower-case name', 'GSOBJ_1002'),
  ...companyField('Foo', 'bar', 'GSOBJ_1002'),
  ...companyField('arr', 5, 'GSOBJ_1002'),
  ...companyField('Industry ', 'trailing space', 'GSOBJ_1002'),
  ...companyField('CompanyId', 'X'.repeat(36), 'GSOBJ_1002'),
  ...companyField('Gsid', 'A'.repeat(36), 'GSOBJ_1002'),
  ...companyField('CreatedDate', '2020-01-01T00:00:00.000Z', 'GSOBJ_1002'),
  ...companyField('ModifiedDate', '2020-01-01T00:00:00.000Z', 'GSOBJ_1002'),

  // Text no backend can store byte for byte (sent as raw JSON escapes).
  ...companyRaw('Name', '"Name":"Acme\\u0000Corp"', 'GSOBJ_1008', 'Name with a NUL character'),
  ...companyRaw('Industry', '"Industry":"\\u0000"', 'GSOBJ_1008', 'Industry that is only a NUL character'),
  ...companyRaw('Name', '"Name":"Acme\\ud800"', 'GSOBJ_1008', 'Name with a lone high surrogate'),
  ...companyRaw('Name', '"Name":"\\udc00Acme"', 'GSOBJ_1008', 'Name with a lone low surrogate'),
  ...companyRaw('Status', '"Status":"\\udbff\\udbff"', 'GSOBJ_1008', 'Status with two high surrogates'),
];

const personCases: BadCase[] = [
  { target: 'POST /v1/people', title: 'empty object', body: {}, status: 400, code: 'GSOBJ_1007', field: 'FirstName' },
  { target: 'POST /v1/people', title: 'only Role', body: { Role: 'CTO' }, status: 400, code: 'GSOBJ_1007', field: 'FirstName' },
  { target: 'POST /v1/people', title: 'empty names', body: { FirstName: '', LastName: '' }, status: 400, code: 'GSOBJ_1007', field: 'FirstName' },
  { target: 'POST /v1/people', title: 'blank FirstName only', body: { FirstName: '   ' }, status: 400, code: 'GSOBJ_1007', field: 'FirstName' },
  personField('FirstName', 123, 'GSOBJ_1008'),
  personField('FirstName', null, 'GSOBJ_1008'),
  personField('LastName', ['Doe'], 'GSOBJ_1008'),
  personField('Role', { title: 'CTO' }, 'GSOBJ_1008'),
  personField('FirstName', 'f'.repeat(256), 'GSOBJ_1001', 'FirstName of 256 characters'),
  personField('Location', 'l'.repeat(10_000), 'GSOBJ_1001', 'Location of 10,000 characters'),
  personField('Email', `${'a'.repeat(250)}@example.com`, 'GSOBJ_1001', 'Email of 262 characters'),
  personField('Email', 'not-an-email', 'GSOBJ_1008'),
  personField('Email', 'a@b', 'GSOBJ_1008'),
  personField('Email', '', 'GSOBJ_1008'),
  personField('Email', 42, 'GSOBJ_1008'),
  personField('Email', null, 'GSOBJ_1008'),
  personField('CompanyId', 'abc', 'GSOBJ_1004'),
  personField('CompanyId', 'a'.repeat(36), 'GSOBJ_1004'),
  personField('CompanyId', '', 'GSOBJ_1004'),
  personField('CompanyId', 123, 'GSOBJ_1008'),
  personField('CompanyId', null, 'GSOBJ_1008'),
  personField('CompanyId', 'Z'.repeat(36), 'GSOBJ_PEOPLE1001', 'CompanyId of no company'),
  personField('firstName', 'x', 'GSOBJ_1002'),
  personField('Foo', 'bar', 'GSOBJ_1002'),
  personField('Name', 'Company field', 'GSOBJ_1002'),
  personField('Gsid', 'A'.repeat(36), 'GSOBJ_1002'),
  personField('CreatedDate', '2020-01-01T00:00:00.000Z', 'GSOBJ_1002'),
  personField('ModifiedDate', '2020-01-01T00:00:00.000Z', 'GSOBJ_1002'),
  personRaw('FirstName', '"FirstName":"Ada\\u0000"', 'GSOBJ_1008', 'FirstName with a NUL character'),
  personRaw('FirstName', '"FirstName":"\\ud83d"', 'GSOBJ_1008', 'FirstName with a lone surrogate'),
  personRaw('Location', '"Location":"Oslo\\udfff"', 'GSOBJ_1008', 'Location with a lone low surrogate'),
];

const bodyCases: BadCase[] = [
  ...everyTarget('body []', () => ({ payload: '[]' }), 400, 'GSAPI_4000'),
  ...everyTarget('body [valid object]', (valid) => ({ payload: JSON.stringify([valid]) }), 400, 'GSAPI_4000'),
  ...everyTarget('body "x"', () => ({ payload: '"x"' }), 400, 'GSAPI_4000'),
  ...everyTarget('body 1', () => ({ payload: '1' }), 400, 'GSAPI_4000'),
  ...everyTarget('body true', () => ({ payload: 'true' }), 400, 'GSAPI_4000'),
  ...everyTarget('body null', () => ({ payload: 'null' }), 400, 'GSAPI_4000'),
  ...everyTarget('malformed JSON (unterminated)', (valid) => ({ payload: JSON.stringify(valid).slice(0, -1) }), 400, 'GSAPI_4000'),
  ...everyTarget('malformed JSON (single quotes)', (valid) => ({ payload: JSON.stringify(valid).replace(/"/g, "'") }), 400, 'GSAPI_4000'),
  ...everyTarget('malformed JSON (trailing comma)', (valid) => ({ payload: JSON.stringify(valid).replace(/}$/, ',}') }), 400, 'GSAPI_4000'),
  ...everyTarget('malformed JSON (NaN)', (valid) => ({ payload: JSON.stringify(valid).replace(/}$/, ',"ARR":NaN}') }), 400, 'GSAPI_4000'),
  ...everyTarget('malformed JSON (two objects)', (valid) => ({ payload: JSON.stringify(valid).repeat(2) }), 400, 'GSAPI_4000'),
  ...everyTarget('empty body with a JSON content type', () => ({ payload: '' }), 400, 'GSAPI_4000'),
  ...everyTarget('whitespace-only body', () => ({ payload: ' \n ' }), 400, 'GSAPI_4000'),
  ...everyTarget('JSON sent as text/plain', (valid) => ({ payload: JSON.stringify(valid), contentType: 'text/plain' }), 415, 'GSAPI_4150'),
  ...everyTarget(
    'JSON sent as text/plain; charset=utf-8',
    (valid) => ({ payload: JSON.stringify(valid), contentType: 'text/plain; charset=utf-8' }),
    415,
    'GSAPI_4150',
  ),
  ...everyTarget(
    'form-encoded body',
    (valid) => ({ payload: new URLSearchParams(valid).toString(), contentType: 'application/x-www-form-urlencoded' }),
    415,
    'GSAPI_4150',
  ),
  ...everyTarget('JSON sent as application/xml', (valid) => ({ payload: JSON.stringify(valid), contentType: 'application/xml' }), 415, 'GSAPI_4150'),
  ...everyTarget('JSON sent without a content type', (valid) => ({ payload: JSON.stringify(valid), contentType: null }), 415, 'GSAPI_4150'),
  ...everyTarget(
    'body over 1 MiB',
    (valid) => ({ payload: JSON.stringify({ ...valid, Status: 'x'.repeat(MIB) }) }),
    413,
    'GSAPI_4130',
  ),
  // RFC 8259: JSON exchanged between systems must be UTF-8. A Latin-1 "é" (byte 0xE9) must be
  // refused, not silently stored as U+FFFD.
  ...everyTarget('body that is not UTF-8 (Latin-1 é)', (valid) => ({ payload: withRawValue(valid, Buffer.from([0x43, 0x61, 0x66, 0xe9])) }), 400, 'GSAPI_4000'),
];

const BAD_CASES: BadCase[] = [...companyCases, ...personCases, ...bodyCases];

const FIXTURE = {
  Name: 'Fixture Corp',
  Industry: 'Software',
  ARR: 1000.25,
  LifecycleStage: 'Adopting',
  Status: 'Active',
  CSMName: 'Avery Chen',
  Employees: 42,
  OriginalContractDate: '2023-02-28',
  RenewalDate: '2024-02-29',
};

describeEachBackend('bad input', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    // Some records, so that "nothing was written" is not trivially an empty table.
    const company = (await t.request('POST', '/v1/companies', { body: FIXTURE })).body.data;
    await t.request('POST', '/v1/people', { body: { FirstName: 'Existing', CompanyId: company.Gsid } });
  });
  afterAll(() => t.close());

  async function counts(): Promise<{ companies: number; people: number }> {
    const companies = await t.request('GET', '/v1/companies?pageSize=1');
    const people = await t.request('GET', '/v1/people?pageSize=1');
    return { companies: companies.body.data.totalCount, people: people.body.data.totalCount };
  }

  function send(method: string, url: string, row: BadCase) {
    const headers: Record<string, string> = {};
    if (row.contentType !== null) headers['content-type'] = row.contentType ?? 'application/json';
    if (row.body !== undefined) return t.request(method, url, { body: row.body, headers });
    return t.request(method, url, { payload: row.payload, headers });
  }

  describe('is refused, names the field and writes nothing', () => {
    it.each(BAD_CASES)('$target: $title -> $status $code', async (row) => {
      const [method, path] = row.target.split(' ') as [string, string];
      if (path.endsWith('{id}')) {
        const created = await t.request('POST', '/v1/companies', { body: FIXTURE });
        expect(created.status).toBe(200);
        const url = path.replace('{id}', created.body.data.Gsid);
        const before = await t.request('GET', url);
        const res = await send(method, url, row);
        expectError(res, row.status, row.code, row.field);
        const after = await t.request('GET', url);
        expect(after.status).toBe(200);
        // Byte for byte, ModifiedDate included.
        expect(JSON.stringify(after.body.data)).toBe(JSON.stringify(before.body.data));
      } else {
        const before = await counts();
        const res = await send(method, path, row);
        expectError(res, row.status, row.code, row.field);
        expect(await counts()).toEqual(before);
      }
    });
  });

  describe('is accepted and round-trips exactly', () => {
    let rt: TestApp;
    let companyCount = 0;
    let personCount = 0;
    let home: string;
    beforeAll(async () => {
      rt = await createTestApp(backend);
      home = (await rt.request('POST', '/v1/companies', { body: { Name: 'Round-trip home' } })).body.data.Gsid;
      companyCount = 1;
    });
    afterAll(() => rt.close());

    /** Finds a record by Gsid in a list, walking all pages. */
    async function listed(path: string, gsid: string): Promise<any> {
      for (let page = 0; ; page++) {
        const res = await rt.request('GET', `${path}${path.includes('?') ? '&' : '?'}pageSize=100&pageNumber=${page}`);
        expect(res.status).toBe(200);
        const found = res.body.data.records.find((r: { Gsid: string }) => r.Gsid === gsid);
        if (found || res.body.data.records.length === 0) return found;
      }
    }

    const TEXTS: [string, string][] = [
      ['accents', 'Café Müller Ñandú Åsa Øre Straße'],
      ['CJK', '株式会社テスト 北京有限公司 한국어 회사'],
      ['CJK outside the BMP', '𠀀𪚥𩸽'],
      ['emoji', 'Rocket 🚀 Party 🎉'],
      ['ZWJ emoji sequences', '👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈'],
      ['flags', '🇯🇵🇺🇸🇩🇪🇧🇷'],
      ['Arabic (RTL)', 'شركة النجاح للتقنية'],
      ['Hebrew (RTL)', 'חברת הצלחה בע״מ'],
      ['mixed direction with bidi controls', 'Acme \u202Bשלום\u202C (عربي) 123'],
      ['combining characters (decomposed, must not be normalized)', 'Cafe\u0301 n\u0303 Z\u0351\u0352\u0353'],
      ['precomposed twin of the above', 'Café ñ'],
      ['zero-width and BOM characters', 'a\u200Bb\u200Dc\uFEFFd'],
      ['control characters', 'tab\tnewline\ncarriage\rend\u0001\u001f'],
      ['255 emoji (255 code points)', '😀'.repeat(255)],
      ['255 characters', 'n'.repeat(255)],
      ['SQL injection', "Robert'); DROP TABLE company;--"],
      ['SQL injection on person', "x'; DELETE FROM person; --"],
      ['SQL tautology', "' OR 1=1 --"],
      ['LIKE wildcard %', '%'],
      ['LIKE wildcard _', '_'],
      ['backslash', '\\'],
      ['backslashes and quotes', '\\\'"\\"\\\\n'],
      ['SQL comment and placeholders', '/* */ -- $1 ? :name @p1'],
      ['JSON-looking text', '{"Name":null}'],
      ['HTML', '<script>alert(1)</script>&amp;'],
    ];

    it.each(TEXTS)('company text: %s', async (_, text) => {
      const res = await rt.request('POST', '/v1/companies', { body: { Name: text, Industry: text, CSMName: text } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      companyCount++;
      const record = res.body.data;
      expect(record.Name).toBe(text);
      expect(record.Industry).toBe(text);
      expect(record.CSMName).toBe(text);
      const fetched = await rt.request('GET', `/v1/companies/${record.Gsid}`);
      expect(fetched.body.data).toEqual(record);
      expect(await listed('/v1/companies', record.Gsid)).toEqual(record);
      // And PUT stores it verbatim too.
      const put = await rt.request('PUT', `/v1/companies/${record.Gsid}`, { body: { Name: text, Status: text } });
      expect(put.body.data.Status).toBe(text);
      expect((await rt.request('GET', `/v1/companies/${record.Gsid}`)).body.data.Status).toBe(text);
    });

    it.each(TEXTS)('person text: %s', async (_, text) => {
      const res = await rt.request('POST', '/v1/people', {
        body: { FirstName: text, LastName: text, Role: text, Location: text, CompanyId: home },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      personCount++;
      const record = res.body.data;
      expect(record).toMatchObject({ FirstName: text, LastName: text, Role: text, Location: text });
      expect((await rt.request('GET', `/v1/people/${record.Gsid}`)).body.data).toEqual(record);
      expect(await listed(`/v1/people?CompanyId=${home}`, record.Gsid)).toEqual(record);
    });

    it.each(["o'reilly@example.com", '%@example.com', '_@example.com', 'a_b@example.com', 'axb@example.com', 'a%b@example.com'])(
      'stores the email %s verbatim and keeps wildcard-looking emails distinct',
      async (address) => {
        const res = await rt.request('POST', '/v1/people', { body: { Email: address } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        personCount++;
        expect((await rt.request('GET', `/v1/people/${res.body.data.Gsid}`)).body.data.Email).toBe(address);
      },
    );

    it('keeps NFC and NFD spellings as two different values', async () => {
      const nfc = 'Caf\u00e9 Zo\u00eb';
      const nfd = nfc.normalize('NFD');
      expect(nfd).not.toBe(nfc);
      const a = (await rt.request('POST', '/v1/companies', { body: { Name: nfc } })).body.data;
      const b = (await rt.request('POST', '/v1/companies', { body: { Name: nfd } })).body.data;
      companyCount += 2;
      expect((await rt.request('GET', `/v1/companies/${a.Gsid}`)).body.data.Name).toBe(nfc);
      expect((await rt.request('GET', `/v1/companies/${b.Gsid}`)).body.data.Name).toBe(nfd);
    });

    it.each([
      ['the largest amount (1e15)', 1e15],
      ['the most negative amount (-1e15)', -1e15],
      ['the smallest subnormal', 5e-324],
      ['0.1', 0.1],
      ['a 17-digit decimal', 123456789.12345679],
      ['a negative', -42.5],
    ])('ARR %s round-trips exactly', async (_, arr) => {
      const res = await rt.request('POST', '/v1/companies', { body: { Name: `ARR ${arr}`, ARR: arr } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      companyCount++;
      expect(res.body.data.ARR).toBe(arr);
      expect((await rt.request('GET', `/v1/companies/${res.body.data.Gsid}`)).body.data.ARR).toBe(arr);
      expect((await listed('/v1/companies', res.body.data.Gsid)).ARR).toBe(arr);
    });

    it('accepts ARR written with an exponent in the JSON text', async () => {
      const res = await rt.request('POST', '/v1/companies', {
        payload: '{"Name":"Exponent","ARR":1.5e14}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
      companyCount++;
      expect(res.body.data.ARR).toBe(1.5e14);
    });

    it.each(['2000-02-29', '2024-02-29', '0001-01-01', '9999-12-31', '1970-01-01'])('accepts the real date %s', async (date) => {
      const res = await rt.request('POST', '/v1/companies', { body: { Name: `Date ${date}`, RenewalDate: date, OriginalContractDate: date } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      companyCount++;
      const fetched = (await rt.request('GET', `/v1/companies/${res.body.data.Gsid}`)).body.data;
      expect(fetched.RenewalDate).toBe(date);
      expect(fetched.OriginalContractDate).toBe(date);
    });

    it('handles year 0000 consistently: stored and returned as sent, or refused with GSOBJ_1006 — never a 500', async () => {
      const before = (await rt.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount;
      const res = await rt.request('POST', '/v1/companies', { body: { Name: 'Year zero', RenewalDate: '0000-01-01' } });
      expect([200, 400], JSON.stringify(res.body)).toContain(res.status);
      if (res.status === 400) {
        expectError(res, 400, 'GSOBJ_1006', 'RenewalDate');
        expect((await rt.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount).toBe(before);
      } else {
        companyCount++;
        expect((await rt.request('GET', `/v1/companies/${res.body.data.Gsid}`)).body.data.RenewalDate).toBe('0000-01-01');
      }
    });

    it('leaves the tables working after all of the above', async () => {
      const companies = await rt.request('GET', '/v1/companies?pageSize=100');
      expect(companies.status).toBe(200);
      expect(companies.body.data.totalCount).toBe(companyCount);
      const people = await rt.request('GET', '/v1/people?pageSize=100');
      expect(people.body.data.totalCount).toBe(personCount);
      expect((await rt.request('GET', `/v1/people?CompanyId=${home}`)).body.data.totalCount).toBe(TEXTS.length);

      const created = await rt.request('POST', '/v1/companies', { body: { Name: 'After the storm' } });
      expect(created.status).toBe(200);
      const gsid = created.body.data.Gsid;
      expect((await rt.request('PATCH', `/v1/companies/${gsid}`, { body: { Industry: 'Still fine' } })).body.data.Industry).toBe(
        'Still fine',
      );
      expect((await rt.request('DELETE', `/v1/companies/${gsid}`)).status).toBe(200);
      expect((await rt.request('GET', '/v1/companies?pageSize=1')).body.data.totalCount).toBe(companyCount);
    });
  });
});
