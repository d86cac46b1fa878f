/**
 * Gainsight's describe and list metadata, derived from the object descriptions: the same
 * descriptions the store, the validators and the query engine read, so every described field is
 * one a query can select, filter and sort by.
 */
import type { FieldDescription, ObjectDescription } from '../object-model.js';

export interface FieldMetadata {
  readonly fieldName: string;
  readonly label: string;
  readonly dataType: string;
  readonly objectName: string;
  readonly description: string;
  readonly meta: {
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
  if (field.type === 'integer') return 0;
  if (field.type === 'number') return field.dataType === 'NUMBER' ? 4 : 2;
  return 0;
}

function describeField(object: ObjectDescription, field: FieldDescription): FieldMetadata {
  const writable = !field.readOnly;
  return {
    fieldName: field.name,
    label: field.label,
    dataType: field.dataType,
    objectName: object.name,
    description: field.description,
    meta: {
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
