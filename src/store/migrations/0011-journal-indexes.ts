import type { Kysely } from 'kysely';

/**
 * The request journal (`sandbox_request`) loses its indexes on `at` and `request_id`. Every API
 * request of a sandbox server writes a journal row and, once the journal is full, deletes one:
 * keeping two more B-trees up to date made up a third of that cost, on a table that is bounded
 * (10,000 rows by default) and read only by people looking at it. Its reads go by `seq` (the
 * primary key): newest first, after an id, and pruning by age from the oldest end.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sandbox_request_at_idx').ifExists().execute();
  await db.schema.dropIndex('sandbox_request_request_id_idx').ifExists().execute();
}
