/**
 * Records as files, for `gainsight-api import` and `export`: CSV and JSON Lines whose columns
 * (keys) are the object's field names as the registry names them (`Gsid`, `Name`, `ARR`, ...).
 *
 * A row read from a file goes through the validator the API's create runs (compileRecordValidators,
 * in `insert` mode: required fields needed, null meaning no value), so a file cannot store what
 * the API would refuse. The server's own fields are taken from the file, which is what makes an
 * export and its import the same records: `Gsid` (a row without one is a new record and gets a
 * new Gsid, as a create would), `CreatedDate` and `ModifiedDate` (the import's time when absent).
 *
 * CSV cells are text, so they are read by the field's type first (`"120000"` -> 120000, `"true"`
 * -> true, dates in the forms the NXT surface takes); JSON Lines rows are typed already and are
 * read strictly, as the seed surface reads a JSON body. In CSV, an empty cell is no value and a
 * quoted empty cell (`""`) is the empty string, which export writes that way.
 */
import { isCalendarDate, isDateTime } from './dates.js';
import { errors, describeValue } from './errors.js';
import { isGsid, newGsid } from './gsid.js';
import { parseLenientBoolean, parseLenientDate, parseLenientDateTime, parseLenientNumber } from './lenient-values.js';
import { suggestField, type FieldDescription, type FieldValue, type FieldValues, type ObjectDescription } from './object-model.js';
import type { StoredRecord } from './persistence.js';
import { fieldsInRecordOrder } from './schemas.js';
import { compileRecordValidators, createAjv } from './validation.js';

export type RecordFileFormat = 'csv' | 'jsonl';

export const RECORD_FILE_FORMATS: readonly RecordFileFormat[] = ['csv', 'jsonl'];

/** The format a file name's extension says, if any. */
export function formatOfFileName(file: string): RecordFileFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (extension === 'csv') return 'csv';
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  return undefined;
}

/** The server's fields, which a file carries and the API's input never does. */
const SERVER_FIELDS = ['Gsid', 'CreatedDate', 'ModifiedDate'] as const;

/** An object's file columns, in the order records are written (Gsid and the dates first). */
export function fileColumns(object: ObjectDescription): FieldDescription[] {
  return fieldsInRecordOrder(object.fields);
}

/**
 * The problem with a CSV header, or undefined when every column is a field of the object, once.
 * Columns may be any subset of the fields, in any order.
 */
export function headerProblem(object: ObjectDescription, header: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) return `column ${JSON.stringify(column)} appears twice`;
    seen.add(column);
    if (!object.fieldByName.has(column)) {
      const suggestion = suggestField(object, column);
      return (
        `column ${JSON.stringify(column)} is not a field of ${object.name}` +
        (suggestion ? `; did you mean ${suggestion}?` : `; its fields are ${object.fields.map((field) => field.name).join(', ')}`)
      );
    }
  }
  return undefined;
}

/** A stored value as a CSV cell: undefined for no value (an empty cell). */
export function cellText(value: string | number | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : String(value);
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV line (RFC 4180, with its newline): cells with a comma, quote or line break are quoted,
 * quotes doubled; the empty string is `""`; no value is an empty cell. Written here rather than
 * by csv-stringify, which took half of a million-row export's time for the same text.
 */
export function csvLine(cells: readonly (string | undefined)[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (i > 0) line += ',';
    if (cell === undefined) continue;
    line += cell === '' ? '""' : NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  }
  return `${line}\n`;
}

/**
 * A CSV cell as the field's value: text as it is; numbers, booleans and dates read from text.
 * Throws the ApiError the API answers for such a value (naming the field and the text).
 */
export function cellValue(field: FieldDescription, text: string): FieldValue {
  const invalid = (expected: string) => errors.invalidValue(field.name, `expected ${expected}, got ${describeValue(text)}`, text);
  switch (field.type) {
    case 'number':
    case 'integer': {
      const number = parseLenientNumber(text);
      if (number === undefined) throw invalid(field.type === 'integer' ? 'an integer' : 'a number');
      return number;
    }
    case 'boolean': {
      const boolean = parseLenientBoolean(text);
      if (boolean === undefined) throw invalid('true or false');
      return boolean;
    }
    case 'date': {
      // Kept as written when the API takes it as is, so a file and its re-export are the same text.
      const date = isCalendarDate(text) ? text : parseLenientDate(text);
      if (date === undefined) throw errors.invalidDate(field.name, text);
      return date;
    }
    case 'datetime': {
      const dateTime = isDateTime(text) ? text : parseLenientDateTime(text);
      if (dateTime === undefined) throw errors.invalidDateTime(field.name, text);
      return dateTime;
    }
    default:
      return text;
  }
}

/**
 * A CSV row (header -> cell; undefined for an empty cell, '' for a quoted empty one) as the
 * values a JSON row would hold. A quoted empty cell of a field that is not text is no value.
 */
export function csvRowValues(object: ObjectDescription, row: Readonly<Record<string, string | undefined>>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const [name, text] of Object.entries(row)) {
    if (text === undefined) continue;
    const field = object.fieldByName.get(name);
    if (!field) throw errors.unknownField(name, suggestField(object, name));
    if (text === '' && field.type !== 'string' && field.type !== 'email' && field.type !== 'gsid') continue;
    values[name] = cellValue(field, text);
  }
  return values;
}

export interface ImportRow {
  /** The record as stored: the server's fields and every value the row has. */
  readonly values: FieldValues & { Gsid: string; CreatedDate: string; ModifiedDate: string };
  /** The row named no Gsid: a new record (its Gsid and dates are the import's). */
  readonly isNew: boolean;
}

export type ImportRowReader = (row: unknown) => ImportRow;

/**
 * The reader of one object's rows: the values of a row (from JSON, or from csvRowValues) to the
 * record to store, or the ApiError the API would answer for them.
 */
export function createImportRowReader(object: ObjectDescription, clock: () => Date = () => new Date()): ImportRowReader {
  const validate = compileRecordValidators(createAjv(), object).insert;
  const mirrors = object.fields.filter((field) => field.readOnly && !(SERVER_FIELDS as readonly string[]).includes(field.name)).map((field) => field.name);
  return (row) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw errors.badRequest(`A row must be a JSON object of field values, not ${row === null ? 'null' : Array.isArray(row) ? 'an array' : `a ${typeof row}`}`);
    }
    const input: Record<string, unknown> = { ...(row as Record<string, unknown>) };
    const server: Record<string, unknown> = {};
    for (const name of SERVER_FIELDS) {
      if (name in input) {
        server[name] = input[name];
        delete input[name];
      }
    }
    // Other read-only fields mirror the server's (activity_timeline's LastModifiedDate is its
    // ModifiedDate, one column): what an export wrote for them comes back through those.
    for (const name of mirrors) delete input[name];
    const values = validate(input);
    // Null in an optional field means no value (insert mode); a new record simply has none.
    for (const [name, value] of Object.entries(values)) if (value === null) delete values[name];
    const now = clock();
    const gsid = server.Gsid ?? null;
    if (gsid !== null && !isGsid(gsid)) throw errors.invalidGsid('Gsid', gsid);
    const createdDate = serverTimestamp('CreatedDate', server.CreatedDate) ?? now.toISOString();
    const modifiedDate = serverTimestamp('ModifiedDate', server.ModifiedDate) ?? createdDate;
    const isNew = gsid === null;
    const record = { ...values, Gsid: isNew ? newGsid(now.getTime()) : gsid, CreatedDate: createdDate, ModifiedDate: modifiedDate };
    if (isNew) defaultName(object, record);
    return { values: record, isNew };
  };
}

/** A server timestamp from a file, in the form the server writes them (ISO 8601 UTC, milliseconds). */
function serverTimestamp(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isDateTime(value)) throw errors.invalidDateTime(name, value);
  return new Date(value).toISOString();
}

/**
 * A new record's `Name` from `nameFrom` (`FirstName LastName`), as the API's create derives it.
 * Only for new rows: a row with a Gsid is a record as it was stored, and stays exactly so.
 */
function defaultName(object: ObjectDescription, record: FieldValues): void {
  if (!object.nameFrom || (record.Name !== undefined && record.Name !== null)) return;
  const parts = object.nameFrom.map((name) => record[name]).filter((part) => typeof part === 'string' && part.trim() !== '');
  if (parts.length > 0) record.Name = parts.join(' ');
}

/** A stored record as one JSON Lines line (without its newline): the API's JSON of the record. */
export function jsonLine(record: StoredRecord): string {
  return JSON.stringify(record);
}
