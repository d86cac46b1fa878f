/**
 * Writing imported records (`gainsight-api import`) batch by batch, each batch in one transaction.
 *
 * Before a batch is written, `check` finds the rows the database would refuse, so that they can
 * be rejected one by one (naming the line and the field) instead of failing the whole batch:
 * a Gsid or unique value already taken (in the database, or by an earlier row of the batch) and
 * lookups naming no record. What is left is written by the repository's insertMany (the same
 * write as a seed's: link rows of linking references included), all or nothing.
 *
 * Two kinds of rows need more than an insert:
 * - A lookup to the object itself (Company.ParentCompany) may name a record further down the
 *   file (exports are in Gsid order, and a parent may be newer than its child). Such a value is
 *   left empty at first and set by `resolveDeferred` once the whole file is written.
 * - A link object's rows (company_person): importing a person already recorded its CompanyId as
 *   a link, with a derived Gsid and dates. A link row for a pair that is already linked replaces
 *   that link (same transaction), so the export's links come back exactly.
 */
import type { Kysely } from 'kysely';
import { ApiError, errors, describeValue } from '../domain/errors.js';
import type { FieldDescription, FieldValue, FieldValues, ObjectDescription } from '../domain/object-model.js';
import type { StoredRecord } from '../domain/persistence.js';
import type { ObjectRegistry } from '../domain/registry.js';
import { classified, type Database } from './database.js';
import { UNIQUE_KEY_SUFFIX } from './object-tables.js';
import { createRecordRepository } from './record-repository.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Values per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits. */
const IN_CHUNK = 900;

/** A lookup to the object itself whose record was not there yet: set after the whole file. */
export interface DeferredLookup {
  readonly gsid: string;
  readonly field: string;
  readonly target: string;
  /** Where the row came from (a line number), for the report when the target never comes. */
  readonly line: number;
}

export interface BatchCheck {
  /** Index of a row in the batch -> why the database would refuse it. */
  readonly problems: Map<number, ApiError>;
  /**
   * Rows whose record is already stored with the row's Gsid and every one of its values: not
   * inserted again, only their CreatedDate and ModifiedDate set to the row's (`write`'s
   * `retimed`). Importing a file again after a stop skips what is in; records the server makes
   * itself (the schema's picklist options in da_picklist) take the file's dates.
   */
  readonly unchanged: Set<number>;
  /** Self-lookups to set later; their fields must be written empty for now. */
  readonly deferred: { readonly index: number; readonly field: string; readonly target: string }[];
}

export interface RecordImporter {
  check(rows: readonly FieldValues[]): Promise<BatchCheck>;
  /** Writes every row or none, in one transaction; `retimed` rows (unchanged) get their dates. */
  write(rows: readonly FieldValues[], retimed?: readonly FieldValues[]): Promise<void>;
  /**
   * Sets the deferred lookups whose records exist now (without touching ModifiedDate: the value
   * is the file's); answers those whose record never came.
   */
  resolveDeferred(lookups: readonly DeferredLookup[]): Promise<DeferredLookup[]>;
}

interface UniqueKey {
  /** Field names, as errors name them. */
  readonly fields: readonly string[];
  readonly columns: readonly string[];
  /** The key's value of a row (lower-cased where compared ignoring case), or undefined if incomplete. */
  readonly valueOf: (row: FieldValues) => string | undefined;
}

function keyText(values: readonly FieldValue[]): string | undefined {
  if (values.some((value) => value === null || value === undefined)) return undefined;
  return JSON.stringify(values);
}

function uniqueKeys(object: ObjectDescription, skipPair: readonly string[] | undefined): UniqueKey[] {
  const keys: UniqueKey[] = [{ fields: ['Gsid'], columns: ['gsid'], valueOf: (row) => keyText([row.Gsid!]) }];
  for (const field of object.fields) {
    if (field.name === 'Gsid') continue;
    if (field.uniqueIgnoringCase) {
      keys.push({
        fields: [field.name],
        columns: [field.column + UNIQUE_KEY_SUFFIX],
        valueOf: (row) => keyText([typeof row[field.name] === 'string' ? (row[field.name] as string).toLowerCase() : null]),
      });
    } else if (field.unique) {
      keys.push({ fields: [field.name], columns: [field.column], valueOf: (row) => keyText([row[field.name] ?? null]) });
    }
  }
  for (const names of object.uniqueTogether) {
    // A link object's pair is replaced, not refused (see the file's comment).
    if (skipPair && names.length === skipPair.length && names.every((name) => skipPair.includes(name))) continue;
    keys.push({
      fields: names,
      columns: names.map((name) => object.fieldByName.get(name)!.column),
      valueOf: (row) => keyText(names.map((name) => row[name] ?? null)),
    });
  }
  return keys;
}

const DATES = ['CreatedDate', 'ModifiedDate'];

/** Whether a stored record holds exactly a row's values (no more, no fewer), dates aside. */
function sameRecord(row: FieldValues, stored: StoredRecord | undefined): boolean {
  if (!stored) return false;
  const names = Object.keys(row).filter((name) => row[name] !== null && !DATES.includes(name));
  const storedNames = Object.keys(stored).filter((name) => !DATES.includes(name));
  return names.length === storedNames.length && names.every((name) => stored[name] === row[name]);
}

/** Stored form of a value in a comparison (booleans are 1 and 0). */
const storedValue = (value: FieldValue) => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

export function createRecordImporter(database: Database, registry: ObjectRegistry, object: ObjectDescription): RecordImporter {
  const db = database.db;
  const table = object.table;
  // The linking reference whose links this object holds, if any (Person.CompanyId for company_person).
  const linking = registry.all.flatMap((owner) => owner.fields.filter((field) => field.links?.object === object.name))[0];
  const pair = linking ? [linking.links!.self, linking.links!.target] : undefined;
  const pairColumns = pair?.map((name) => object.fieldByName.get(name)!.column);
  const keys = uniqueKeys(object, pair);
  const pairKey = (row: FieldValues) => (pair ? keyText(pair.map((name) => row[name] ?? null)) : undefined);
  const references = object.fields.filter((field) => field.references);
  const repository = createRecordRepository(database, object, registry);

  /** The key values among `wanted` that rows of the table already have (first column narrows). */
  async function existingKeys(executor: Db, key: UniqueKey, rows: readonly FieldValues[]): Promise<Set<string>> {
    const firstField = object.fieldByName.get(key.fields[0]!)!;
    const firstValues = [
      ...new Set(
        rows
          .filter((row) => key.valueOf(row) !== undefined)
          .map((row) => {
            const value = row[key.fields[0]!]!;
            return firstField.uniqueIgnoringCase ? String(value).toLowerCase() : storedValue(value);
          }),
      ),
    ];
    const found = new Set<string>();
    for (let start = 0; start < firstValues.length; start += IN_CHUNK) {
      const chunk = firstValues.slice(start, start + IN_CHUNK);
      const existing = (await executor
        .selectFrom(table)
        .select(key.columns.map((column, i) => `${column} as k${i}`))
        .where(key.columns[0]!, 'in', chunk)
        .execute()) as Record<string, FieldValue>[];
      for (const row of existing) {
        const values = key.columns.map((_, i) => {
          const field = object.fieldByName.get(key.fields[i]!)!;
          const value = row[`k${i}`] ?? null;
          return field.type === 'boolean' && value !== null ? value === 1 || value === true : value;
        });
        found.add(keyText(values)!);
      }
    }
    return found;
  }

  /** Gsids of the existing links of the batch's pairs (which the batch's rows replace). */
  async function replacedLinks(executor: Db, rows: readonly FieldValues[]): Promise<string[]> {
    if (!pair || !pairColumns) return [];
    const pairs = new Set(rows.map(pairKey));
    const gsids: string[] = [];
    const selves = [...new Set(rows.map((row) => row[pair[0]!]).filter((value): value is string => typeof value === 'string'))];
    for (let start = 0; start < selves.length; start += IN_CHUNK) {
      const existing = (await executor
        .selectFrom(table)
        .select(['gsid', `${pairColumns[0]} as self`, `${pairColumns[1]} as target`])
        .where(pairColumns[0]!, 'in', selves.slice(start, start + IN_CHUNK))
        .execute()) as { gsid: string; self: string; target: string }[];
      for (const link of existing) if (pairs.has(keyText([link.self, link.target]))) gsids.push(link.gsid);
    }
    return gsids;
  }

  /** Which of `gsids` exist in `target`'s table. */
  async function existingGsids(executor: Db, target: ObjectDescription, gsids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let start = 0; start < gsids.length; start += IN_CHUNK) {
      const rows = (await executor.selectFrom(target.table).select('gsid').where('gsid', 'in', gsids.slice(start, start + IN_CHUNK)).execute()) as {
        gsid: string;
      }[];
      for (const row of rows) found.add(row.gsid);
    }
    return found;
  }

  return {
    check: (rows) =>
      classified(database, async () => {
        const problems = new Map<number, ApiError>();
        const reject = (index: number, error: ApiError) => {
          if (!problems.has(index)) problems.set(index, error);
        };
        // Links about to be replaced free their Gsids.
        const replaced = new Set(await replacedLinks(db, rows));
        const unchanged = new Set<number>();
        for (const key of keys) {
          const taken = await existingKeys(db, key, rows);
          if (key.fields[0] === 'Gsid' && taken.size > 0) {
            for (const [index, row] of rows.entries()) {
              if (taken.has(key.valueOf(row)!) && sameRecord(row, await repository.get(row.Gsid as string))) unchanged.add(index);
            }
          }
          const inBatch = new Set<string>();
          const label = key.fields.join(', ');
          rows.forEach((row, index) => {
            const value = key.valueOf(row);
            if (value === undefined) return;
            const shown = key.fields.map((name) => describeValue(row[name])).join(', ');
            if (unchanged.has(index)) return;
            if (inBatch.has(value)) {
              reject(index, errors.conflict(`Duplicate value (${label} = ${shown}): an earlier row of the file has it`, key.fields[0]));
            } else if (taken.has(value) && !(key.fields[0] === 'Gsid' && replaced.has(row.Gsid as string))) {
              reject(index, errors.conflict(`Duplicate value (${label} = ${shown}): another ${object.name} already has it`, key.fields[0]));
            }
            inBatch.add(value);
          });
        }
        const deferred: BatchCheck['deferred'] = [];
        for (const field of references) {
          const target = registry.lookUp(field.references!)!;
          const wanted = [...new Set(rows.map((row) => row[field.name]).filter((value): value is string => typeof value === 'string'))];
          if (wanted.length === 0) continue;
          const found = await existingGsids(db, target, wanted);
          const self = target.name === object.name;
          // A row may look up a row of its own batch written before it (an earlier statement).
          const earlier = new Set<string>();
          rows.forEach((row, index) => {
            const value = row[field.name];
            if (typeof value === 'string' && !found.has(value) && !earlier.has(value)) {
              if (self) deferred.push({ index, field: field.name, target: value });
              else reject(index, errors.unknownReference(field.name, target.name, value));
            }
            if (self && !problems.has(index)) earlier.add(row.Gsid as string);
          });
        }
        return { problems, unchanged, deferred: deferred.filter(({ index }) => !problems.has(index) && !unchanged.has(index)) };
      }),

    write: (rows, retimed = []) =>
      classified(database, () =>
        db.transaction().execute(async (trx) => {
          const created = object.fieldByName.get('CreatedDate')?.column;
          const modified = object.fieldByName.get('ModifiedDate')?.column;
          for (const row of retimed) {
            if (!created || !modified) break;
            await trx.updateTable(table).set({ [created]: row.CreatedDate, [modified]: row.ModifiedDate }).where('gsid', '=', row.Gsid).execute();
          }
          if (pair) {
            const gsids = await replacedLinks(trx, rows);
            for (let start = 0; start < gsids.length; start += IN_CHUNK) {
              await trx.deleteFrom(table).where('gsid', 'in', gsids.slice(start, start + IN_CHUNK)).execute();
            }
          }
          if (rows.length > 0) await createRecordRepository(database, object, registry, trx).insertMany(rows);
        }),
      ),

    resolveDeferred: (lookups) =>
      classified(database, async () => {
        const missing: DeferredLookup[] = [];
        for (let start = 0; start < lookups.length; start += IN_CHUNK) {
          const chunk = lookups.slice(start, start + IN_CHUNK);
          const found = await existingGsids(db, object, [...new Set(chunk.map((lookup) => lookup.target))]);
          const present = chunk.filter((lookup) => found.has(lookup.target));
          missing.push(...chunk.filter((lookup) => !found.has(lookup.target)));
          if (present.length === 0) continue;
          await db.transaction().execute(async (trx) => {
            for (const lookup of present) {
              const field: FieldDescription = object.fieldByName.get(lookup.field)!;
              await trx.updateTable(table).set({ [field.column]: lookup.target }).where('gsid', '=', lookup.gsid).execute();
            }
          });
        }
        return missing;
      }),
  };
}
