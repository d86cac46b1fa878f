/**
 * Record validation: Ajv validators compiled once (each on first use) from the object
 * descriptions, and a mapping of Ajv's first error onto Gainsight's error codes with a message
 * that names the field and the problem. JSON bodies are never coerced: `"100"` is not a number.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isCalendarDate, isDateTime } from './dates.js';
import { ApiError, errors, describeValue } from './errors.js';
import type { FieldDescription, FieldValues, ObjectDescription } from './object-model.js';
import { findPicklistOption, multiselectValue, MULTISELECT_SEPARATOR, suggestField } from './object-model.js';
import { inputSchema, type WriteMode } from './schemas.js';
import { codePointLength, isStorableText } from './text.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictNumbers: true, coerceTypes: false });
  addFormats(ajv, { mode: 'full', formats: ['email'] });
  // Stricter than RFC 3339's grammar: the day must exist and the year must be one every backend
  // can store (PostgreSQL has no year 0).
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  return ajv;
}

export type RecordValidator = (body: unknown) => FieldValues;

/** Compiles the validators of every write mode of one object. */
/**
 * The validators of every write mode of one object, each compiled on its first use: a surface
 * uses only some modes (the seed surface never inserts, the NXT surface never replaces), and
 * compiling all of every object's at start cost a sixth of the start-up time.
 */
export function compileRecordValidators(ajv: Ajv2020, object: ObjectDescription): Record<WriteMode, RecordValidator> {
  const compiled = new Map<WriteMode, ValidateFunction>();
  const validator = (mode: WriteMode): RecordValidator => (body) => {
    let validate = compiled.get(mode);
    if (!validate) compiled.set(mode, (validate = ajv.compile(inputSchema(object, mode))));
    return validateRecord(object, mode, validate, body);
  };
  return { create: validator('create'), replace: validator('replace'), patch: validator('patch'), insert: validator('insert') };
}

function validateRecord(
  object: ObjectDescription,
  mode: WriteMode,
  validate: ValidateFunction,
  body: unknown,
): FieldValues {
  if (body === undefined) throw errors.badRequest('Request body is required: send a JSON object');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badRequest(`Request body must be a JSON object, not ${jsonTypeOf(body)}`);
  }
  if (!validate(body)) throw toApiError(object, body as Record<string, unknown>, validate.errors![0]!);
  const values = normalisePicklists(object, body as FieldValues);
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && !isStorableText(value)) {
      throw errors.invalidValue(name, 'text contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored');
    }
  }
  if (mode === 'create' || mode === 'insert') assertAtLeastOne(object, values);
  return values;
}

/**
 * Picklist values as stored: the option's label (clients may send a label in any case, or the
 * option's Gsid, which is what real Gainsight answers); a multi-select's labels joined with `;`,
 * from an array or a `;`-joined string.
 */
function normalisePicklists(object: ObjectDescription, values: FieldValues): FieldValues {
  let result = values;
  for (const field of object.fields) {
    const value = values[field.name] as unknown;
    if (!field.options || value === undefined || value === null) continue;
    const normalised = picklistValue(field, value);
    if (normalised === value) continue;
    if (result === values) result = { ...values };
    result[field.name] = normalised;
  }
  return result;
}

function picklistValue(field: FieldDescription, value: unknown): string | null {
  const option = (text: string) => {
    const found = findPicklistOption(field, text);
    if (found) return found.label;
    const labels = field.options!.map((o) => o.label);
    throw errors.invalidValue(
      field.name,
      `${describeValue(text)} is not an option of ${field.name}; expected a label (${labels.slice(0, 20).join(', ')}${labels.length > 20 ? ', ...' : ''}) or an option's Gsid`,
      value,
    );
  };
  if (field.dataType !== 'MULTISELECTDROPDOWNLIST') return option(value as string);
  const parts = (Array.isArray(value) ? (value as string[]) : (value as string).split(MULTISELECT_SEPARATOR)).map((part) => part.trim()).filter((part) => part !== '');
  parts.forEach(option);
  if (parts.length === 0) {
    if (field.required) throw errors.requiredValue(field.name, 'the field is required: send at least one option');
    return null;
  }
  // In the options' order, each once.
  return multiselectValue(field, parts);
}

/**
 * A record of an object with `atLeastOneOf` needs a non-blank value in one of those fields: on
 * create (checked on the body) and after every update (checked on the updated record).
 */
export function assertAtLeastOne(object: ObjectDescription, values: Readonly<Record<string, unknown>>): void {
  if (object.atLeastOneOf.length === 0) return;
  const hasOne = object.atLeastOneOf.some((name) => typeof values[name] === 'string' && (values[name] as string).trim() !== '');
  if (!hasOne) {
    throw errors.requiredValue(
      object.atLeastOneOf.join(', '),
      `a ${object.name} needs a non-blank value in at least one of these fields`,
    );
  }
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const TYPE_NAMES: Record<string, string> = {
  gsid: 'a Gsid string',
  string: 'a string',
  email: 'a string holding an email address',
  number: 'a number',
  integer: 'an integer',
  date: 'a date string (YYYY-MM-DD)',
  datetime: 'a date-time string',
  boolean: 'true or false',
};

function toApiError(object: ObjectDescription, body: Record<string, unknown>, error: ErrorObject): ApiError {
  if (error.keyword === 'required') {
    const name = (error.params as { missingProperty: string }).missingProperty;
    return errors.requiredValue(name, 'a value is required');
  }
  if (error.keyword === 'additionalProperties') {
    const name = (error.params as { additionalProperty: string }).additionalProperty;
    if (object.fieldByName.get(name)?.readOnly) return errors.readOnlyField(name);
    if (object.fieldByName.get(name)?.immutable) return errors.immutableField(name);
    return errors.unknownField(name, suggestField(object, name));
  }
  // Every other keyword is about one field's value: /Name, /ARR, ...
  const name = decodePointer(error.instancePath);
  const field = object.fieldByName.get(name);
  const value = body[name];
  if (!field) return errors.unknownField(name);
  return fieldValueError(field, value, error);
}

function fieldValueError(field: FieldDescription, value: unknown, error: ErrorObject): ApiError {
  const name = field.name;
  if (field.dataType === 'MULTISELECTDROPDOWNLIST' && value !== null) {
    return errors.invalidValue(name, `expected an array of option labels (or Gsids), or one string of them joined with ";", got ${describeValue(value)}`, value);
  }
  switch (error.keyword) {
    case 'type':
      if (value === null) {
        return field.required
          ? errors.requiredValue(name, 'the field is required and cannot be null')
          : errors.invalidValue(name, `null is not allowed here; send ${TYPE_NAMES[field.type]}, or clear the field with PATCH and null`);
      }
      return errors.invalidValue(name, `expected ${TYPE_NAMES[field.type]}, got ${describeValue(value)}`, value);
    case 'maxLength':
      return errors.valueTooLong(name, field.maxLength!, codePointLength(value as string), value);
    case 'minLength':
    case 'pattern':
      if (field.type === 'gsid') return errors.invalidGsid(name, value);
      return errors.requiredValue(name, 'the value must not be empty or blank');
    case 'format':
      if (field.type === 'date') return errors.invalidDate(name, value);
      if (field.type === 'datetime') return errors.invalidDateTime(name, value);
      return errors.invalidValue(name, `${describeValue(value)} is not a valid email address`, value);
    case 'minimum':
      return errors.invalidValue(name, `must be at least ${field.minimum}, got ${describeValue(value)}`, value);
    case 'maximum':
      return errors.invalidValue(name, `must be at most ${field.maximum}, got ${describeValue(value)}`, value);
    default:
      return errors.invalidValue(name, error.message ?? 'invalid value', value);
  }
}

/** `/First~1Name` -> `First/Name` (JSON Pointer unescaping of one segment). */
function decodePointer(pointer: string): string {
  return pointer.slice(1).split('/')[0]!.replace(/~1/g, '/').replace(/~0/g, '~');
}
