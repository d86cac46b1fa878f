/**
 * Tables follow the schema in force (the registry: built-in objects, the package's standard
 * objects, the tenant's schema file): after the versioned migrations, every object gets its
 * table, every field its column, every declared key and index its index, created when missing.
 *
 * Nothing is ever dropped by accident. What was applied is recorded (`schema_state`); a field or
 * object the schema no longer names, or a field whose storage type changed, is refused with one
 * line naming it, and the database is left as it was, unless the operator names it in `drop`
 * (`gainsight-api schema apply --drop Company.Tier__gc`).
 *
 * planSchema works out the changes without making them (`schema diff`); applySchema makes them in
 * one transaction, under the migration lock Store.migrate holds (PostgreSQL: an advisory lock per
 * schema; SQLite: the write lock), so nodes starting together apply each change exactly once.
 */
import { sql, type Kysely } from 'kysely';
import type { FieldDescription, FieldType, ObjectDescription, OnDelete } from '../domain/object-model.js';
import { SchemaFileError, type TenantSchema } from '../schema/files.js';
import type { SchemaDocument } from '../domain/tenant-schema/format.js';
import type { ColumnTypes, Database } from './database.js';
import { backfillLinks } from './links.js';
import { picklistItemsChange, PICKLIST_OBJECT } from './picklist-items.js';
import { addCounterColumns, COUNTER_COLUMNS, forgetRecordCount, hasRecordCounter, installRecordCounter, RECORD_COUNT_TABLE } from './record-counter.js';
import { countedReferenceColumns, dropReferenceCounters, installReferenceCounters, REFERENCE_COUNTER_TABLE, referenceColumnsOf } from './reference-counter.js';
import { listOrderColumns } from './record-pages.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Suffix of the column that holds the lower-cased value of a case-insensitive unique field. */
export const UNIQUE_KEY_SUFFIX = '_key';

/** Tables the server keeps for itself: no object may be stored in one. */
export const INTERNAL_TABLES = [
  'access_key',
  'server_meta',
  'report_definition',
  'nxt_event',
  'schema_state',
  'record_count',
  'reference_count',
  'reference_counter',
  'schema_migration',
  'schema_migration_lock',
  'sandbox_request',
  'sandbox_fault',
  'sandbox_snapshot',
] as const;

export function columnType(field: Pick<FieldDescription, 'type'>, types: ColumnTypes): string {
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
    if (field.uniqueIgnoringCase) {
      const column = field.column + UNIQUE_KEY_SUFFIX;
      specs.push({ name: `${object.table}_${column}_unique`, columns: [column], unique: true });
    } else if (field.unique) {
      specs.push({ name: `${object.table}_${field.column}_unique`, columns: [field.column], unique: true });
    }
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

/** What the database was told last: each object's table and each field's column and storage. */
export interface AppliedSchema {
  readonly objects: Readonly<Record<string, { readonly table: string; readonly fields: Readonly<Record<string, AppliedField>> }>>;
  /** The tenant's schema file as applied (what `schema export` writes). */
  readonly document: SchemaDocument;
}

export interface AppliedField {
  readonly column: string;
  readonly type: FieldType;
  readonly references?: string;
}

/** Storage classes: a change within one keeps the values (`integer` and `boolean` share a column type). */
function storageOf(field: AppliedField): string {
  return `${columnType(field, { text: 'text', integer: 'integer', double: 'double', date: 'date', timestamp: 'timestamp' })}${field.references ? `->${field.references}` : ''}`;
}

export function appliedSchemaOf(schema: TenantSchema): AppliedSchema {
  return {
    objects: Object.fromEntries(
      schema.registry.all.map((object) => [
        object.name,
        {
          table: object.table,
          fields: Object.fromEntries(
            object.fields.map((field) => [
              field.key,
              { column: field.column, type: field.type, ...(field.references ? { references: field.references } : {}) },
            ]),
          ),
        },
      ]),
    ),
    document: schema.document,
  };
}

const STATE_KEY = 'applied';

export async function readAppliedSchema(executor: Db): Promise<AppliedSchema | undefined> {
  const row = (await executor.selectFrom('schema_state').select('state').where('name', '=', STATE_KEY).executeTakeFirst()) as
    | { state: string }
    | undefined;
  return row ? (JSON.parse(row.state) as AppliedSchema) : undefined;
}

async function writeAppliedSchema(executor: Db, applied: AppliedSchema): Promise<void> {
  const row = { name: STATE_KEY, state: JSON.stringify(applied), applied_date: new Date().toISOString() };
  await executor
    .insertInto('schema_state')
    .values(row)
    .onConflict((oc) => oc.column('name').doUpdateSet({ state: row.state, applied_date: row.applied_date }))
    .execute();
}

/** The fields that own a column: the first of several over one column (see `mirrors` in schema files). */
function uniqueColumns(fields: readonly FieldDescription[]): FieldDescription[] {
  const seen = new Set<string>();
  return fields.filter((field) => !seen.has(field.column) && seen.add(field.column));
}

/** One change to the database; `description` is what `schema diff` prints. */
export interface SchemaChange {
  readonly description: string;
  run(db: Db): Promise<void>;
}

/** `Company.Tier__gc` or `subscription__gc`, as `--drop` takes them (exact names). */
function dropKey(object: string, field?: string): string {
  return field ? `${object}.${field}` : object;
}

/** The drops a schema apply makes, in the order it makes them, and what they drop. */
interface PlannedDrops {
  readonly changes: SchemaChange[];
  readonly tables: ReadonlySet<string>;
  /** `table.column`. */
  readonly columns: ReadonlySet<string>;
}

/**
 * Compares what was applied with what the schema says: removals and storage changes not named in
 * `drop` are refused (SchemaFileError, one line); the rest become drop changes.
 */
function plannedDrops(database: Database, schema: TenantSchema, applied: AppliedSchema | undefined, drop: readonly string[]): PlannedDrops {
  const source = schema.file ?? 'the schema (no schema file given)';
  const wanted = appliedSchemaOf(schema).objects;
  const requested = new Set(drop);
  const used = new Set<string>();
  const refused: string[] = [];
  const columnDrops: SchemaChange[] = [];
  const columns = new Set<string>();
  /** Dropped objects, by name, with their drop. */
  const tableDrops = new Map<string, SchemaChange>();
  const take = (key: string) => {
    used.add(key);
    return requested.has(key);
  };
  for (const [objectName, before] of Object.entries(applied?.objects ?? {})) {
    const now = wanted[objectName];
    if (!now) {
      if (take(dropKey(objectName))) {
        tableDrops.set(objectName, {
          description: `drop table ${before.table} (object ${objectName}, with its records)`,
          run: async (db) => {
            await dropReferenceCounters(db, database.dialect, before.table);
            await db.schema.dropTable(before.table).execute();
            await forgetRecordCount(db, before.table);
          },
        });
      } else refused.push(`${objectName}: the database holds this object, which the schema no longer has`);
      continue;
    }
    for (const [fieldName, field] of Object.entries(before.fields)) {
      const after = now.fields[fieldName];
      const changed = after !== undefined && storageOf(after) !== storageOf(field);
      if (after !== undefined && !changed) continue;
      // A field over a column another field still uses (a mirrored timestamp) goes without a trace.
      const shared = Object.entries(now.fields).some(([name, other]) => name !== fieldName && other.column === field.column);
      if (shared && after === undefined) continue;
      if (take(dropKey(objectName, fieldName))) {
        columns.add(`${before.table}.${field.column}`);
        columnDrops.push({
          description: `drop column ${before.table}.${field.column} (field ${objectName}.${fieldName}, with its values)${changed ? ', to add it again as ' + after!.type : ''}`,
          run: async (db) => {
            // A counted lookup's triggers name the column (SQLite refuses to drop it): the
            // table's counters go first, and are installed again later in this apply (planSchema
            // schedules it when a counted column is dropped).
            if ((await countedReferenceColumns(db, before.table)).includes(field.column)) await dropReferenceCounters(db, database.dialect, before.table);
            const present = (await database.columnsOf(db, before.table)) ?? new Set();
            for (const column of [field.column + UNIQUE_KEY_SUFFIX, field.column]) {
              if (present.has(column)) await database.dropColumn(db, before.table, column);
            }
          },
        });
      } else if (changed) {
        refused.push(
          `${objectName}.${fieldName}: its type changed (${describeStorage(field)} in the database, ${describeStorage(after!)} in the schema), which would lose its values`,
        );
      } else refused.push(`${objectName}.${fieldName}: the database holds this field, which the schema no longer has`);
    }
  }
  const unknown = drop.filter((key) => !used.has(key));
  if (unknown.length > 0) {
    throw new SchemaFileError(`--drop ${unknown.join(', ')}: no such object or field that the schema no longer has (names are exact: Object or Object.Field)`);
  }
  if (refused.length > 0) {
    const names = refused.map((line) => line.slice(0, line.indexOf(':')));
    throw new SchemaFileError(
      `${source}: ${refused.join('; ')}. Nothing was changed. To drop it and its data on purpose: gainsight-api schema apply ${names.map((name) => `--drop ${name}`).join(' ')}`,
    );
  }
  // Columns before tables (a dropped lookup column may point at a dropped table), and a table
  // before the tables it looks up (dropping a table deletes its rows, which restrict lookups to).
  const looksUp = (from: string, to: string) =>
    from !== to && Object.values(applied!.objects[from]!.fields).some((field) => field.references === to);
  const ordered: SchemaChange[] = [];
  const pending = [...tableDrops.keys()];
  while (pending.length > 0) {
    // Next: an object no other pending one looks up (in a circle of lookups, the first one).
    const next = pending.find((name) => !pending.some((other) => looksUp(other, name))) ?? pending[0]!;
    ordered.push(tableDrops.get(next)!);
    pending.splice(pending.indexOf(next), 1);
  }
  const tables = new Set([...tableDrops.keys()].map((name) => applied!.objects[name]!.table));
  return { changes: [...columnDrops, ...ordered], tables, columns };
}

function describeStorage(field: AppliedField): string {
  return field.references ? `a lookup to ${field.references}` : field.type;
}

/** Plans the changes that bring the database to the schema; throws SchemaFileError for a refusal. */
export async function planSchema(database: Database, db: Db, schema: TenantSchema, drop: readonly string[] = []): Promise<SchemaChange[]> {
  const registry = schema.registry;
  for (const object of registry.all) {
    if ((INTERNAL_TABLES as readonly string[]).includes(object.table)) {
      throw new SchemaFileError(`${schema.file ?? 'schema'}: ${object.name}: its table ${object.table} is one the server keeps for itself; rename the object`);
    }
  }
  const applied = (await database.columnsOf(db, 'schema_state')) ? await readAppliedSchema(db) : undefined;
  const drops = plannedDrops(database, schema, applied, drop);
  const changes = [...drops.changes];
  const t = database.columnTypes;
  const droppedColumns = drops.columns;
  const droppedTables = drops.tables;

  const existing = new Map<string, Set<string> | undefined>();
  for (const object of registry.all) {
    const columns = droppedTables.has(object.table) ? undefined : await database.columnsOf(db, object.table);
    existing.set(object.table, columns && new Set([...columns].filter((column) => !droppedColumns.has(`${object.table}.${column}`))));
  }
  const tableExists = (table: string) => existing.get(table) !== undefined;
  const newTables = new Set(registry.all.filter((object) => !tableExists(object.table)).map((object) => object.table));
  const referenceOf = (field: FieldDescription) => `${registry.lookUp(field.references!)!.table}.gsid`;
  // A lookup column is created with its table only when the table it points at exists by then.
  const creatable = new Set<string>(registry.all.map((o) => o.table).filter(tableExists));

  for (const object of registry.all) {
    if (!newTables.has(object.table)) continue;
    const inline = object.fields.filter((field) => !field.references || field.references === object.name || creatable.has(registry.lookUp(field.references)!.table));
    creatable.add(object.table);
    changes.push({
      description: `create table ${object.table} (object ${object.name}, ${inline.length} fields)`,
      run: async (db) => {
        let table = db.schema.createTable(object.table);
        for (const field of uniqueColumns(inline)) {
          table = table.addColumn(field.column, sql.raw(columnType(field, t)), (c) => {
            if (field.name === 'Gsid') return c.primaryKey();
            let column = field.required || field.readOnly ? c.notNull() : c;
            if (field.references) column = column.references(referenceOf(field)).onDelete(ON_DELETE[field.onDelete ?? 'setNull']);
            return column;
          });
          if (field.uniqueIgnoringCase) table = table.addColumn(field.column + UNIQUE_KEY_SUFFIX, sql.raw(t.text));
        }
        await table.execute();
      },
    });
    // The lookups left out: added as columns below, once every table exists.
    existing.set(object.table, new Set(inline.flatMap((field) => [field.column, ...(field.uniqueIgnoringCase ? [field.column + UNIQUE_KEY_SUFFIX] : [])])));
  }

  for (const object of registry.all) {
    const columns = existing.get(object.table)!;
    for (const field of object.fields) {
      const wanted = [field.column, ...(field.uniqueIgnoringCase ? [field.column + UNIQUE_KEY_SUFFIX] : [])];
      // Whether the field's values are there already (before this apply adds anything).
      const valuesExist = columns.has(field.column);
      for (const column of wanted) {
        if (columns.has(column)) continue;
        const isKey = column !== field.column;
        // A second field over the same column (one that mirrors a timestamp) adds nothing more.
        columns.add(column);
        changes.push({
          description: `add column ${object.table}.${column} (${isKey ? `lower-cased key of ${object.name}.${field.name}` : `field ${object.name}.${field.name}, ${field.references ? `LOOKUP to ${field.references}` : field.dataType}`})`,
          run: async (db) => {
            // Added columns are nullable: the rows already there have no value.
            await db.schema
              .alterTable(object.table)
              .addColumn(column, sql.raw(isKey ? t.text : columnType(field, t)), (c) =>
                field.references && !isKey ? c.references(referenceOf(field)).onDelete(ON_DELETE[field.onDelete ?? 'setNull']) : c,
              )
              .execute();
            // A field made unique ignoring case later: its key column starts from the values the
            // rows hold (two rows equal ignoring case then fail the unique index, loudly). A new
            // field has no values yet, so there is nothing to fill.
            if (isKey && valuesExist) {
              await sql`update ${sql.table(object.table)} set ${sql.ref(column)} = lower(${sql.ref(field.column)})`.execute(db);
            }
          },
        });
      }
    }
  }

  for (const object of registry.all) {
    const indexes = tableExists(object.table) ? await database.indexNamesOf(db, object.table) : new Set<string>();
    for (const index of indexesOf(object)) {
      const stale = index.columns.some((column) => droppedColumns.has(`${object.table}.${column}`));
      if (indexes.has(index.name) && !stale) continue;
      changes.push({
        description: `create ${index.unique ? 'unique ' : ''}index ${index.name} on ${object.table} (${index.columns.join(', ')})`,
        run: async (db) => {
          let builder = db.schema.createIndex(index.name).ifNotExists().on(object.table).columns([...index.columns]);
          if (index.unique) builder = builder.unique();
          await builder.execute();
        },
      });
    }
  }

  // Every table's records are counted by triggers (record-counter.ts); a table created now, or
  // one from before counting (or from before `changes` and `version`), gets them.
  const counterColumns = await database.columnsOf(db, RECORD_COUNT_TABLE);
  const missingCounterColumns = COUNTER_COLUMNS.filter((column) => !counterColumns?.has(column));
  if (missingCounterColumns.length > 0) {
    changes.push({
      description: `add column${missingCounterColumns.length > 1 ? 's' : ''} ${missingCounterColumns.map((column) => `${RECORD_COUNT_TABLE}.${column}`).join(', ')} (what pages are checked against)`,
      run: (db) => addCounterColumns(db, missingCounterColumns),
    });
  }
  for (const object of registry.all) {
    const counted = tableExists(object.table) && !newTables.has(object.table) && (await hasRecordCounter(db, database.dialect, object.table));
    if (counted) continue;
    changes.push({
      description: `count the records of ${object.table} (triggers)`,
      run: (db) => installRecordCounter(db, database.dialect, object.table, listOrderColumns(object)),
    });
  }

  // The referrers of every lookup declared keepReferrerCounts are counted by triggers
  // (reference-counter.ts): a table whose counted columns are not exactly those, or one of whose
  // counted columns is dropped by this apply (a lookup retargeted), gets its triggers (again).
  const referenceCounting = (await database.columnsOf(db, REFERENCE_COUNTER_TABLE)) !== undefined;
  for (const object of registry.all) {
    const wanted = referenceColumnsOf(object);
    const counted = referenceCounting && tableExists(object.table) && !newTables.has(object.table) ? await countedReferenceColumns(db, object.table) : [];
    const dropped = counted.some((column) => droppedColumns.has(`${object.table}.${column}`));
    if (!dropped && wanted.join(',') === counted.join(',')) continue;
    changes.push({
      description: `count the references of ${object.table}${wanted.length > 0 ? ` (${wanted.join(', ')})` : ''} (triggers)`,
      run: (db) => installReferenceCounters(db, database.dialect, object.table, wanted),
    });
  }

  // References set before their link table existed get their links now.
  for (const object of registry.all) {
    if (newTables.has(object.table)) continue;
    for (const field of object.fields.filter((f) => f.links && newTables.has(registry.lookUp(f.links.object)!.table))) {
      changes.push({
        description: `record the ${field.links!.object} links of ${object.name}.${field.name}`,
        run: async (db) => void (await backfillLinks(db, registry, object, field)),
      });
    }
  }

  const picklistTable = registry.lookUp(PICKLIST_OBJECT)?.table;
  const picklists = await picklistItemsChange(db, registry, picklistTable !== undefined && !newTables.has(picklistTable));
  if (picklists) changes.push(picklists);
  return changes;
}

/**
 * Brings the database to the schema (see planSchema), records it, and answers what it changed.
 * The caller holds the migration lock (Store.migrate).
 */
export async function applySchema(database: Database, schema: TenantSchema, drop: readonly string[] = []): Promise<string[]> {
  return database.maintenance((maintenanceDb) =>
    maintenanceDb.transaction().execute(async (db) => {
      const changes = await planSchema(database, db, schema, drop);
      const done: string[] = [];
      for (const change of changes) {
        await change.run(db);
        done.push(change.description);
      }
      const applied = appliedSchemaOf(schema);
      const before = await readAppliedSchema(db);
      if (JSON.stringify(before) !== JSON.stringify(applied)) await writeAppliedSchema(db, applied);
      return done;
    }),
  );
}

/** What applySchema would change, changing nothing. */
export async function diffSchema(database: Database, schema: TenantSchema, drop: readonly string[] = []): Promise<string[]> {
  return database.maintenance(async (db) => (await planSchema(database, db, schema, drop)).map((change) => change.description));
}
