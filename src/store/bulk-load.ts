/**
 * Bulk loads (seeding a million rows) are several times faster when the non-unique indexes are
 * dropped first and rebuilt once at the end: one sort per index instead of a random B-tree
 * insert per row. Unique indexes stay, so uniqueness holds throughout.
 *
 * The dropped indexes are recorded in `server_meta` before they are dropped; if the process
 * dies half-way, the next start (every command migrates first) rebuilds them.
 */
import { sql } from 'kysely';
import type { Database } from './database.js';

const META_KEY = 'deferred_indexes';

export async function withDeferredIndexes<T>(database: Database, tables: readonly string[], work: () => Promise<T>): Promise<T> {
  const { db } = database;
  const indexes = await database.secondaryIndexes(tables);
  await db
    .insertInto('server_meta')
    .values({ key: META_KEY, value: JSON.stringify(indexes) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(indexes) }))
    .execute();
  for (const index of indexes) await sql`drop index if exists ${sql.id(index.name)}`.execute(db);
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
    for (const index of JSON.parse(row.value as string) as { sql: string }[]) {
      await sql.raw(index.sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS ')).execute(db);
    }
    await db.deleteFrom('server_meta').where('key', '=', META_KEY).execute();
  });
}
