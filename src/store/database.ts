/**
 * A database handle the rest of the store works through: one Kysely instance plus what differs
 * between SQLite and PostgreSQL (column types, error classification, clean shutdown). Nothing
 * outside `sqlite.ts` and `postgres.ts` may contain dialect-specific SQL.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { StoreError, type StoreFailure } from '../domain/persistence.js';
import type { GroupedWrite } from './group-commit.js';
import type { PoolUsage } from './query-timing.js';
import type { RequestTransactions } from './request-transaction.js';

export { StoreError, type StoreFailure };

export type DialectName = 'sqlite' | 'postgres';

/** Physical column types per logical type; see the two dialect modules. */
export interface ColumnTypes {
  readonly text: string;
  readonly double: string;
  readonly integer: string;
  readonly date: string;
  readonly timestamp: string;
}


export interface Database {
  // The schema is described by data (object descriptions), not by a static TypeScript interface.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly dialect: DialectName;
  readonly columnTypes: ColumnTypes;
  /**
   * Collation that orders and compares text by Unicode code point, as SQLite does natively
   * ("C" on PostgreSQL; undefined where the default already does).
   */
  readonly codePointCollation?: string;
  /** The PostgreSQL schema that holds the tables; undefined on SQLite. */
  readonly schema?: string;
  /** Maps a driver error onto a StoreFailure, or undefined when it is not one we expect. */
  classifyError(error: unknown): StoreFailure | undefined;
  /** The connection pool's occupancy (PostgreSQL); undefined on SQLite, which has no pool. */
  readonly poolUsage?: () => PoolUsage;
  /**
   * The non-unique indexes of these tables, as `CREATE INDEX` statements (for bulk loads, which
   * drop and rebuild them; unique indexes always stay, they guard correctness).
   */
  secondaryIndexes(tables: readonly string[]): Promise<{ name: string; sql: string }[]>;
  /**
   * Runs a single-record write and answers once it is durable. SQLite commits concurrent ones
   * together, one transaction and one fsync for all (group-commit.ts); PostgreSQL runs it as it
   * is (its connections commit in parallel). `work` must make its own statements atomic when it
   * has several (it may or may not get a transaction).
   */
  groupedWrite: GroupedWrite;
  /** One transaction around all a request writes (request-transaction.ts; used for Idempotency-Key). */
  readonly requestTransactions: RequestTransactions;
  /**
   * Runs long schema work (migrations, index rebuilds) on a connection without the statement
   * timeout: waiting for another node's migration or rebuilding an index on a million rows must
   * not be cut off after DB_STATEMENT_TIMEOUT_MS.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  maintenance<T>(work: (db: Kysely<any>) => Promise<T>): Promise<T>;
  /**
   * After a bulk load: fresh planner statistics (and on PostgreSQL a vacuum, so index-only scans
   * work right away instead of after autovacuum gets to the new rows).
   */
  refreshStatistics(tables: readonly string[]): Promise<void>;
  /**
   * Runs the migrations and the schema apply under the lock that serialises them between nodes
   * (PostgreSQL: a session-level advisory lock per schema; SQLite: its write lock already does).
   */
  withMigrationLock<T>(work: () => Promise<T>): Promise<T>;
  /**
   * The columns of one table of this database's schema, or undefined when there is no such table.
   * (Kysely's introspector reads every schema of the database, and fails when another tenant's
   * schema is dropped meanwhile.)
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columnsOf(executor: Kysely<any>, table: string): Promise<Set<string> | undefined>;
  /** The names of the indexes of one table of this database's schema. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  indexNamesOf(executor: Kysely<any>, table: string): Promise<Set<string>>;
  /** Drops a column with its indexes (SQLite refuses to drop an indexed column). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  dropColumn(executor: Kysely<any>, table: string, column: string): Promise<void>;
  /** Takes the migration lock (when the dialect needs one) and prepares the schema. */
  prepareSchema(): Promise<void>;
  close(): Promise<void>;
}


/** Runs a database operation and rethrows expected failures as StoreError. */
export async function classified<T>(database: Database, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const failure = database.classifyError(error) ?? closedFailure(error);
    if (failure) throw new StoreError(failure);
    throw error;
  }
}

/**
 * A store used after it was closed (Kysely's destroyed driver, on both backends; better-sqlite3's
 * closed connection): the database is unavailable to this process, a 503 like any outage.
 */
function closedFailure(error: unknown): StoreFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.message === 'driver has already been destroyed' || error.message === 'The database connection is not open') {
    return { kind: 'unavailable', detail: 'the database connection is closed' };
  }
  return undefined;
}

/**
 * Wraps every method of a repository so that expected database failures (unreachable, busy,
 * timed out, constraint violations) surface as StoreError on reads as well as writes: a
 * database outage is a 503 for every request, never a 500.
 */
export function classifyAll<T extends object>(database: Database, target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => classified(database, () => (value as (...a: unknown[]) => Promise<unknown>).apply(wrapped, args))
        : value;
  }
  return wrapped as T;
}

/** A text column as it sorts on SQLite: by Unicode code point, whatever the database's locale. */
export function byCodePoint(database: Database, column: string): RawBuilder<unknown> {
  return database.codePointCollation ? sql`${sql.ref(column)} collate ${sql.id(database.codePointCollation)}` : sql.ref(column);
}
