import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/** Saved report definitions, and the indexes the built-in reports filter, group and sort by. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('report_definition')
    .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
    // The definition as JSON text: it is read and written whole, never queried into.
    .addColumn('definition', sql.raw(t.text), (c) => c.notNull())
    .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('modified_at', sql.raw(t.timestamp), (c) => c.notNull())
    .execute();
  // upcoming-renewals: range on RenewalDate, sorted by it.
  await db.schema.createIndex('company_renewal_idx').on('company').column('renewal_date').execute();
  // largest-customers: top N by ARR.
  await db.schema.createIndex('company_arr_idx').on('company').column('arr').execute();
  // arr-by-industry and companies-by-lifecycle-stage: grouping covered by the index, no table reads.
  await db.schema.createIndex('company_industry_arr_idx').on('company').columns(['industry', 'arr']).execute();
  await db.schema.createIndex('company_stage_arr_idx').on('company').columns(['lifecycle_stage', 'arr']).execute();
}
