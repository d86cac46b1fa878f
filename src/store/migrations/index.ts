import { Migrator, type Migration } from 'kysely';
import type { Database } from '../database.js';
import * as initial from './0001-initial.js';
import * as reports from './0002-reports.js';
import * as events from './0003-events.js';
import * as schemaState from './0004-schema-state.js';
import * as recordCount from './0005-record-count.js';
import * as adminKeys from './0006-admin-keys.js';
import * as sandbox from './0007-sandbox.js';
import * as idempotency from './0008-idempotency.js';
import * as rateLimit from './0009-rate-limit.js';
import * as audit from './0010-audit.js';
import * as journalIndexes from './0011-journal-indexes.js';
import * as sqliteJournalFile from './0012-sqlite-journal-file.js';
import * as referenceCount from './0013-reference-count.js';

type MigrationModule = { up: (db: Parameters<Migration['up']>[0], types: Database['columnTypes']) => Promise<void> };

/**
 * Every migration in order; the name is the key recorded in the migration table. Migrations are
 * frozen history. Tables of the registered objects need none since 0002: their columns and
 * indexes follow the descriptions (object-tables.ts), which add what the first migration lacks.
 */
const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-initial': initial,
  '0002-reports': reports,
  '0003-events': events,
  '0004-schema-state': schemaState,
  '0005-record-count': recordCount,
  '0006-admin-keys': adminKeys,
  '0007-sandbox': sandbox,
  '0008-idempotency': idempotency,
  '0009-rate-limit': rateLimit,
  '0010-audit': audit,
  '0011-journal-indexes': journalIndexes,
  '0012-sqlite-journal-file': sqliteJournalFile,
  '0013-reference-count': referenceCount,
};

/** The names of every migration this version knows, in order (a backup's must be among them). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

export interface MigrationReport {
  readonly applied: string[];
}

/**
 * Applies pending migrations. Safe when several nodes start at once: Kysely's migrator holds a
 * lock while it works (a PostgreSQL advisory lock; SQLite's write lock), so exactly one node
 * applies each migration and the others wait, then find nothing left to do.
 */
export async function migrateToLatest(database: Database): Promise<MigrationReport> {
  await database.prepareSchema();
  // Nothing pending (every start but the first after an upgrade): no need for the migrator, whose
  // introspection reads the tables of every schema of the database (and fails when another
  // tenant's schema is dropped meanwhile).
  if (await allApplied(database)) return { applied: [] };
  const migrations = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, module]): [string, Migration] => [
      name,
      { up: (db) => module.up(db, database.columnTypes) },
    ]),
  );
  const { error, results = [] } = await database.maintenance((db) =>
    new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: 'schema_migration',
      migrationLockTableName: 'schema_migration_lock',
      // Without it Kysely would take a migration table in any schema of the database for ours.
      ...(database.schema ? { migrationTableSchema: database.schema } : {}),
    }).migrateToLatest(),
  );
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(failed ? `Migration ${failed} failed: ${message}` : `Migrations could not run: ${message}`);
  }
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}

async function allApplied(database: Database): Promise<boolean> {
  if (!(await database.columnsOf(database.db, 'schema_migration'))) return false;
  const rows = (await database.db.selectFrom('schema_migration').select('name').execute()) as { name: string }[];
  const done = new Set(rows.map((row) => row.name));
  return Object.keys(MIGRATIONS).every((name) => done.has(name));
}
