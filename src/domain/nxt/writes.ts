/**
 * Writes as the NXT surface takes them: batches of up to 50 records, all or nothing, values read
 * as Gainsight reads them, field names matched by the NXT rule, helper fields resolved to
 * lookups, and per-record errors in the shape Syncari's connector parses.
 */
import { ApiError, errors, describeValue } from '../errors.js';
import { isPlainObject } from '../json.js';
import { parseLenientBoolean, parseLenientDate, parseLenientDateTime, parseLenientNumber } from '../lenient-values.js';
import { DEFAULT_STRING_MAX_LENGTH, matchFieldName, type FieldDescription, type FieldValues, type ObjectDescription } from '../object-model.js';
import type { Equals, StoredRecord, Transact } from '../persistence.js';
import { assertGsid, createRecordService, type RecordService } from '../record-service.js';
import { codePointLength, isStorableText } from '../text.js';
import type { RecordValidator } from '../validation.js';
import type { WriteMode } from '../schemas.js';

export const MAX_BATCH_RECORDS = 50;
export const MAX_UPDATE_KEYS = 3;

/** One object as the NXT surface writes it. */
export interface WritableObject {
  readonly view: ObjectDescription;
  readonly service: RecordService;
  readonly validators: Record<WriteMode, RecordValidator>;
}

export interface BatchResult {
  readonly count: number;
  readonly errors: null;
  readonly records: { Gsid: string }[];
}

export interface RecordError {
  readonly index: number;
  readonly success: false;
  readonly errors: { fieldName: string | null; errorCode: string; errorMessage: string; invalidValue: unknown }[];
}

/** A failed batch: the first problem as the envelope's code and text, every problem in `data`. */
export function batchError(problems: readonly { index: number; error: ApiError }[]): ApiError {
  const first = problems[0]!;
  const prefix = `records[${first.index}]`;
  const message = first.error.message.includes(prefix) ? first.error.message : `${prefix}: ${first.error.message}`;
  const data = {
    count: 0,
    records: null,
    errors: problems.map(
      ({ index, error }): RecordError => ({
        index,
        success: false,
        errors: [
          {
            // `records[2].Name` names the field Name; `records[2]` alone names no field.
            fieldName: error.field?.replace(/^records\[\d+\]\.?/, '') || null,
            errorCode: error.code,
            errorMessage: error.message,
            invalidValue: error.invalidValue === undefined ? null : error.invalidValue,
          },
        ],
      }),
    ),
  };
  return new ApiError(first.error.statusCode, first.error.code, message, {}, first.error.field, first.error.invalidValue, data);
}

/** `{"records": [...]}` with 1 to 50 entries. */
export function recordsOf(body: unknown): unknown[] {
  if (body === undefined) throw errors.badRequest('Request body is required: send {"records": [...]}');
  if (!isPlainObject(body)) throw errors.badRequest(`Request body must be a JSON object {"records": [...]}, not ${describeValue(body)}`);
  const records = body.records;
  if (records === undefined || records === null) throw errors.requiredValue('records', 'send the records to write as {"records": [...]}');
  if (!Array.isArray(records)) throw errors.invalidValue('records', `expected an array of records, got ${describeValue(records)}`, records);
  if (records.length === 0) throw errors.requiredValue('records', 'at least one record is required');
  if (records.length > MAX_BATCH_RECORDS) {
    throw errors.invalidValue('records', `at most ${MAX_BATCH_RECORDS} records per request, got ${records.length}; split the batch`);
  }
  return records;
}

/** Reads one value of a field as Gainsight does; values it cannot read are left for the validator to name. */
function readValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type) {
    case 'number':
    case 'integer':
      return parseLenientNumber(value) ?? value;
    case 'boolean':
      return parseLenientBoolean(value) ?? value;
    case 'date':
      return parseLenientDate(value) ?? value;
    case 'datetime':
      return parseLenientDateTime(value) ?? value;
    default:
      return value;
  }
}

interface NormalisedRecord {
  readonly values: Record<string, unknown>;
  /** Helper fields sent (`CSMFirstName`), by their declared name. */
  readonly helpers: Record<string, unknown>;
}

/** Field names by the NXT rule, values read leniently, helper fields set aside. */
function normalise(object: ObjectDescription, raw: unknown, where: string): NormalisedRecord {
  if (!isPlainObject(raw)) throw errors.invalidValue(where, `expected a record object, got ${describeValue(raw)}`, raw);
  const helperNames = object.helperLookups.flatMap((helper) => Object.keys(helper.match));
  const values: Record<string, unknown> = {};
  const helpers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const helper = helperNames.find((name) => name === key) ?? helperNames.find((name) => name.toLowerCase() === key.toLowerCase());
    if (helper) {
      helpers[helper] = value;
      continue;
    }
    const field = matchFieldName(object, key);
    if (field && field.name in values) throw errors.invalidValue(field.name, `the field is sent twice (${key})`);
    if (field) values[field.name] = readValue(field.type, value);
    else values[key] = value;
  }
  return { values, helpers };
}

export interface NxtWriter {
  insert(target: WritableObject, body: unknown): Promise<BatchResult>;
  update(target: WritableObject, keys: unknown, body: unknown): Promise<BatchResult>;
  /** People upsert: a flat person, matched by Email ignoring case, linked to `companies`. */
  upsertPerson(body: unknown): Promise<StoredRecord>;
}

export function createNxtWriter(objects: ReadonlyMap<string, WritableObject>, transact: Transact): NxtWriter {
  const byName = (name: string) => objects.get(name)!;

  /** Sets the lookups that helper fields name (`CSMFirstName` + `CSMLastName` -> `Csm`). */
  async function resolveHelpers(object: ObjectDescription, record: NormalisedRecord): Promise<void> {
    for (const helper of object.helperLookups) {
      const sent = Object.keys(helper.match).filter((name) => name in record.helpers);
      if (sent.length === 0 || record.values[helper.target] !== undefined) continue;
      const equals: Record<string, string> = {};
      for (const name of sent) {
        const value = record.helpers[name];
        if (value === null || value === '') continue;
        if (typeof value !== 'string') throw errors.invalidValue(name, `expected a string, got ${describeValue(value)}`, value);
        if (!isStorableText(value)) throw errors.invalidValue(name, 'text contains a NUL character or an unpaired UTF-16 surrogate', value);
        if (codePointLength(value) > DEFAULT_STRING_MAX_LENGTH) {
          throw errors.valueTooLong(name, DEFAULT_STRING_MAX_LENGTH, codePointLength(value), value);
        }
        equals[helper.match[name]!] = value;
      }
      if (Object.keys(equals).length === 0) continue;
      const found = await byName(helper.object).service.findGsids(equals, 2);
      const described = Object.entries(equals).map(([field, value]) => `${field} ${describeValue(value)}`).join(' and ');
      if (found.length !== 1) {
        throw errors.invalidValue(
          sent.join(' + '),
          found.length === 0 ? `no ${helper.object} has ${described}` : `several ${helper.object} records have ${described}; set ${helper.target} to a Gsid instead`,
          record.helpers[sent[0]!],
        );
      }
      record.values[helper.target] = found[0]!;
    }
  }

  /** Validates every record; all problems are reported together, nothing is written on any. */
  async function validateAll<T>(records: readonly unknown[], each: (raw: unknown, where: string) => Promise<T>): Promise<T[]> {
    const results: T[] = [];
    const problems: { index: number; error: ApiError }[] = [];
    for (const [index, raw] of records.entries()) {
      try {
        results.push(await each(raw, `records[${index}]`));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problems.push({ index, error });
      }
    }
    if (problems.length > 0) throw batchError(problems);
    return results;
  }

  /** A store failure of a whole batch (a duplicate, a lookup to nothing) in the batch's shape. */
  async function asBatch<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ApiError) || error.statusCode >= 500 || error.data !== undefined) throw error;
      const index = /^records\[(\d+)\]/.exec(error.field ?? '')?.[1];
      throw batchError([{ index: index === undefined ? 0 : Number(index), error }]);
    }
  }

  return {
    async insert(target, body) {
      const records = recordsOf(body);
      const values = await validateAll(records, async (raw, where) => {
        const record = normalise(target.view, raw, where);
        await resolveHelpers(target.view, record);
        return target.validators.insert(record.values);
      });
      const created = await asBatch(() => target.service.createMany(values.map(withoutNulls)));
      return { count: created.length, errors: null, records: created.map((record) => ({ Gsid: record.Gsid })) };
    },

    async update(target, keysParam, body) {
      const keys = parseKeys(target.view, keysParam);
      const records = recordsOf(body);
      const updates = await validateAll(records, async (raw, where) => {
        const record = normalise(target.view, raw, where);
        await resolveHelpers(target.view, record);
        const equals: Record<string, Exclude<FieldValues[string], null>> = {};
        const changes: Record<string, unknown> = { ...record.values };
        for (const key of keys) {
          const value = record.values[key];
          if (value === undefined || value === null || value === '') {
            throw errors.requiredValue(`${where}.${key}`, `the record needs a value for the key field ${key}`);
          }
          // Keys the client may not write (Gsid, a link's ends) select records but are never written.
          const field = target.view.fieldByName.get(key)!;
          if (field.readOnly || field.immutable) {
            equals[key] = unwritableKeyValue(field, value, `${where}.${key}`);
            delete changes[key];
          }
        }
        const validated = target.validators.patch(changes);
        for (const key of keys) if (!(key in equals)) equals[key] = validated[key] as Exclude<FieldValues[string], null>;
        return { equals: equals as Equals, changes: validated };
      });
      const changed = await asBatch(() => target.service.updateMatching(updates));
      const gsids = [...new Set(changed.flat())];
      return { count: gsids.length, errors: null, records: gsids.map((Gsid) => ({ Gsid })) };
    },

    async upsertPerson(body) {
      const people = byName('Person');
      const links = byName('company_person');
      const companies = byName('Company');
      if (body === undefined) throw errors.badRequest('Request body is required: send the person as a JSON object');
      if (!isPlainObject(body)) throw errors.badRequest(`Request body must be a JSON object, not ${describeValue(body)}`);
      const { companies: companyList, ...personBody } = body;
      const companyIds = companyIdsOf(companyList);
      const record = normalise(people.view, personBody, 'body');
      // Validated before anything is looked up by it.
      const changes = people.validators.patch(record.values);
      const email = changes.Email;
      if (typeof email !== 'string' || email.trim() === '') throw errors.requiredValue('Email', 'people are upserted by Email, so it is required');
      const upsert = () =>
        // One transaction: the person and its links are written together or not at all.
        transact(async (records) => {
          const peopleTx = createRecordService(records(people.view));
          const linksTx = createRecordService(records(links.view));
          // Checked first: the database would refuse the link anyway, but not say which company.
          for (const [i, id] of companyIds.entries()) {
            if ((await records(companies.view).findGsids({ Gsid: id }, 1)).length === 0) {
              throw errors.unknownReference(`companies[${i}].Company_ID`, 'Company', id);
            }
          }
          const [existing] = await peopleTx.findGsids({ Email: email }, 1);
          const person = existing
            ? await peopleTx.update(existing, changes)
            : await peopleTx.create(withoutNulls(people.validators.insert(record.values)));
          for (const id of companyIds) {
            const pair = { Company_ID: id, Person_ID: person.Gsid };
            if ((await linksTx.findGsids(pair, 1)).length === 0) await linksTx.create(pair);
          }
          return person;
        });
      try {
        return await upsert();
      } catch (error) {
        // Another request created the same person or link in between: do it again, now as an update.
        if (!(error instanceof ApiError && error.statusCode === 409)) throw error;
        return upsert();
      }
    },
  };
}

/** The value of a key the client cannot write (Gsid, CreatedDate, a link's end), read and checked. */
function unwritableKeyValue(field: FieldDescription, value: unknown, where: string): Exclude<FieldValues[string], null> {
  switch (field.type) {
    case 'gsid':
      assertGsid(where, value);
      return value;
    case 'datetime': {
      const iso = parseLenientDateTime(value);
      if (iso === undefined) throw errors.invalidDateTime(where, value);
      return iso;
    }
    default:
      throw errors.invalidValue(where, `${field.name} cannot select records to update; use Gsid or a field you can write`);
  }
}

/** `keys=Name` or `keys=Name,Industry` (1 to 3 fields, ANDed), by the NXT name rule. */
function parseKeys(object: ObjectDescription, value: unknown): string[] {
  if (Array.isArray(value)) throw errors.invalidValue('keys', 'the query parameter is given more than once; separate keys with commas');
  if (typeof value !== 'string' || value.trim() === '') {
    throw errors.requiredValue('keys', 'name the key fields that select the records to update: ?keys=Name or ?keys=Gsid');
  }
  const names = value.split(',').map((name) => name.trim());
  if (names.length > MAX_UPDATE_KEYS) throw errors.invalidValue('keys', `at most ${MAX_UPDATE_KEYS} key fields, got ${names.length}`, value);
  return names.map((name) => {
    const field = matchFieldName(object, name);
    if (!field) throw errors.unknownField(`keys = ${name}`);
    return field.name;
  });
}

function companyIdsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw errors.invalidValue('companies', `expected an array of {"Company_ID": "..."}, got ${describeValue(value)}`, value);
  return [
    ...new Set(
      value.map((entry, i) => {
        if (!isPlainObject(entry)) throw errors.invalidValue(`companies[${i}]`, 'expected {"Company_ID": "..."}', entry);
        const id = entry.Company_ID ?? entry.company_id ?? entry.Company_Id;
        assertGsid(`companies[${i}].Company_ID`, id);
        return id;
      }),
    ),
  ];
}

/** On insert, null means "no value": such fields are simply not written. */
function withoutNulls(values: FieldValues): FieldValues {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
}
