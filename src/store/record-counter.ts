/**
 * Record counts kept by the database (table `record_count`, migration 0005): triggers add and
 * subtract in the same transaction as every insert and delete, so the count is exact whatever
 * writes a record (the API, a bulk load, a cascade) and on every node, and a list's `totalCount`
 * reads one row (SQLite) or a few (PostgreSQL) instead of counting the table.
 *
 * The same triggers keep two numbers that only grow (columns the schema apply adds to tables
 * counted before they existed, then installs those tables' triggers again), so an equal value read
 * twice means nothing of its kind happened in between (what record-pages.ts relies on):
 * `changes`, the inserts and deletes seen plus every write of a column lists are ordered by
 * (CreatedDate, Gsid; the API never writes them), and `version`, every write seen.
 *
 * SQLite has one writer at a time: one row per table, kept by row triggers. PostgreSQL has many:
 * statement triggers add each statement's count to the row of their session's shard (backend pid
 * modulo SHARDS), so concurrent writers rarely wait on one another's row; a count is the sum.
 *
 * Object tables must never be written with SQLite's INSERT OR REPLACE: the row it deletes fires no
 * delete trigger (without recursive_triggers), and the count would drift.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const RECORD_COUNT_TABLE = 'record_count';
/** The numbers kept besides `count`. */
export const COUNTER_COLUMNS = ['changes', 'version'] as const;

/**
 * Adds `changes` and `version` to a record_count table made before them. bigint: PostgreSQL's
 * integer would overflow after two billion writes (SQLite's is 64-bit anyway).
 */
export async function addCounterColumns(db: Db, columns: readonly string[]): Promise<void> {
  for (const column of columns) {
    await db.schema
      .alterTable(RECORD_COUNT_TABLE)
      .addColumn(column, sql.raw('bigint'), (c) => c.notNull().defaultTo(0))
      .execute();
  }
}
/** PostgreSQL sessions write to shard `pg_backend_pid() % SHARDS` of a counter (here and in reference-counter.ts). */
export const SHARDS = 16;

/**
 * `<table>__<suffix>`, shortened where PostgreSQL's 63 bytes would cut it: the table's first
 * `keep` characters and a hash of the whole name (so two long tables never share a trigger).
 */
export function triggerName(table: string, suffix: string, keep: number): string {
  const name = `${table}__${suffix}`;
  if (name.length <= 63) return name;
  return `${table.slice(0, keep)}_${createHash('sha256').update(table).digest('hex').slice(0, 8)}__${suffix}`;
}

/** `company__count_insert` (names installed by earlier versions: unchanged). */
export function counterTriggerName(table: string, operation: 'insert' | 'delete' | 'update' | 'reorder'): string {
  return triggerName(table, `count_${operation}`, 36);
}

export async function hasRecordCounter(db: Db, dialect: DialectName, table: string): Promise<boolean> {
  // A table counted before `changes` and `version` existed has no update trigger: it is installed again.
  const names = [counterTriggerName(table, 'insert'), counterTriggerName(table, 'delete'), counterTriggerName(table, 'update')];
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and tbl_name = ${table}`.execute(db)
      : await sql<{ name: string }>`
          select t.tgname as name from pg_trigger t
          join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = current_schema() and c.relname = ${table}`.execute(db);
  const present = new Set(rows.map((row) => row.name));
  return names.every((name) => present.has(name));
}

/**
 * Installs the triggers of one table and starts its count from the rows it holds; `changes` goes
 * on from where it was (it must never go back). `orderColumns` are the columns lists are ordered
 * by (a statement updating one of them counts as a change). Run under the migration lock, in the
 * schema apply's transaction: on PostgreSQL creating a trigger locks the table against writes
 * until the transaction ends, so no write slips between the count and the triggers.
 */
export async function installRecordCounter(db: Db, dialect: DialectName, table: string, orderColumns: readonly string[]): Promise<void> {
  const [insert, remove, update, reorder] = (['insert', 'delete', 'update', 'reorder'] as const).map((operation) =>
    sql.id(counterTriggerName(table, operation)),
  );
  const name = sql.lit(table);
  if (dialect === 'sqlite') {
    for (const trigger of [insert, remove, update, reorder]) await sql`drop trigger if exists ${trigger!}`.execute(db);
    await sql`create trigger ${insert!} after insert on ${sql.table(table)} begin
      update record_count set count = count + 1, changes = changes + 1, version = version + 1
      where table_name = ${name} and shard = 0; end`.execute(db);
    await sql`create trigger ${remove!} after delete on ${sql.table(table)} begin
      update record_count set count = count - 1, changes = changes + 1, version = version + 1
      where table_name = ${name} and shard = 0; end`.execute(db);
    const moved = sql.join(
      orderColumns.map((column) => sql`new.${sql.id(column)} is not old.${sql.id(column)}`),
      sql` or `,
    );
    await sql`create trigger ${update!} after update on ${sql.table(table)} begin
      update record_count set version = version + 1, changes = changes + (${moved})
      where table_name = ${name} and shard = 0; end`.execute(db);
  } else {
    const shard = sql`pg_backend_pid() % ${sql.raw(String(SHARDS))}`;
    await sql`create or replace function gs_record_count() returns trigger language plpgsql as $$
      declare delta bigint;
      begin
        if TG_OP = 'INSERT' then select count(*) into delta from gs_new_rows;
        else select -count(*) into delta from gs_old_rows;
        end if;
        if delta <> 0 then
          insert into record_count (table_name, shard, count, changes, version)
          values (TG_TABLE_NAME, ${shard}, delta, abs(delta), abs(delta))
          on conflict (table_name, shard) do update set count = record_count.count + excluded.count,
            changes = record_count.changes + excluded.changes, version = record_count.version + excluded.version;
        end if;
        return null;
      end $$`.execute(db);
    // Updates: one for every statement (version), and one more when it names an ordering column.
    await sql`create or replace function gs_record_update() returns trigger language plpgsql as $$
      declare moved bigint := case when TG_ARGV[0] = 'reorder' then 1 else 0 end;
      begin
        insert into record_count (table_name, shard, count, changes, version)
        values (TG_TABLE_NAME, ${shard}, 0, moved, 1 - moved)
        on conflict (table_name, shard) do update
        set changes = record_count.changes + excluded.changes, version = record_count.version + excluded.version;
        return null;
      end $$`.execute(db);
    for (const trigger of [insert, remove, update, reorder]) await sql`drop trigger if exists ${trigger!} on ${sql.table(table)}`.execute(db);
    await sql`create trigger ${insert!} after insert on ${sql.table(table)} referencing new table as gs_new_rows
      for each statement execute function gs_record_count()`.execute(db);
    await sql`create trigger ${remove!} after delete on ${sql.table(table)} referencing old table as gs_old_rows
      for each statement execute function gs_record_count()`.execute(db);
    await sql`create trigger ${update!} after update on ${sql.table(table)}
      for each statement execute function gs_record_update('version')`.execute(db);
    await sql`create trigger ${reorder!} after update of ${sql.join(orderColumns.map((column) => sql.id(column)))} on ${sql.table(table)}
      for each statement execute function gs_record_update('reorder')`.execute(db);
  }
  // The count starts from the rows held; changes and version go on from where they were.
  const [before] = (
    await sql<{ changes: unknown; version: unknown }>`select coalesce(sum(changes), 0) as changes, coalesce(sum(version), 0) as version
      from record_count where table_name = ${table}`.execute(db)
  ).rows;
  await db.deleteFrom(RECORD_COUNT_TABLE).where('table_name', '=', table).execute();
  await sql`insert into record_count (table_name, shard, count, changes, version)
    select ${table}, 0, count(*), ${Number(before!.changes) + 1}, ${Number(before!.version) + 1} from ${sql.table(table)}`.execute(db);
}

/** Forgets a dropped table's count. */
export async function forgetRecordCount(db: Db, table: string): Promise<void> {
  await db.deleteFrom(RECORD_COUNT_TABLE).where('table_name', '=', table).execute();
}
