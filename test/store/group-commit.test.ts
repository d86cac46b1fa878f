/**
 * Group commit (src/store/group-commit.ts): writes that arrive together share one transaction;
 * a write that fails is rejected alone and leaves nothing behind; the others commit; nothing is
 * acknowledged before its COMMIT returned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/store/group-commit.js';

type Db = Kysely<any>;

describe('group commit', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(): Promise<{ db: Db; statements: string[]; path: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'gs-group-commit-'));
    const path = join(dir, 'test.db');
    const raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    const statements: string[] = [];
    const db: Db = new Kysely({ dialect: new SqliteDialect({ database: raw }), log: (event) => void statements.push(event.query.sql) });
    await sql`create table item (id integer primary key, name text not null unique)`.execute(db);
    statements.length = 0;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => db.destroy());
    return { db, statements, path };
  }

  const insert = (name: string, id: number) => (trx: Db) => trx.insertInto('item').values({ id, name }).execute();

  it('writes concurrent writes in one transaction, and acknowledges them only once committed', async () => {
    const { db, statements, path } = await open();
    const write = createGroupCommit(db);
    const observer = new BetterSqlite3(path, { readonly: true });
    cleanups.push(() => {
      observer.close();
    });
    const seenAtAcknowledgement: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        write(insert(`item ${i}`, i)).then(() => {
          // Another connection sees the write as soon as it is acknowledged: it was committed.
          seenAtAcknowledgement.push((observer.prepare('select count(*) as n from item where id = ?').get(i) as { n: number }).n);
        }),
      ),
    );
    expect(seenAtAcknowledgement).toEqual(Array(100).fill(1));
    const begins = statements.filter((text) => /^begin/i.test(text)).length;
    const commits = statements.filter((text) => /^commit/i.test(text)).length;
    expect(begins).toBe(1);
    expect(commits).toBe(1);
  });

  it('rejects only the write that fails; the others of its batch commit', async () => {
    const { db } = await open();
    const write = createGroupCommit(db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => write(insert(i === 20 || i === 35 ? 'duplicate' : `item ${i}`, i))),
    );
    const rejected = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
    // The first 'duplicate' (20) commits; the second (35) is the one refused.
    expect(rejected).toEqual([35]);
    expect(String((outcomes[35] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    const { rows } = await sql<{ id: number }>`select id from item order by id`.execute(db);
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 35));
  });

  it('a write that fails alone leaves nothing, and the next batch is not affected', async () => {
    const { db } = await open();
    const write = createGroupCommit(db);
    await write(insert('a', 1));
    await expect(write(insert('a', 2))).rejects.toThrow(/UNIQUE/);
    // A write that throws after its statement ran: its row is undone with it.
    const failing = (trx: Db) => insert('b', 3)(trx).then(() => Promise.reject(new Error('refused after writing')));
    const results = await Promise.allSettled([write(failing), write(insert('c', 4))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    const { rows } = await sql<{ id: number }>`select id from item order by id`.execute(db);
    expect(rows.map((row) => row.id)).toEqual([1, 4]);
  });

  it('writes that arrive while a batch commits form the next batch', async () => {
    const { db, statements } = await open();
    const write = createGroupCommit(db);
    const first = Promise.all(Array.from({ length: 10 }, (_, i) => write(insert(`first ${i}`, i))));
    // Queued after the first batch started (it starts when the event loop turns).
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all(Array.from({ length: 10 }, (_, i) => write(insert(`second ${i}`, 100 + i))));
    await Promise.all([first, second]);
    expect(statements.filter((text) => /^commit/i.test(text)).length).toBe(2);
    const { rows } = await sql<{ n: number }>`select count(*) as n from item`.execute(db);
    expect(rows[0]!.n).toBe(20);
  });
});
