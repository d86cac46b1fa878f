/**
 * Describe and list metadata (src/domain/nxt/describe.ts) of each registry object's NXT view.
 */
import { describe, expect, it } from 'vitest';
import { describeObject, listItem } from '../../src/domain/nxt/describe.js';
import { viewOf } from '../../src/domain/object-model.js';
import { objects } from '../../src/domain/objects/index.js';
import { expectLookupMetadata } from '../helpers/nxt.js';

const FIELD_KEYS = ['fieldName', 'label', 'dataType', 'objectName', 'description', 'meta'];
const META_KEYS = [
  'required', 'nillable', 'readOnly', 'createable', 'updateable', 'filterable', 'sortable', 'length', 'decimalPlaces',
  'formulaField', 'hasLookup', 'lookupDetail', 'properties', 'fieldGroupType',
];
const OBJECT_KEYS = ['objectName', 'label', 'labelPlural', 'objectType', 'description', 'createable', 'fields'];

/** The lookups of each object as the NXT contract states them: field -> object looked up. */
const LOOKUPS: Record<string, Record<string, string>> = {
  Company: { Csm: 'gsuser', ParentCompany: 'Company' },
  Person: {},
  company_person: { Company_ID: 'Company', Person_ID: 'Person' },
  gsuser: {},
};

const views = [...objects.values()].map((object) => [object.name, viewOf(object, 'nxt')] as const);

describe('describeObject of each NXT view', () => {
  it('covers every registry object', () => {
    expect(views.map(([name]) => name).sort()).toEqual(Object.keys(LOOKUPS).sort());
  });

  it.each(views)('%s: the object carries the contract keys', (name, view) => {
    const described = describeObject(view);
    expect(Object.keys(described).sort()).toEqual([...OBJECT_KEYS].sort());
    expect(described).toMatchObject({ objectName: name, label: view.label, labelPlural: view.labelPlural, objectType: 'STANDARD', createable: true });
    expect(described.fields.map((field) => field.fieldName)).toEqual(view.fields.map((field) => field.name));
  });

  it.each(views)('%s: every field carries the contract keys', (name, view) => {
    for (const field of describeObject(view).fields) {
      expect(Object.keys(field).sort(), field.fieldName).toEqual([...FIELD_KEYS].sort());
      expect(Object.keys(field.meta).sort(), field.fieldName).toEqual([...META_KEYS].sort());
      expect(field.objectName).toBe(name);
      expect(typeof field.label).toBe('string');
      expect(field.label).not.toBe('');
      expect(field.meta.filterable && field.meta.sortable).toBe(true);
      expect(field.meta.formulaField).toBe(false);
    }
  });

  it.each(views)('%s: lookups carry lookupDetail and hasLookup; other fields lookupDetail null', (name, view) => {
    for (const field of describeObject(view).fields) expectLookupMetadata(field, LOOKUPS[name]![field.fieldName]);
  });

  it.each(views)('%s: read-only fields are neither createable, updateable nor nillable', (_name, view) => {
    const byName = new Map(describeObject(view).fields.map((field) => [field.fieldName, field]));
    for (const name of ['Gsid', 'CreatedDate', 'ModifiedDate']) {
      expect(byName.get(name)!.meta, name).toMatchObject({ readOnly: true, createable: false, updateable: false, nillable: false, required: false });
    }
    for (const field of view.fields) {
      const meta = byName.get(field.name)!.meta;
      if (field.readOnly) continue;
      expect(meta, field.name).toMatchObject({ readOnly: false, createable: true, updateable: !field.immutable });
      expect(meta.nillable, field.name).toBe(!field.required);
    }
  });

  it('reports required fields and lengths', () => {
    const fields = new Map(describeObject(viewOf(objects.get('company_person')!, 'nxt')).fields.map((f) => [f.fieldName, f]));
    expect(fields.get('Company_ID')!.meta).toMatchObject({ required: true, nillable: false, length: 36 });
    expect(fields.get('Role')!.meta).toMatchObject({ required: false, nillable: true, length: 255 });
    expect(fields.get('Active')!.dataType).toBe('BOOLEAN');
  });

  it('describes Company under NXT names, with NXT data types and decimal places', () => {
    const fields = new Map(describeObject(viewOf(objects.get('Company')!, 'nxt')).fields.map((f) => [f.fieldName, f]));
    expect(fields.has('Stage')).toBe(true);
    expect(fields.has('LifecycleStage')).toBe(false);
    expect(fields.get('Stage')!.label).toBe('Stage');
    expect(fields.get('ARR')).toMatchObject({ dataType: 'CURRENCY', meta: { decimalPlaces: 2, length: 0 } });
    expect(fields.get('Employees')).toMatchObject({ dataType: 'NUMBER', meta: { decimalPlaces: 0 } });
    expect(fields.get('Summary')).toMatchObject({ dataType: 'RICHTEXTAREA', meta: { length: 131_072 } });
    expect(fields.get('Gsid')).toMatchObject({ dataType: 'GSID', label: 'GSID', meta: { length: 36, hasLookup: false } });
    expect(fields.get('Name')!.meta).toMatchObject({ required: true, nillable: false });
  });

  it('describes Person without the seed-only CompanyId', () => {
    const names = describeObject(viewOf(objects.get('Person')!, 'nxt')).fields.map((field) => field.fieldName);
    expect(names).not.toContain('CompanyId');
    expect(names).toContain('Name');
  });
});

describe('listItem', () => {
  it.each(views)('%s: the list shape', (name, view) => {
    const item = listItem(view);
    expect(item).toEqual({ objectName: name, label: view.label, objectType: 'STANDARD', createable: true, readable: true });
  });

  it('labels the objects as Gainsight does', () => {
    expect(Object.fromEntries(views.map(([name, view]) => [name, listItem(view).label]))).toEqual({
      Company: 'Company',
      Person: 'Person',
      company_person: 'Company Person',
      gsuser: 'User',
    });
  });
});
