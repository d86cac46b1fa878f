/**
 * Gainsight's describe and list metadata, derived from the object descriptions: the same
 * descriptions the store, the validators and the query engine read, so every described field is
 * one a query can select, filter and sort by.
 */
import type { FieldDescription, ObjectDescription } from '../object-model.js';

/** A picklist option as Gainsight's describe lists it (`value` is the option's Gsid). */
export interface OptionMetadata {
  readonly label: string;
  readonly value: string;
  readonly active: boolean;
  readonly defaultValue: boolean;
  readonly displayOrder: number;
  readonly groupId: string;
  readonly systemName: string;
}

export interface FieldMetadata {
  readonly fieldName: string;
  readonly label: string;
  /** Gainsight's data type; a lookup is `LOOKUP` (its values are Gsids: `meta.properties.sourceType`). */
  readonly dataType: string;
  readonly objectName: string;
  readonly description: string;
  /** Picklists only: the options, as Gainsight lists them. */
  readonly options?: readonly OptionMetadata[];
  readonly meta: {
    readonly properties: Readonly<Record<string, string>>;
    /** SYSTEM (set by the server), STANDARD, or CUSTOM (a tenant's `__gc` field). */
    readonly fieldGroupType: 'SYSTEM' | 'STANDARD' | 'CUSTOM';
    readonly required: boolean;
    readonly nillable: boolean;
    readonly readOnly: boolean;
    readonly createable: boolean;
    readonly updateable: boolean;
    readonly filterable: boolean;
    readonly sortable: boolean;
    readonly length: number;
    readonly decimalPlaces: number;
    readonly formulaField: boolean;
    readonly hasLookup: boolean;
    readonly lookupDetail: {
      readonly lookupName: string;
      readonly fieldName: string;
      readonly lookupObjects: readonly { readonly objectName: string }[];
    } | null;
  };
}

export interface ObjectMetadata {
  readonly objectName: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly objectType: 'STANDARD' | 'CUSTOM';
  readonly description: string;
  readonly createable: boolean;
  readonly fields: readonly FieldMetadata[];
}

export interface ObjectListItem {
  readonly objectName: string;
  readonly label: string;
  readonly objectType: 'STANDARD' | 'CUSTOM';
  readonly createable: boolean;
  readonly readable: boolean;
}

function decimalPlaces(field: FieldDescription): number {
  if (field.decimalPlaces !== undefined) return field.decimalPlaces;
  if (field.type === 'integer') return 0;
  if (field.type === 'number') return field.dataType === 'NUMBER' ? 4 : 2;
  return 0;
}

function describeField(object: ObjectDescription, field: FieldDescription): FieldMetadata {
  const writable = !field.readOnly;
  const sourceType = field.type === 'gsid' ? 'GSID' : field.dataType;
  return {
    fieldName: field.name,
    label: field.label,
    dataType: field.references ? 'LOOKUP' : field.dataType,
    objectName: object.name,
    description: field.description,
    ...(field.options
      ? {
          options: field.options.map((option, index) => ({
            label: option.label,
            value: option.gsid,
            active: true,
            defaultValue: false,
            displayOrder: index + 1,
            groupId: field.categoryId!,
            systemName: option.label,
          })),
        }
      : {}),
    meta: {
      properties: field.options
        ? { sourceType, PICKLIST_CATEGORY: `${object.label} ${field.label}`, PICKLIST_CATEGORY_ID: field.categoryId! }
        : { sourceType },
      fieldGroupType: field.custom ? 'CUSTOM' : field.readOnly ? 'SYSTEM' : 'STANDARD',
      required: field.required === true,
      nillable: !field.required && !field.readOnly,
      readOnly: field.readOnly === true,
      createable: writable,
      updateable: writable && !field.immutable,
      filterable: true,
      sortable: true,
      length: field.maxLength ?? (field.type === 'gsid' ? 36 : 0),
      decimalPlaces: decimalPlaces(field),
      formulaField: false,
      hasLookup: field.references !== undefined,
      lookupDetail: field.references
        ? { lookupName: `${field.name}__gr`, fieldName: 'Gsid', lookupObjects: [{ objectName: field.references }] }
        : null,
    },
  };
}

export function describeObject(object: ObjectDescription): ObjectMetadata {
  return {
    objectName: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    objectType: object.objectType,
    description: object.description,
    createable: true,
    fields: object.fields.map((field) => describeField(object, field)),
  };
}

export function listItem(object: ObjectDescription): ObjectListItem {
  return { objectName: object.name, label: object.label, objectType: object.objectType, createable: true, readable: true };
}

/** A picklist's dropdown category, as `GET /v1/meta/services/dropdowns/{categoryId}` answers it. */
export interface DropdownCategory {
  readonly categoryDetails: {
    readonly gsid: string;
    readonly name: string;
    readonly systemName: string;
    readonly description: string;
    readonly type: 'CUSTOM';
    readonly variant: 'SINGLE_SELECT' | 'MULTI_SELECT';
    readonly count: number;
    readonly limit: number;
    readonly deleted: false;
  };
  readonly childItems: readonly {
    readonly gsid: string;
    readonly name: string;
    readonly description: string;
    readonly displayOrder: number;
    readonly shortName: null;
    readonly color: null;
    readonly active: true;
    readonly systemDefined: false;
    readonly systemName: string;
    readonly default: false;
    readonly categoryId: string;
    readonly deleted: false;
  }[];
}

/** Gainsight's limit of items per dropdown category. */
const DROPDOWN_ITEM_LIMIT = 500;

/** Every picklist field's category, by category Gsid (fields declaring the same category share it). */
export function dropdownCategories(objects: Iterable<ObjectDescription>): Map<string, DropdownCategory> {
  const categories = new Map<string, DropdownCategory>();
  for (const object of objects) {
    for (const field of object.fields) {
      if (!field.options || categories.has(field.categoryId!)) continue;
      const name = `${object.label} ${field.label}`;
      categories.set(field.categoryId!, {
        categoryDetails: {
          gsid: field.categoryId!,
          name,
          systemName: `${object.name}.${field.name}`,
          description: field.description,
          type: 'CUSTOM',
          variant: field.dataType === 'MULTISELECTDROPDOWNLIST' ? 'MULTI_SELECT' : 'SINGLE_SELECT',
          count: field.options.length,
          limit: DROPDOWN_ITEM_LIMIT,
          deleted: false,
        },
        childItems: field.options.map((option, index) => ({
          gsid: option.gsid,
          name: option.label,
          description: '',
          displayOrder: index + 1,
          shortName: null,
          color: null,
          active: true,
          systemDefined: false,
          systemName: option.label,
          default: false,
          categoryId: field.categoryId!,
          deleted: false,
        })),
      });
    }
  }
  return categories;
}
