/**
 * The request journal's store (src/store/sandbox-journal.ts) on SQLite: every sandbox request
 * writes a row, so its insert must stay a cached prepared statement (sqlite.ts prepares bulk
 * statements afresh each time, which once made the journal cost more than the request); pruning
 * keeps the newest rows by count and by age; the journal has a file of its own beside the
 * server's, shared by every connection, and a damaged one is replaced. On PostgreSQL, a batch
 * costs as few round trips as it can.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { NewJournalRecord } from '../../src/domain/sandbox/journal.js';
import type { Database } from '../../src/store/database.js';
import { createJournalStore, journalFileOf, openJournalDatabase } from '../../src/store/sandbox-journal.js';
import { openStore } from '../../src/store/store.js';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';

let database: Database | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await database?.close();
  database = undefined;
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
  database = await openJournalDatabase('sqlite::memory:');
  const journal = createJournalStore(database);
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
  database = await openJournalDatabase('sqlite::memory:');
  const journal = createJournalStore(database);
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

describe('the SQLite journal file', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tempDatabase = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-journal-file-'));
    dirs.push(dir);
    return join(dir, 'test.db');
  };

  it('lives beside the server database, which keeps no journal table of its own', async () => {
    const path = tempDatabase();
    const store = await openStore({ url: `sqlite:${path}` });
    await store.migrate();
    expect(await store.database.columnsOf(store.database.db, 'sandbox_request')).toBeUndefined();
    await store.close();
    database = await openJournalDatabase(`sqlite:${path}`);
    await createJournalStore(database).append([record(1, new Date().toISOString())]);
    expect(existsSync(journalFileOf(path))).toBe(true);
    // A second connection (another node's journal thread) sees the same journal.
    const other = await openJournalDatabase(`sqlite:${path}`);
    try {
      expect((await createJournalStore(other).list({ limit: 10 })).map((r) => r.requestId)).toEqual(['req-1']);
    } finally {
      await other.close();
    }
  });

  it('is replaced by an empty one when it is not a database', async () => {
    const path = tempDatabase();
    writeFileSync(journalFileOf(path), 'not a database, '.repeat(500));
    database = await openJournalDatabase(`sqlite:${path}`);
    const journal = createJournalStore(database);
    expect(await journal.count()).toBe(0);
    await journal.append([record(1, new Date().toISOString())]);
    expect(await journal.count()).toBe(1);
  });
});

describe.skipIf(!postgresUrl)('the journal on PostgreSQL [postgres]', () => {
  const schema = `test_journal_${randomBytes(5).toString('hex')}`;
  afterAll(() => dropSchema(postgresUrl!, schema));

  it('writes a batch in as few statements as it can: full chunks of 100, then one for the rest', async () => {
    const url = withSchema(postgresUrl!, schema);
    const store = await openStore({ url });
    await store.migrate();
    await store.close();
    database = await openJournalDatabase(url);
    const journal = createJournalStore(database);
    const query = vi.spyOn(pg.Client.prototype, 'query');
    const inserts = () => query.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('insert into "sandbox_request"')).length;
    const now = new Date().toISOString();
    await journal.append(Array.from({ length: 32 }, (_, i) => record(i, now)));
    expect(inserts()).toBe(1);
    await journal.append(Array.from({ length: 250 }, (_, i) => record(i, now)));
    expect(inserts()).toBe(1 + 3);
    expect(await journal.count()).toBe(282);
  });
});
