/**
 * Reference counts kept by the database (tables `reference_count` and `reference_counter`,
 * migration 0013): for every lookup declared `keepReferrerCounts` (object-model.ts), how many records
 * refer to each target record (`person.company_id`: the people of each company). Triggers add and subtract in
 * the same transaction as every insert, delete and update of the column, so the counts are exact
 * whatever writes a record (the API, an import, a seed, a lookup cleared by a deleted target) and
 * on every node. A report that groups records by a lookup and counts them (people by company) reads
 * one row per target instead of every referring record (report-query.ts).
 *
 * `reference_counter` holds one row per column whose counts are kept (written in the transaction
 * that installs its triggers, removed in the one that drops them): a report reads the counts only
 * when the column's row is there, so a database whose triggers are not installed is read the
 * long way.
 *
 * SQLite has one writer at a time: row triggers keep shard 0, and a count that falls to zero goes.
 * PostgreSQL has many: statement triggers add each statement's net change per target to their
 * session's shard (backend pid modulo SHARDS), so concurrent writers rarely wait on one another's
 * row; a count is the sum of its shards, and a shard's row may be negative.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { keepsReferrerCounts, type ObjectDescription } from '../domain/object-model.js';
import type { DialectName } from './database.js';
import { SHARDS, triggerName } from './record-counter.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const REFERENCE_COUNT_TABLE = 'reference_count';
export const REFERENCE_COUNTER_TABLE = 'reference_counter';
const OPERATIONS = ['insert', 'delete', 'update'] as const;

/** `person__refs_insert` (shortened with a hash where PostgreSQL's 63 bytes would cut it). */
export function referenceTriggerName(table: string, operation: (typeof OPERATIONS)[number]): string {
  return triggerName(table, `refs_${operation}`, 40);
}

/** The columns of an object's lookups whose referrers are counted (`keepReferrerCounts`), sorted. */
export function referenceColumnsOf(object: ObjectDescription): string[] {
  return [...new Set(object.fields.filter(keepsReferrerCounts).map((field) => field.column))].sort();
}

/** The lookup columns of `table` whose counts are kept (their triggers installed), sorted. */
export async function countedReferenceColumns(db: Db, table: string): Promise<string[]> {
  const rows = await db.selectFrom(REFERENCE_COUNTER_TABLE).select('column_name').where('table_name', '=', table).execute();
  // Sorted here, as referenceColumnsOf sorts (the database's collation may order `_` otherwise).
  return rows.map((row) => row.column_name as string).sort();
}

/**
 * Installs the triggers of `table` for exactly `columns` (its lookup columns), replacing any
 * installed before, and starts every count from the rows the table holds. Run in the schema
 * apply's (or a restore's) transaction: on PostgreSQL creating a trigger locks the table against
 * writes until the transaction ends, so no write slips between the counting and the triggers.
 */
export async function installReferenceCounters(db: Db, dialect: DialectName, table: string, columns: readonly string[]): Promise<void> {
  await dropReferenceCounters(db, dialect, table);
  if (columns.length === 0) return;
  const [insert, remove, update] = OPERATIONS.map((operation) => sql.id(referenceTriggerName(table, operation)));
  const name = sql.lit(table);
  if (dialect === 'sqlite') {
    const key = (column: string, target: RawBuilder<unknown>) =>
      sql`table_name = ${name} and column_name = ${sql.lit(column)} and target = ${target} and shard = 0`;
    const add = (column: string, condition = sql``) => {
      const target = sql`new.${sql.id(column)}`;
      return sql`insert into reference_count (table_name, column_name, target, shard, count)
        select ${name}, ${sql.lit(column)}, ${target}, 0, 1 where ${target} is not null ${condition}
        on conflict (table_name, column_name, target, shard) do update set count = count + 1;`;
    };
    const subtract = (column: string, condition = sql``) => {
      const target = sql`old.${sql.id(column)}`;
      return sql`update reference_count set count = count - 1 where ${key(column, target)} ${condition};
        delete from reference_count where ${key(column, target)} and count <= 0 ${condition};`;
    };
    const each = (statement: (column: string) => RawBuilder<unknown>) => sql.join(columns.map(statement), sql` `);
    const moved = (column: string) => sql`and old.${sql.id(column)} is not new.${sql.id(column)}`;
    // A record that refers to nothing (a company without a parent) runs no statement at all.
    const any = (test: (column: string) => RawBuilder<unknown>) => sql.join(columns.map(test), sql` or `);
    await sql`create trigger ${insert!} after insert on ${sql.table(table)}
      when ${any((column) => sql`new.${sql.id(column)} is not null`)} begin ${each((column) => add(column))} end`.execute(db);
    await sql`create trigger ${remove!} after delete on ${sql.table(table)}
      when ${any((column) => sql`old.${sql.id(column)} is not null`)} begin ${each((column) => subtract(column))} end`.execute(db);
    await sql`create trigger ${update!} after update of ${sql.join(columns.map((column) => sql.id(column)))} on ${sql.table(table)}
      when ${any((column) => sql`old.${sql.id(column)} is not new.${sql.id(column)}`)}
      begin ${each((column) => sql`${subtract(column, moved(column))} ${add(column, moved(column))}`)} end`.execute(db);
  } else {
    // One function for every table: its lookup columns come as the trigger's arguments. A
    // statement's net change per target (an UPDATE that rewrites a value with itself changes
    // nothing), in the targets' order, so two statements lock shared rows in the same order.
    await sql`create or replace function gs_reference_count() returns trigger language plpgsql as $$
      declare
        lookup text;
        changes text;
      begin
        foreach lookup in array TG_ARGV loop
          changes := case TG_OP
            when 'INSERT' then format('select n.%1$I as target, 1 as d from gs_new_rows n', lookup)
            when 'DELETE' then format('select o.%1$I as target, -1 as d from gs_old_rows o', lookup)
            else format('select o.%1$I as target, -1 as d from gs_old_rows o union all select n.%1$I, 1 from gs_new_rows n', lookup)
          end;
          execute format('insert into reference_count (table_name, column_name, target, shard, count)
            select %L, %L, c.target, pg_backend_pid() %% ${sql.raw(String(SHARDS))}, sum(c.d) from (%s) as c
            where c.target is not null group by c.target having sum(c.d) <> 0 order by c.target
            on conflict (table_name, column_name, target, shard)
            do update set count = reference_count.count + excluded.count', TG_TABLE_NAME, lookup, changes);
        end loop;
        return null;
      end $$`.execute(db);
    const names = sql.join(columns.map((column) => sql.lit(column)));
    await sql`create trigger ${insert!} after insert on ${sql.table(table)} referencing new table as gs_new_rows
      for each statement execute function gs_reference_count(${names})`.execute(db);
    await sql`create trigger ${remove!} after delete on ${sql.table(table)} referencing old table as gs_old_rows
      for each statement execute function gs_reference_count(${names})`.execute(db);
    // Transition tables cannot go with a column list: every UPDATE statement compares its rows.
    await sql`create trigger ${update!} after update on ${sql.table(table)} referencing old table as gs_old_rows new table as gs_new_rows
      for each statement execute function gs_reference_count(${names})`.execute(db);
  }
  for (const column of columns) {
    await countFromRows(db, table, column);
    await db.insertInto(REFERENCE_COUNTER_TABLE).values({ table_name: table, column_name: column }).execute();
  }
}

/** A column's counts from the rows its table holds (shard 0). */
async function countFromRows(db: Db, table: string, column: string): Promise<void> {
  await sql`insert into reference_count (table_name, column_name, target, shard, count)
    select ${table}, ${column}, ${sql.ref(column)}, 0, count(*) from ${sql.table(table)}
    where ${sql.ref(column)} is not null group by ${sql.ref(column)}`.execute(db);
}

/**
 * Removes the triggers of `table` and forgets its counts: before one of its lookup columns is
 * dropped (SQLite refuses to drop a column a trigger names), when the table goes, or before a
 * restore refills it (installReferenceCounters counts again at the end).
 */
export async function dropReferenceCounters(db: Db, dialect: DialectName, table: string): Promise<void> {
  for (const operation of OPERATIONS) {
    const trigger = sql.id(referenceTriggerName(table, operation));
    if (dialect === 'sqlite') await sql`drop trigger if exists ${trigger}`.execute(db);
    else await sql`drop trigger if exists ${trigger} on ${sql.table(table)}`.execute(db);
  }
  await db.deleteFrom(REFERENCE_COUNT_TABLE).where('table_name', '=', table).execute();
  await db.deleteFrom(REFERENCE_COUNTER_TABLE).where('table_name', '=', table).execute();
}

/** PostgreSQL after a TRUNCATE (which fires no delete trigger): the table's counts from its rows. */
export async function recountReferences(db: Db, table: string): Promise<void> {
  const columns = await countedReferenceColumns(db, table);
  await db.deleteFrom(REFERENCE_COUNT_TABLE).where('table_name', '=', table).execute();
  for (const column of columns) await countFromRows(db, table, column);
}
