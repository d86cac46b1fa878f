/**
 * Storage of one object's records, generic over its description (canonical or a surface's view):
 * columns, the select list, the key columns of case-insensitive unique fields and the link rows
 * of linking references all come from the field metadata. Rows come back keyed by the view's
 * field names; absent values are left out, never returned as null.
 */
import type { Kysely } from 'kysely';
import type { FieldValues, ObjectDescription } from '../domain/object-model.js';
import {
  NoMatchError,
  StoreError,
  type Equals,
  type RecordRepository,
  type StoredRecord,
} from '../domain/persistence.js';
import { classified, type Database } from './database.js';
import { insertLinks, type ObjectCatalog } from './links.js';
import { indexesOf, UNIQUE_KEY_SUFFIX } from './object-tables.js';
import { prepare, type PreparedQuery } from './prepared.js';

export { UNIQUE_KEY_SUFFIX };

export type { ObjectCatalog };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
type Row = Record<string, string | number | null>;

export function createRecordRepository(database: Database, object: ObjectDescription, catalog: ObjectCatalog): RecordRepository {
  const { db } = database;
  const table = object.table;
  const selection = object.fields.map((field) => `${field.column} as ${field.name}`);
  const columnOf = (name: string): string => {
    const field = object.fieldByName.get(name);
    if (!field) throw new Error(`${object.name} has no field ${name}`);
    return field.column;
  };
  const uniqueKeyFields = object.fields.filter((field) => field.uniqueIgnoringCase);
  const booleanFields = object.fields.filter((field) => field.type === 'boolean');
  const linking = object.fields.filter((field) => field.links);

  /** API field values -> column values, including the derived unique-key columns. */
  function toColumns(values: FieldValues): Row {
    const row: Row = {};
    for (const [name, value] of Object.entries(values)) row[columnOf(name)] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
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
    for (const field of booleanFields) if (field.name in record) record[field.name] = record[field.name] === 1 || record[field.name] === true;
    return record as StoredRecord;
  }

  /** Which fields a unique violation is about, told by the index or column names in its detail. */
  const uniqueKeys = indexesOf(object.canonical)
    .filter((index) => index.unique)
    .map((index) => {
      const fields = index.columns.map((column) => {
        const base = column.endsWith(UNIQUE_KEY_SUFFIX) ? column.slice(0, -UNIQUE_KEY_SUFFIX.length) : column;
        return object.fields.find((field) => field.column === base)?.name ?? base;
      });
      return { index, fields };
    });
  async function guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await classified(database, operation);
    } catch (error) {
      if (error instanceof StoreError && error.failure.kind === 'unique' && !error.failure.fields) {
        const { detail } = error.failure;
        const key = uniqueKeys.find(
          ({ index }) => detail.includes(index.name) || index.columns.every((column) => detail.includes(`${table}.${column}`)),
        );
        if (key) throw new StoreError({ ...error.failure, fields: key.fields });
      }
      throw error;
    }
  }

  /** Records the links of linking references that `values` set (once per pair). */
  async function writeLinks(executor: Db, gsid: string, values: FieldValues, at: string): Promise<void> {
    for (const field of linking) {
      const target = values[field.name];
      if (typeof target !== 'string') continue;
      await insertLinks(executor, catalog, field, [{ self: gsid, target, at }]);
    }
  }

  /** References to this object that would refuse its delete (a person's seed CompanyId). */
  const restrictingReferences = [...catalog.all].flatMap((other) =>
    other.fields
      .filter((field) => field.references === object.canonical.name && field.onDelete === 'restrict')
      .map((field) => ({ table: other.table, column: field.column })),
  );

  const selectById = prepare<'gsid'>(db, ['gsid'], (p) => db.selectFrom(table).select(selection).where('gsid', '=', p('gsid')));

  // One prepared query per set of filtered fields (there are only a few: none, CompanyId, ...).
  const listQueries = new Map<string, PreparedQuery<string, Record<string, unknown>>>();
  const countQueries = new Map<string, PreparedQuery<string, { count: unknown }>>();
  const filterKey = (equals: Equals | undefined) => Object.keys(equals ?? {}).sort().join(',');

  function listQuery(equals: Equals | undefined) {
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

  function countQuery(equals: Equals | undefined) {
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

  /**
   * `where` conditions for equality on API fields: booleans as stored (1/0), and fields unique
   * ignoring case compared ignoring case (on their lower-cased key column, which is indexed).
   */
  function whereEquals<Q extends { where: (...args: never[]) => Q }>(query: Q, equals: Equals): Q {
    let result = query;
    for (const [name, value] of Object.entries(equals)) {
      const field = object.fieldByName.get(name);
      if (!field) throw new Error(`${object.name} has no field ${name}`);
      const [column, bound] = field.uniqueIgnoringCase
        ? [field.column + UNIQUE_KEY_SUFFIX, String(value).toLowerCase()]
        : [field.column, typeof value === 'boolean' ? (value ? 1 : 0) : value];
      result = (result.where as (column: string, op: string, value: unknown) => Q)(column, '=', bound);
    }
    return result;
  }

  // SQLite binds at most 32766 parameters per statement; PostgreSQL 65535.
  const rowsPerInsert = Math.max(1, Math.floor(30_000 / (object.fields.length + uniqueKeyFields.length)));

  const repository: RecordRepository = {
    object,

    insert: (values) =>
      guard(async () => {
        const row = toColumns(values);
        if (linking.length === 0) await db.insertInto(table).values(row).execute();
        else {
          await db.transaction().execute(async (trx) => {
            await trx.insertInto(table).values(row).execute();
            await writeLinks(trx, values.Gsid as string, values, values.CreatedDate as string);
          });
        }
        return present(values as Record<string, unknown>)!;
      }),

    insertMany: (rows) =>
      guard(async () => {
        // All or nothing: a failed bulk load leaves no partial rows behind.
        await db.transaction().execute(async (trx) => {
          for (let start = 0; start < rows.length; start += rowsPerInsert) {
            await trx.insertInto(table).values(rows.slice(start, start + rowsPerInsert).map(toColumns)).execute();
          }
          for (const field of linking) {
            const pairs = rows
              .filter((row) => typeof row[field.name] === 'string')
              .map((row) => ({ self: row.Gsid as string, target: row[field.name] as string, at: row.CreatedDate as string }));
            await insertLinks(trx, catalog, field, pairs);
          }
        });
      }),

    get: (gsid) => guard(async () => present((await selectById({ gsid }))[0])),

    update: (gsid, changes, check) =>
      guard(async () => {
        const apply = async (executor: Db) => {
          const record = present(
            await executor.updateTable(table).set(toColumns(changes)).where('gsid', '=', gsid).returning(selection).executeTakeFirst(),
          );
          if (record) await writeLinks(executor, gsid, changes, changes.ModifiedDate as string);
          return record;
        };
        if (!check && linking.every((field) => typeof changes[field.name] !== 'string')) return apply(db);
        // The rule needs the record as it is after the change: update, check, and roll back on failure.
        return db.transaction().execute(async (trx) => {
          const record = await apply(trx);
          if (record) check?.(record);
          return record;
        });
      }),

    updateMatching: (updates) =>
      guard(() =>
        db.transaction().execute(async (trx) => {
          const changed: string[][] = [];
          for (const [index, { equals, changes }] of updates.entries()) {
            const rows = await whereEquals(trx.updateTable(table).set(toColumns(changes)), equals).returning('gsid').execute();
            if (rows.length === 0) throw new NoMatchError(index);
            const gsids = rows.map((row: { gsid: string }) => row.gsid);
            for (const gsid of gsids) await writeLinks(trx, gsid, changes, changes.ModifiedDate as string);
            changed.push(gsids);
          }
          return changed;
        }),
      ),

    findGsids: (equals, limit) =>
      guard(async () => {
        const rows = await whereEquals(db.selectFrom(table).select('gsid'), equals).orderBy('gsid').limit(limit).execute();
        return rows.map((row: { gsid: string }) => row.gsid);
      }),

    delete: (gsid, options = {}) =>
      guard(async () => {
        const remove = async (executor: Db) => (await executor.deleteFrom(table).where('gsid', '=', gsid).executeTakeFirst()).numDeletedRows > 0n;
        if (!options.detach || restrictingReferences.length === 0) return remove(db);
        return db.transaction().execute(async (trx) => {
          for (const { table: other, column } of restrictingReferences) {
            await trx.updateTable(other).set({ [column]: null }).where(column, '=', gsid).execute();
          }
          return remove(trx);
        });
      }),

    list: ({ equals, offset, limit }) =>
      guard(async () => {
        const page = listQuery(equals);
        const [rows, totalCount] = await Promise.all([page({ ...equals, offset, limit }), repository.count(equals)]);
        return { records: rows.map((row) => present(row)!), totalCount };
      }),

    count: (equals) =>
      guard(async () => {
        const [row] = await countQuery(equals)(equals ?? {});
        return Number(row!.count);
      }),
  };
  return repository;
}
