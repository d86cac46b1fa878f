import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * The `admin` right on access keys: admin routes (the sandbox controls, the audit trail) need a
 * key created with `keys create --admin`. Existing keys keep the rights they had (not admin).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('access_key')
    .addColumn('admin', sql.raw(t.integer), (c) => c.notNull().defaultTo(0))
    .execute();
}
