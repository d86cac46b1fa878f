import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * The seed objects, access keys and server metadata. Migrations are frozen history: a later
 * field is a later migration, never an edit here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('company')
    .addColumn('gsid', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('industry', sql.raw(t.text))
    .addColumn('arr', sql.raw(t.double))
    .addColumn('lifecycle_stage', sql.raw(t.text))
    .addColumn('status', sql.raw(t.text))
    .addColumn('csm_name', sql.raw(t.text))
    .addColumn('employees', sql.raw(t.integer))
    .addColumn('original_contract_date', sql.raw(t.date))
    .addColumn('renewal_date', sql.raw(t.date))
    .addColumn('created_date', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('modified_date', sql.raw(t.timestamp), (c) => c.notNull())
    .execute();
  // The list order of the API.
  await db.schema.createIndex('company_created_idx').on('company').columns(['created_date', 'gsid']).execute();

  await db.schema
    .createTable('person')
    .addColumn('gsid', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('first_name', sql.raw(t.text))
    .addColumn('last_name', sql.raw(t.text))
    .addColumn('email', sql.raw(t.text))
    // Email folded to lower case: uniqueness ignoring case, enforced by the database.
    .addColumn('email_key', sql.raw(t.text))
    .addColumn('company_id', sql.raw(t.text), (c) => c.references('company.gsid').onDelete('restrict'))
    .addColumn('role', sql.raw(t.text))
    .addColumn('location', sql.raw(t.text))
    .addColumn('created_date', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('modified_date', sql.raw(t.timestamp), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('person_created_idx').on('person').columns(['created_date', 'gsid']).execute();
  await db.schema.createIndex('person_email_key_unique').on('person').column('email_key').unique().execute();
  await db.schema
    .createIndex('person_company_idx')
    .on('person')
    .columns(['company_id', 'created_date', 'gsid'])
    .execute();

  await db.schema
    .createTable('access_key')
    .addColumn('id', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('key_hash', sql.raw(t.text), (c) => c.notNull())
    .addColumn('read_only', sql.raw(t.integer), (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql.raw(t.timestamp), (c) => c.notNull())
    .addColumn('last_used_at', sql.raw(t.timestamp))
    .addColumn('revoked_at', sql.raw(t.timestamp))
    .execute();

  await db.schema
    .createTable('server_meta')
    .addColumn('key', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('value', sql.raw(t.text), (c) => c.notNull())
    .execute();
}
