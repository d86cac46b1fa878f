import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * Answers recorded under an Idempotency-Key (src/server/idempotency.ts), per access key, for 24
 * hours: the request's fingerprint (to refuse the key's reuse for another request) and the first
 * answer as sent (status, the headers that describe the body, the body's exact text). A row is
 * written in the same transaction as the request's own writes, so it exists exactly when they do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('idempotency_key')
    // The access key's id (or GS_ACCESS_KEY's fixed name): keys of different clients never meet.
    .addColumn('access_key_id', sql.raw(t.text), (c) => c.notNull())
    .addColumn('request_key', sql.raw(t.text), (c) => c.notNull())
    .addColumn('fingerprint', sql.raw(t.text), (c) => c.notNull())
    .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('status', sql.raw(t.integer))
    // JSON text of the recorded headers.
    .addColumn('headers', sql.raw(t.text))
    .addColumn('body', sql.raw(t.text))
    .addPrimaryKeyConstraint('idempotency_key_pk', ['access_key_id', 'request_key'])
    .execute();
  // Pruning deletes by age.
  await db.schema.createIndex('idempotency_key_created_idx').on('idempotency_key').column('created_at').execute();
}
