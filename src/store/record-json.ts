/**
 * A record's JSON text, built by the database in the query that reads it.
 *
 * Reading a page of 25 records as row objects and serializing them again costs more than the
 * query itself: the driver creates a string for every column of every row, and the serializer
 * walks them all. Asking the database for the record's JSON gives one string per record, and the
 * page is those strings joined.
 *
 * The text is the one `JSON.stringify` writes for the record as the repository presents it:
 * fields in the order given (the repository gives the order the API's serializer writes:
 * `fieldsInRecordOrder`), under their API names, absent values left out (never
 * `null`), booleans as `true`/`false`. Numbers of `number` fields are written by JavaScript
 * itself on SQLite (SQLite writes `64000.0` where JavaScript writes `64000`). PostgreSQL writes
 * the same shortest round-trip digits, but switches to exponent notation at other bounds (below
 * 1e-4 and from 1e15: `1e+15` where JavaScript writes `1000000000000000`), text that parses to
 * the same number. Integer fields are written as the database holds them, so beyond 2^53 (which
 * the API's integer fields never reach) the digits are exact where JavaScript's would round.
 *
 * Each field is one piece, `"Name":value`, or NULL when the field holds nothing; `concat_ws`
 * joins the pieces and skips the NULLs on both backends.
 */
import { sql, type RawBuilder } from 'kysely';
import type { FieldDescription, FieldType } from '../domain/object-model.js';
import type { DialectName } from './database.js';
import { quoteIdentifier } from './sql-identifier.js';

/** The SQLite function that writes a number as JavaScript does (registered by sqlite.ts). */
export const JSON_NUMBER_FUNCTION = 'gs_json_number';

/** JavaScript's JSON text of a number: what `JSON.stringify` writes. */
export function jsonNumber(value: unknown): string | null {
  return typeof value === 'number' || typeof value === 'bigint' ? JSON.stringify(Number(value)) : null;
}

// Both backends cap a function's arguments (PostgreSQL at 100); wide objects join in chunks.
const PIECES_PER_CALL = 90;

/**
 * The SQL text of a column's value as JSON text (`"text"`, `12.5`, `true`), or NULL when the
 * column is NULL.
 */
function jsonValue(type: FieldType, c: string, dialect: DialectName): string {
  switch (type) {
    case 'boolean':
      return `case ${c} when 1 then 'true' when 0 then 'false' end`;
    case 'integer':
      return dialect === 'sqlite' ? c : `${c}::text`;
    case 'number':
      return dialect === 'sqlite'
        ? // Whole numbers (most amounts) need no call into JavaScript.
          `case when ${c} is null then null when ${c} = cast(${c} as integer) and abs(${c}) < 1e15 then cast(${c} as integer) ` +
            `else ${JSON_NUMBER_FUNCTION}(${c}) end`
        : `to_json(${c})::text`;
    case 'date':
      return dialect === 'sqlite' ? quoted(c) : `'"' || to_char(${c}, 'YYYY-MM-DD') || '"'`;
    case 'datetime':
      return dialect === 'sqlite' ? quoted(c) : `'"' || to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`;
    default:
      return dialect === 'sqlite' ? quoted(c) : `to_json(${c})::text`;
  }
}

// json_quote(NULL) is the text 'null' on SQLite, not NULL.
function quoted(c: string): string {
  return `case when ${c} is not null then json_quote(${c}) end`;
}

/** A JSON object's key and separator as an SQL string literal: `'"Name":'`. */
function keyLiteral(name: string): string {
  return `'${JSON.stringify(name).replace(/'/g, "''")}:'`;
}

/**
 * The SQL expression of a record's JSON text, over the columns of `fields` qualified by `alias`
 * (a table or subquery name).
 */
export function recordJsonSql(fields: readonly FieldDescription[], dialect: DialectName, alias: string): RawBuilder<string> {
  const pieces = fields.map((field) => `${keyLiteral(field.name)} || (${jsonValue(field.type, `${alias}.${quoteIdentifier(field.column)}`, dialect)})`);
  return sql.raw<string>(`'{' || ${joined(pieces)} || '}'`);
}

/** A value of a row as JSON, under a key sent by a client (bound as a parameter, never in the SQL text). */
export interface JsonMember {
  readonly key: string;
  readonly type: FieldType;
  /** The column's SQL text, qualified and quoted (`qualifiedColumn`): identifiers of the object model only. */
  readonly column: string;
}

/** `"alias"."column"`, for identifiers that come from the object model. */
export function qualifiedColumn(alias: string, column: string): string {
  return `${quoteIdentifier(alias)}.${quoteIdentifier(column)}`;
}

/**
 * The SQL expression of a row's JSON object with every member present: `null` where the column
 * holds nothing (the NXT surface answers every field it was asked for). Keys are bound values.
 */
export function rowJsonSql(members: readonly JsonMember[], dialect: DialectName): RawBuilder<string> {
  const pieces = members.map(({ key, type, column }) => sql`cast(${JSON.stringify(key) + ':'} as text) || coalesce(${sql.raw(jsonValue(type, column, dialect))}, 'null')`);
  return sql<string>`'{' || ${joinedSql(pieces)} || '}'`;
}

/** concat_ws over any number of pieces: chunks of at most PIECES_PER_CALL, empty chunks NULL. */
function joined(pieces: readonly string[]): string {
  if (pieces.length === 0) return `''`;
  if (pieces.length <= PIECES_PER_CALL) return `concat_ws(',', ${pieces.join(', ')})`;
  const chunks: string[] = [];
  for (let start = 0; start < pieces.length; start += PIECES_PER_CALL) {
    chunks.push(`nullif(${joined(pieces.slice(start, start + PIECES_PER_CALL))}, '')`);
  }
  return `coalesce(${joined(chunks)}, '')`;
}

/** `joined` for pieces that carry bound values. */
function joinedSql(pieces: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  if (pieces.length === 0) return sql`''`;
  if (pieces.length <= PIECES_PER_CALL) return sql`concat_ws(',', ${sql.join(pieces)})`;
  const chunks: RawBuilder<unknown>[] = [];
  for (let start = 0; start < pieces.length; start += PIECES_PER_CALL) {
    chunks.push(sql`nullif(${joinedSql(pieces.slice(start, start + PIECES_PER_CALL))}, '')`);
  }
  return sql`coalesce(${joinedSql(chunks)}, '')`;
}
