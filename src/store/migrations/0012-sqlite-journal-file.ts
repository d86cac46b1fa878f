import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * SQLite only: the request journal moves to a database file of its own beside the server's
 * (`<file>-sandbox-journal`, store/sandbox-journal.ts), so its writes never hold the records'
 * write lock nor churn their WAL. The table left in the server's file goes with what it held,
 * a diagnostic log. PostgreSQL keeps `sandbox_request` where it is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await db.schema.dropTable('sandbox_request').ifExists().execute();
}
