/**
 * Compiles schema documents (the package's standard objects, a tenant's schema file) onto a
 * registry: custom fields are added to the objects that have them, new objects are described
 * and registered after the objects they look up. Pure: no files, no database.
 *
 * Every refusal is a SchemaError whose `where` names the object and field (`Company.Tier__gc`),
 * so that the CLI can print one line naming the file, the object and the field.
 */
import { derivedGsid } from '../gsid.js';
import {
  GSID_FIELD,
  MAX_AMOUNT,
  MAX_IDENTIFIER_BYTES,
  TIMESTAMP_FIELDS,
  defineObject,
  extendObject,
  toLabel,
  toSnakeCase,
  type DataType,
  type FieldSpec,
  type FieldType,
  type ObjectDescription,
  type PicklistOption,
} from '../object-model.js';
import { createRegistry, RegistryError, type ObjectRegistry } from '../registry.js';
import type { SchemaDocument, SchemaField, SchemaFieldType, SchemaObject } from './format.js';

export class SchemaError extends Error {
  override name = 'SchemaError';
  constructor(
    /** `Object` or `Object.Field`: what the problem is about ('' for the whole file). */
    readonly where: string,
    readonly problem: string,
  ) {
    super(where ? `${where}: ${problem}` : problem);
  }
}

/** Suffix of every custom field name, as in Gainsight (`Tier__gc`). */
export const CUSTOM_FIELD_SUFFIX = '__gc';
/** Fields every object of a schema file has without declaring them. */
export const SYSTEM_FIELDS = ['Gsid', 'CreatedDate', 'ModifiedDate'] as const;

interface TypeInfo {
  readonly type: FieldType;
  readonly dataType?: DataType;
  readonly text?: boolean;
  readonly maxLength?: number;
  readonly numeric?: boolean;
}

const TYPES: Record<SchemaFieldType, TypeInfo> = {
  STRING: { type: 'string', text: true },
  NUMBER: { type: 'number', numeric: true },
  CURRENCY: { type: 'number', dataType: 'CURRENCY', numeric: true },
  PERCENTAGE: { type: 'number', dataType: 'PERCENTAGE', numeric: true },
  BOOLEAN: { type: 'boolean' },
  DATE: { type: 'date' },
  DATETIME: { type: 'datetime' },
  EMAIL: { type: 'email', text: true },
  URL: { type: 'string', dataType: 'URL', text: true, maxLength: 2000 },
  RICHTEXTAREA: { type: 'string', dataType: 'RICHTEXTAREA', text: true, maxLength: 131_072 },
  GSID: { type: 'gsid' },
  LOOKUP: { type: 'gsid' },
  PICKLIST: { type: 'string', dataType: 'PICKLIST' },
  MULTISELECTDROPDOWNLIST: { type: 'string', dataType: 'MULTISELECTDROPDOWNLIST' },
};

const isPicklist = (type: SchemaFieldType) => type === 'PICKLIST' || type === 'MULTISELECTDROPDOWNLIST';

function assertName(where: string, name: string): void {
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new SchemaError(where, `the name is longer than ${MAX_IDENTIFIER_BYTES} bytes, which PostgreSQL cannot hold`);
  }
}

function options(where: string, objectName: string, fieldName: string, field: SchemaField): PicklistOption[] {
  const seen = new Map<string, string>();
  return field.options!.map((option) => {
    const label = typeof option === 'string' ? option : option.label;
    if (label.trim() === '') throw new SchemaError(where, 'an option label is blank');
    if (label.includes(';') && field.type === 'MULTISELECTDROPDOWNLIST') {
      throw new SchemaError(where, `option ${JSON.stringify(label)} contains ";", which separates a multi-select's values`);
    }
    const key = label.toLowerCase();
    if (seen.has(key)) throw new SchemaError(where, `option ${JSON.stringify(label)} is listed twice (labels are matched ignoring case)`);
    seen.set(key, label);
    const gsid = typeof option === 'string' || !option.gsid ? derivedGsid(`picklist:${objectName}.${fieldName}:${key}`) : option.gsid;
    return { label, gsid };
  });
}

/** One field of a file as a FieldSpec, checked. `lookUp` finds lookup targets. */
function fieldSpec(
  objectName: string,
  fieldName: string,
  field: SchemaField,
  lookUp: (name: string) => ObjectDescription | undefined,
): FieldSpec {
  const where = `${objectName}.${fieldName}`;
  const info = TYPES[field.type];
  const onlyFor = (key: keyof SchemaField, allowed: boolean, types: string) => {
    if (field[key] !== undefined && !allowed) throw new SchemaError(where, `${key} is only for ${types} fields, not ${field.type}`);
  };
  onlyFor('object', field.type === 'LOOKUP', 'LOOKUP');
  onlyFor('onDelete', field.type === 'LOOKUP', 'LOOKUP');
  onlyFor('keepReferrerCounts', field.type === 'LOOKUP', 'LOOKUP');
  onlyFor('options', isPicklist(field.type), 'PICKLIST and MULTISELECTDROPDOWNLIST');
  onlyFor('categoryId', isPicklist(field.type), 'PICKLIST and MULTISELECTDROPDOWNLIST');
  onlyFor('maxLength', info.text === true, 'STRING, EMAIL, URL and RICHTEXTAREA');
  onlyFor('decimalPlaces', info.numeric === true, 'NUMBER, CURRENCY and PERCENTAGE');
  onlyFor('mirrors', field.type === 'DATETIME', 'DATETIME');
  if (field.mirrors && (field.required || field.unique)) throw new SchemaError(where, 'a field that mirrors a timestamp is set by the server: it takes neither required nor unique');
  if (field.unique && (field.type === 'BOOLEAN' || field.type === 'RICHTEXTAREA' || field.type === 'MULTISELECTDROPDOWNLIST')) {
    throw new SchemaError(where, `a ${field.type} field cannot be unique`);
  }
  let references: string | undefined;
  if (field.type === 'LOOKUP') {
    if (!field.object) throw new SchemaError(where, 'a LOOKUP needs object: the name of the object it looks up');
    const target = lookUp(field.object);
    if (!target) throw new SchemaError(where, `looks up ${field.object}, which is neither an object of this server nor one of the file`);
    references = target.name;
  }
  if (isPicklist(field.type) && !field.options) throw new SchemaError(where, `a ${field.type} needs options: the list of its labels`);
  const spec: FieldSpec = {
    type: info.type,
    description: field.description ?? field.label ?? toLabel(fieldName),
    custom: fieldName.endsWith(CUSTOM_FIELD_SUFFIX),
    // The seed surface keeps exactly the seed contract's fields.
    seed: false,
    ...(info.dataType ? { dataType: info.dataType } : {}),
    ...(field.label ? { label: field.label } : {}),
    ...(field.required ? { required: true } : {}),
    ...(field.unique ? (info.text || isPicklist(field.type) ? { uniqueIgnoringCase: true } : { unique: true }) : {}),
    ...(info.text ? { maxLength: field.maxLength ?? info.maxLength } : {}),
    ...(isPicklist(field.type) ? { maxLength: field.type === 'PICKLIST' ? 255 : 131_072 } : {}),
    ...(info.numeric ? { minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT } : {}),
    ...(field.decimalPlaces !== undefined ? { decimalPlaces: field.decimalPlaces } : {}),
    ...(references ? { references, onDelete: field.onDelete ?? 'setNull' } : {}),
    ...(field.keepReferrerCounts ? { keepReferrerCounts: true } : {}),
    // Another name for the timestamp's column: read-only, always equal to it.
    ...(field.mirrors ? { readOnly: true, column: toSnakeCase(field.mirrors) } : {}),
    ...(isPicklist(field.type)
      ? { options: options(where, objectName, fieldName, field), categoryId: field.categoryId ?? derivedGsid(`category:${objectName}.${fieldName}`) }
      : {}),
  };
  assertName(where, fieldName);
  assertName(where, toSnakeCase(fieldName) + (spec.uniqueIgnoringCase ? '_key' : ''));
  return spec;
}

/** Throws when two names are the same ignoring case (NXT clients may send any case). */
function assertDistinct(objectName: string, names: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      throw new SchemaError(`${objectName}.${name}`, other === name ? 'the field is declared twice' : `the same name as ${other} ignoring case; field names must differ in more than case`);
    }
    seen.set(name.toLowerCase(), name);
  }
}

/** Custom fields added to an object the registry already has. */
function extend(object: ObjectDescription, declared: SchemaObject, lookUp: (name: string) => ObjectDescription | undefined): ObjectDescription {
  for (const key of ['objectType', 'label', 'labelPlural', 'description'] as const) {
    if (declared[key] !== undefined) {
      throw new SchemaError(object.name, `${key} is only for new objects; ${object.name} is an object of this server, to which a file adds custom fields`);
    }
  }
  const fields: Record<string, FieldSpec> = {};
  for (const [name, field] of Object.entries(declared.fields)) {
    if (object.canonical.fieldByName.has(name)) {
      throw new SchemaError(`${object.name}.${name}`, `${object.name} already has this field; a file adds custom fields, whose names end in ${CUSTOM_FIELD_SUFFIX}`);
    }
    if (!name.endsWith(CUSTOM_FIELD_SUFFIX)) {
      throw new SchemaError(`${object.name}.${name}`, `a custom field's name ends in ${CUSTOM_FIELD_SUFFIX} (as in Gainsight): ${name}${CUSTOM_FIELD_SUFFIX}`);
    }
    fields[name] = fieldSpec(object.name, name, field, lookUp);
  }
  assertDistinct(object.name, [...object.canonical.fields.map((field) => field.name), ...Object.keys(fields)]);
  return extendObject(object, fields);
}

/** A new object of a file: its system fields, then the declared ones. */
function describeNew(name: string, declared: SchemaObject, lookUp: (name: string) => ObjectDescription | undefined): ObjectDescription {
  const objectType = declared.objectType ?? 'CUSTOM';
  assertName(name, name);
  const fields: Record<string, FieldSpec> = { Gsid: GSID_FIELD };
  for (const [fieldName, field] of Object.entries(declared.fields)) {
    if ((SYSTEM_FIELDS as readonly string[]).includes(fieldName)) {
      throw new SchemaError(`${name}.${fieldName}`, `every object has ${fieldName}; leave it out of the file`);
    }
    if (objectType === 'CUSTOM' && fieldName !== 'Name' && !fieldName.endsWith(CUSTOM_FIELD_SUFFIX)) {
      throw new SchemaError(
        `${name}.${fieldName}`,
        `a custom object's fields end in ${CUSTOM_FIELD_SUFFIX} (as in Gainsight), except Name: ${fieldName}${CUSTOM_FIELD_SUFFIX}`,
      );
    }
    const spec = fieldSpec(name, fieldName, field, lookUp);
    fields[fieldName] = spec;
  }
  assertDistinct(name, Object.keys(fields));
  const label = declared.label ?? toLabel(name.replace(/__gc$/, ''));
  const labelPlural = declared.labelPlural ?? `${label}s`;
  try {
    return defineObject({
      name,
      plural: labelPlural.toLowerCase(),
      label,
      labelPlural,
      description: declared.description ?? `${label} (${objectType === 'CUSTOM' ? 'custom' : 'standard'} object)`,
      objectType,
      table: toSnakeCase(name),
      fields: { ...fields, ...TIMESTAMP_FIELDS },
      indexes: [{ fields: ['ModifiedDate', 'Gsid'] }],
    });
  } catch (error) {
    throw new SchemaError(name, (error as Error).message);
  }
}

/**
 * The registry with a document's objects and fields: existing objects (matched by exact name)
 * get their custom fields, new objects come after the ones already there.
 */
export function compileSchema(base: ObjectRegistry, document: SchemaDocument): ObjectRegistry {
  const declared = Object.keys(document.objects);
  for (const name of declared) {
    const existing = base.find(name);
    if (existing && existing.name !== name) {
      throw new SchemaError(name, `this server's object is called ${existing.name}; object names are exact in a schema file`);
    }
  }
  // A lookup needs its target to exist, not to be described yet: the new objects' names will do.
  const targetLookUp = (name: string) => base.lookUp(name) ?? (Object.hasOwn(document.objects, name) ? ({ name } as ObjectDescription) : undefined);
  const added = declared.filter((name) => !base.lookUp(name)).map((name) => describeNew(name, document.objects[name]!, targetLookUp));
  const extended = new Map(
    declared.filter((name) => base.lookUp(name)).map((name) => [name, extend(base.lookUp(name)!, document.objects[name]!, targetLookUp)]),
  );
  const all = [...base.all.map((object) => extended.get(object.name) ?? object), ...added];
  const tables = new Map<string, string>();
  for (const object of all) {
    const other = tables.get(object.table);
    if (other) throw new SchemaError(object.name, `its table name ${object.table} is the table of ${other}; rename the object`);
    tables.set(object.table, object.name);
  }
  try {
    return createRegistry(all);
  } catch (error) {
    if (error instanceof RegistryError) throw new SchemaError('', error.message);
    throw error;
  }
}
