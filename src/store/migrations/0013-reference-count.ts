import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * How many records refer to each record through each lookup column (`person.company_id` ->
 * the company's Gsid), kept by triggers in the same transaction as every write
 * (store/reference-counter.ts), so a report grouping by a lookup (people by company) reads the
 * counts instead of the referring table. Rows are per (table, column, target, shard), like
 * `record_count`: on PostgreSQL concurrent writers add to different shards; a count is the sum.
 * `reference_counter` names the lookup columns whose counts are kept (their triggers are installed).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('reference_count')
    .addColumn('table_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('column_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('target', sql.raw(t.text), (c) => c.notNull())
    .addColumn('shard', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('count', sql.raw('bigint'), (c) => c.notNull())
    .addPrimaryKeyConstraint('reference_count_pk', ['table_name', 'column_name', 'target', 'shard'])
    // SQLite: the rows in key order, so a column's counts are one range of the table itself.
    .$call((table) => (db.getExecutor().adapter instanceof PostgresAdapter ? table : table.modifyEnd(sql`without rowid`)))
    .execute();
  await db.schema
    .createTable('reference_counter')
    .addColumn('table_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('column_name', sql.raw(t.text), (c) => c.notNull())
    .addPrimaryKeyConstraint('reference_counter_pk', ['table_name', 'column_name'])
    .execute();
}
