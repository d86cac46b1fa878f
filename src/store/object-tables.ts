/**
 * Tables follow the object descriptions: after the versioned migrations, every registered object
 * gets its table, every field its column, and every declared key and index its index, created
 * when missing. So adding a field or an object is a description, not a migration; and columns
 * are only ever added, never altered or dropped (data a description no longer names stays).
 *
 * Runs in one transaction under a lock (PostgreSQL: an advisory lock; SQLite: the write lock
 * BEGIN IMMEDIATE takes), so nodes starting together create each thing exactly once.
 */
import { sql } from 'kysely';
import type { FieldDescription, ObjectDescription, OnDelete } from '../domain/object-model.js';
import type { ColumnTypes, Database } from './database.js';
import { backfillLinks, type ObjectCatalog } from './links.js';

/** Suffix of the column that holds the lower-cased value of a case-insensitive unique field. */
export const UNIQUE_KEY_SUFFIX = '_key';

export function columnType(field: FieldDescription, types: ColumnTypes): string {
  switch (field.type) {
    case 'number':
      return types.double;
    case 'integer':
    case 'boolean':
      return types.integer;
    case 'date':
      return types.date;
    case 'datetime':
      return types.timestamp;
    default:
      return types.text;
  }
}

const ON_DELETE: Record<OnDelete, 'restrict' | 'cascade' | 'set null'> = { restrict: 'restrict', cascade: 'cascade', setNull: 'set null' };

export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/**
 * Every index a description asks for: the unique keys, the declared indexes, and one per lookup
 * or `indexed` field (joins, lookups by value, and the deletes of a lookup's target use them)
 * unless another index already starts with that column.
 */
export function indexesOf(object: ObjectDescription): IndexSpec[] {
  const columnOf = (name: string) => object.fieldByName.get(name)!.column;
  const specs: IndexSpec[] = [];
  for (const field of object.fields) {
    if (!field.uniqueIgnoringCase) continue;
    const column = field.column + UNIQUE_KEY_SUFFIX;
    specs.push({ name: `${object.table}_${column}_unique`, columns: [column], unique: true });
  }
  for (const names of object.uniqueTogether) {
    const columns = names.map(columnOf);
    specs.push({ name: `${object.table}_${columns.join('_')}_unique`, columns, unique: true });
  }
  for (const index of object.indexes) {
    const columns = index.fields.map(columnOf);
    specs.push({ name: index.name ?? `${object.table}_${columns.join('_')}_idx`, columns, unique: false });
  }
  for (const field of object.fields) {
    if (!field.references && !field.indexed) continue;
    if (specs.some((spec) => spec.columns[0] === field.column)) continue;
    specs.push({ name: `${object.table}_${field.column}_idx`, columns: [field.column], unique: false });
  }
  return specs;
}

function referenceOf(field: FieldDescription, lookUp: (name: string) => ObjectDescription | undefined): string {
  const target = lookUp(field.references!);
  if (!target) throw new Error(`${field.key} references unknown object ${field.references}`);
  return `${target.table}.gsid`;
}

/** Creates what the descriptions need and the database lacks; answers what it created. */
export async function syncObjectTables(database: Database, catalog: ObjectCatalog): Promise<string[]> {
  const lookUp = (name: string) => catalog.lookUp(name);
  const created: string[] = [];
  const newTables = new Set<string>();
  const t = database.columnTypes;
  await database.maintenance((maintenanceDb) =>
    maintenanceDb.transaction().execute(async (db) => {
      await database.lockSchema(db);
      for (const object of catalog.all) {
        const columns = await database.columnsOf(db, object.table);
        if (!columns) {
          let table = db.schema.createTable(object.table);
          for (const field of object.fields) {
            table = table.addColumn(field.column, sql.raw(columnType(field, t)), (c) => {
              if (field.name === 'Gsid') return c.primaryKey();
              let column = field.required || field.readOnly ? c.notNull() : c;
              if (field.references) column = column.references(referenceOf(field, lookUp)).onDelete(ON_DELETE[field.onDelete ?? 'setNull']);
              return column;
            });
            if (field.uniqueIgnoringCase) table = table.addColumn(field.column + UNIQUE_KEY_SUFFIX, sql.raw(t.text));
          }
          await table.execute();
          created.push(`table ${object.table}`);
          newTables.add(object.table);
        } else {
          for (const field of object.fields) {
            const wanted = [field.column, ...(field.uniqueIgnoringCase ? [field.column + UNIQUE_KEY_SUFFIX] : [])];
            for (const column of wanted) {
              if (columns.has(column)) continue;
              const type = column === field.column ? columnType(field, t) : t.text;
              // Added columns are nullable: the rows already there have no value.
              await db.schema
                .alterTable(object.table)
                .addColumn(column, sql.raw(type), (c) =>
                  field.references && column === field.column
                    ? c.references(referenceOf(field, lookUp)).onDelete(ON_DELETE[field.onDelete ?? 'setNull'])
                    : c,
                )
                .execute();
              created.push(`column ${object.table}.${column}`);
              // A field made unique ignoring case later: its key column starts from the values the
              // rows hold (two rows equal ignoring case then fail the unique index, loudly, at start).
              if (column !== field.column) {
                await sql`update ${sql.table(object.table)} set ${sql.ref(column)} = lower(${sql.ref(field.column)})`.execute(db);
              }
            }
          }
        }
        for (const index of indexesOf(object)) {
          let builder = db.schema.createIndex(index.name).ifNotExists().on(object.table).columns([...index.columns]);
          if (index.unique) builder = builder.unique();
          await builder.execute();
        }
      }
      // References set before their link table existed get their links now.
      for (const object of catalog.all) {
        for (const field of object.fields.filter((f) => f.links && newTables.has(lookUp(f.links.object)!.table))) {
          if (newTables.has(object.table)) continue;
          const count = await backfillLinks(db, catalog, object, field);
          if (count > 0) created.push(`links of ${count} ${object.table}.${field.column}`);
        }
      }
    }),
  );
  return created;
}
