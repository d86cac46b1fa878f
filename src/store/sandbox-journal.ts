/**
 * The request journal at rest (table `sandbox_request`). Records arrive in batches from each
 * node's journal thread (api/sandbox/journal-worker.ts), never one per request.
 *
 * Where it lives (openJournalDatabase):
 * - PostgreSQL: in the server's database (migration 0007), reached over the thread's own connection.
 * - SQLite: in a database file of its own beside the server's, `<file>-sandbox-journal`, so that
 *   journal writes never hold the records' write lock (SQLite has one per file: an API write
 *   meeting a journal transaction would sleep in the busy handler on the request thread), and
 *   the records' WAL is not churned by a bounded log that rewrites itself (its checkpoints would
 *   fall to whichever connection commits next, often the request thread's). Every node on the
 *   same database file finds the same journal file. With `sqlite::memory:`, the journal is an
 *   in-memory database of the thread that opens it (the journal's worker thread).
 */
import { rmSync } from 'node:fs';
import { sql, type CompiledQuery } from 'kysely';
import type { JournalStore } from '../domain/sandbox/ports.js';
import { likePatternOf, pathFilter, type JournalRecord, type NewJournalRecord } from '../domain/sandbox/journal.js';
import { classifyAll, type Database } from './database.js';
import { parseDatabaseUrl } from './database-url.js';
import { openSqlite } from './sqlite.js';

/** The SQLite journal file of a database file. */
export function journalFileOf(databasePath: string): string {
  return `${databasePath}-sandbox-journal`;
}

/** Version of the SQLite journal file's table (PRAGMA user_version): another one is rebuilt empty. */
const JOURNAL_FILE_VERSION = 1;

/**
 * Opens the journal's database for the server at `databaseUrl` (see above), creating the SQLite
 * journal file's table if needed.
 *
 * The SQLite journal file is written without waiting for the disk (`synchronous=OFF`: no fsync
 * at commits nor at checkpoints). A process that dies loses nothing committed; a machine that
 * loses power may lose the newest records or leave the file damaged, and a damaged journal file
 * is replaced by an empty one when it is next opened. It is a diagnostic log: this saves about a
 * fifth of the CPU and all of the disk waits of every record written.
 */
export async function openJournalDatabase(databaseUrl: string, onPoolError?: (error: Error) => void): Promise<Database> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'postgres') {
    const { openPostgres } = await import('./postgres.js');
    // One connection: the journal writes one batch at a time.
    return openPostgres({ url: target.url, poolSize: 1, statementTimeoutMs: 30_000, onPoolError });
  }
  if (target.path === ':memory:') return openJournalFile(':memory:');
  const file = journalFileOf(target.path);
  try {
    return await openJournalFile(file);
  } catch (error) {
    if (!isDamaged(error)) throw error;
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    return openJournalFile(file);
  }
}

async function openJournalFile(path: string): Promise<Database> {
  const database = openSqlite({ path, synchronous: 'normal' });
  try {
    await sql`pragma synchronous = off`.execute(database.db);
    await createJournalTable(database);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** better-sqlite3's codes for a file that is not a database, or a damaged one. */
function isDamaged(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
}

/** The SQLite journal file's table: migration 0007's `sandbox_request` as migration 0011 left it. */
async function createJournalTable({ db }: Database): Promise<void> {
  // Checked again inside the (immediate) transaction: two nodes may open a new file at once.
  const version = async (executor: typeof db) => (await sql<{ user_version: number }>`pragma user_version`.execute(executor)).rows[0]?.user_version;
  if ((await version(db)) === JOURNAL_FILE_VERSION) return;
  await db.transaction().execute(async (trx) => {
    if ((await version(trx)) === JOURNAL_FILE_VERSION) return;
    await sql`drop table if exists sandbox_request`.execute(trx);
    await sql`create table sandbox_request (
      seq integer primary key autoincrement, at text not null, node text not null, request_id text not null,
      method text not null, path text not null, query text not null, headers text not null, key_name text,
      status integer not null, duration_ms real not null, request_body text, request_body_truncated integer not null,
      response_body text, response_body_truncated integer not null, fault_id text)`.execute(trx);
    await sql.raw(`pragma user_version = ${JOURNAL_FILE_VERSION}`).execute(trx);
  });
}

type Row = {
  seq: unknown;
  at: string | Date;
  node: string;
  request_id: string;
  method: string;
  path: string;
  query: string;
  headers: string;
  key_name: string | null;
  status: unknown;
  duration_ms: unknown;
  request_body: string | null;
  request_body_truncated: unknown;
  response_body: string | null;
  response_body_truncated: unknown;
  fault_id: string | null;
};

function fromRow(row: Row): JournalRecord {
  return {
    id: Number(row.seq),
    at: new Date(row.at).toISOString(),
    node: row.node,
    requestId: row.request_id,
    method: row.method,
    path: row.path,
    query: JSON.parse(row.query) as JournalRecord['query'],
    headers: JSON.parse(row.headers) as JournalRecord['headers'],
    keyName: row.key_name,
    status: Number(row.status),
    durationMs: Number(row.duration_ms),
    requestBody: row.request_body,
    requestBodyTruncated: Number(row.request_body_truncated) === 1,
    responseBody: row.response_body,
    responseBodyTruncated: Number(row.response_body_truncated) === 1,
    faultId: row.fault_id,
  };
}

function toRow(record: NewJournalRecord): Omit<Row, 'seq'> {
  return {
    at: record.at,
    node: record.node,
    request_id: record.requestId,
    method: record.method,
    path: record.path,
    query: JSON.stringify(record.query),
    headers: JSON.stringify(record.headers),
    key_name: record.keyName,
    status: record.status,
    duration_ms: record.durationMs,
    request_body: record.requestBody,
    request_body_truncated: record.requestBodyTruncated ? 1 : 0,
    response_body: record.responseBody,
    response_body_truncated: record.responseBodyTruncated ? 1 : 0,
    fault_id: record.faultId,
  };
}

/**
 * Rows per INSERT on SQLite: 16 rows of 15 columns bind 240 values, so the statement stays in the
 * SQLite statement cache (sqlite.ts caches none with more than 256); preparing a 100-row statement
 * for every chunk cost more than writing its rows. The rest of a batch goes one row at a time.
 */
const SQLITE_ROWS_PER_INSERT = 16;
/**
 * PostgreSQL pays a round trip per statement (and binds up to 65,535 values): a batch goes in as
 * few statements as this allows, the last one sized to what is left.
 */
const POSTGRES_ROWS_PER_INSERT = 100;
const COLUMNS = Object.keys(toRow({} as NewJournalRecord)) as (keyof Omit<Row, 'seq'>)[];
/** Rows read per round while a path glob filters in JavaScript. */
const SCAN_BATCH = 1000;

export function createJournalStore(database: Database): JournalStore {
  const { db } = database;
  // Compiled once per size (Kysely building a multi-row statement per batch cost more than the
  // database's own work).
  const compiled = new Map<number, CompiledQuery>();
  const insertOf = (rows: number): CompiledQuery => {
    let query = compiled.get(rows);
    if (!query) {
      query = db.insertInto('sandbox_request').values(Array.from({ length: rows }, () => Object.fromEntries(COLUMNS.map((column) => [column, null])))).compile();
      compiled.set(rows, query);
    }
    return query;
  };
  // Rows of each statement for `count` rows: SQLite, full chunks then single rows (two statements
  // in its cache); PostgreSQL, full chunks then one for the rest.
  const statementSizes = (count: number): number[] => {
    const chunk = database.dialect === 'sqlite' ? SQLITE_ROWS_PER_INSERT : POSTGRES_ROWS_PER_INSERT;
    const sizes = Array<number>(Math.floor(count / chunk)).fill(chunk);
    const rest = count % chunk;
    if (rest > 0) sizes.push(...(database.dialect === 'sqlite' ? Array<number>(rest).fill(1) : [rest]));
    return sizes;
  };
  const parametersOf = (rows: readonly NewJournalRecord[]) => rows.flatMap((record) => Object.values(toRow(record)));
  const store: JournalStore = {
    async append(records) {
      await db.transaction().execute(async (trx) => {
        let start = 0;
        for (const size of statementSizes(records.length)) {
          await trx.executeQuery({ ...insertOf(size), parameters: parametersOf(records.slice(start, start + size)) });
          start += size;
        }
      });
    },

    async list(filter) {
      const ascending = filter.after !== undefined;
      const matchesPath = pathFilter(filter.path);
      const found: JournalRecord[] = [];
      // The database narrows by everything but the glob's exact rule (a LIKE holds more), then the
      // glob decides; the scan goes on in id order until the limit is met or the journal ends.
      let cursor: number | undefined = filter.after;
      for (;;) {
        let query = db.selectFrom('sandbox_request').selectAll();
        if (filter.method !== undefined) query = query.where('method', '=', filter.method);
        if (filter.status !== undefined) query = query.where('status', '>=', filter.status.from).where('status', '<=', filter.status.to);
        if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId);
        if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
        if (filter.path !== undefined) query = query.where(sql<boolean>`path like ${likePatternOf(filter.path)} escape '\\'`);
        if (cursor !== undefined) query = query.where('seq', ascending ? '>' : '<', cursor);
        const batch = Math.max(filter.limit, filter.path === undefined ? filter.limit : SCAN_BATCH);
        const rows = (await query.orderBy('seq', ascending ? 'asc' : 'desc').limit(batch).execute()) as Row[];
        for (const row of rows) {
          if (found.length < filter.limit && matchesPath(row.path)) found.push(fromRow(row));
        }
        if (found.length >= filter.limit || rows.length < batch) return found;
        cursor = Number(rows.at(-1)!.seq);
      }
    },

    async clear() {
      const result = await db.deleteFrom('sandbox_request').executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async prune(maxRecords, olderThan, limit) {
      // Records arrive in time order, so the old ones are at the low end of `seq` (the only index):
      // everything below the first record young enough goes. (Nodes' batches interleave, so a
      // record a node wrote late may outlive the bound by that node's delay, a second or so.)
      const firstYoung = (await db.selectFrom('sandbox_request').select('seq').where('at', '>=', olderThan).orderBy('seq').limit(1).executeTakeFirst()) as
        | { seq: unknown }
        | undefined;
      // The oldest record the count keeps (none: fewer than maxRecords).
      const firstCounted = (await db.selectFrom('sandbox_request').select('seq').orderBy('seq', 'desc').limit(1).offset(maxRecords - 1).executeTakeFirst()) as
        | { seq: unknown }
        | undefined;
      // Everything is old when no record is young enough.
      const keepFrom = firstYoung ? Math.max(Number(firstYoung.seq), firstCounted ? Number(firstCounted.seq) : 0) : Number.POSITIVE_INFINITY;
      let oldest = db.selectFrom('sandbox_request').select('seq').orderBy('seq').limit(limit);
      if (Number.isFinite(keepFrom)) oldest = oldest.where('seq', '<', keepFrom);
      const result = await db.deleteFrom('sandbox_request').where('seq', 'in', oldest).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async count() {
      const row = await db.selectFrom('sandbox_request').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
  return classifyAll(database, store);
}
