/**
 * Storage of one object's records, generic over its description: columns, the select list and
 * the key columns of case-insensitive unique fields all come from the field metadata. Rows come
 * back keyed by API field name; absent values are left out, never returned as null.
 */
import type { FieldValues, ObjectDescription } from '../domain/object-model.js';
import type { Database } from './database.js';
import { prepare, type PreparedQuery } from './prepared.js';

/** A stored record keyed by API field name, with only the fields that hold a value. */
export type StoredRecord = Record<string, string | number> & { Gsid: string };

export interface ListQuery {
  /** Equality filters on API field names. */
  readonly equals?: Readonly<Record<string, string | number>>;
  readonly offset: number;
  readonly limit: number;
}

export interface Page {
  readonly records: StoredRecord[];
  readonly totalCount: number;
}

export interface RecordRepository {
  readonly object: ObjectDescription;
  insert(values: FieldValues): Promise<StoredRecord>;
  /** Inserts many records in one statement per chunk; for seeding and bulk loads. */
  insertMany(rows: readonly FieldValues[]): Promise<void>;
  get(gsid: string): Promise<StoredRecord | undefined>;
  /**
   * Applies `changes` (null clears a field) and returns the updated record, if it exists. When
   * `check` throws for the updated record, nothing is changed.
   */
  update(gsid: string, changes: FieldValues, check?: (record: StoredRecord) => void): Promise<StoredRecord | undefined>;
  delete(gsid: string): Promise<boolean>;
  list(query: ListQuery): Promise<Page>;
  count(equals?: Readonly<Record<string, string | number>>): Promise<number>;
}

/** Suffix of the column that holds the lower-cased value of a case-insensitive unique field. */
export const UNIQUE_KEY_SUFFIX = '_key';

export function createRecordRepository(database: Database, object: ObjectDescription): RecordRepository {
  const { db } = database;
  const table = object.table;
  const selection = object.fields.map((field) => `${field.column} as ${field.name}`);
  const columnOf = (name: string): string => {
    const field = object.fieldByName.get(name);
    if (!field) throw new Error(`${object.name} has no field ${name}`);
    return field.column;
  };
  const uniqueKeyFields = object.fields.filter((field) => field.uniqueIgnoringCase);

  /** API field values -> column values, including the derived unique-key columns. */
  function toColumns(values: FieldValues): Record<string, string | number | null> {
    const row: Record<string, string | number | null> = {};
    for (const [name, value] of Object.entries(values)) row[columnOf(name)] = value;
    for (const field of uniqueKeyFields) {
      if (!(field.name in values)) continue;
      const value = values[field.name];
      row[field.column + UNIQUE_KEY_SUFFIX] = typeof value === 'string' ? value.toLowerCase() : null;
    }
    return row;
  }

  function present(row: Record<string, unknown> | undefined): StoredRecord | undefined {
    if (!row) return undefined;
    const record: Record<string, unknown> = {};
    for (const field of object.fields) {
      const value = row[field.name];
      if (value !== null && value !== undefined) record[field.name] = value;
    }
    return record as StoredRecord;
  }

  type Equals = Readonly<Record<string, string | number>> | undefined;

  const selectById = prepare<'gsid'>(db, ['gsid'], (p) => db.selectFrom(table).select(selection).where('gsid', '=', p('gsid')));

  // One prepared query per set of filtered fields (there are only a few: none, CompanyId, ...).
  const listQueries = new Map<string, PreparedQuery<string, Record<string, unknown>>>();
  const countQueries = new Map<string, PreparedQuery<string, { count: unknown }>>();
  const filterKey = (equals: Equals) => Object.keys(equals ?? {}).sort().join(',');

  function listQuery(equals: Equals) {
    const key = filterKey(equals);
    let query = listQueries.get(key);
    if (!query) {
      const names = Object.keys(equals ?? {});
      query = prepare(db, [...names, 'limit', 'offset'], (p) => {
        let builder = db.selectFrom(table).select(selection);
        for (const name of names) builder = builder.where(columnOf(name), '=', p(name));
        return builder.orderBy('created_date').orderBy('gsid').limit(p('limit') as never).offset(p('offset') as never);
      });
      listQueries.set(key, query);
    }
    return query;
  }

  function countQuery(equals: Equals) {
    const key = filterKey(equals);
    let query = countQueries.get(key);
    if (!query) {
      const names = Object.keys(equals ?? {});
      query = prepare<string, { count: unknown }>(db, names, (p) => {
        let builder = db.selectFrom(table).select((eb) => eb.fn.countAll().as('count'));
        for (const name of names) builder = builder.where(columnOf(name), '=', p(name));
        return builder;
      });
      countQueries.set(key, query);
    }
    return query;
  }

  // SQLite binds at most 32766 parameters per statement; PostgreSQL 65535.
  const rowsPerInsert = Math.max(1, Math.floor(30_000 / (object.fields.length + uniqueKeyFields.length)));

  return {
    object,

    async insert(values) {
      await db.insertInto(table).values(toColumns(values)).execute();
      return present(values as Record<string, unknown>)!;
    },

    async insertMany(rows) {
      // All or nothing: a failed bulk load leaves no partial rows behind.
      await db.transaction().execute(async (trx) => {
        for (let start = 0; start < rows.length; start += rowsPerInsert) {
          await trx.insertInto(table).values(rows.slice(start, start + rowsPerInsert).map(toColumns)).execute();
        }
      });
    },

    async get(gsid) {
      return present((await selectById({ gsid }))[0]);
    },

    async update(gsid, changes, check) {
      const apply = async (executor: typeof db) =>
        present(await executor.updateTable(table).set(toColumns(changes)).where('gsid', '=', gsid).returning(selection).executeTakeFirst());
      if (!check) return apply(db);
      // The rule needs the record as it is after the change: update, check, and roll back on failure.
      return db.transaction().execute(async (trx) => {
        const record = await apply(trx);
        if (record) check(record);
        return record;
      });
    },

    async delete(gsid) {
      const result = await db.deleteFrom(table).where('gsid', '=', gsid).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async list({ equals, offset, limit }) {
      const page = listQuery(equals);
      const [rows, totalCount] = await Promise.all([page({ ...equals, offset, limit }), this.count(equals)]);
      return { records: rows.map((row) => present(row)!), totalCount };
    },

    async count(equals) {
      const [row] = await countQuery(equals)(equals ?? {});
      return Number(row!.count);
    },
  };
}
