/** The audit trail of writes (table audit_log, migration 0010): appended in batches, pruned, queried. */
import { classifyAll, type Database } from './database.js';

export interface AuditEntry {
  /** ISO 8601 UTC, when the answer was sent. */
  readonly at: string;
  readonly requestId: string;
  /** The key's public id (`GS_ACCESS_KEY` for the bootstrap key) and its name. */
  readonly keyId: string;
  readonly keyName: string;
  readonly method: string;
  /** The route template: `/v1/companies/{companyId}`. */
  readonly route: string;
  /** The object written (`Company`, `report`, …), when the route names one. */
  readonly object?: string;
  /** The Gsids (or ids) of the records written, as far as the request and its answer name them. */
  readonly recordIds: readonly string[];
  readonly status: number;
}

export interface AuditQuery {
  /** Entries at or after this time (ISO 8601). */
  readonly since?: string;
  /** Entries before this time (ISO 8601). */
  readonly until?: string;
  /** A key's name, or its prefix `gsk_XXXXXXXXXXXX` (or `GS_ACCESS_KEY`). */
  readonly key?: string;
  readonly object?: string;
  readonly limit: number;
}

export interface AuditRepository {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Removes entries older than `before` and all but the newest `keep`; answers how many went. */
  prune(before: string, keep: number): Promise<number>;
}

type Row = {
  seq: number | string;
  at: string;
  request_id: string;
  key_id: string;
  key_name: string;
  method: string;
  route: string;
  object: string | null;
  record_ids: string;
  status: number | string;
};

// Rows per INSERT: SQLite binds at most 32766 values, PostgreSQL 65535; 9 columns a row.
const ROWS_PER_INSERT = 500;

export function createAuditRepository(database: Database): AuditRepository {
  const { db } = database;
  return classifyAll(database, {
    async append(entries) {
      for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
        await db
          .insertInto('audit_log')
          .values(
            entries.slice(start, start + ROWS_PER_INSERT).map((entry) => ({
              at: entry.at,
              request_id: entry.requestId,
              key_id: entry.keyId,
              key_name: entry.keyName,
              method: entry.method,
              route: entry.route,
              object: entry.object ?? null,
              record_ids: JSON.stringify(entry.recordIds),
              status: entry.status,
            })),
          )
          .execute();
      }
    },

    async list({ since, until, key, object, limit }) {
      let query = db.selectFrom('audit_log').selectAll();
      if (since !== undefined) query = query.where('at', '>=', since);
      if (until !== undefined) query = query.where('at', '<', until);
      if (key !== undefined) {
        query = key.startsWith('gsk_') ? query.where('key_id', '=', key.slice(4)) : query.where('key_name', '=', key);
      }
      if (object !== undefined) query = query.where('object', '=', object);
      const rows = (await query.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit).execute()) as Row[];
      return rows.map((row) => ({
        at: row.at,
        requestId: row.request_id,
        keyId: row.key_id,
        keyName: row.key_name,
        method: row.method,
        route: row.route,
        ...(row.object !== null ? { object: row.object } : {}),
        recordIds: JSON.parse(row.record_ids) as string[],
        status: Number(row.status),
      }));
    },

    async prune(before, keep) {
      const old = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
      const newest = (await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst()) as { seq: number | string | null } | undefined;
      let surplus = 0n;
      if (newest?.seq !== null && newest?.seq !== undefined) {
        const cut = await db.deleteFrom('audit_log').where('seq', '<=', Number(newest.seq) - keep).executeTakeFirst();
        surplus = cut.numDeletedRows;
      }
      return Number(old.numDeletedRows + surplus);
    },
  });
}
