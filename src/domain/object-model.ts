/**
 * The object model is data: an object (Company, Person, ...) is a list of field descriptions.
 * Validation schemas, storage columns, the OpenAPI document, presenters and (later) describe
 * metadata and query compilation all read these descriptions, so a new field is one line here
 * (plus a migration that adds its column).
 */

/** The value types a field can have. `gsid` is a Gainsight id (own id or a reference). */
export type FieldType = 'gsid' | 'string' | 'email' | 'number' | 'integer' | 'date' | 'datetime';

export interface FieldSpec {
  readonly type: FieldType;
  readonly description: string;
  /** Must be present (and non-empty) on create, and can never be cleared. */
  readonly required?: boolean;
  /** Set by the server; clients may read it but never send it. */
  readonly readOnly?: boolean;
  /** Maximum length in characters (Unicode code points) of a string value. */
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** For `gsid` fields that point at another object. */
  readonly references?: string;
  /** Unique among all records of the object, compared case-insensitively. */
  readonly uniqueIgnoringCase?: boolean;
  /** Storage column; derived from the field name (snake_case) when absent. */
  readonly column?: string;
}

export const DEFAULT_STRING_MAX_LENGTH = 255;
/** Bound of money amounts (ARR): 10^15, so a sum over billions of records stays finite. */
export const MAX_AMOUNT = 1e15;
/** Upper bound of `integer` fields: stored as a 32-bit signed integer on every backend. */
export const MAX_INTEGER = 2_147_483_647;

export interface FieldDescription extends FieldSpec {
  readonly name: string;
  readonly column: string;
}

export interface ObjectDescription<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  /** API name, e.g. `Company`. */
  readonly name: string;
  /** Plural used in messages and paths, e.g. `companies`. */
  readonly plural: string;
  readonly table: string;
  readonly specs: F;
  readonly fields: readonly FieldDescription[];
  readonly fieldByName: ReadonlyMap<string, FieldDescription>;
  /** Fields a client may send. */
  readonly writableFields: readonly FieldDescription[];
  /**
   * When non-empty, a new record needs a value in at least one of these fields (a Person with
   * neither name nor email would be an unusable blank row).
   */
  readonly atLeastOneOf: readonly string[];
}

/** `CSMName` -> `csm_name`, `OriginalContractDate` -> `original_contract_date`, `ARR` -> `arr`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export function defineObject<const F extends Record<string, FieldSpec>>(definition: {
  name: string;
  plural: string;
  table: string;
  fields: F;
  atLeastOneOf?: readonly (keyof F & string)[];
}): ObjectDescription<F> {
  const fields = Object.entries(definition.fields).map(
    ([name, spec]): FieldDescription => ({
      ...spec,
      maxLength: spec.maxLength ?? (isTextType(spec.type) && spec.type !== 'gsid' ? DEFAULT_STRING_MAX_LENGTH : undefined),
      name,
      column: spec.column ?? toSnakeCase(name),
    }),
  );
  return {
    name: definition.name,
    plural: definition.plural,
    table: definition.table,
    specs: definition.fields,
    fields,
    fieldByName: new Map(fields.map((field) => [field.name, field])),
    writableFields: fields.filter((field) => !field.readOnly),
    atLeastOneOf: definition.atLeastOneOf ?? [],
  };
}

export function isTextType(type: FieldType): boolean {
  return type === 'string' || type === 'email' || type === 'gsid';
}

/** The TypeScript type of a field's value, derived from its description. */
type ValueOf<S extends FieldSpec> = S['type'] extends 'number' | 'integer' ? number : string;

/** A stored record as the API presents it: fields without a value are absent, never null. */
export type RecordOf<O extends ObjectDescription> = {
  -readonly [K in keyof O['specs']]?: ValueOf<O['specs'][K]>;
} & { Gsid: string; CreatedDate: string; ModifiedDate: string };

/** Field values as the store receives them: `null` clears a field. */
export type FieldValues = Record<string, string | number | null>;

/**
 * Finds the field a client probably meant when it sent an unknown one: same name in another
 * case (`name` for `Name`).
 */
export function suggestField(object: ObjectDescription, unknown: string): string | undefined {
  const lower = unknown.toLowerCase();
  return object.fields.find((field) => field.name.toLowerCase() === lower)?.name;
}
