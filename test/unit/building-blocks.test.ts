import { describe, expect, it } from 'vitest';
import { GSID_PATTERN, newGsid, seededGsid } from '../../src/domain/gsid.js';
import { toSnakeCase } from '../../src/domain/object-model.js';
import { codePointLength, isStorableText } from '../../src/domain/text.js';
import { timestampToIso, parsePostgresUrl, redactUrl } from '../../src/store/postgres.js';
import { parseDatabaseUrl } from '../../src/store/store.js';
import { negotiate } from '../../src/server/negotiate.js';
import { toCsv } from '../../src/api/reports/csv.js';
import { loadServeConfig, ConfigError } from '../../src/config.js';
import { createRandom } from '../../src/seed/random.js';
import { isCalendarDate } from '../../src/domain/dates.js';

describe('Gsid', () => {
  it('is 36 upper-case letters and digits, and sorts in creation order within a process', () => {
    const ids = Array.from({ length: 2000 }, () => newGsid());
    for (const id of ids) expect(id).toMatch(GSID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays monotonic when the clock goes backwards', () => {
    const later = newGsid(Date.now() + 60_000);
    const earlierClock = newGsid(Date.now());
    expect(earlierClock > later).toBe(true);
  });

  it('is reproducible from a seeded source', () => {
    const a = createRandom('x');
    const b = createRandom('x');
    expect(seededGsid(1_700_000_000_000, () => a.int(0, 35))).toBe(seededGsid(1_700_000_000_000, () => b.int(0, 35)));
  });
});

describe('names and text', () => {
  it.each([
    ['CSMName', 'csm_name'],
    ['OriginalContractDate', 'original_contract_date'],
    ['ARR', 'arr'],
    ['CompanyId', 'company_id'],
    ['Gsid', 'gsid'],
  ])('%s is stored as column %s', (field, column) => expect(toSnakeCase(field)).toBe(column));

  it('counts code points and refuses NUL and lone surrogates', () => {
    expect(codePointLength('👩‍💻')).toBe(3);
    expect(codePointLength('é')).toBe(1);
    expect(isStorableText('שלום 😀')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\ud800')).toBe(false);
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-1-05')).toBe(false);
    expect(isCalendarDate('0000-01-01')).toBe(false);
    expect(isCalendarDate('0050-01-01')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
  });
});

describe('PostgreSQL value mapping', () => {
  it.each([
    ['2026-01-31 12:00:00.5+05:30', '2026-01-31T06:30:00.500Z'],
    ['2026-01-31 12:00:00+00', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31 12:00:00.123456-08', '2026-01-31T20:00:00.123Z'],
    ['2026-01-31 12:00:00.123', '2026-01-31T12:00:00.123Z'],
  ])('timestamp %s reads as %s', (text, iso) => expect(timestampToIso(text)).toBe(iso));

  it('takes the schema parameter off the URL and masks passwords', () => {
    expect(parsePostgresUrl('postgres://u:p@h:5432/db?schema=tenant_a')).toEqual({
      connectionString: 'postgres://u:p@h:5432/db',
      schema: 'tenant_a',
    });
    expect(() => parsePostgresUrl('postgres://h/db?schema=a;drop')).toThrow(/schema/);
    expect(redactUrl('postgres://u:secret@h/db')).not.toContain('secret');
  });
});

describe('configuration', () => {
  it('parses database URLs and refuses unknown schemes', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({ dialect: 'sqlite', path: './data/x.db' });
    expect(parseDatabaseUrl('sqlite:///tmp/x.db')).toEqual({ dialect: 'sqlite', path: '/tmp/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgresql://h/db').dialect).toBe('postgres');
    expect(() => parseDatabaseUrl('mysql://u:pw@h/db')).toThrow(/Unsupported DATABASE_URL/);
    expect(() => parseDatabaseUrl('mysql://u:pw@h/db')).not.toThrow(/pw/);
  });

  it('lets flags win over the environment and names a bad setting', () => {
    expect(loadServeConfig({ PORT: '9000' }, { port: '9001' }).port).toBe(9001);
    expect(loadServeConfig({ PORT: '9000' }).port).toBe(9000);
    expect(loadServeConfig({}).databaseUrl).toBe('sqlite:./data/gainsight.db');
    expect(() => loadServeConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadServeConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadServeConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadServeConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS/);
  });
});

describe('content negotiation and CSV', () => {
  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['text/csv', 'text/csv'],
    ['text/csv, application/json;q=0.5', 'text/csv'],
    ['application/json, text/csv', 'application/json'],
    ['text/*', 'text/csv'],
    ['text/csv;q=0, */*', 'application/json'],
    ['text/html', undefined],
  ])('Accept %s picks %s', (accept, type) => expect(negotiate(accept, ['application/json', 'text/csv'])).toBe(type));

  it('quotes what needs quoting and leaves empty cells for missing values', () => {
    const csv = toCsv([{ name: 'a' }, { name: 'b,c' }], [{ a: 'x"y', 'b,c': 1 }, { a: 'line\nbreak' }, {}]);
    expect(csv).toBe('a,"b,c"\r\n"x""y",1\r\n"line\nbreak",\r\n,\r\n');
  });
});
