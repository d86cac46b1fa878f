/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses them) derived from object descriptions. The same
 * schemas validate request bodies, drive response serialization and appear in the served OpenAPI
 * document, so the three can never disagree.
 */
import type { FieldDescription, ObjectDescription } from './object-model.js';
import { GSID_PATTERN } from './gsid.js';

export type JsonSchema = Record<string, unknown>;

/** Most entries a multi-select value may list (repeats included; they are dropped when stored). */
const MAX_MULTISELECT_ITEMS = 1000;

/**
 * How a body is applied: `create` (POST), `replace` (PUT: fields given, `Name` required), `patch`
 * (merge patch: null clears), and `insert` (the NXT surface's insert: required fields needed,
 * null in an optional field means no value, as Gainsight's clients send it).
 */
export type WriteMode = 'create' | 'replace' | 'patch' | 'insert';

export function fieldSchema(field: FieldDescription): JsonSchema {
  const schema: JsonSchema = { description: field.description };
  switch (field.type) {
    case 'gsid':
      Object.assign(schema, { type: 'string', pattern: GSID_PATTERN.source });
      break;
    case 'string':
      if (field.dataType === 'MULTISELECTDROPDOWNLIST') {
        // Labels (or option Gsids) as an array, or joined with `;`; stored joined with `;`.
        Object.assign(schema, { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: MAX_MULTISELECT_ITEMS }] });
        break;
      }
      Object.assign(schema, { type: 'string' });
      if (field.required) Object.assign(schema, { minLength: 1, pattern: '\\S' });
      break;
    case 'email':
      Object.assign(schema, { type: 'string', format: 'email' });
      break;
    case 'number':
      Object.assign(schema, { type: 'number' });
      break;
    case 'integer':
      Object.assign(schema, { type: 'integer' });
      break;
    case 'date':
      Object.assign(schema, { type: 'string', format: 'date' });
      break;
    case 'datetime':
      Object.assign(schema, { type: 'string', format: 'date-time' });
      break;
    case 'boolean':
      Object.assign(schema, { type: 'boolean' });
      break;
  }
  if (field.options) {
    const labels = field.options.map((option) => option.label);
    schema.description = `${field.description}. One of: ${labels.slice(0, 50).join(', ')}${labels.length > 50 ? ', ...' : ''} (a label, or the option's Gsid)`;
  }
  if (field.maxLength !== undefined && field.dataType !== 'MULTISELECTDROPDOWNLIST') schema.maxLength = field.maxLength;
  if (field.minimum !== undefined) schema.minimum = field.minimum;
  if (field.maximum !== undefined) schema.maximum = field.maximum;
  if (field.readOnly) schema.readOnly = true;
  return schema;
}

/** The fields every stored record has. */
const RECORD_REQUIRED_FIELDS: readonly string[] = ['Gsid', 'CreatedDate', 'ModifiedDate'];

/** A stored record as returned by the API. */
export function recordSchema(object: ObjectDescription): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(object.fields.map((field) => [field.name, fieldSchema(field)])),
    required: [...RECORD_REQUIRED_FIELDS],
  };
}

/**
 * A record's fields in the order its JSON lists them: the serializer of recordSchema
 * (fast-json-stringify) writes required properties first, then the others, each in the
 * description's order. Records the store writes as JSON itself follow the same order, so every
 * path answers the same bytes.
 */
export function fieldsInRecordOrder<F extends { readonly name: string }>(fields: readonly F[]): F[] {
  const required = (field: F) => RECORD_REQUIRED_FIELDS.includes(field.name);
  return [...fields.filter(required), ...fields.filter((field) => !required(field))];
}

/** The body of a write. Read-only fields are absent, so sending one is rejected as an unknown field. */
export function inputSchema(object: ObjectDescription, mode: WriteMode): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of object.writableFields) {
    // Sending an immutable field on an update is refused as an unknown one would be (and named so).
    if (field.immutable && (mode === 'patch' || mode === 'replace')) continue;
    const schema = fieldSchema(field);
    delete schema.readOnly;
    // In a merge patch `null` clears a field; required fields can never be cleared.
    if ((mode === 'patch' || mode === 'insert') && !field.required) {
      if (schema.anyOf) schema.anyOf = [...(schema.anyOf as JsonSchema[]), { type: 'null' }];
      else schema.type = [schema.type as string, 'null'];
    }
    properties[field.name] = schema;
  }
  const required = mode === 'patch' ? [] : object.writableFields.filter((f) => f.required && f.name in properties).map((f) => f.name);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}
