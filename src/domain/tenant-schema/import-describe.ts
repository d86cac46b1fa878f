/**
 * `gainsight-api schema import`: Gainsight describe responses (`GET
 * /v1/meta/services/objects/{object}/describe`, saved from a real tenant or from this server) as
 * a schema document. Objects this server has keep their fields and gain the described custom
 * (`__gc`) ones; other objects become new objects with every field that can be written.
 *
 * What a schema file cannot hold is left out and said in a warning, never silently: system fields
 * other than Gsid and the timestamps (CreatedBy, set by Gainsight per user), standard fields this
 * server lacks, lookups to objects neither here nor described.
 */
import { isPlainObject } from '../json.js';
import { GSID_PATTERN } from '../gsid.js';
import { DEFAULT_STRING_MAX_LENGTH, toLabel } from '../object-model.js';
import type { ObjectRegistry } from '../registry.js';
import { CUSTOM_FIELD_SUFFIX, SchemaError, SYSTEM_FIELDS } from './compile.js';
import { IDENTIFIER_PATTERN, MAX_TEXT_LENGTH, SCHEMA_FIELD_TYPES, type SchemaDocument, type SchemaField, type SchemaFieldType, type SchemaObject } from './format.js';

export interface DescribeInput {
  /** Where the JSON came from (a file name), for messages. */
  readonly source: string;
  readonly json: unknown;
}

export interface ImportResult {
  readonly document: SchemaDocument;
  /** One line per thing left out or changed, naming the object and field. */
  readonly warnings: string[];
}

type Json = Record<string, unknown>;

/** The described objects of one response: `{data: [...]}`, `{data: {...}}`, an array, or one object. */
function describedObjects(input: DescribeInput): Json[] {
  const json = input.json;
  const data = isPlainObject(json) && 'data' in json ? json.data : json;
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0 || !list.every((item) => isPlainObject(item) && typeof item.objectName === 'string' && Array.isArray(item.fields))) {
    throw new SchemaError(input.source, 'not a describe response: expected {"data": [{"objectName": ..., "fields": [...]}]}');
  }
  return list as Json[];
}

const TEXT_TYPES: readonly SchemaFieldType[] = ['STRING', 'EMAIL', 'URL', 'RICHTEXTAREA'];
const NUMBER_TYPES: readonly SchemaFieldType[] = ['NUMBER', 'CURRENCY', 'PERCENTAGE'];
/** Gainsight data types the file spells otherwise. */
const TYPE_ALIASES: Readonly<Record<string, SchemaFieldType>> = {
  WHOLENUMBER: 'NUMBER',
  INTEGER: 'NUMBER',
  DOUBLE: 'NUMBER',
  DECIMAL: 'NUMBER',
  TEXTAREA: 'RICHTEXTAREA',
  RICHTEXT: 'RICHTEXTAREA',
  SFDCID: 'STRING',
  TIMESTAMP: 'DATETIME',
  DROPDOWNLIST: 'PICKLIST',
};
const DEFAULT_MAX_LENGTH: Partial<Record<SchemaFieldType, number>> = {
  STRING: DEFAULT_STRING_MAX_LENGTH,
  EMAIL: DEFAULT_STRING_MAX_LENGTH,
  URL: 2000,
  RICHTEXTAREA: MAX_TEXT_LENGTH,
};

const isName = (name: string) => new RegExp(IDENTIFIER_PATTERN).test(name) && Buffer.byteLength(name, 'utf8') <= 63;
const gsidOr = (value: unknown) => (typeof value === 'string' && GSID_PATTERN.test(value) ? value : undefined);

export function importDescribe(inputs: readonly DescribeInput[], base: ObjectRegistry): ImportResult {
  const warnings: string[] = [];
  const described = inputs.flatMap((input) => describedObjects(input).map((object) => ({ source: input.source, object })));
  /** Described object name (any case) -> the name it gets in the file. */
  const names = new Map<string, string>();
  for (const { object } of described) {
    const name = object.objectName as string;
    names.set(name.toLowerCase(), base.find(name)?.name ?? name);
  }
  const objects: Record<string, SchemaObject> = {};

  for (const { source, object } of described) {
    const name = names.get((object.objectName as string).toLowerCase())!;
    const existing = base.lookUp(name);
    if (!existing && !isName(name)) {
      warnings.push(`${source}: ${name}: not an identifier of at most 63 bytes; object skipped`);
      continue;
    }
    const objectType = existing ? undefined : object.objectType === 'STANDARD' ? 'STANDARD' : 'CUSTOM';
    const target: SchemaObject = objects[name] ?? {
      ...(existing
        ? {}
        : {
            objectType,
            ...(typeof object.label === 'string' && object.label ? { label: object.label } : {}),
            ...(typeof object.labelPlural === 'string' && object.labelPlural ? { labelPlural: object.labelPlural } : {}),
            ...(typeof object.description === 'string' && object.description ? { description: object.description } : {}),
          }),
      fields: {},
    };
    objects[name] = target;
    const skip = (fieldName: string, why: string) => warnings.push(`${source}: ${name}.${fieldName}: ${why}; skipped`);

    for (const raw of object.fields as unknown[]) {
      if (!isPlainObject(raw) || typeof raw.fieldName !== 'string') continue;
      const fieldName = raw.fieldName;
      const meta = isPlainObject(raw.meta) ? raw.meta : {};
      if ((SYSTEM_FIELDS as readonly string[]).some((system) => system.toLowerCase() === fieldName.toLowerCase())) continue;
      const existingField = existing?.fields.find((field) => field.name.toLowerCase() === fieldName.toLowerCase());
      if (existingField) continue;
      if (existing) {
        // A view may call a field otherwise (NXT `Stage` is `LifecycleStage`): those exist too.
        const views = existing.canonical.fields.some((field) => typeof field.nxt === 'string' && field.nxt.toLowerCase() === fieldName.toLowerCase());
        if (views) continue;
      }
      if (meta.fieldGroupType === 'SYSTEM') {
        skip(fieldName, 'a system field Gainsight sets itself, which this server does not emulate');
        continue;
      }
      if (!isName(fieldName)) {
        skip(fieldName, 'not an identifier of at most 63 bytes');
        continue;
      }
      const custom = fieldName.endsWith(CUSTOM_FIELD_SUFFIX);
      if (existing && !custom) {
        skip(fieldName, `a standard field this server's ${name} does not have (a file adds custom fields only)`);
        continue;
      }
      if (objectType === 'CUSTOM' && !custom && fieldName !== 'Name') {
        skip(fieldName, `a custom object's fields end in ${CUSTOM_FIELD_SUFFIX}`);
        continue;
      }
      const field = schemaField(raw, meta, (why) => warnings.push(`${source}: ${name}.${fieldName}: ${why}`), (lookup) => {
        const found = names.get(lookup.toLowerCase()) ?? base.find(lookup)?.name;
        return found;
      });
      target.fields[fieldName] = field;
    }
  }
  return { document: { objects }, warnings };
}

/** One described field as a schema field; `warn` says what changed on the way. */
function schemaField(raw: Json, meta: Json, warn: (why: string) => void, resolveObject: (name: string) => string | undefined): SchemaField {
  const declared = String(raw.dataType ?? '').toUpperCase();
  let type: SchemaFieldType = (SCHEMA_FIELD_TYPES as readonly string[]).includes(declared) ? (declared as SchemaFieldType) : (TYPE_ALIASES[declared] ?? 'STRING');
  if (!(SCHEMA_FIELD_TYPES as readonly string[]).includes(declared) && !TYPE_ALIASES[declared]) {
    warn(`data type ${JSON.stringify(raw.dataType)} is not one a schema file has; imported as STRING`);
  }
  const lookupDetail = isPlainObject(meta.lookupDetail) ? meta.lookupDetail : undefined;
  const lookupObjects = Array.isArray(lookupDetail?.lookupObjects) ? lookupDetail.lookupObjects : [];
  const lookupName = isPlainObject(lookupObjects[0]) && typeof lookupObjects[0].objectName === 'string' ? lookupObjects[0].objectName : undefined;
  let object: string | undefined;
  if (type === 'LOOKUP' || meta.hasLookup === true) {
    object = lookupName ? resolveObject(lookupName) : undefined;
    if (object) type = 'LOOKUP';
    else {
      warn(`looks up ${lookupName ?? 'an unnamed object'}, which is neither an object of this server nor described; imported as GSID`);
      type = 'GSID';
    }
  }
  const properties = isPlainObject(meta.properties) ? meta.properties : {};
  let options: { label: string; gsid?: string }[] | undefined;
  if (type === 'PICKLIST' || type === 'MULTISELECTDROPDOWNLIST') {
    const seen = new Set<string>();
    options = (Array.isArray(raw.options) ? raw.options : [])
      .filter((option): option is Json => isPlainObject(option) && typeof option.label === 'string' && option.label.trim() !== '')
      .filter((option) => !seen.has((option.label as string).toLowerCase()) && seen.add((option.label as string).toLowerCase()))
      .map((option) => ({ label: option.label as string, ...(gsidOr(option.value) ? { gsid: gsidOr(option.value) } : {}) }));
    if (options.length === 0) {
      warn(`a ${type} without options in the describe response; imported as STRING`);
      type = 'STRING';
      options = undefined;
    }
  }
  const label = typeof raw.label === 'string' && raw.label.trim() !== '' ? raw.label : undefined;
  const description = typeof raw.description === 'string' && raw.description ? raw.description : typeof meta.description === 'string' && meta.description ? meta.description : undefined;
  const length = typeof meta.length === 'number' ? meta.length : undefined;
  const places = typeof meta.decimalPlaces === 'number' ? meta.decimalPlaces : undefined;
  const categoryId = gsidOr(properties.PICKLIST_CATEGORY_ID);
  return {
    type,
    ...(label && label !== toLabel(String(raw.fieldName)) ? { label } : {}),
    ...(description && description !== label ? { description } : {}),
    ...(meta.required === true ? { required: true } : {}),
    ...(TEXT_TYPES.includes(type) && length && length > 0 && length <= MAX_TEXT_LENGTH && length !== DEFAULT_MAX_LENGTH[type] ? { maxLength: length } : {}),
    ...(NUMBER_TYPES.includes(type) && places !== undefined && places >= 0 && places <= 10 && places !== defaultPlaces(type) ? { decimalPlaces: places } : {}),
    ...(object ? { object } : {}),
    ...(options ? { options: options.map((option) => (option.gsid ? option : option.label)) } : {}),
    ...(options && categoryId ? { categoryId } : {}),
  };
}

/** What describe reports for a number without declared decimal places (see describe.ts). */
function defaultPlaces(type: SchemaFieldType): number {
  return type === 'NUMBER' ? 4 : 2;
}
