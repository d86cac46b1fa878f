/**
 * The request journal at rest (table `sandbox_request`, migration 0007). Records arrive in batches
 * from each node's recorder (api/sandbox/journal-recorder.ts), never one per request.
 */
import { sql, type CompiledQuery } from 'kysely';
import type { JournalStore } from '../domain/sandbox/ports.js';
import { likePatternOf, pathFilter, type JournalRecord, type NewJournalRecord } from '../domain/sandbox/journal.js';
import { classifyAll, type Database } from './database.js';

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
 * Rows per INSERT: 16 rows of 15 columns bind 240 values, so the statement stays in the SQLite
 * statement cache (sqlite.ts caches none with more than 256); preparing a 100-row statement
 * for every chunk cost more than writing its rows.
 */
const SQLITE_ROWS_PER_INSERT = 16;
/** PostgreSQL binds up to 65,535 values and pays a round trip per statement: more rows each. */
const POSTGRES_ROWS_PER_INSERT = 100;
const COLUMNS = Object.keys(toRow({} as NewJournalRecord)) as (keyof Omit<Row, 'seq'>)[];
/** Rows read per round while a path glob filters in JavaScript. */
const SCAN_BATCH = 1000;

export function createJournalStore(database: Database): JournalStore {
  const { db } = database;
  // Compiled once (Kysely building a multi-row statement per batch cost more than the
  // database's own work): a statement for a full chunk of rows and one for a single row.
  const insertOf = (rows: number): CompiledQuery => db.insertInto('sandbox_request').values(Array.from({ length: rows }, () => Object.fromEntries(COLUMNS.map((column) => [column, null])))).compile();
  const rowsPerInsert = database.dialect === 'sqlite' ? SQLITE_ROWS_PER_INSERT : POSTGRES_ROWS_PER_INSERT;
  const chunkInsert = insertOf(rowsPerInsert);
  const rowInsert = insertOf(1);
  const parametersOf = (rows: readonly NewJournalRecord[]) => rows.flatMap((record) => Object.values(toRow(record)));
  const store: JournalStore = {
    async append(records) {
      await db.transaction().execute(async (trx) => {
        let start = 0;
        for (; start + rowsPerInsert <= records.length; start += rowsPerInsert) {
          await trx.executeQuery({ ...chunkInsert, parameters: parametersOf(records.slice(start, start + rowsPerInsert)) });
        }
        for (; start < records.length; start++) await trx.executeQuery({ ...rowInsert, parameters: parametersOf([records[start]!]) });
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
