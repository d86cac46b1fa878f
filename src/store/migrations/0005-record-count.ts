import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * How many records each object's table holds, kept by triggers in the same transaction as every
 * insert and delete (cascades and bulk loads included), so a list's `totalCount` need not count
 * the table on every page. Rows are per (table, shard): on PostgreSQL concurrent writers add to
 * different shards (see record-counter.ts); a table's count is the sum of its rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('record_count')
    .addColumn('table_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('shard', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('count', sql.raw(t.integer), (c) => c.notNull())
    .addPrimaryKeyConstraint('record_count_pk', ['table_name', 'shard'])
    .execute();
}
