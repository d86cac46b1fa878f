import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * The schema in force (object-tables.ts records it after each apply): which objects and fields
 * the database holds, and the tenant's schema file as applied. A field or object that a later
 * schema no longer names is then refused instead of silently left behind (or dropped).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('schema_state')
    .addColumn('name', sql.raw(t.text), (c) => c.primaryKey())
    // JSON text: read and written whole.
    .addColumn('state', sql.raw(t.text), (c) => c.notNull())
    .addColumn('applied_date', sql.raw(t.timestamp), (c) => c.notNull())
    .execute();
}
