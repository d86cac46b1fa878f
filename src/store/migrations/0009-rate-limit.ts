import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * Rate-limit counters: calls per access key (`subject`) per fixed window, shared by every node
 * on this database. A row is the count of one window of one key; rows of windows that have ended
 * are deleted now and then (by expires_at).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('rate_limit_counter')
    .addColumn('subject', sql.raw(t.text), (c) => c.notNull())
    .addColumn('window_seconds', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('window_start', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('count', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('expires_at', sql.raw(t.timestamp), (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counter_pk', ['subject', 'window_seconds', 'window_start'])
    .execute();
  await db.schema.createIndex('rate_limit_counter_expires_idx').on('rate_limit_counter').column('expires_at').execute();
}
