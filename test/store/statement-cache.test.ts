/**
 * The SQLite statement cache (src/store/sqlite.ts): statements of the API's queries are prepared
 * once and reused; bulk statements (hundreds of bound values) are prepared each time and never
 * kept, since each holds megabytes of native memory and their text rarely repeats.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/sqlite.js';

const raw = new BetterSqlite3(':memory:');
raw.exec('create table t (a integer)');
const cached = withStatementCache(raw);
afterAll(() => raw.close());

const inList = (n: number) => `select a from t where a in (${Array.from({ length: n }, () => '?').join(', ')})`;

it('reuses the statement of a query asked for again', () => {
  expect(cached.prepare('select a from t where a = ?')).toBe(cached.prepare('select a from t where a = ?'));
  expect(cached.prepare(inList(256))).toBe(cached.prepare(inList(256)));
});

it('prepares a bulk statement (more than 256 bound values) afresh each time, and it still works', () => {
  const first = cached.prepare(inList(257));
  expect(cached.prepare(inList(257))).not.toBe(first);
  const values = Array.from({ length: 257 }, (_, i) => i);
  raw.prepare('insert into t (a) values (?)').run(3);
  expect((first as unknown as BetterSqlite3.Statement).all(...values)).toEqual([{ a: 3 }]);
});
