import { sql, type Kysely } from 'kysely';

/**
 * Two more numbers per object table, kept by the same triggers as the count but never
 * decreasing (record-counter.ts; the schema apply replaces older tables' triggers):
 *
 * - `changes`: inserts and deletes (and reorderings) seen. A list that remembers where a page
 *   ended can tell, from this number read in the same statement as the next page, that no record
 *   came or went since, so seeking from there answers exactly what the offset would.
 * - `version`: every write seen. A page whose text was built at a version is still exactly that
 *   page while the version stays (record-pages.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // bigint: PostgreSQL's integer would overflow after two billion writes; SQLite's is 64-bit anyway.
  for (const column of ['changes', 'version']) {
    await db.schema
      .alterTable('record_count')
      .addColumn(column, sql.raw('bigint'), (c) => c.notNull().defaultTo(0))
      .execute();
  }
}
