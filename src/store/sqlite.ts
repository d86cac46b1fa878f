/**
 * The embedded backend: better-sqlite3 in WAL mode behind Kysely.
 *
 * Durability: with `synchronous=FULL` (the default) a write is fsynced to the WAL before the
 * response is sent, so acknowledged writes survive a killed process and a power loss;
 * `synchronous=NORMAL` trades the power-loss guarantee for faster writes (a killed process still
 * loses nothing).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  sql,
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDatabase,
} from 'kysely';
import type { ColumnTypes, Database, StoreFailure } from './database.js';
import { createGroupCommit } from './group-commit.js';
import { JSON_NUMBER_FUNCTION, jsonNumber } from './record-json.js';
import { queryLog, type QueryListener } from './query-timing.js';
import { createRequestTransactions } from './request-transaction.js';

export type SqliteSynchronous = 'full' | 'normal';

/**
 * SQLite's page cache per connection, in KiB: 16 MiB instead of the default 2 MiB, so the upper
 * levels of a million-row table's indexes stay in memory (the rest is in the OS's file cache
 * either way). Measured on 1M companies / 3M people, alternating: against 32 MiB, the page walks,
 * the NXT walk and durable POSTs took the same time, the reports 5-12% longer (70 ms instead of
 * 66 for arr-by-industry), and the peak RSS was 15 MB lower (177 vs 192 MB); 64 MiB kept it 33 MB
 * higher than 32 MiB, for no speed.
 */
export const SQLITE_CACHE_KIB = 16_384;

export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  readonly synchronous: SqliteSynchronous;
  /** Told every statement's duration (metrics); none: statements are not timed. */
  readonly onQuery?: QueryListener;
}

const columnTypes: ColumnTypes = {
  text: 'text',
  double: 'real',
  integer: 'integer',
  date: 'text',
  timestamp: 'text',
};

// Prepared statements are reused: Kysely asks for `prepare(sql)` on every query, and preparing
// is a measurable part of a short request. The cache is bounded because report SQL varies.
const STATEMENT_CACHE_SIZE = 500;
/**
 * Statements with more parameters are not cached: they are bulk writes (a thousand rows of
 * values, an IN list of a thousand Gsids), whose text varies with the row count, so they are
 * rarely asked for again, while each holds megabytes of native memory that V8 does not see.
 * Cached, an import of 300,000 companies kept hundreds of them until they were evicted (peak RSS
 * 571 MB); uncached, each dies young and is freed by the next scavenge. (Queries of the API, even
 * over objects of hundreds of fields, bind a few dozen values at most.)
 */
const MAX_CACHED_PARAMETERS = 256;

/** The `?` placeholders in SQL text (an upper bound: a `?` inside a string literal counts too). */
function placeholders(sql: string): number {
  let count = 0;
  for (let at = sql.indexOf('?'); at !== -1; at = sql.indexOf('?', at + 1)) count++;
  return count;
}

export function withStatementCache(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) return statement;
      statement = raw.prepare(sql);
      if (placeholders(sql) > MAX_CACHED_PARAMETERS) return statement;
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
      return statement;
    },
  } as SqliteDatabase;
}

/**
 * Transactions start with BEGIN IMMEDIATE: they take the write lock up front, so a transaction
 * that reads and then writes can never fail half-way because another process (the CLI, a second
 * server) wrote in between; the busy timeout makes it wait instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite runs DDL inside transactions, so a failed migration leaves nothing half-applied. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ServerSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export function openSqlite(options: SqliteOptions): Database {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  // SQLite's built-in lower() folds ASCII only; case-insensitive filters must fold É to é, as
  // PostgreSQL's lower() does under a UTF-8 locale: character by character (simple case mapping,
  // no context rules such as Greek final sigma), like PostgreSQL.
  raw.function('lower', { deterministic: true }, lowerEachCharacter);
  // Records' JSON is built by queries (record-json.ts); numbers are written as JavaScript does.
  raw.function(JSON_NUMBER_FUNCTION, { deterministic: true }, jsonNumber);
  // A failed statement leaves SQLite's transaction usable: no savepoint per write needed.
  const requestTransactions = createRequestTransactions({ savepointPerWrite: false });
  const db = new Kysely({ dialect: requestTransactions.wrap(new ServerSqliteDialect(withStatementCache(raw))), ...queryLog(options.onQuery) });
  return {
    db,
    dialect: 'sqlite',
    columnTypes,
    classifyError,
    prepareSchema: async () => {},
    // One process at a time writes: the migrator's lock table and BEGIN IMMEDIATE serialise nodes.
    withMigrationLock: (work) => work(),
    columnsOf: async (executor, table) => {
      const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(executor);
      return rows.length > 0 ? new Set(rows.map((row) => row.name)) : undefined;
    },
    indexNamesOf: async (executor, table) => {
      const { rows } = await sql<{ name: string }>`select name from pragma_index_list(${table})`.execute(executor);
      return new Set(rows.map((row) => row.name));
    },
    dropColumn: async (executor, table, column) => {
      const { rows } = await sql<{ name: string }>`
        select il.name from pragma_index_list(${table}) il join pragma_index_info(il.name) ii
        where ii.name = ${column} and il.origin = 'c'`.execute(executor);
      for (const { name } of rows) await sql`drop index ${sql.id(name)}`.execute(executor);
      await sql`alter table ${sql.id(table)} drop column ${sql.id(column)}`.execute(executor);
    },
    maintenance: (work) => work(db),
    groupedWrite: createGroupCommit(db),
    requestTransactions,
    refreshStatistics: async (tables) => {
      for (const table of tables) await sql`analyze ${sql.id(table)}`.execute(db);
    },
    secondaryIndexes: async (tables) =>
      raw
        .prepare(
          `select name, sql from sqlite_master where type = 'index' and sql is not null
           and sql not like 'CREATE UNIQUE%' and tbl_name in (select value from json_each(?))`,
        )
        .all(JSON.stringify(tables)) as { name: string; sql: string }[],
    close: () => db.destroy(),
  };
}

function lowerEachCharacter(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(value)) return value.toLowerCase();
  let result = '';
  for (const character of value) result += character.toLowerCase();
  return result;
}

function classifyError(error: unknown): StoreFailure | undefined {
  if (!(error instanceof BetterSqlite3.SqliteError)) return undefined;
  // ON DELETE RESTRICT reports as SQLITE_CONSTRAINT_TRIGGER; only the message says what it is.
  if (error.message.startsWith('FOREIGN KEY constraint failed')) return { kind: 'foreignKey', detail: error.message };
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return { kind: 'unique', detail: error.message };
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { kind: 'foreignKey', detail: error.message };
    case 'SQLITE_BUSY':
    case 'SQLITE_BUSY_SNAPSHOT':
    case 'SQLITE_LOCKED':
      return { kind: 'unavailable', detail: error.message };
    default:
      return undefined;
  }
}
