/**
 * Picklist options are also records of `da_picklist`, as in Gainsight: a client that reads a
 * picklist's Gsid (`--picklist-values gsid`) resolves it there, or through the dropdown API. The
 * schema apply inserts the options that are missing, with the Gsids the schema gives them; rows
 * already there are left alone (an operator may have changed them through the data API).
 */
import type { Kysely } from 'kysely';
import type { FieldValues } from '../domain/object-model.js';
import type { ObjectRegistry } from '../domain/registry.js';
import type { SchemaChange } from './object-tables.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const PICKLIST_OBJECT = 'da_picklist';

/** Every option of every picklist field, as da_picklist field values. */
export function picklistItems(registry: ObjectRegistry): FieldValues[] {
  const items: FieldValues[] = [];
  for (const object of registry.all) {
    for (const field of object.fields) {
      (field.options ?? []).forEach((option, index) =>
        items.push({
          Gsid: option.gsid,
          Name: option.label,
          Category: `${object.label} ${field.label}`,
          CategoryId: field.categoryId!,
          DisplayOrder: index + 1,
          IsActive: true,
          SystemDefined: false,
          SystemName: option.label,
          IsDefault: false,
          Deleted: false,
        }),
      );
    }
  }
  return items;
}

/** The change that inserts the missing options, or undefined when none is missing. */
export async function picklistItemsChange(db: Db, registry: ObjectRegistry, tableExists: boolean): Promise<SchemaChange | undefined> {
  const object = registry.lookUp(PICKLIST_OBJECT);
  const items = picklistItems(registry);
  if (!object || items.length === 0) return undefined;
  const present = new Set<string>();
  if (tableExists) {
    for (let start = 0; start < items.length; start += 500) {
      const gsids = items.slice(start, start + 500).map((item) => item.Gsid as string);
      const rows = (await db.selectFrom(object.table).select('gsid').where('gsid', 'in', gsids).execute()) as { gsid: string }[];
      rows.forEach((row) => present.add(row.gsid));
    }
  }
  const missing = items.filter((item) => !present.has(item.Gsid as string));
  if (missing.length === 0) return undefined;
  return {
    description: `insert ${missing.length} picklist options into ${object.table}`,
    run: async (trx) => {
      const now = new Date().toISOString();
      const rows = missing.map((item) => {
        const row: Record<string, unknown> = { created_date: now, modified_date: now };
        for (const [name, value] of Object.entries(item)) {
          const field = object.fieldByName.get(name);
          if (field) row[field.column] = typeof value === 'boolean' ? Number(value) : value;
        }
        return row;
      });
      for (let start = 0; start < rows.length; start += 500) {
        await trx.insertInto(object.table).values(rows.slice(start, start + 500)).onConflict((oc) => oc.doNothing()).execute();
      }
    },
  };
}
