/**
 * The request journal's store (src/store/sandbox-journal.ts) on SQLite: every sandbox request
 * writes a row, so its insert must stay a cached prepared statement (sqlite.ts prepares bulk
 * statements afresh each time, which once made the journal cost more than the request), and
 * pruning keeps the newest rows by count and by age.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import type { NewJournalRecord } from '../../src/domain/sandbox/journal.js';
import { createJournalStore } from '../../src/store/sandbox-journal.js';
import { openStore, type Store } from '../../src/store/store.js';

let store: Store | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await store?.close();
});

const record = (i: number, at: string): NewJournalRecord => ({
  at,
  node: 'n1',
  requestId: `req-${i}`,
  method: 'GET',
  path: `/v1/companies/${i}`,
  query: {},
  headers: { host: 'localhost' },
  keyName: 'ci',
  status: 200,
  durationMs: 1.5,
  requestBody: null,
  requestBodyTruncated: false,
  responseBody: '{"result":true}',
  responseBodyTruncated: false,
  faultId: null,
});

it('writes batches of any size with statements prepared once', async () => {
  store = await openStore({ url: 'sqlite::memory:' });
  await store.migrate();
  const journal = createJournalStore(store.database);
  const prepare = vi.spyOn(BetterSqlite3.prototype, 'prepare');
  const now = new Date().toISOString();
  for (const size of [500, 500, 37, 1, 250]) await journal.append(Array.from({ length: size }, (_, i) => record(i, now)));
  const inserts = prepare.mock.calls.map(([sql]) => String(sql)).filter((sql) => sql.startsWith('insert into "sandbox_request"'));
  // One statement for a full chunk of rows and one for a single row, whatever the batches.
  expect(new Set(inserts).size).toBe(2);
  expect(inserts).toHaveLength(2);
  expect(await journal.count()).toBe(1288);
});

it('prunes to the newest records by count, and by age from the oldest end', async () => {
  store = await openStore({ url: 'sqlite::memory:' });
  await store.migrate();
  const journal = createJournalStore(store.database);
  const old = new Date(Date.now() - 3600_000).toISOString();
  const now = new Date().toISOString();
  await journal.append(Array.from({ length: 30 }, (_, i) => record(i, old)));
  await journal.append(Array.from({ length: 50 }, (_, i) => record(100 + i, now)));
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  expect(await journal.prune(1000, minuteAgo, 500)).toBe(30);
  expect(await journal.count()).toBe(50);
  // At most `limit` a call, the oldest first.
  expect(await journal.prune(20, minuteAgo, 12)).toBe(12);
  expect(await journal.prune(20, minuteAgo, 12)).toBe(12);
  expect(await journal.prune(20, minuteAgo, 12)).toBe(6);
  expect(await journal.prune(20, minuteAgo, 12)).toBe(0);
  const kept = await journal.list({ limit: 100 });
  expect(kept.map((r) => r.requestId)).toEqual(Array.from({ length: 20 }, (_, i) => `req-${149 - i}`));
  // Everything old: all of it goes.
  expect(await journal.prune(1000, new Date(Date.now() + 60_000).toISOString(), 500)).toBe(20);
  expect(await journal.count()).toBe(0);
});
