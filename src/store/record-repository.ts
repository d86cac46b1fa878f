/**
 * Storage of one object's records, generic over its description (canonical or a surface's view):
 * columns, the select list, the key columns of case-insensitive unique fields and the link rows
 * of linking references all come from the field metadata. Rows come back keyed by the view's
 * field names; absent values are left out, never returned as null.
 *
 * A repository works on the database, or inside a transaction (`executor`): then every method
 * joins that transaction instead of opening its own.
 */
import type { Kysely } from 'kysely';
import type { FieldDescription, FieldValue, FieldValues, ObjectDescription } from '../domain/object-model.js';
import {
  JsonText,
  NoMatchError,
  PreconditionFailedError,
  StoreError,
  type Equals,
  type MissingReference,
  type Precondition,
  type RecordRepository,
  type StoredRecord,
  type UpdateOptions,
} from '../domain/persistence.js';
import { fieldsInRecordOrder } from '../domain/schemas.js';
import { classified, type Database } from './database.js';
import { insertLinks, type ObjectCatalog } from './links.js';
import { indexesOf, UNIQUE_KEY_SUFFIX } from './object-tables.js';
import { RECORD_COUNT_TABLE } from './record-counter.js';
import { prepare, type PreparedQuery } from './prepared.js';
import { recordJsonSql } from './record-json.js';
import { createPageReader, type PageReader } from './record-pages.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
type Row = Record<string, string | number | null>;

/** The column under which an UPDATE returns the record's JSON text beside its fields. */
const JSON_COLUMN = '__record_json';

/** Runs `work` in the executor's transaction, or in a new one. */
function inTransaction<T>(executor: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return executor.isTransaction ? work(executor) : executor.transaction().execute(work);
}

/** A value as stored: booleans are 1 and 0 on every backend. */
function stored(value: FieldValue): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export function createRecordRepository(
  database: Database,
  object: ObjectDescription,
  catalog: ObjectCatalog,
  executor: Db = database.db,
): RecordRepository {
  const db = executor;
  const table = object.table;
  const selection = object.fields.map((field) => `${field.column} as ${field.name}`);
  const fieldOf = (name: string): FieldDescription => {
    const field = object.fieldByName.get(name);
    if (!field) throw new Error(`${object.name} has no field ${name}`);
    return field;
  };
  const uniqueKeyFields = object.fields.filter((field) => field.uniqueIgnoringCase);
  const booleanFields = object.fields.filter((field) => field.type === 'boolean');
  const linking = object.fields.filter((field) => field.links);
  const referenceFields = object.fields.filter((field) => field.references);

  /** API field values -> column values, including the derived unique-key columns. */
  function toColumns(values: FieldValues): Row {
    const row: Row = {};
    for (const [name, value] of Object.entries(values)) row[fieldOf(name).column] = stored(value);
    for (const field of uniqueKeyFields) {
      if (!(field.name in values)) continue;
      const value = values[field.name];
      row[field.column + UNIQUE_KEY_SUFFIX] = typeof value === 'string' ? value.toLowerCase() : null;
    }
    return row;
  }

  /**
   * Equality on API fields as columns and bound values: booleans as stored, and fields unique
   * ignoring case compared ignoring case, on their lower-cased key column (which is indexed).
   */
  function equalityTerms(equals: Equals): { column: string; value: string | number }[] {
    return Object.entries(equals).map(([name, value]) => {
      const field = fieldOf(name);
      return field.uniqueIgnoringCase
        ? { column: field.column + UNIQUE_KEY_SUFFIX, value: String(value).toLowerCase() }
        : { column: field.column, value: stored(value) as string | number };
    });
  }

  function whereEquals<Q extends { where: (...args: never[]) => Q }>(query: Q, equals: Equals): Q {
    let result = query;
    for (const { column, value } of equalityTerms(equals)) {
      result = (result.where as (column: string, op: string, value: unknown) => Q)(column, '=', value);
    }
    return result;
  }

  // Records are written, as objects and as JSON, in the order the API's serializer writes them.
  const fieldsInOrder = fieldsInRecordOrder(object.fields);
  function present(row: Record<string, unknown> | undefined): StoredRecord | undefined {
    if (!row) return undefined;
    const record: Record<string, unknown> = {};
    for (const field of fieldsInOrder) {
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
  async function writeLinks(trx: Db, gsid: string, values: FieldValues, at: string): Promise<void> {
    for (const field of linking) {
      const target = values[field.name];
      if (typeof target === 'string') await insertLinks(trx, catalog, field, [{ self: gsid, target, at }]);
    }
  }

  /** References to this object that would refuse its delete (a person's seed CompanyId). */
  const restrictingReferences = [...catalog.all].flatMap((other) =>
    other.fields
      .filter((field) => field.references === object.canonical.name && field.onDelete === 'restrict')
      .map((field) => ({ table: other.table, column: field.column, object: other.name, field: field.name })),
  );

  /**
   * When this object holds the links of a linking reference (company_person for a person's
   * CompanyId): the reference each link backs, so deleting the link clears it (the reference is
   * always one of the links).
   */
  const backedReferences = [...catalog.all].flatMap((owner) =>
    owner.fields
      .filter((field) => field.links?.object === object.canonical.name)
      .map((field) => ({
        owner,
        field,
        selfColumn: object.canonical.fieldByName.get(field.links!.self)!.column,
        targetColumn: object.canonical.fieldByName.get(field.links!.target)!.column,
      })),
  );

  const selectById = prepare<'gsid'>(db, ['gsid'], (p) => db.selectFrom(table).select(selection).where('gsid', '=', p('gsid')));
  const recordJson = recordJsonSql(fieldsInOrder, database.dialect, 't');
  const selectJsonById = prepare<'gsid', { json: string }>(db, ['gsid'], (p) =>
    db.selectFrom(`${table} as t`).select(recordJson.as('json')).where('t.gsid', '=', p('gsid')),
  );
  // In UPDATE and DELETE (no alias there): conditional writes compare it, updates return it.
  const recordJsonOfRow = recordJsonSql(fieldsInOrder, database.dialect, table);

  /**
   * The record's JSON text when `precondition` holds for it; undefined when there is no record.
   * Read on `executor`, so it joins the caller's transaction.
   */
  async function currentIf(executor: Db, gsid: string, precondition: Precondition): Promise<string | undefined> {
    const row = (await executor.selectFrom(`${table} as t`).select(recordJson.as('json')).where('t.gsid', '=', gsid).executeTakeFirst()) as
      | { json: string }
      | undefined;
    if (!row) return undefined;
    if (!precondition(row.json)) throw new PreconditionFailedError();
    return row.json;
  }

  /** A write conditional on `expected` matched nothing: the record changed since (412), or is gone. */
  async function changedSinceChecked(executor: Db, gsid: string): Promise<undefined> {
    if (await executor.selectFrom(table).select('gsid').where('gsid', '=', gsid).executeTakeFirst()) throw new PreconditionFailedError();
    return undefined;
  }

  /** UPDATE, conditional on the record's JSON still being `expected` when given (compare-and-set). */
  async function updateOnce(executor: Db, gsid: string, changes: FieldValues, options: UpdateOptions) {
    const expected = options.precondition ? await currentIf(executor, gsid, options.precondition) : undefined;
    if (options.precondition && expected === undefined) return undefined;
    let query = executor.updateTable(table).set(toColumns(changes)).where('gsid', '=', gsid);
    if (expected !== undefined) query = query.where(recordJsonOfRow, '=', expected);
    const row = await query.returning([...selection, recordJsonOfRow.as(JSON_COLUMN)]).executeTakeFirst();
    if (!row) return expected === undefined ? undefined : changedSinceChecked(executor, gsid);
    const record = present(row)!;
    await writeLinks(executor, gsid, changes, changes.ModifiedDate as string);
    options.check?.(record);
    return { record, json: new JsonText(row[JSON_COLUMN] as string) };
  }

  function updated(gsid: string, changes: FieldValues, options: UpdateOptions = {}) {
    return guard(async () => {
      // The rule needs the record as it is after the change: update, check, and roll back on failure.
      if (!options.check && linking.every((field) => typeof changes[field.name] !== 'string')) return updateOnce(db, gsid, changes, options);
      return inTransaction(db, (trx) => updateOnce(trx, gsid, changes, options));
    });
  }

  // Only objects with a CreatedDate have lists; made on first use.
  let pages: PageReader | undefined;

  // One prepared query per set of filtered fields (there are only a few: none, CompanyId, ...).
  const listQueries = new Map<string, PreparedQuery<string, Record<string, unknown>>>();
  const countQueries = new Map<string, PreparedQuery<string, { count: unknown }>>();
  const filterKey = (equals: Equals | undefined) => Object.keys(equals ?? {}).sort().join(',');
  /** The prepared query's parameters: one per equality term, by column. */
  const termValues = (equals: Equals | undefined) => Object.fromEntries(equalityTerms(equals ?? {}).map(({ column, value }) => [column, value]));

  function listQuery(equals: Equals | undefined) {
    const key = filterKey(equals);
    let query = listQueries.get(key);
    if (!query) {
      const columns = equalityTerms(equals ?? {}).map((term) => term.column);
      query = prepare(db, [...columns, 'limit', 'offset'], (p) => {
        let builder = db.selectFrom(table).select(selection);
        for (const column of columns) builder = builder.where(column, '=', p(column));
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
      const columns = equalityTerms(equals ?? {}).map((term) => term.column);
      query = prepare<string, { count: unknown }>(db, columns, (p) => {
        let builder = db.selectFrom(table).select((eb) => eb.fn.countAll().as('count'));
        for (const column of columns) builder = builder.where(column, '=', p(column));
        return builder;
      });
      countQueries.set(key, query);
    }
    return query;
  }

  const countKept = prepare<'table', { count: unknown; shards: unknown }>(db, ['table'], (p) =>
    db
      .selectFrom(RECORD_COUNT_TABLE)
      .select((eb) => [eb.fn.coalesce(eb.fn.sum('count'), eb.lit(0)).as('count'), eb.fn.countAll().as('shards')])
      .where('table_name', '=', p('table')),
  );

  // SQLite binds at most 32766 parameters per statement; PostgreSQL 65535.
  const rowsPerInsert = Math.max(1, Math.floor(30_000 / (object.fields.length + uniqueKeyFields.length)));

  const repository: RecordRepository = {
    object,

    insert: (values) =>
      guard(async () => {
        const row = toColumns(values);
        const write = async (executor: Db) => {
          if (linking.length === 0) await executor.insertInto(table).values(row).execute();
          else {
            await inTransaction(executor, async (trx) => {
              await trx.insertInto(table).values(row).execute();
              await writeLinks(trx, values.Gsid as string, values, values.CreatedDate as string);
            });
          }
        };
        // Inside a caller's transaction (or a request's) the write is part of it; alone, it joins a group commit.
        await (db.isTransaction || database.requestTransactions.active() ? write(db) : database.groupedWrite(write));
        return present(values as Record<string, unknown>)!;
      }),

    insertMany: (rows) =>
      guard(async () => {
        // All or nothing: a failed bulk load leaves no partial rows behind.
        await inTransaction(db, async (trx) => {
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

    update: async (gsid, changes, options) => (await updated(gsid, changes, options))?.record,

    updateJson: async (gsid, changes, options) => (await updated(gsid, changes, options))?.json,

    updateMatching: (updates) =>
      guard(() =>
        inTransaction(db, async (trx) => {
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

    findMissingReference: (rows) =>
      guard(async () => {
        for (const field of referenceFields) {
          const wanted = [...new Set(rows.map((row) => row[field.name]).filter((value): value is string => typeof value === 'string'))];
          if (wanted.length === 0) continue;
          const target = catalog.lookUp(field.references!)!;
          const found = new Set<string>();
          for (let start = 0; start < wanted.length; start += 1000) {
            const chunk = wanted.slice(start, start + 1000);
            const existing = await db.selectFrom(target.table).select('gsid').where('gsid', 'in', chunk).execute();
            for (const row of existing as { gsid: string }[]) found.add(row.gsid);
          }
          const index = rows.findIndex((row) => typeof row[field.name] === 'string' && !found.has(row[field.name] as string));
          if (index >= 0) return { index, field: field.name, value: rows[index]![field.name] as string } satisfies MissingReference;
        }
        return undefined;
      }),

    countReferrers: (gsid) =>
      guard(() =>
        Promise.all(
          restrictingReferences.map(async ({ table: other, column, object: name, field }) => {
            const row = await db.selectFrom(other).select((eb) => eb.fn.countAll().as('count')).where(column, '=', gsid).executeTakeFirstOrThrow();
            return { object: name, field, count: Number((row as { count: unknown }).count) };
          }),
        ),
      ),

    delete: (gsid, options = {}) =>
      guard(async () => {
        const { precondition } = options;
        // Conditional on the record's JSON still being the one the precondition was checked on.
        const remove = async (trx: Db) => {
          const expected = precondition ? await currentIf(trx, gsid, precondition) : undefined;
          if (precondition && expected === undefined) return false;
          let query = trx.deleteFrom(table).where('gsid', '=', gsid);
          if (expected !== undefined) query = query.where(recordJsonOfRow, '=', expected);
          if ((await query.executeTakeFirst()).numDeletedRows > 0n) return true;
          if (expected !== undefined) await changedSinceChecked(trx, gsid);
          return false;
        };
        const detach = options.detach && restrictingReferences.length > 0;
        if (!detach && backedReferences.length === 0) return remove(db);
        return inTransaction(db, async (trx) => {
          if (detach) {
            for (const { table: other, column } of restrictingReferences) {
              await trx.updateTable(other).set({ [column]: null }).where(column, '=', gsid).execute();
            }
          }
          for (const { owner, field, selfColumn, targetColumn } of backedReferences) {
            const link = (await trx.selectFrom(table).select([selfColumn, targetColumn]).where('gsid', '=', gsid).executeTakeFirst()) as
              | Record<string, string>
              | undefined;
            if (!link) continue;
            await trx
              .updateTable(owner.table)
              .set({ [field.column]: null })
              .where('gsid', '=', link[selfColumn]!)
              .where(field.column, '=', link[targetColumn]!)
              .execute();
          }
          return remove(trx);
        });
      }),

    list: ({ equals, offset, limit }) =>
      guard(async () => {
        const page = listQuery(equals);
        const [rows, totalCount] = await Promise.all([page({ ...termValues(equals), offset, limit }), repository.count(equals)]);
        return { records: rows.map((row) => present(row)!), totalCount };
      }),

    listJson: ({ equals, offset, limit }) =>
      guard(async () => {
        pages ??= createPageReader(db, database.dialect, object, fieldsInOrder);
        return new JsonText((await pages.page(equalityTerms(equals ?? {}), offset, limit)).json);
      }),

    getJson: (gsid) =>
      guard(async () => {
        const [row] = await selectJsonById({ gsid });
        return row ? new JsonText(row.json) : undefined;
      }),

    count: (equals) =>
      guard(async () => {
        // The whole table: the count the triggers keep (record-counter.ts), when they keep one.
        if (filterKey(equals) === '') {
          const [kept] = await countKept({ table });
          if (Number(kept!.shards) > 0) return Number(kept!.count);
        }
        const [row] = await countQuery(equals)(termValues(equals));
        return Number(row!.count);
      }),
  };
  return repository;
}
