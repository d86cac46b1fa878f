import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * The audit trail of writes (server/audit.ts): one row per successful write request, with the
 * key that made it, the route, the object and records it wrote, its status, time and request id.
 * `seq` only grows, so the trail is pruned to its newest rows by `seq` in one statement.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', sql.raw(postgres ? 'bigint' : 'integer'), (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('request_id', sql.raw(t.text), (c) => c.notNull())
    .addColumn('key_id', sql.raw(t.text), (c) => c.notNull())
    .addColumn('key_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('method', sql.raw(t.text), (c) => c.notNull())
    .addColumn('route', sql.raw(t.text), (c) => c.notNull())
    .addColumn('object', sql.raw(t.text))
    // A JSON array of the Gsids (or ids) written, read back whole.
    .addColumn('record_ids', sql.raw(t.text), (c) => c.notNull())
    .addColumn('status', sql.raw(t.integer), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_key_idx').on('audit_log').columns(['key_name', 'at']).execute();
  await db.schema.createIndex('audit_log_object_idx').on('audit_log').columns(['object', 'at']).execute();
}
