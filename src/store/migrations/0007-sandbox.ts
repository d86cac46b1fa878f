import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * The sandbox's state (`serve --sandbox`), kept in the database so that every node sees the same
 * journal, fault rules and snapshots:
 *
 * - `sandbox_request`: the request journal. `seq` only grows (never reused, even after the journal
 *   is cleared), so `requests tail` can follow it with "after seq N" across nodes.
 * - `sandbox_fault`: fault rules; `seen` counts the requests a rule matched, `hits` those it
 *   fired on (claimed atomically, so `times` holds across nodes).
 * - `sandbox_snapshot`: named snapshots; each one's rows are copied into tables of their own
 *   (`sandbox_copy_<id>_<n>`, listed in `tables`), which restore copies back in one statement each.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('sandbox_request')
    .addColumn('seq', sql.raw(postgres ? 'bigint' : 'integer'), (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('node', sql.raw(t.text), (c) => c.notNull())
    .addColumn('request_id', sql.raw(t.text), (c) => c.notNull())
    .addColumn('method', sql.raw(t.text), (c) => c.notNull())
    .addColumn('path', sql.raw(t.text), (c) => c.notNull())
    // JSON objects, written and read whole.
    .addColumn('query', sql.raw(t.text), (c) => c.notNull())
    .addColumn('headers', sql.raw(t.text), (c) => c.notNull())
    .addColumn('key_name', sql.raw(t.text))
    .addColumn('status', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('duration_ms', sql.raw(t.double), (c) => c.notNull())
    .addColumn('request_body', sql.raw(t.text))
    .addColumn('request_body_truncated', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('response_body', sql.raw(t.text))
    .addColumn('response_body_truncated', sql.raw(t.integer), (c) => c.notNull())
    .addColumn('fault_id', sql.raw(t.text))
    .execute();
  await db.schema.createIndex('sandbox_request_at_idx').on('sandbox_request').column('at').execute();
  await db.schema.createIndex('sandbox_request_request_id_idx').on('sandbox_request').column('request_id').execute();

  await db.schema
    .createTable('sandbox_fault')
    .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
    // The rule as the API answers it (match, effect, probability, seed, times), as JSON.
    .addColumn('rule', sql.raw(t.text), (c) => c.notNull())
    .addColumn('times', sql.raw(t.integer))
    .addColumn('seen', sql.raw(t.integer), (c) => c.notNull().defaultTo(0))
    .addColumn('hits', sql.raw(t.integer), (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sandbox_snapshot')
    .addColumn('name', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('records', sql.raw(t.integer), (c) => c.notNull())
    // [{ "table": "company", "copy": "sandbox_copy_ab12cd34_0", "columns": [...], "rows": 10 }, ...]
    .addColumn('tables', sql.raw(t.text), (c) => c.notNull())
    .execute();
}
