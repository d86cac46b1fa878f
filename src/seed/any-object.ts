/**
 * `gainsight-api seed --object NAME --count N`: generated records of any object of the schema in
 * force (standard or custom), from its description alone. Values fit each field's rules (types,
 * lengths, picklist options, unique fields); lookups point at records already in the database,
 * so seed the objects looked up first (`--companies`, then `--object call_to_action`).
 * Deterministic like the rest of the seed: the same --random-seed gives the same records.
 */
import { addDays } from '../domain/dates.js';
import { seededGsid } from '../domain/gsid.js';
import { MULTISELECT_SEPARATOR, type FieldDescription, type FieldValues, type ObjectDescription } from '../domain/object-model.js';
import type { Store } from '../store/store.js';
import { createRandom, type Random } from './random.js';
import { FIRST_NAMES, LAST_NAMES, NAME_PARTS_A, NAME_PARTS_B } from './vocabulary.js';

export interface ObjectSeedOptions {
  readonly count: number;
  readonly randomSeed: string;
  /** `YYYY-MM-DD`; dates are spread around it. */
  readonly baseDate: string;
  readonly chunkSize?: number;
  readonly onProgress?: (message: string) => void;
}

/** How many Gsids of each looked-up object are sampled for lookups to point at. */
const LOOKUP_SAMPLE = 1000;

/** A text of at most `max` characters. */
const fit = (text: string, max: number | undefined) => (max !== undefined && text.length > max ? text.slice(0, max) : text);

function textValue(random: Random, field: FieldDescription, index: number, tag: string): string {
  const unique = field.uniqueIgnoringCase || field.unique;
  switch (field.dataType) {
    case 'URL':
      return fit(`https://example.com/${field.name.toLowerCase()}/${tag}-${index + 1}`, field.maxLength);
    case 'RICHTEXTAREA':
      return fit(`<p>${random.pick(NAME_PARTS_A)} ${random.pick(NAME_PARTS_B)} notes ${index + 1}</p>`, field.maxLength);
    default: {
      if (field.type === 'email') return fit(`${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}.${index}.${tag}@example.com`.toLowerCase(), field.maxLength);
      const base = field.name === 'Name' ? `${random.pick(NAME_PARTS_A)} ${random.pick(NAME_PARTS_B)}` : `${field.label} ${random.pick(NAME_PARTS_B)}`;
      // A unique field gets the record's number and the seed's tag, which keep it unique.
      return unique ? fit(`${tag}-${index + 1} ${base}`, field.maxLength) : fit(`${base} ${index + 1}`, field.maxLength);
    }
  }
}

function numberValue(random: Random, field: FieldDescription, index: number): number {
  if (field.unique) return index + 1;
  if (field.type === 'integer') return random.int(Math.max(0, field.minimum ?? 0), 1000);
  if (field.dataType === 'PERCENTAGE') return random.int(0, 10_000) / 100;
  if (field.dataType === 'CURRENCY') return random.int(10, 5000) * 100;
  return random.int(0, 100_000) / 10 ** Math.min(field.decimalPlaces ?? 0, 4);
}

function fieldValue(
  random: Random,
  field: FieldDescription,
  index: number,
  context: { tag: string; baseDate: string; targets: ReadonlyMap<string, readonly string[]> },
): FieldValues[string] | undefined {
  // Optional fields are left empty now and then, as real data is.
  if (!field.required && !field.unique && !field.uniqueIgnoringCase && random.chance(0.1)) return null;
  if (field.references) {
    const targets = context.targets.get(field.references) ?? [];
    return targets.length > 0 ? random.pick(targets) : null;
  }
  if (field.options) {
    if (field.dataType !== 'MULTISELECTDROPDOWNLIST') return random.pick(field.options).label;
    const chosen = field.options.filter(() => random.chance(0.4));
    return (chosen.length > 0 ? chosen : [random.pick(field.options)]).map((option) => option.label).join(MULTISELECT_SEPARATOR);
  }
  switch (field.type) {
    case 'gsid':
      return seededGsid(Date.parse(`${context.baseDate}T00:00:00Z`) - random.int(0, 1e9), () => random.int(0, 35));
    case 'number':
    case 'integer':
      return numberValue(random, field, index);
    case 'boolean':
      return random.chance(0.5);
    case 'date':
      return addDays(context.baseDate, random.int(-365, 365));
    case 'datetime':
      return new Date(Date.parse(`${context.baseDate}T00:00:00.000Z`) + random.int(-365 * 24, 365 * 24) * 3_600_000).toISOString();
    default:
      return textValue(random, field, index, context.tag);
  }
}

/** Records of `object` (a registry object) as FieldValues, every writable field considered. */
export function generateRecord(
  random: Random,
  object: ObjectDescription,
  index: number,
  createdMs: number,
  context: { tag: string; baseDate: string; targets: ReadonlyMap<string, readonly string[]> },
): FieldValues {
  const createdDate = new Date(createdMs).toISOString();
  const record: FieldValues = { Gsid: seededGsid(createdMs, () => random.int(0, 35)) };
  for (const field of object.writableFields) {
    // A linking reference also writes link rows; leave it to the objects' own seeders.
    if (field.links) continue;
    const value = fieldValue(random, field, index, context);
    if (value !== undefined && value !== null) record[field.name] = value;
  }
  record.CreatedDate = createdDate;
  record.ModifiedDate = createdDate;
  return record;
}

export async function seedObject(store: Store, object: ObjectDescription, options: ObjectSeedOptions): Promise<number> {
  const random = createRandom(`${options.randomSeed}:${object.name}`);
  const chunkSize = options.chunkSize ?? 2000;
  const tag = options.randomSeed.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 12) || 'seed';
  const targets = new Map<string, string[]>();
  for (const field of object.writableFields) {
    if (!field.references || targets.has(field.references)) continue;
    const target = store.registry.lookUp(field.references)!;
    const gsids = await store.records(target).findGsids({}, LOOKUP_SAMPLE);
    if (gsids.length === 0 && field.required) {
      throw new Error(`${object.name}.${field.name} needs a ${target.name} to look up, and there is none: seed ${target.name} first`);
    }
    targets.set(field.references, gsids);
  }
  let clock = Date.parse(`${options.baseDate}T00:00:00.000Z`);
  for (let start = 0; start < options.count; start += chunkSize) {
    const rows: FieldValues[] = [];
    for (let i = start; i < Math.min(options.count, start + chunkSize); i++) {
      rows.push(generateRecord(random, object, i, clock++, { tag, baseDate: options.baseDate, targets }));
    }
    await store.records(object).insertMany(rows);
    options.onProgress?.(`${object.name}: ${Math.min(options.count, start + chunkSize)}/${options.count}`);
  }
  return options.count;
}
