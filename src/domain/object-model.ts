/**
 * The object model is data: an object (Company, Person, gsuser, ...) is a list of field
 * descriptions. Storage tables and columns, validation schemas, the OpenAPI document, presenters,
 * describe metadata and query compilation all read these descriptions, so a new field is one line
 * and a new object is one description: an entry of a schema file (`schemas/standard-objects.yaml`,
 * a tenant's `--schema` file) or, for what a file cannot say, code in `objects/`.
 *
 * One object is seen through two surfaces, each with its own view of it (`viewOf`):
 * - the seed surface (`/v1/companies`, `/v1/people`) shows the seed's fields under the seed's names;
 * - the NXT surface (`/v1/data/objects/...`) shows Gainsight's fields under Gainsight's names
 *   (the seed's `LifecycleStage` is NXT's `Stage`: one column, two names).
 * A view is itself an ObjectDescription over the same table, so everything generic over
 * descriptions (repositories, validators, filters) works on either view unchanged.
 */

/** The value types a field can have. `gsid` is a Gainsight id (own id or a reference). */
export type FieldType = 'gsid' | 'string' | 'email' | 'number' | 'integer' | 'date' | 'datetime' | 'boolean';

/** Gainsight's data types, as the describe metadata reports them. */
export type DataType =
  | 'GSID'
  | 'STRING'
  | 'EMAIL'
  | 'URL'
  | 'RICHTEXTAREA'
  | 'NUMBER'
  | 'CURRENCY'
  | 'PERCENTAGE'
  | 'DATE'
  | 'DATETIME'
  | 'BOOLEAN'
  | 'PICKLIST'
  | 'MULTISELECTDROPDOWNLIST';

export type Surface = 'seed' | 'nxt';

/** What deleting a referenced record does to the records that point at it. */
export type OnDelete = 'restrict' | 'cascade' | 'setNull';

export interface FieldSpec {
  readonly type: FieldType;
  readonly description: string;
  /** Gainsight's data type when it says more than `type` (CURRENCY, URL, ...). */
  readonly dataType?: DataType;
  /** Display label; derived from the name when absent (`RenewalDate` -> `Renewal Date`). */
  readonly label?: string;
  /** Must be present (and non-empty) on create, and can never be cleared. */
  readonly required?: boolean;
  /** Set by the server; clients may read it but never send it. */
  readonly readOnly?: boolean;
  /** Set when the record is created, never changed afterwards (the two ends of a link). */
  readonly immutable?: boolean;
  /** Maximum length in characters (Unicode code points) of a string value. */
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** For `gsid` fields that point at another object (a lookup), by its registry name. */
  readonly references?: string;
  /**
   * For a lookup: the database keeps how many records refer to each target through it
   * (store/reference-counter.ts), so a report counting records by it (people by company) reads
   * one count per target instead of every record. Each write that sets, changes or clears it
   * also updates a count.
   */
  readonly keepReferrerCounts?: boolean;
  /** What deleting the referenced record does to this field's record (default `setNull`). */
  readonly onDelete?: OnDelete;
  /** Unique among all records of the object, compared case-insensitively. */
  readonly uniqueIgnoringCase?: boolean;
  /** Unique among all records of the object, compared exactly (numbers, dates, Gsids). */
  readonly unique?: boolean;
  /**
   * A picklist's options (dataType PICKLIST or MULTISELECTDROPDOWNLIST). The value stored is the
   * option's label; a multi-select stores its labels joined with `;`.
   */
  readonly options?: readonly PicklistOption[];
  /** The picklist's dropdown category (`GET /v1/meta/services/dropdowns/{categoryId}`). */
  readonly categoryId?: string;
  /** Decimal places describe reports for a number (default: 2 for CURRENCY/PERCENTAGE, 4 otherwise). */
  readonly decimalPlaces?: number;
  /** A tenant's own field (declared in a schema file), not one the server or the package defines. */
  readonly custom?: boolean;
  /** Storage column; derived from the field name (snake_case) when absent. */
  readonly column?: string;
  /** False: not on the seed surface (fields the seed spec does not have). */
  readonly seed?: boolean;
  /** False: not on the NXT surface. A string: the field's name there. */
  readonly nxt?: boolean | string;
  /** Worth an index of its own (fields clients look records up by). */
  readonly indexed?: boolean;
  /**
   * Setting this reference also records the relationship in a link object (a person's seed
   * `CompanyId` is always one of its `company_person` links). Names are the link object's fields.
   */
  readonly links?: { readonly object: string; readonly self: string; readonly target: string };
}

/** Whether the database keeps counts of this field's referrers: a lookup declared keepReferrerCounts. */
export function keepsReferrerCounts(field: Pick<FieldSpec, 'references' | 'keepReferrerCounts'>): boolean {
  return field.references !== undefined && field.keepReferrerCounts === true;
}

/** One option of a picklist: its label (what is stored and shown) and its Gsid. */
export interface PicklistOption {
  readonly label: string;
  readonly gsid: string;
}

/** Separator of a multi-select's labels in its stored value (`Gold;Silver`). */
export const MULTISELECT_SEPARATOR = ';';

/** The fields every object has: its id first, the server's timestamps last. */
export const GSID_FIELD: FieldSpec = { type: 'gsid', readOnly: true, description: 'Gainsight unique identifier', label: 'GSID' };
export const TIMESTAMP_FIELDS = {
  CreatedDate: { type: 'datetime', readOnly: true, description: 'Record creation timestamp' },
  ModifiedDate: { type: 'datetime', readOnly: true, description: 'Record last modified timestamp' },
} as const satisfies Record<string, FieldSpec>;

export const DEFAULT_STRING_MAX_LENGTH = 255;
/** Bound of money amounts (ARR): 10^15, so a sum over billions of records stays finite. */
export const MAX_AMOUNT = 1e15;
/** Upper bound of `integer` fields: stored as a 32-bit signed integer on every backend. */
export const MAX_INTEGER = 2_147_483_647;

export interface FieldDescription extends FieldSpec {
  /** The field's name on the view it belongs to. */
  readonly name: string;
  /** The field's name on the canonical description (the registry's). */
  readonly key: string;
  readonly column: string;
  readonly label: string;
  readonly dataType: DataType;
}

/**
 * Write-only fields that are resolved to a lookup instead of being stored: Pipedream sends
 * `CSMFirstName` + `CSMLastName` meaning "the gsuser with that first and last name".
 */
export interface HelperLookup {
  /** The lookup field that gets set. */
  readonly target: string;
  /** The object searched. */
  readonly object: string;
  /** Helper field sent by the client -> field of the searched object it must equal. */
  readonly match: Readonly<Record<string, string>>;
}

/** An index over fields, in order; `name` keeps the name an earlier migration gave it. */
export interface IndexDefinition {
  readonly fields: readonly string[];
  readonly name?: string;
}

export interface ObjectDescription {
  /** Registry name and NXT object name, e.g. `Company`, `company_person`. */
  readonly name: string;
  /** Plural used in messages and paths, e.g. `companies`. */
  readonly plural: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly description: string;
  readonly objectType: 'STANDARD' | 'CUSTOM';
  readonly table: string;
  readonly fields: readonly FieldDescription[];
  readonly fieldByName: ReadonlyMap<string, FieldDescription>;
  /** Fields a client may send. */
  readonly writableFields: readonly FieldDescription[];
  /**
   * When non-empty, a new record needs a value in at least one of these fields (a Person with
   * neither name nor email would be an unusable blank row).
   */
  readonly atLeastOneOf: readonly string[];
  /** Field names whose values together are unique (`company_person`: one link per pair). */
  readonly uniqueTogether: readonly (readonly string[])[];
  /** Further indexes (sort and filter paths clients use). */
  readonly indexes: readonly IndexDefinition[];
  readonly helperLookups: readonly HelperLookup[];
  /** On create, `Name` defaults to these fields joined with a space (`FirstName LastName`). */
  readonly nameFrom?: readonly string[];
  /** Which surface this view is for; undefined on the canonical description. */
  readonly surface?: Surface;
  /** The canonical description (itself, on the canonical one). */
  readonly canonical: ObjectDescription;
}

/** `CSMName` -> `csm_name`, `OriginalContractDate` -> `original_contract_date`, `ARR` -> `arr`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** `RenewalDate` -> `Renewal Date`, `Company_ID` -> `Company ID`, `ARR` -> `ARR`. */
export function toLabel(name: string): string {
  return name
    .replace(/_/g, ' ')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/\s+/g, ' ')
    .trim();
}

const DATA_TYPES: Record<FieldType, DataType> = {
  gsid: 'GSID',
  string: 'STRING',
  email: 'EMAIL',
  number: 'NUMBER',
  integer: 'NUMBER',
  date: 'DATE',
  datetime: 'DATETIME',
  boolean: 'BOOLEAN',
};

export interface ObjectDefinition {
  name: string;
  plural: string;
  label?: string;
  labelPlural?: string;
  description: string;
  objectType?: 'STANDARD' | 'CUSTOM';
  table: string;
  fields: Record<string, FieldSpec>;
  atLeastOneOf?: readonly string[];
  uniqueTogether?: readonly (readonly string[])[];
  indexes?: readonly IndexDefinition[];
  helperLookups?: readonly HelperLookup[];
  nameFrom?: readonly string[];
}

function assemble(
  definition: ObjectDefinition,
  fields: FieldDescription[],
  surface: Surface | undefined,
  canonical: ObjectDescription | undefined,
): ObjectDescription {
  const byKey = new Map(fields.map((field) => [field.key, field.name]));
  const rename = (names: readonly string[]) => names.filter((name) => byKey.has(name)).map((name) => byKey.get(name)!);
  const description: ObjectDescription = {
    name: definition.name,
    plural: definition.plural,
    label: definition.label ?? toLabel(definition.name),
    labelPlural: definition.labelPlural ?? `${definition.label ?? toLabel(definition.name)}s`,
    description: definition.description,
    objectType: definition.objectType ?? 'STANDARD',
    table: definition.table,
    fields,
    fieldByName: new Map(fields.map((field) => [field.name, field])),
    writableFields: fields.filter((field) => !field.readOnly),
    atLeastOneOf: rename(definition.atLeastOneOf ?? []),
    uniqueTogether: (definition.uniqueTogether ?? []).map(rename),
    indexes: (definition.indexes ?? []).map((index) => ({ ...index, fields: rename(index.fields) })),
    helperLookups: (definition.helperLookups ?? []).filter((helper) => byKey.has(helper.target)).map((helper) => ({
      ...helper,
      target: byKey.get(helper.target)!,
    })),
    nameFrom: definition.nameFrom && byKey.has('Name') ? rename(definition.nameFrom) : undefined,
    surface,
    canonical: canonical!,
  };
  // The canonical description points at itself.
  if (!canonical) (description as { canonical: ObjectDescription }).canonical = description;
  return description;
}

const views = new WeakMap<ObjectDescription, Map<Surface, ObjectDescription>>();
const definitions = new WeakMap<ObjectDescription, ObjectDefinition>();

export function defineObject(definition: ObjectDefinition): ObjectDescription {
  const fields = Object.entries(definition.fields).map(
    ([name, spec]): FieldDescription => ({
      ...spec,
      maxLength: spec.maxLength ?? (isTextType(spec.type) && spec.type !== 'gsid' ? DEFAULT_STRING_MAX_LENGTH : undefined),
      name,
      key: name,
      column: spec.column ?? toSnakeCase(name),
      label: spec.label ?? toLabel(name),
      dataType: spec.dataType ?? DATA_TYPES[spec.type],
    }),
  );
  assertIdentifiers(definition, fields);
  const object = assemble(definition, fields, undefined, undefined);
  definitions.set(object, definition);
  return object;
}

/**
 * PostgreSQL cuts identifiers at 63 bytes, silently: a longer table, column or field name (field
 * names are select aliases) would lose its values. Such a description is refused where it is made.
 */
export const MAX_IDENTIFIER_BYTES = 63;

function assertIdentifiers(definition: ObjectDefinition, fields: readonly FieldDescription[]): void {
  const names = [
    definition.table,
    ...fields.flatMap((field) => [field.name, field.column + (field.uniqueIgnoringCase ? '_key' : ''), typeof field.nxt === 'string' ? field.nxt : '']),
  ];
  const tooLong = names.find((name) => Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES);
  if (tooLong) throw new Error(`${definition.name}: ${JSON.stringify(tooLong)} is longer than ${MAX_IDENTIFIER_BYTES} bytes, which PostgreSQL cannot hold as a name`);
}

/**
 * The object with more fields (a tenant's custom fields): the same definition (views, indexes,
 * helper lookups) with `fields` added after the object's own.
 */
export function extendObject(object: ObjectDescription, fields: Record<string, FieldSpec>): ObjectDescription {
  const definition = definitions.get(object.canonical)!;
  return defineObject({ ...definition, fields: { ...definition.fields, ...fields } });
}

/** The object as one surface shows it: that surface's fields, under that surface's names. */
export function viewOf(object: ObjectDescription, surface: Surface): ObjectDescription {
  const canonical = object.canonical;
  let perSurface = views.get(canonical);
  if (!perSurface) views.set(canonical, (perSurface = new Map()));
  let view = perSurface.get(surface);
  if (!view) {
    const fields = canonical.fields
      .filter((field) => (surface === 'seed' ? field.seed !== false : field.nxt !== false))
      .map((field) => {
        const name = surface === 'nxt' && typeof field.nxt === 'string' ? field.nxt : field.key;
        return name === field.name ? field : { ...field, name, label: field.label === toLabel(field.key) ? toLabel(name) : field.label };
      });
    view = assemble(definitions.get(canonical)!, fields, surface, canonical);
    perSurface.set(surface, view);
  }
  return view;
}

export function isTextType(type: FieldType): boolean {
  return type === 'string' || type === 'email' || type === 'gsid';
}

/** Field values as the store receives them: `null` clears a field. */
export type FieldValue = string | number | boolean | null;
export type FieldValues = Record<string, FieldValue>;

/**
 * Finds the field a client probably meant when it sent an unknown one: same name in another
 * case (`name` for `Name`).
 */
export function suggestField(object: ObjectDescription, unknown: string): string | undefined {
  const lower = unknown.toLowerCase();
  return object.fields.find((field) => field.name.toLowerCase() === lower)?.name;
}

/**
 * The NXT name rule: a field name matches exactly, else ignoring case when exactly one field
 * matches that way (`Arr` -> `ARR`, `gsid` -> `Gsid`).
 */
export function matchFieldName(object: ObjectDescription, name: string): FieldDescription | undefined {
  const exact = object.fieldByName.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const candidates = object.fields.filter((field) => field.name.toLowerCase() === lower);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The option a picklist value names: by its Gsid, or by its label ignoring case. */
export function findPicklistOption(field: Pick<FieldSpec, 'options'>, value: string): PicklistOption | undefined {
  const lower = value.trim().toLowerCase();
  return field.options?.find((option) => option.gsid === value.trim() || option.label.toLowerCase() === lower);
}

/**
 * A multi-select's parts as stored: each part that names an option (by label or Gsid) as its
 * label, once, in the options' order; parts that name no option are kept, after them.
 */
export function multiselectValue(field: Pick<FieldSpec, 'options'>, parts: readonly string[]): string {
  const chosen = new Set<string>();
  const unknown: string[] = [];
  for (const part of parts.map((p) => p.trim()).filter((p) => p !== '')) {
    const option = findPicklistOption(field, part);
    if (option) chosen.add(option.label);
    else if (!unknown.includes(part)) unknown.push(part);
  }
  return [...field.options!.filter((option) => chosen.has(option.label)).map((option) => option.label), ...unknown].join(MULTISELECT_SEPARATOR);
}
