/**
 * Generators for the fuzz suites: the inputs random JSON rarely produces (edge numbers, lone
 * surrogates, NUL, right-to-left and zero-width text, huge strings, dates at the edges, Gsids that
 * look valid, prototype keys, duplicate keys, invalid UTF-8, percent-encoding garbage), mixed with
 * valid values of the registry's fields so that validators get past their first checks.
 *
 * Requests are generated symbolically: a reference to an existing record is `{$ref: object, i}`
 * and is resolved when the request is sent, against the records that exist then (see harness.ts),
 * so a shrunk case still points at a record and a printed case says which one it meant.
 */
import fc from 'fast-check';

/** `arbitrary` once in `odds` cases, else null. (fc.option's `freq` is the other way round: nil once in freq.) */
export function rarely<T>(arbitrary: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary, weight: 1 }, { arbitrary: fc.constant(null), weight: odds - 1 });
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Strings that have broken parsers, validators and databases before. */
export const NASTY_STRINGS: readonly string[] = [
  '', ' ', '   ', '\t\n\r', '\u0000', 'a\u0000b', '\u0001\u001f\u007f', '\u202Eevil\u202C', '\u200B', 'a\u200Db', '\uFEFF', '\uFFFD', '\uFFFF',
  '\uD800', '\uDFFF', 'a\uD83Db', '\uDC00\uD800', '😀', '👩‍👩‍👧‍👦', 'é', 'e\u0301', 'ﷺ', 'שלום', 'مرحبا', '𝕏𝔂', 'İı', 'ß', 'ǅ',
  'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', 'false', 'TRUE', 'yes', '0', '-0', '+1', '1e309', '-1e309', '0x10', '1,000',
  ' 1 ', '1_000', '١٢٣', '１２３', '9007199254740993', '1e-400', '.5', '5.', "'; DROP TABLE company; --", "' OR '1'='1", '%', '%s%n', '%00',
  '${x}', '{{x}}', '<script>alert(1)</script>', '../../etc/passwd', '\\', '"', "'", '`', '__proto__', 'constructor', 'prototype', 'toString',
  'hasOwnProperty', 'valueOf', '0000-00-00', '2024-02-30', '2023-02-29', '2024-02-29', '0000-01-01', '0001-01-01', '9999-12-31', '10000-01-01',
  '-0001-01-01', '+002024-01-01', '2024-1-1', '2024-01-01 ', '20240101', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z',
  '2024-12-31T23:59:60Z', '2024-01-01T00:00:00.000+14:00', '2024-01-01T00:00:00-12:00', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00',
  '2038-01-19T03:14:08Z', '275760-09-13T00:00:00Z', '1717171717171', '-62135596800000', 'a@b', 'a@b.co', 'A@B.CO', ' a@b.co ', 'a@@b.co',
  'ü@ü.de', '0'.repeat(36), 'Z'.repeat(36), 'z'.repeat(36), '1'.repeat(35), '1'.repeat(37), 'Company', 'company', 'COMPANY', 'asc', 'DESC',
  'EQ', 'eq', 'BTW', 'IS_NULL', 'A AND B', 'A OR (B AND NOT C)', '((((A', 'NOT', 'A AND', 'Name', 'Csm__gr.Name', 'CompanyId.Name',
  'Company_ID__gr.Csm__gr.Email', 'a.b.c.d.e', '__gr', 'x__gr.', '*',
];

/** Long strings around the limits (255 characters, code points versus UTF-16 units). */
export const longString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('x', 'é', '😀', ' ', '\u200B', 'ab'), fc.constantFrom(254, 255, 256, 1000, 5000, 70_000))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length * (unit === '😀' ? 2 : 1)));

/** Any string, with the nasty ones and the long ones weighted up. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 5 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 10 }), weight: 1 },
  { arbitrary: longString, weight: 1 },
);

/** Numbers at the edges: -0, subnormals, beyond 2^53, beyond the field ranges, fractions. */
export const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 0.1, 1e-7, 5e-324, -5e-324, 2.2250738585072014e-308, 1e15, -1e15, 1e15 + 1, 1e16, 1e21, 1e308, -1e308,
  Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 31 - 1, 2 ** 31,
  -(2 ** 31) - 1, 2 ** 32, 4999, 5000, 5001, 9999, 10000, 10001, 49, 50, 51, 100, 101, 1_000_000_000, 1_000_000_001, 123.456, -273.15,
];

export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 4 },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 2 },
  { arbitrary: fc.integer({ min: -3, max: 120 }), weight: 2 },
);

/**
 * Number literals JSON.stringify never writes, spliced into raw bodies: out of double range
 * (1e309 parses to Infinity), below it (to 0), -0, more digits than a double holds, and a few
 * that are not JSON at all (leading zeros, a leading +, hex).
 */
export const RAW_NUMBER_TEXTS: readonly string[] = [
  '1e309', '-1e309', '1E400', '-0', '-0.0', '0e0', '1e-400', '-1e-400', '1'.padEnd(400, '0'), '0.' + '0'.repeat(400) + '1',
  '9007199254740993', '123456789012345678901234567890', '1.7976931348623157e308', '4.9e-324', '00', '01', '+1', '0x1F', '.5', '1.',
  'NaN', 'Infinity', '-Infinity', '1e', '1e+', '--1',
];

// ---------------------------------------------------------------------------------------------
// Gsids, dates, references

const GSID_CHARS = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** 36 upper-case letters and digits: looks valid, names nothing (almost surely). */
export const randomGsid: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...GSID_CHARS), { minLength: 36, maxLength: 36 })
  .map((chars) => chars.join(''));

/** A reference to the `i`-th record of `object` that exists when the request is sent. */
export interface Ref {
  readonly $ref: string;
  readonly i: number;
}

export const refTo = (object: string): fc.Arbitrary<Ref> => fc.nat(1000).map((i) => ({ $ref: object, i }));

/** An id for a path, a key or a lookup: an existing record's, a valid-looking one, or garbage. */
export function idOf(object: string | undefined): fc.Arbitrary<string | Ref> {
  return fc.oneof(
    ...(object ? [{ arbitrary: refTo(object) as fc.Arbitrary<string | Ref>, weight: 6 }] : []),
    { arbitrary: randomGsid, weight: 2 },
    { arbitrary: randomGsid.map((id) => id.toLowerCase()), weight: 1 },
    { arbitrary: anyString, weight: 2 },
  );
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

/** Calendar dates, valid ones across the storable years, and a few a calendar does not have. */
export const validDate: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('0001-01-01', '9999-12-31', '2024-02-29', '2000-02-29', '1970-01-01', '2038-01-19'),
);

export const anyDate: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: validDate, weight: 3 },
  {
    arbitrary: fc.tuple(fc.integer({ min: -1, max: 10001 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
      ([y, m, d]) => `${y < 0 ? '-' : ''}${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`,
    ),
    weight: 1,
  },
  // Dates outside JavaScript's own range: extended years as toISOString writes them.
  { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, d.toISOString().indexOf('T'))), weight: 1 },
);

export const validDateTime: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('1970-01-01T00:00:00Z', '2024-02-29T23:59:59.999Z', '2024-06-01T12:00:00+02:00', '9999-12-31T23:59:59.999Z'),
);

export const anyDateTime: fc.Arbitrary<string | number> = fc.oneof(
  { arbitrary: validDateTime as fc.Arbitrary<string | number>, weight: 3 },
  { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 1 },
  // Times of day that do not exist, offsets that push the instant out of years 0001-9999.
  {
    arbitrary: fc.constantFrom(
      '2024-02-29T24:00:00Z', '2024-01-01T23:60:00Z', '0001-01-01T00:00:00+01:00', '0001-01-01T00:00:00-01:00', '9999-12-31T23:59:59-05:00',
      '9999-12-31T23:59:59+05:00', '2024-01-01T00:00:00.1234567890Z', '2024-01-01 10:00:00', '2024-01-01T10:00', '2024-01-01T00:00:00+0530',
    ),
    weight: 1,
  },
  // Epoch milliseconds, as the NXT surface reads them (strings and numbers).
  { arbitrary: fc.integer({ min: -8.64e15, max: 8.64e15 }), weight: 1 },
  { arbitrary: fc.integer({ min: -8.64e15, max: 8.64e15 }).map(String), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// JSON values

/** Keys that reach prototype pollution guards, plus odd ones. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

/** Object keys: the given field names (any case), prototype keys, and anything. */
export function keyOf(names: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(names.length > 0
      ? [
          { arbitrary: fc.constantFrom(...names), weight: 6 },
          { arbitrary: fc.constantFrom(...names).map((name) => name.toLowerCase()), weight: 1 },
          { arbitrary: fc.constantFrom(...names).map((name) => name.toUpperCase()), weight: 1 },
        ]
      : []),
    { arbitrary: fc.constantFrom(...PROTO_KEYS), weight: 1 },
    { arbitrary: anyString, weight: 2 },
  );
}

/** Any JSON value (without the prototype keys, which raw-body mutations add as text). */
export function anyJson(names: readonly string[] = [], maxDepth = 3): fc.Arbitrary<unknown> {
  const key = keyOf(names).filter((k) => !PROTO_KEYS.includes(k));
  const leaf: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: anyString, weight: 4 },
    { arbitrary: anyNumber, weight: 3 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constantFrom({}, [], [[]], [null], { '': null }), weight: 1 },
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  }));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Field values, from what the served documents say of the fields

/** A field as the fuzzer sees it: a kind derived from the seed JSON schema or the NXT describe. */
export interface FuzzField {
  readonly name: string;
  readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'gsid' | 'email' | 'picklist';
  /** The object a gsid field points at (from describe's lookupDetail), when known. */
  readonly target?: string;
  /** Picklists: option labels and values. */
  readonly options?: readonly string[];
  readonly maxLength?: number;
  readonly required?: boolean;
}

/** A valid value of the field (as strict JSON; the NXT surface also reads lenient forms). */
export function validValue(field: FuzzField, lenient: boolean): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'string':
      return fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('Acme', 'Software', 'Adopting', 'é😀 שלום', 'x'.repeat(field.maxLength ?? 255)));
    case 'number':
      return fc.oneof(
        fc.double({ min: -1e15, max: 1e15, noNaN: true }),
        fc.integer({ min: -1000, max: 1_000_000 }),
        ...(lenient ? [fc.integer({ min: -1000, max: 1_000_000 }).map(String), fc.constantFrom('12.5', ' 7 ', '-0')] : []),
      );
    case 'integer':
      return fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0, 2 ** 31 - 1), ...(lenient ? [fc.nat(1000).map(String)] : []));
    case 'boolean':
      return fc.oneof(fc.boolean(), ...(lenient ? [fc.constantFrom('true', 'false', 'TRUE', 'False')] : []));
    case 'date':
      return validDate;
    case 'datetime':
      return lenient ? anyDateTime : validDateTime;
    case 'gsid':
      return field.target ? refTo(field.target) : randomGsid;
    case 'email':
      // Mostly new addresses (emails are unique), sometimes one that exists.
      return fc.oneof(
        { arbitrary: fc.tuple(fc.emailAddress({ size: 'xsmall' }), fc.nat()).map(([email, n]) => `u${n}.${email}`), weight: 6 },
        { arbitrary: fc.constantFrom('ada0@example.com', 'ADA1@Example.COM', 'user1@example.com'), weight: 1 },
      );
    case 'picklist':
      return field.options && field.options.length > 0 ? fc.constantFrom(...field.options) : fc.string({ maxLength: 10 });
  }
}

/** A value the field probably refuses: of another type, out of range, badly formed. */
export function invalidValue(field: FuzzField, names: readonly string[]): fc.Arbitrary<unknown> {
  const specific: fc.Arbitrary<unknown>[] = {
    string: [longString, fc.constantFrom('\u0000', 'a\uD800', '   ')],
    number: [fc.constantFrom('1e309', 'NaN', '', '12abc', '1,5'), anyNumber],
    integer: [anyNumber, fc.constantFrom('1.5', '-1', '2147483648')],
    boolean: [fc.constantFrom('yes', 'no', 1, 0, 'TRUEISH', '')],
    date: [anyDate, anyDateTime],
    datetime: [anyDateTime, anyDate],
    gsid: [idOf(field.target)],
    email: [fc.constantFrom('a@b', 'a@@b.co', '@', 'a'.repeat(300) + '@b.co', ' a@b.co'), anyString],
    picklist: [anyString, fc.array(anyString, { maxLength: 3 })],
  }[field.kind];
  return fc.oneof({ arbitrary: anyJson(names, 2), weight: 2 }, ...specific.map((arbitrary) => ({ arbitrary, weight: 2 })));
}

/**
 * A record body: some of the fields (valid values mostly, so the deeper checks run; invalid ones
 * and nulls too), sometimes under another spelling, sometimes with a key that is no field.
 */
export function recordBody(fields: readonly FuzzField[], options: { lenient: boolean; caseVariants?: boolean }): fc.Arbitrary<Record<string, unknown>> {
  const names = fields.map((f) => f.name);
  const entry = (field: FuzzField): fc.Arbitrary<[string, unknown]> =>
    fc.tuple(
      options.caseVariants ? fc.oneof({ arbitrary: fc.constant(field.name), weight: 8 }, { arbitrary: fc.constant(field.name.toLowerCase()), weight: 1 }) : fc.constant(field.name),
      fc.oneof(
        { arbitrary: validValue(field, options.lenient), weight: 14 },
        { arbitrary: invalidValue(field, names), weight: 1 },
        { arbitrary: fc.constant(null), weight: 1 },
      ),
    );
  return fc
    .tuple(
      fc.subarray([...fields], { maxLength: Math.min(8, fields.length) }).chain((chosen): fc.Arbitrary<[string, unknown][]> => (chosen.length === 0 ? fc.constant([]) : fc.tuple(...chosen.map(entry)))),
      rarely(fc.tuple(keyOf(names), anyJson(names, 1)), 6),
    )
    .map(([entries, extra]) => {
      const record: Record<string, unknown> = {};
      for (const [name, value] of entries) record[name] = value;
      // defineProperty: `__proto__` as an own key, not a prototype change.
      if (extra) Object.defineProperty(record, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return record;
    });
}

// ---------------------------------------------------------------------------------------------
// Raw bodies

/** How a body's JSON text is mangled before it is sent. */
export type Mutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'duplicateKey'; readonly key: string; readonly first: unknown; readonly second: unknown }
  | { readonly kind: 'protoKey'; readonly text: string }
  | { readonly kind: 'rawNumber'; readonly key: string; readonly text: string }
  | { readonly kind: 'invalidUtf8'; readonly bytes: readonly number[]; readonly at: number }
  | { readonly kind: 'bom' }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'append'; readonly text: string }
  | { readonly kind: 'nest'; readonly key: string; readonly depth: number; readonly open: '[' | '{"a":' }
  | { readonly kind: 'replace'; readonly text: string }
  | { readonly kind: 'whitespace' };

const PROTO_TEXTS = [
  '"__proto__":{"Name":"polluted","isAdmin":true}',
  '"constructor":{"prototype":{"isAdmin":true}}',
  '"__proto__":null',
  '"constructor":"x"',
  '"prototype":{"a":1}',
  '"\\u005f_proto__":{"a":1}',
];

const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff], [0xfe, 0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf0, 0x9f, 0x98],
];

export function mutation(names: readonly string[]): fc.Arbitrary<Mutation> {
  const key = keyOf(names).filter((k) => !PROTO_KEYS.includes(k));
  return fc.oneof(
    { arbitrary: fc.constant<Mutation>({ kind: 'none' }), weight: 60 },
    { arbitrary: fc.record({ kind: fc.constant('duplicateKey' as const), key, first: anyJson(names, 1), second: anyJson(names, 1) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('protoKey' as const), text: fc.constantFrom(...PROTO_TEXTS) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('rawNumber' as const), key, text: fc.constantFrom(...RAW_NUMBER_TEXTS) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('invalidUtf8' as const), bytes: fc.constantFrom(...INVALID_UTF8), at: fc.nat() }), weight: 2 },
    { arbitrary: fc.constant<Mutation>({ kind: 'bom' }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('append' as const), text: fc.constantFrom(' x', '}', ']', ',', '\u0000', '{}', ' ') }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant('nest' as const),
        key,
        depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(62, 63, 64, 65)),
        open: fc.constantFrom('[' as const, '{"a":' as const),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('replace' as const),
        text: fc.constantFrom('', 'null', '[]', '"x"', '0', 'true', '{', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'undefined', 'NaN', '[1,2', '{"a" 1}'),
      }),
      weight: 2,
    },
    { arbitrary: fc.constant<Mutation>({ kind: 'whitespace' }), weight: 1 },
  );
}

/** Inserts `member` (`"key":value` text) as the first member of the top-level object, if it is one. */
function withMember(text: string, member: string): string {
  if (!text.startsWith('{')) return text;
  return text === '{}' ? `{${member}}` : `{${member},${text.slice(1)}`;
}

/** The bytes of a body after a mutation. */
export function applyMutation(text: string, m: Mutation): string | Buffer {
  switch (m.kind) {
    case 'none':
      return text;
    case 'duplicateKey': {
      // The key twice here, and once more after (when the body has it): JSON.parse keeps the last.
      const key = JSON.stringify(m.key);
      return withMember(text, `${key}:${JSON.stringify(m.first)},${key}:${JSON.stringify(m.second)}`);
    }
    case 'protoKey':
      return withMember(text, m.text);
    case 'rawNumber':
      return withMember(text, `${JSON.stringify(m.key)}:${m.text}`);
    case 'invalidUtf8': {
      const bytes = Buffer.from(text);
      const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    }
    case 'bom':
      return '\uFEFF' + text;
    case 'truncate':
      return text.slice(0, text.length === 0 ? 0 : m.at % text.length);
    case 'append':
      return text + m.text;
    case 'nest': {
      const close = m.open === '[' ? ']' : '}';
      return withMember(text, `${JSON.stringify(m.key)}:${m.open.repeat(m.depth)}1${close.repeat(m.depth)}`);
    }
    case 'replace':
      return m.text;
    case 'whitespace':
      return `\n\t ${text.replace(/([,:])/g, '$1 \n')} \r\n`;
  }
}

// ---------------------------------------------------------------------------------------------
// URLs and headers

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD, as any client would send). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

/** Text that is not a valid percent-encoding (or decodes to invalid UTF-8 or to separators). */
export const PERCENT_GARBAGE = ['%', '%%', '%zz', '%c3%28', '%ff', '%00', '%E0%A4%A', '%2F', '%2f..%2f', '%2e%2e', '..', '.', '%u0041', '%25', '+', '%20', '%0A', '%C0%AF', '%ED%A0%80'];

/** A URL piece: sent encoded, or raw garbage in its place. */
export type UrlPart = { readonly text: string | Ref } | { readonly raw: string };

export function urlPart(value: fc.Arbitrary<string | Ref>): fc.Arbitrary<UrlPart> {
  return fc.oneof(
    { arbitrary: value.map((text) => ({ text })), weight: 30 },
    { arbitrary: fc.constantFrom(...PERCENT_GARBAGE).map((raw) => ({ raw })), weight: 1 },
    {
      arbitrary: fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...PERCENT_GARBAGE)).map(([text, raw]) => ({ raw: percentEncode(text) + raw })),
      weight: 1,
    },
  );
}

/** Query parameters: the known ones with edge values, others, repeats, garbage. */
export function queryOf(known: Readonly<Record<string, fc.Arbitrary<string | Ref>>>): fc.Arbitrary<readonly (readonly [UrlPart, UrlPart])[]> {
  const names = Object.keys(known);
  const named = (name: string) => fc.tuple(fc.constant<UrlPart>({ text: name }), urlPart(known[name]!));
  const pair = fc.oneof(
    ...(names.length > 0 ? [{ arbitrary: fc.constantFrom(...names).chain(named), weight: 6 }] : []),
    {
      arbitrary: fc.tuple(
        urlPart(fc.oneof(fc.constantFrom('accessKey', 'pageNumber', 'limit', 'keys', 'CompanyId', '__proto__', 'constructor', 'a[]', 'a[b]'), anyString)),
        urlPart(anyString),
      ),
      weight: 2,
    },
  );
  return fc.array(pair, { maxLength: 4 }).chain((pairs) =>
    // Sometimes a parameter is repeated.
    pairs.length > 0 ? fc.oneof({ arbitrary: fc.constant(pairs), weight: 5 }, { arbitrary: fc.constant([...pairs, pairs[0]!]), weight: 1 }) : fc.constant(pairs),
  );
}

/** Header values Node lets a client send: visible Latin-1. */
export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'x', 'null', '0', '-1', 'a'.repeat(300), '"quoted"', 'ü', 'W/"x"', '*', 'application/json', 'gsk_', 'Bearer x'),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json;charset="UTF-8"', 'APPLICATION/JSON',
  'application/merge-patch+json', 'application/merge-patch+json; charset=utf-8', 'text/plain', 'text/json', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/jsonx', 'application/json, text/plain', 'application/*', '*/*', '', ';', undefined,
];

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 14 },
  { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 },
);

export const ACCEPTS = [
  '*/*', 'application/json', 'text/csv', 'text/html', 'application/xml', 'application/*', '*/*;q=0', 'application/json;q=0, text/csv',
  'text/csv;q=0.5, application/json;q=0.9', ';;;', 'application/json;q=abc', 'text/*', '',
];

/** Which key a request presents. */
export type KeyChoice = 'valid' | 'readOnly' | 'none' | 'empty' | 'wrong' | 'long';

export const keyChoice: fc.Arbitrary<KeyChoice> = fc.oneof(
  { arbitrary: fc.constant<KeyChoice>('valid'), weight: 40 },
  { arbitrary: fc.constantFrom<KeyChoice>('readOnly', 'none', 'empty', 'wrong', 'long'), weight: 3 },
);

/** Headers besides the key and Content-Type. */
export function extraHeaders(named: Readonly<Record<string, fc.Arbitrary<string>>> = {}): fc.Arbitrary<Record<string, string>> {
  const names = Object.keys(named);
  return fc
    .tuple(
      rarely(fc.constantFrom(...ACCEPTS), 5),
      rarely(fc.oneof(fc.constantFrom('my-trace-1', 'a'.repeat(128), 'a'.repeat(129), 'has space', '../x', ''), headerText), 4),
      rarely(fc.tuple(fc.constantFrom('if-match', 'if-none-match', 'x-forwarded-for', 'x-http-method-override', 'origin', 'range', 'expect'), headerText), 5),
      // A fresh key each time: a reused one would replay an earlier answer, which changes nothing.
      rarely(fc.uuid(), 6),
      names.length > 0 ? fc.subarray(names).chain((chosen) => fc.tuple(...chosen.map((n) => fc.tuple(fc.constant(n), named[n]!)))) : fc.constant([]),
    )
    .map(([accept, requestId, extra, idempotencyKey, specific]) => {
      const headers: Record<string, string> = {};
      if (accept !== null) headers.accept = accept;
      if (requestId !== null) headers['x-request-id'] = requestId;
      if (extra !== null) headers[extra[0]] = extra[1];
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      for (const [name, value] of specific as [string, string][]) headers[name.toLowerCase()] = value;
      return headers;
    });
}
