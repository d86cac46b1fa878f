/**
 * Request bodies are validated by the schema their route declares: `registerRoutes` compiles each
 * `requestBody.schema` once, with the app's one Ajv, and runs it before the handler. Ajv's first
 * error becomes the project's ApiError with a message that names the JSON path of the faulty part
 * of the body the way every other message does (`definition.aggregates[0].fn`, `filters`, `limit`).
 *
 * Nothing here depends on Fastify: the same mapping serves any JSON value validated by a schema
 * (saved report definitions read from the database go through it too).
 *
 * Where the generic wording is not what the API promises (a blank name is "required", not "does
 * not match \S"), a schema node carries a small table of keyword -> message under the symbol
 * ERROR_MESSAGES. Symbol-keyed properties are invisible to Ajv, to JSON and to the OpenAPI
 * document, so the schema stays plain JSON Schema.
 */
import type { Ajv2020, ErrorObject } from 'ajv/dist/2020.js';
import { describeValue, errors, type ApiError } from './errors.js';
import type { JsonSchema } from './schemas.js';
import { codePointLength } from './text.js';

/** What a custom message of a schema node gets to work with. */
export interface SchemaFailure {
  /** Ajv keyword that failed: `required`, `pattern`, `enum`, ... */
  readonly keyword: string;
  /** JSON path of the value at fault (for `required`, of the missing property). */
  readonly path: string;
  /** The value at fault (undefined for a missing property). */
  readonly value: unknown;
  readonly params: Readonly<Record<string, unknown>>;
  /** The error the generic mapping would have answered. */
  readonly fallback: () => ApiError;
}

/**
 * A custom message for one keyword of one schema node: a text says what was expected (the value
 * received is appended, and the error code stays the keyword's), a function builds the error.
 */
export type ErrorMessage = string | ((failure: SchemaFailure) => ApiError);

export const ERROR_MESSAGES: unique symbol = Symbol('errorMessages');

/**
 * Attaches custom messages to a schema node and returns the node (same object, same type). The
 * property is enumerable so that copies made with `{...schema}` (TypeBox's Optional does) keep it.
 */
export function withErrorMessages<S extends object>(schema: S, messages: Readonly<Record<string, ErrorMessage>>): S {
  (schema as { [ERROR_MESSAGES]?: Readonly<Record<string, ErrorMessage>> })[ERROR_MESSAGES] = messages;
  return schema;
}

/**
 * Validates a value against a schema and answers it typed, or throws the mapped ApiError. `at`
 * prefixes every path in messages (`report weekly` gives `report weekly.fields[0]`); without it
 * paths start at the value's own properties (`fields[0]`).
 */
export type Validator<T> = (value: unknown, at?: string) => T;

/** Compiles `schema` once; T is the type the schema describes (TypeBox: `Static<typeof schema>`). */
export function compileValidator<T = unknown>(ajv: Ajv2020, schema: JsonSchema): Validator<T> {
  const validate = ajv.compile(schema);
  return (value, at) => {
    if (!validate(value)) throw toApiError(validate.errors![0]!, schema, value, at);
    return value as T;
  };
}

/** The request-body check of one route: presence, then the schema. */
export type BodyValidator = (body: unknown) => void;

/**
 * The validator `registerRoutes` runs before a route's handler, or undefined when the route takes
 * no body or opted out (`validate: false`).
 */
export function requestBodyValidator(
  ajv: Ajv2020,
  requestBody: { readonly schema: JsonSchema; readonly validate?: boolean } | undefined,
): BodyValidator | undefined {
  if (!requestBody || requestBody.validate === false) return undefined;
  return compileRequestBodyValidator(ajv, requestBody.schema);
}

export function compileRequestBodyValidator(ajv: Ajv2020, schema: JsonSchema): BodyValidator {
  const validate = compileValidator(ajv, schema);
  const types = typesOf(schema.type);
  const expected = describeTypes(types) ?? 'a JSON body';
  return (body) => {
    if (body === undefined) throw errors.badRequest(`Request body is required: send ${expected}`);
    // The body as a whole of the wrong type is a protocol mistake, not a field's.
    if (types.length > 0 && !types.some((type) => hasJsonType(body, type))) {
      throw errors.badRequest(`Request body must be ${expected}, not ${jsonTypeOf(body)}`);
    }
    validate(body);
  };
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a JSON object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** A schema's `type` (or Ajv's `params.type`, comma-separated for several) as a list. */
function typesOf(type: unknown): string[] {
  if (Array.isArray(type)) return type.map(String);
  return typeof type === 'string' ? type.split(',') : [];
}

function describeTypes(type: unknown): string | undefined {
  const types = typesOf(type);
  if (types.length === 0) return undefined;
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
}

function hasJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Maps one Ajv error onto the project's errors. */
function toApiError(error: ErrorObject, schema: JsonSchema, data: unknown, at?: string): ApiError {
  const segments = pointerSegments(error.instancePath);
  const value = valueAt(data, segments);
  const path = formatPath(data, segments, at);
  const params = error.params as Record<string, unknown>;
  const node = schemaNodeAt(schema, error.schemaPath);
  const messages = (node as { [ERROR_MESSAGES]?: Record<string, ErrorMessage> } | undefined)?.[ERROR_MESSAGES];

  // An error on the value itself (not on one of its parts) names it by `at`, or as the body.
  let target = path === '' ? 'body' : path;
  let targetValue = value;
  if (error.keyword === 'required') {
    target = joinPath(path, String(params.missingProperty), false);
    targetValue = undefined;
  } else if (error.keyword === 'additionalProperties') {
    target = joinPath(path, String(params.additionalProperty), false);
    targetValue = (value as Record<string, unknown>)[String(params.additionalProperty)];
  }

  const custom = messages?.[error.keyword];
  const fallback = () =>
    // As for records: null where a value is required is a missing value, not a value of the wrong type.
    error.keyword === 'type' && value === null && custom === undefined && isRequiredProperty(schema, error.schemaPath)
      ? errors.requiredValue(target, 'a value is required and cannot be null')
      : defaultError(error.keyword, target, targetValue, params, node, error, custom);
  if (typeof custom === 'function') return custom({ keyword: error.keyword, path: target, value: targetValue, params, fallback });
  return fallback();
}

/** Whether the node of `#/.../properties/name/type` is a property its object lists as required. */
function isRequiredProperty(schema: JsonSchema, schemaPath: string): boolean {
  const segments = schemaSegments(schemaPath);
  segments.pop();
  const name = segments.pop();
  if (name === undefined || segments.pop() !== 'properties') return false;
  const parent = walk(schema, segments) as { required?: unknown } | undefined;
  return Array.isArray(parent?.required) && parent.required.includes(name);
}

function defaultError(
  keyword: string,
  path: string,
  value: unknown,
  params: Record<string, unknown>,
  node: unknown,
  error: ErrorObject,
  custom: ErrorMessage | undefined,
): ApiError {
  // A custom text says what was expected, in place of the generic wording.
  const own = typeof custom === 'string' ? custom : undefined;
  const expected = (text: string) => `${own ?? text}, got ${describeValue(value)}`;
  const at = (name: string) => (node as Record<string, unknown> | undefined)?.[name];
  // The value travels with the error (surfaces that report it per field show it).
  const invalid = (problem: string) => errors.invalidValue(path, problem, value);
  switch (keyword) {
    case 'required':
      return errors.requiredValue(path, own ?? 'a value is required');
    case 'additionalProperties':
      return errors.unknownField(path);
    case 'type':
      return invalid(expected(`expected ${describeTypes(params.type) ?? 'another type'}`));
    case 'enum':
      return invalid(expected(`expected one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`));
    case 'const':
      return invalid(expected(`expected ${describeValue(params.allowedValue)}`));
    case 'pattern':
      return invalid(expected(`expected a string matching ${params.pattern}`));
    case 'format':
      if (params.format === 'date' && own === undefined) return errors.invalidDate(path, value);
      if (params.format === 'date-time' && own === undefined) return errors.invalidDateTime(path, value);
      return invalid(expected(`expected a ${params.format} string`));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const what = describeTypes(at('type')) ?? 'a number';
      const low = at('minimum');
      const high = at('maximum');
      if (typeof low === 'number' && typeof high === 'number') return invalid(expected(`expected ${what} from ${low} to ${high}`));
      return invalid(expected(`expected ${what} ${params.comparison} ${params.limit}`));
    }
    case 'multipleOf':
      return invalid(expected(`expected a multiple of ${params.multipleOf}`));
    case 'maxLength':
      return errors.valueTooLong(path, params.limit as number, codePointLength(value as string), value);
    case 'minLength':
    case 'minItems':
      if (value === '' || (Array.isArray(value) && value.length === 0)) {
        return errors.requiredValue(path, own ?? 'a non-empty value is required');
      }
      return invalid(expected(`expected at least ${params.limit} ${keyword === 'minItems' ? 'items' : 'characters'}`));
    case 'maxItems':
      return errors.invalidValue(path, `${own ?? `expected at most ${params.limit} items`}, got ${(value as unknown[]).length}`);
    case 'uniqueItems': {
      const duplicate = (value as unknown[])[params.i as number];
      return invalid(own ?? `${describeValue(duplicate)} is listed twice`);
    }
    default:
      return invalid(own ?? (error.message ?? 'invalid value'));
  }
}

/** `/definition/aggregates/0/fn` -> ['definition', 'aggregates', '0', 'fn'] (JSON Pointer unescaped). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, segments: readonly string[]): unknown {
  let value = data;
  for (const segment of segments) value = (value as Record<string, unknown> | undefined)?.[segment];
  return value;
}

/** Array indexes as `[0]`, properties as `.name`: `definition.aggregates[0].fn`. */
function formatPath(data: unknown, segments: readonly string[], at: string | undefined): string {
  let path = at ?? '';
  let value = data;
  for (const segment of segments) {
    path = joinPath(path, segment, Array.isArray(value));
    value = (value as Record<string, unknown> | undefined)?.[segment];
  }
  return path;
}

function joinPath(path: string, segment: string, index: boolean): string {
  if (index) return `${path}[${segment}]`;
  return path === '' ? segment : `${path}.${segment}`;
}

/** The schema node whose keyword failed: `#/properties/limit/minimum` -> the `limit` schema. */
/**
 * Ajv's schemaPath is a URI fragment: its segments are percent-encoded (a patternProperties key
 * such as `^[A-Za-z]...` arrives as `%5E%5BA-Za-z%5D...`), unlike instancePath.
 */
function schemaSegments(schemaPath: string): string[] {
  return pointerSegments(schemaPath.replace(/^#/, '')).map((segment) => decodeURIComponent(segment));
}

function schemaNodeAt(schema: JsonSchema, schemaPath: string): unknown {
  const segments = schemaSegments(schemaPath);
  segments.pop();
  return walk(schema, segments);
}

function walk(schema: JsonSchema, segments: readonly string[]): unknown {
  let node: unknown = schema;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
