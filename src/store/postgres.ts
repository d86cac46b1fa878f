/**
 * The PostgreSQL backend: a pg connection pool behind Kysely. Nodes hold no state of their own;
 * uniqueness, references and migration locking are the database's job.
 *
 * Values must come back exactly as SQLite returns them, so the type parsers are set per pool
 * (never globally): int8 and numeric as numbers, `date` as the plain `YYYY-MM-DD` string and
 * `timestamptz` as an ISO 8601 UTC string, whatever the session's time zone.
 */
import { redactUrl } from './database-url.js';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { ColumnTypes, Database, StoreFailure } from './database.js';
import { queryLog, type QueryListener } from './query-timing.js';
import { createRequestTransactions } from './request-transaction.js';
import { quoteIdentifier } from './sql-identifier.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  /** Invoked for errors of idle pooled connections, which would otherwise crash the process. */
  readonly onPoolError?: (error: Error) => void;
  /** Told every statement's duration (metrics); none: statements are not timed. */
  readonly onQuery?: QueryListener;
}

const columnTypes: ColumnTypes = {
  text: 'text',
  double: 'double precision',
  integer: 'integer',
  date: 'date',
  timestamp: 'timestamptz',
};

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

const TIMESTAMP_TEXT = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d)?(?::?(\d\d))?(?::?(\d\d))?$/;

/** `2026-01-31 12:00:00.5+05:30` -> `2026-01-31T06:30:00.500Z` */
export function timestampToIso(text: string): string {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return text;
  const [, date, time, fraction = '', hours, minutes = '00'] = match;
  const offset = hours === undefined ? 'Z' : `${hours}:${minutes}`;
  const millis = (fraction + '000').slice(1, 4).padEnd(3, '0');
  return new Date(`${date}T${time}.${millis}${offset}`).toISOString();
}

const typeParsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => Number(text),
  [OID.numeric]: (text) => Number(text),
  [OID.date]: (text) => text,
  [OID.timestamp]: timestampToIso,
  [OID.timestamptz]: timestampToIso,
};

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return typeParsers[oid] ?? pg.types.getTypeParser(oid, format);
  },
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Splits our own `schema` parameter (and any `options`) off the URL: `?schema=tenant_a` keeps
 * all tables in schema `tenant_a` (created on first start), which is also how tests isolate.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema?: string; options?: string } {
  const parsed = new URL(url);
  // pg would quietly fall back to a database named after the user: data would land in `postgres`.
  if (parsed.pathname === '' || parsed.pathname === '/') {
    throw new Error(`DATABASE_URL ${redactUrl(url)} names no database: use postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  const options = parsed.searchParams.get('options') ?? undefined;
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('options');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid schema name ${JSON.stringify(schema)} in DATABASE_URL: use lower-case letters, digits and _`);
  }
  return { connectionString: parsed.toString(), schema, options };
}

/**
 * Session settings every connection gets, whatever the server's or database's defaults: values
 * must come back as the type parsers expect (ISO dates, UTC, floats printed exactly).
 */
export function sessionOptions(schema: string | undefined, userOptions: string | undefined): string {
  return [userOptions, '-c DateStyle=ISO', '-c TimeZone=UTC', '-c extra_float_digits=1', '-c IntervalStyle=iso_8601']
    .concat(schema ? [`-c search_path=${schema}`] : [])
    .filter(Boolean)
    .join(' ');
}

/** A URL safe to print: the password is masked. */
/**
 * A connection that drops emits 'error' on its client; the pool listens only to idle clients, and
 * an 'error' nobody listens to would crash the process. The query in flight fails on its own (and
 * becomes a 503), so here the error is only reported.
 */
function watched(pool: pg.Pool, options: PostgresOptions): pg.Pool {
  const report = (error: Error) => options.onPoolError?.(error);
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const { connectionString, schema, options: userOptions } = parsePostgresUrl(options.url);
  const poolConfig: pg.PoolConfig = {
    connectionString,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'gainsight-api',
    types,
    options: sessionOptions(schema, userOptions),
  };
  const pool = watched(new pg.Pool({ ...poolConfig, max: options.poolSize, statement_timeout: options.statementTimeoutMs }), options);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(describeConnectError(error, options.url));
  }
  const requestTransactions = createRequestTransactions({ savepointPerWrite: true });
  const db = new Kysely({ dialect: requestTransactions.wrap(new PostgresDialect({ pool })), ...queryLog(options.onQuery) });
  const tableSchema = schema ?? (await pool.query<{ name: string }>('select current_schema() as name')).rows[0]?.name;
  return {
    db,
    dialect: 'postgres',
    columnTypes,
    codePointCollation: 'C',
    schema: tableSchema,
    classifyError,
    poolUsage: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: options.poolSize }),
    prepareSchema: async () => {
      if (!schema) return;
      // Several nodes may start at once: the transaction-scoped advisory lock makes exactly one
      // create the schema while the others wait and then find it.
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${'gainsight-api:schema:' + schema}))`.execute(trx);
        await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
      });
    },
    columnsOf: async (executor, table) => {
      const { rows } = await sql<{ name: string }>`
        select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table}`.execute(executor);
      return rows.length > 0 ? new Set(rows.map((row) => row.name)) : undefined;
    },
    // One session-level advisory lock per schema around the migrations and the schema apply:
    // the nodes of one schema take turns (so each change is made once), nodes of other schemas
    // in the same database do not wait for them.
    withMigrationLock: async (work) => {
      const client = new pg.Client({ ...poolConfig });
      await client.connect();
      const key = `gainsight-api:migrate:${tableSchema ?? ''}`;
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', [key]);
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => {});
        await client.end().catch(() => {});
      }
    },
    indexNamesOf: async (executor, table) => {
      const { rows } = await sql<{ name: string }>`
        select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ${table}`.execute(executor);
      return new Set(rows.map((row) => row.name));
    },
    dropColumn: async (executor, table, column) => {
      await sql`alter table ${sql.id(table)} drop column ${sql.id(column)}`.execute(executor);
    },
    groupedWrite: (work) => work(db),
    requestTransactions,
    maintenance: async (work) => {
      const maintenancePool = watched(new pg.Pool({ ...poolConfig, max: 2 }), options);
      const maintenanceDb = new Kysely({ dialect: new PostgresDialect({ pool: maintenancePool }) });
      try {
        return await work(maintenanceDb);
      } finally {
        await maintenanceDb.destroy();
      }
    },
    refreshStatistics: async (tables) => {
      const client = await pool.connect();
      try {
        // VACUUM cannot run in a transaction and can take long: no statement timeout for it.
        await client.query('set statement_timeout = 0');
        for (const table of tables) await client.query(`vacuum (analyze) ${quoteIdentifier(table)}`);
      } finally {
        await client.query('reset statement_timeout').catch(() => {});
        client.release();
      }
    },
    secondaryIndexes: async (tables) => {
      const { rows } = await pool.query<{ name: string; sql: string }>(
        `select indexname as name, indexdef as sql from pg_indexes
         where schemaname = current_schema() and tablename = any($1) and indexdef not like 'CREATE UNIQUE%'`,
        [tables],
      );
      return rows;
    },
    close: () => db.destroy(),
  };
}

/** One line saying what is wrong and how to fix it, for start-up failures. */
export function describeConnectError(error: unknown, url: string): string {
  const where = redactUrl(url);
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `Cannot connect to PostgreSQL at ${where}: connection refused. Is the server running and listening on that host and port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot connect to PostgreSQL at ${where}: the host name does not resolve. Check the host in DATABASE_URL.`;
    case 'ETIMEDOUT':
      return `Cannot connect to PostgreSQL at ${where}: the connection timed out. Check the host, port and firewall.`;
    case '28P01':
    case '28000':
      return `PostgreSQL rejected the credentials for ${where}: ${message}. Check the user and password in DATABASE_URL.`;
    case '3D000':
      return `PostgreSQL database in ${where} does not exist: ${message}. Create it (createdb NAME) or fix DATABASE_URL.`;
    default:
      return `Cannot connect to PostgreSQL at ${where}: ${message}`;
  }
}

// Connection failures pg reports without an error code.
const CONNECTION_LOST = /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended|not queryable/i;

function classifyError(error: unknown): StoreFailure | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    return error instanceof Error && CONNECTION_LOST.test(error.message) ? { kind: 'unavailable', detail: error.message } : undefined;
  }
  const detail = [(error as Error).message, (error as { constraint?: string }).constraint, (error as { detail?: string }).detail]
    .filter(Boolean)
    .join(' ');
  if (code === '23505') return { kind: 'unique', detail };
  if (code === '23503') return { kind: 'foreignKey', detail };
  // Values PostgreSQL refuses to read or store (malformed time or number, NUL byte, out of range):
  // validation should have caught them; if one slips through, it is still the client's 400.
  if (['22P02', '22007', '22008', '22021', '22003', '22001', '22025'].includes(code)) return { kind: 'invalidInput', detail };
  // Statement timeout, lock timeout, serialization failures, server going away, pool exhausted.
  if (['57014', '55P03', '40001', '40P01', '57P01', '57P02', '57P03', '08006', '08003', 'ECONNREFUSED', 'ECONNRESET'].includes(code)) {
    return { kind: 'unavailable', detail };
  }
  return undefined;
}

export { redactUrl };
