/**
 * Bulk loads (seeding a million rows) are several times faster when the non-unique indexes are
 * dropped first and rebuilt once at the end: one sort per index instead of a random B-tree
 * insert per row. Unique indexes stay, so uniqueness holds throughout.
 *
 * The dropped indexes are recorded in `server_meta` before they are dropped; if the process
 * dies half-way, the next start (every command migrates first) rebuilds them.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const META_KEY = 'deferred_indexes';

export async function withDeferredIndexes<T>(database: Database, tables: readonly string[], work: () => Promise<T>): Promise<T> {
  const { db } = database;
  const indexes = await database.secondaryIndexes(tables);
  await db
    .insertInto('server_meta')
    .values({ key: META_KEY, value: JSON.stringify(indexes) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(indexes) }))
    .execute();
  await dropIndexes(db, indexes);
  try {
    return await work();
  } finally {
    await restoreDeferredIndexes(database);
    // Fresh statistics, so the query planner knows the tables just grew.
    await database.refreshStatistics(tables);
  }
}

/** Rebuilds indexes a bulk load dropped and did not get to rebuild. */
export async function restoreDeferredIndexes(database: Database): Promise<void> {
  const row = await database.db.selectFrom('server_meta').select('value').where('key', '=', META_KEY).executeTakeFirst();
  if (!row) return;
  await database.maintenance(async (db) => {
    await createIndexes(db, JSON.parse(row.value as string) as { sql: string }[]);
    await db.deleteFrom('server_meta').where('key', '=', META_KEY).execute();
  });
}

export async function dropIndexes(executor: Db, indexes: readonly { name: string }[]): Promise<void> {
  for (const index of indexes) await sql`drop index if exists ${sql.id(index.name)}`.execute(executor);
}

/** Runs the CREATE INDEX statements `secondaryIndexes` reported (for the indexes missing). */
export async function createIndexes(executor: Db, indexes: readonly { sql: string }[]): Promise<void> {
  for (const index of indexes) await sql.raw(index.sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS ')).execute(executor);
}
