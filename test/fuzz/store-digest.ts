/**
 * A snapshot of everything the store holds (every table's rows, keyed by primary key) and the
 * difference between two snapshots: "a rejected request changes nothing" is `diff` being empty,
 * "an accepted one changes exactly what it says" is a statement about which rows it lists.
 */
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.js';

/** Table -> row key -> the row as JSON text. */
export type Snapshot = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * Tables left out, because requests write them whatever their outcome: `access_key` records when
 * a key was last used; idempotency replays, rate-limit windows, the audit trail and the sandbox's
 * request journal are bookkeeping about requests, written for rejected ones too.
 */
const BOOKKEEPING = /^(access_key|.*idempot.*|.*rate_limit.*|.*audit.*|sandbox_request)$/i;

async function tableNames(store: Store): Promise<string[]> {
  const db = store.database.db;
  const { rows } =
    store.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${store.database.schema ?? 'public'} and table_type = 'BASE TABLE'`.execute(
          db,
        );
  return rows.map((row) => row.name).filter((name) => !BOOKKEEPING.test(name)).sort();
}

/** The key of a row: its Gsid or id where it has one, else the whole row. */
function rowKey(row: Record<string, unknown>): string {
  for (const column of ['gsid', 'id', 'event_id', 'key', 'name']) if (typeof row[column] === 'string') return row[column] as string;
  if (typeof row.table_name === 'string') return row.table_name;
  return JSON.stringify(row);
}

/**
 * `record_count` is taken as what it means, each table's number of records (the sum of its
 * shards): its `changes` and `version` only tell caches that a write may have happened, and on
 * PostgreSQL they move (and a shard row appears) for every UPDATE statement, one that matched no
 * row included, which a rejected update runs before it knows there is nothing to update.
 */
const COUNTS = 'record_count';
/** `reference_count` likewise: each target's number of referrers per lookup (the sum of its shards, when not zero). */
const REFERENCES = 'reference_count';

export async function snapshot(store: Store): Promise<Snapshot> {
  const result = new Map<string, Map<string, string>>();
  for (const table of await tableNames(store)) {
    const { rows } =
      table === COUNTS
        ? await sql<Record<string, unknown>>`select table_name, sum(count) as count from record_count group by table_name`.execute(store.database.db)
        : table === REFERENCES
          ? await sql<Record<string, unknown>>`select table_name, column_name, target, sum(count) as count from reference_count
              group by table_name, column_name, target having sum(count) <> 0`.execute(store.database.db)
          : await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.database.db);
    const byKey = new Map<string, string>();
    for (const row of rows) {
      // Numbers as text: PostgreSQL's bigint sums arrive as strings, SQLite's as numbers.
      const counts = table === COUNTS || table === REFERENCES;
      const text = JSON.stringify(row, (key, value) => (typeof value === 'bigint' || (counts && key === 'count') ? String(value) : value));
      byKey.set(table === REFERENCES ? `${String(row.table_name)}.${String(row.column_name)}.${String(row.target)}` : rowKey(row), text);
    }
    result.set(table, byKey);
  }
  return result;
}

export interface TableDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly modified: readonly string[];
}

/** Table -> what changed in it; tables without changes are absent. */
export type Diff = ReadonlyMap<string, TableDiff>;

export function diff(before: Snapshot, after: Snapshot): Diff {
  const result = new Map<string, TableDiff>();
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(table) ?? new Map<string, string>();
    const now = after.get(table) ?? new Map<string, string>();
    const added = [...now.keys()].filter((key) => !old.has(key));
    const removed = [...old.keys()].filter((key) => !now.has(key));
    const modified = [...now.keys()].filter((key) => old.has(key) && old.get(key) !== now.get(key));
    if (added.length + removed.length + modified.length > 0) result.set(table, { added, removed, modified });
  }
  return result;
}

export function describeDiff(changes: Diff): string {
  if (changes.size === 0) return 'no change';
  return [...changes]
    .map(([table, d]) => `${table}: +${d.added.length} [${d.added.slice(0, 3)}] -${d.removed.length} [${d.removed.slice(0, 3)}] ~${d.modified.length} [${d.modified.slice(0, 3)}]`)
    .join('; ');
}

/** A row of a snapshot, parsed. */
export function rowOf(shot: Snapshot, table: string, key: string): Record<string, unknown> | undefined {
  const text = shot.get(table)?.get(key);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

/** The keys of a table's rows, in a stable order (references resolve against it). */
export function keysOf(shot: Snapshot, table: string): string[] {
  return [...(shot.get(table)?.keys() ?? [])].sort();
}
