/**
 * Snapshots and resets of the records (the sandbox's `/v1/_sandbox/snapshots` and `/reset`).
 *
 * A snapshot copies each data table into a table of its own (`CREATE TABLE ... AS SELECT *`), all
 * in one transaction that sees one state (SQLite's write lock; PostgreSQL's REPEATABLE READ).
 * A restore empties the tables and copies the rows back with one `INSERT ... SELECT` per table,
 * in ONE transaction, so a request sees the records before or after it, never a mix:
 *
 * - SQLite: the transaction holds the only connection (and the write lock against other
 *   processes); foreign keys are checked at commit (`defer_foreign_keys`), tables are emptied
 *   children first (`restrict` lookups act at once). The record_count and reference_count
 *   triggers are dropped for the restore and installed again at its end, which sets each count
 *   exactly and moves `changes` and `version` on: cached pages and cursors (record-pages.ts) see
 *   the change and are dropped.
 * - PostgreSQL: the tables are locked (ACCESS EXCLUSIVE, children first, the order writers take
 *   them in, which avoids deadlocks with an insert that checks its lookup), then TRUNCATEd, which
 *   fires no delete trigger: each counted table's record_count rows are then replaced by one with
 *   the exact count and `changes`/`version` one above their sum, so they still only grow; its
 *   reference counts are counted again from its rows.
 *   Readers wait on the lock for the restore's duration and then see the new state.
 *
 * Both: once the tables are empty, their non-unique indexes are dropped, and built again after
 * the rows are back (one sort per index instead of a B-tree update per row); a failure rolls all
 * of it back.
 *
 * Tables: every object table, saved report definitions and posted events. Never access keys, the
 * journal, fault rules or snapshots themselves.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ObjectRegistry } from '../domain/registry.js';
import type { TransactionRecords } from '../domain/persistence.js';
import type { SnapshotStore } from '../domain/sandbox/ports.js';
import type { SnapshotSummary } from '../domain/sandbox/snapshots.js';
import { createIndexes, dropIndexes } from './bulk-load.js';
import { classifyAll, type Database } from './database.js';
import { counterTriggerName, installRecordCounter, RECORD_COUNT_TABLE } from './record-counter.js';
import { dropReferenceCounters, installReferenceCounters, recountReferences, referenceColumnsOf } from './reference-counter.js';
import { listOrderColumns } from './record-pages.js';
import { createRecordRepository } from './record-repository.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Tables outside the object registry that hold data clients wrote. */
const OTHER_DATA_TABLES = ['report_definition', 'nxt_event'];

interface SavedTable {
  readonly table: string;
  readonly copy: string;
  readonly columns: readonly string[];
  readonly rows: number;
}

interface SnapshotRow {
  name: string;
  created_at: string;
  records: unknown;
  tables: string;
}

/** Object tables, tables looked up before the tables that look them up (a circle: in any order). */
export function dataTablesParentsFirst(registry: ObjectRegistry): string[] {
  const lookups = new Map<string, Set<string>>();
  for (const object of registry.all) {
    const targets = lookups.get(object.table) ?? new Set<string>();
    for (const field of object.fields) {
      const target = field.references ? registry.lookUp(field.references)?.table : undefined;
      if (target && target !== object.table) targets.add(target);
    }
    lookups.set(object.table, targets);
  }
  const ordered: string[] = [];
  const pending = [...lookups.keys()];
  while (pending.length > 0) {
    const next = pending.find((table) => [...lookups.get(table)!].every((target) => !pending.includes(target))) ?? pending[0]!;
    ordered.push(next);
    pending.splice(pending.indexOf(next), 1);
  }
  return [...ordered, ...OTHER_DATA_TABLES];
}

function summaryOf(row: SnapshotRow): SnapshotSummary {
  const tables = JSON.parse(row.tables) as SavedTable[];
  return {
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    records: Number(row.records),
    tables: Object.fromEntries(tables.map((saved) => [saved.table, saved.rows])),
  };
}

const isRetryable = (error: unknown) => ['40P01', '40001'].includes((error as { code?: string }).code ?? '');

export function createSnapshotStore(database: Database, registry: ObjectRegistry): SnapshotStore {
  const { db, dialect } = database;
  const tables = dataTablesParentsFirst(registry);
  const counted = new Map(registry.all.map((object) => [object.table, object]));
  // `company.parent_company`: lookup columns to their own table, and the indexes that lead with one.
  const selfLookups = registry.all.flatMap((object) =>
    object.fields.filter((field) => field.references && registry.lookUp(field.references)?.table === object.table).map((field) => field.column),
  );
  const selfLookupIndex = (indexSql: string) => selfLookups.some((column) => new RegExp(`\\(\\s*"?${column}"?\\s*[,)]`).test(indexSql));

  /** The data tables that exist, parents first, with their columns. */
  async function existingTables(trx: Db): Promise<{ table: string; columns: string[] }[]> {
    const found: { table: string; columns: string[] }[] = [];
    for (const table of tables) {
      const columns = await database.columnsOf(trx, table);
      if (columns) found.push({ table, columns: [...columns] });
    }
    return found;
  }

  async function dropCopies(trx: Db, row: SnapshotRow | undefined): Promise<void> {
    if (!row) return;
    for (const saved of JSON.parse(row.tables) as SavedTable[]) await sql`drop table if exists ${sql.table(saved.copy)}`.execute(trx);
  }

  const findRow = (trx: Db, name: string) =>
    trx.selectFrom('sandbox_snapshot').selectAll().where('name', '=', name).executeTakeFirst() as Promise<SnapshotRow | undefined>;

  /** A write transaction that replaces the records: see the module comment. Retried on a deadlock. */
  async function replacing<T>(work: (trx: Db, present: { table: string; columns: string[] }[]) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Read before the transaction: on PostgreSQL another connection answers it, which must not
      // wait for the locks the transaction takes.
      const indexes = await database.secondaryIndexes(tables);
      try {
        return await db.transaction().execute(async (trx) => {
          const present = await existingTables(trx);
          const childrenFirst = [...present].reverse().map(({ table }) => table);
          if (dialect === 'sqlite') {
            await sql`pragma defer_foreign_keys = on`.execute(trx);
            // Row triggers would update record_count once per row; the counters are installed
            // again at the end instead (exact count, changes and version one step further).
            for (const table of childrenFirst) {
              if (!counted.has(table)) continue;
              await dropRecordCounter(trx, table);
              await dropReferenceCounters(trx, dialect, table);
            }
            // Children are emptied first, so deleting a parent finds no children to check, except
            // in its own table: the indexes of lookups to the same table stay until it is empty.
            const [needed, unneeded] = partition(indexes, (index) => selfLookupIndex(index.sql));
            await dropIndexes(trx, unneeded);
            for (const table of childrenFirst) await trx.deleteFrom(table).execute();
            await dropIndexes(trx, needed);
          } else if (childrenFirst.length > 0) {
            const list = sql.join(childrenFirst.map((table) => sql.table(table)));
            await sql`lock table ${list} in access exclusive mode`.execute(trx);
            await sql`truncate table ${list}`.execute(trx);
            await dropIndexes(trx, indexes);
          }
          const result = await work(trx, present);
          await createIndexes(trx, indexes);
          for (const { table } of present) {
            const object = counted.get(table);
            if (!object) continue;
            if (dialect === 'sqlite') {
              await installRecordCounter(trx, dialect, table, listOrderColumns(object));
              await installReferenceCounters(trx, dialect, table, referenceColumnsOf(object));
            } else {
              await recount(trx, table);
              await recountReferences(trx, table);
            }
          }
          return result;
        });
      } catch (error) {
        if (attempt >= 3 || !isRetryable(error)) throw error;
      }
    }
  }

  /** PostgreSQL after a TRUNCATE: one record_count row per table, exact, its counters still growing. */
  async function recount(trx: Db, table: string): Promise<void> {
    const [state] = (
      await sql<{ changes: unknown; version: unknown; kept: unknown }>`select coalesce(sum(changes), 0) as changes,
        coalesce(sum(version), 0) as version, count(*) as kept from ${sql.table(RECORD_COUNT_TABLE)} where table_name = ${table}`.execute(trx)
    ).rows;
    // No counter rows: the table is not counted (its triggers are not installed yet).
    if (Number(state!.kept) === 0) return;
    await trx.deleteFrom(RECORD_COUNT_TABLE).where('table_name', '=', table).execute();
    await sql`insert into ${sql.table(RECORD_COUNT_TABLE)} (table_name, shard, count, changes, version)
      select ${table}, 0, count(*), ${Number(state!.changes) + 1}, ${Number(state!.version) + 1} from ${sql.table(table)}`.execute(trx);
  }

  async function dropRecordCounter(trx: Db, table: string): Promise<void> {
    for (const operation of ['insert', 'delete', 'update', 'reorder'] as const) {
      await sql`drop trigger if exists ${sql.id(counterTriggerName(table, operation))}`.execute(trx);
    }
  }

  async function countRows(trx: Db, table: string): Promise<number> {
    const [row] = (await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`.execute(trx)).rows;
    return Number(row!.n);
  }

  const store: SnapshotStore = {
    async save(name) {
      const transaction = dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
      return transaction.execute(async (trx) => {
        await dropCopies(trx, await findRow(trx, name));
        await trx.deleteFrom('sandbox_snapshot').where('name', '=', name).execute();
        const id = randomBytes(4).toString('hex');
        const saved: SavedTable[] = [];
        for (const [index, { table, columns }] of (await existingTables(trx)).entries()) {
          const copy = `sandbox_copy_${id}_${index}`;
          await sql`create table ${sql.table(copy)} as select * from ${sql.table(table)}`.execute(trx);
          saved.push({ table, copy, columns, rows: await countRows(trx, copy) });
        }
        const row: SnapshotRow = {
          name,
          created_at: new Date().toISOString(),
          records: saved.reduce((sum, table) => sum + table.rows, 0),
          tables: JSON.stringify(saved),
        };
        await trx.insertInto('sandbox_snapshot').values(row).execute();
        return summaryOf(row);
      });
    },

    async restore(name) {
      const row = await findRow(db, name);
      if (!row) return undefined;
      const saved = new Map((JSON.parse(row.tables) as SavedTable[]).map((table) => [table.table, table]));
      await replacing(async (trx, present) => {
        for (const { table, columns } of present) {
          const copy = saved.get(table);
          if (!copy) continue;
          // Columns added since the snapshot keep their defaults; columns dropped since are left out.
          const shared = columns.filter((column) => copy.columns.includes(column)).map((column) => sql.id(column));
          await sql`insert into ${sql.table(table)} (${sql.join(shared)}) select ${sql.join(shared)} from ${sql.table(copy.copy)}`.execute(trx);
        }
      });
      return summaryOf(row);
    },

    async list() {
      const rows = (await db.selectFrom('sandbox_snapshot').selectAll().orderBy('created_at').orderBy('name').execute()) as SnapshotRow[];
      return rows.map(summaryOf);
    },

    async remove(name) {
      return db.transaction().execute(async (trx) => {
        const row = await findRow(trx, name);
        if (!row) return false;
        await dropCopies(trx, row);
        await trx.deleteFrom('sandbox_snapshot').where('name', '=', name).execute();
        return true;
      });
    },

    async reset(fill) {
      return replacing(async (trx, present) => {
        if (fill) {
          const bound = new Map<string, ReturnType<typeof createRecordRepository>>();
          const records: TransactionRecords = (object) => {
            let repository = bound.get(object.name);
            if (!repository) bound.set(object.name, (repository = createRecordRepository(database, object, registry, trx)));
            return repository;
          };
          await fill(records);
        }
        const counts: Record<string, number> = {};
        for (const { table } of present) counts[table] = await countRows(trx, table);
        return counts;
      });
    },
  };
  return classifyAll(database, store);
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
