/**
 * The object model's surfaces (src/domain/object-model.ts): one object, two views over the same
 * table, and the NXT field-name rule.
 */
import { describe, expect, it } from 'vitest';
import { defineObject, matchFieldName, toLabel, toSnakeCase, viewOf } from '../../src/domain/object-model.js';
import { Company, CompanyPerson, GsUser, Person } from '../../src/domain/objects/index.js';
import { createRegistry } from '../../src/domain/registry.js';
import { loadSeedSpec } from '../../src/spec.js';

const seedSchemas = (loadSeedSpec() as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } }).components
  .schemas;
const names = (object: { fields: readonly { name: string }[] }) => object.fields.map((field) => field.name);

describe('viewOf', () => {
  it('shows Company on the seed surface with exactly the seed\'s field names', () => {
    const seed = viewOf(Company, 'seed');
    expect(names(seed)).toEqual(Object.keys(seedSchemas.Company!.properties));
    expect(names(seed)).toContain('LifecycleStage');
    expect(names(seed)).not.toContain('Stage');
    expect(names(seed)).not.toContain('Csm');
    expect(seed.surface).toBe('seed');
  });

  it('shows Person on the seed surface with exactly the seed\'s field names', () => {
    expect(names(viewOf(Person, 'seed'))).toEqual(Object.keys(seedSchemas.Person!.properties));
  });

  it('names the seed\'s LifecycleStage Stage on the NXT view, over the same column', () => {
    const nxt = viewOf(Company, 'nxt');
    expect(names(nxt)).toContain('Stage');
    expect(names(nxt)).not.toContain('LifecycleStage');
    expect(names(nxt)).toContain('Csm');
    const stage = nxt.fieldByName.get('Stage')!;
    const lifecycle = viewOf(Company, 'seed').fieldByName.get('LifecycleStage')!;
    expect(stage.column).toBe('lifecycle_stage');
    expect(stage.column).toBe(lifecycle.column);
    expect(stage.key).toBe('LifecycleStage');
    expect(stage.label).toBe('Stage');
    expect(lifecycle.label).toBe('Lifecycle Stage');
    expect(nxt.table).toBe(Company.table);
    expect(nxt.surface).toBe('nxt');
  });

  it('keeps an explicit label on a renamed field', () => {
    const Renamed = defineObject({
      name: 'renamed',
      plural: 'renamed',
      description: 'A field renamed on the NXT surface',
      table: 'renamed',
      fields: {
        Gsid: { type: 'gsid', readOnly: true, description: 'id' },
        OldName: { type: 'string', nxt: 'NewName', label: 'Explicit', description: 'explicit label' },
        OtherOld: { type: 'string', nxt: 'OtherNew', description: 'derived label' },
      },
    });
    const nxt = viewOf(Renamed, 'nxt');
    expect(nxt.fieldByName.get('NewName')).toMatchObject({ label: 'Explicit', column: 'old_name', key: 'OldName' });
    expect(nxt.fieldByName.get('OtherNew')).toMatchObject({ label: 'Other New', column: 'other_old' });
    expect(viewOf(Renamed, 'seed').fieldByName.get('OldName')!.label).toBe('Explicit');
  });

  it('keeps the canonical description behind each view, and one view per surface', () => {
    const nxt = viewOf(Company, 'nxt');
    expect(nxt.canonical).toBe(Company);
    expect(Company.canonical).toBe(Company);
    expect(viewOf(nxt, 'seed')).toBe(viewOf(Company, 'seed'));
    expect(viewOf(Company, 'nxt')).toBe(nxt);
  });

  it('keeps only the helper lookups and index fields the view has', () => {
    expect(viewOf(Company, 'seed').helperLookups).toEqual([]);
    expect(viewOf(Company, 'nxt').helperLookups.map((helper) => helper.target)).toEqual(['Csm', 'ParentCompany']);
    expect(viewOf(Company, 'seed').writableFields.map((field) => field.name)).not.toContain('Gsid');
  });

  it('drops Person.CompanyId from the NXT view (links live in company_person)', () => {
    expect(names(viewOf(Person, 'nxt'))).not.toContain('CompanyId');
    expect(names(viewOf(CompanyPerson, 'nxt'))).toEqual(names(CompanyPerson));
  });
});

describe('matchFieldName', () => {
  const Twin = defineObject({
    name: 'twin',
    plural: 'twins',
    description: 'Two fields differing only in case',
    table: 'twin',
    fields: {
      Gsid: { type: 'gsid', readOnly: true, description: 'id' },
      Code: { type: 'string', description: 'one' },
      CODE: { type: 'string', column: 'code_upper', description: 'two' },
    },
  });

  it('matches exactly first', () => {
    expect(matchFieldName(Twin, 'Code')!.name).toBe('Code');
    expect(matchFieldName(Twin, 'CODE')!.name).toBe('CODE');
    expect(matchFieldName(viewOf(Company, 'nxt'), 'ARR')!.name).toBe('ARR');
  });

  it('else matches ignoring case when exactly one field does', () => {
    expect(matchFieldName(viewOf(Company, 'nxt'), 'Arr')!.name).toBe('ARR');
    expect(matchFieldName(viewOf(Company, 'nxt'), 'gsid')!.name).toBe('Gsid');
    expect(matchFieldName(viewOf(Company, 'nxt'), 'stage')!.name).toBe('Stage');
    expect(matchFieldName(CompanyPerson, 'company_id')!.name).toBe('Company_ID');
    expect(matchFieldName(Twin, 'gsid')!.name).toBe('Gsid');
  });

  it('matches nothing when several fields match ignoring case', () => {
    expect(matchFieldName(Twin, 'code')).toBeUndefined();
    expect(matchFieldName(Twin, 'cOdE')).toBeUndefined();
  });

  it('matches nothing unknown, nor a name of the other surface', () => {
    expect(matchFieldName(viewOf(Company, 'nxt'), 'Nope')).toBeUndefined();
    expect(matchFieldName(viewOf(Company, 'nxt'), 'LifecycleStage')).toBeUndefined();
    expect(matchFieldName(viewOf(Company, 'seed'), 'Stage')).toBeUndefined();
    expect(matchFieldName(viewOf(Company, 'nxt'), 'Name ')).toBeUndefined();
  });
});

describe('toLabel and toSnakeCase', () => {
  it.each([
    ['RenewalDate', 'Renewal Date'],
    ['Company_ID', 'Company ID'],
    ['ARR', 'ARR'],
    ['CSMName', 'CSM Name'],
    ['SFDCUserName', 'SFDC User Name'],
    ['LifecycleStage', 'Lifecycle Stage'],
    ['Stage', 'Stage'],
    ['MasterRecordID', 'Master Record ID'],
    ['Person_ID', 'Person ID'],
  ])('labels %s as %j', (name, label) => expect(toLabel(name)).toBe(label));

  it.each([
    ['Company_ID', 'company_id'],
    ['Person_ID', 'person_id'],
    ['SFDCUserName', 'sfdc_user_name'],
    ['MasterRecordID', 'master_record_id'],
    ['CustomerlifetimeInMonths', 'customerlifetime_in_months'],
    ['IsActiveUser', 'is_active_user'],
    ['LinkedinUrl', 'linkedin_url'],
    ['Mrr', 'mrr'],
  ])('stores %s as column %s', (name, column) => expect(toSnakeCase(name)).toBe(column));

  it('derives every registry column from the field name', () => {
    for (const object of [Company, Person, CompanyPerson, GsUser]) {
      for (const field of object.fields) expect(field.column, `${object.name}.${field.name}`).toBe(toSnakeCase(field.key));
    }
  });
});

describe('descriptions the store could not hold are refused where they are made', () => {
  it('a field name over 63 bytes (PostgreSQL would cut it)', () => {
    expect(() =>
      defineObject({ name: 'Long', plural: 'longs', description: 'x', table: 'long', fields: { ['F'.repeat(64)]: { type: 'string', description: 'x' } } }),
    ).toThrow(/longer than 63 bytes/);
    expect(() => defineObject({ name: 'Fine', plural: 'fines', description: 'x', table: 'fine', fields: { ['F'.repeat(63)]: { type: 'string', description: 'x' } } })).not.toThrow();
  });

  it('a lookup to an object not registered, and a name registered twice', () => {
    const target = defineObject({ name: 'Target', plural: 't', description: 'x', table: 'target', fields: { Gsid: { type: 'gsid', description: 'x' } } });
    const source = defineObject({
      name: 'Source',
      plural: 's',
      description: 'x',
      table: 'source',
      fields: { Gsid: { type: 'gsid', description: 'x' }, T: { type: 'gsid', references: 'Target', description: 'x' } },
    });
    expect(() => createRegistry([source])).toThrow(/Source.T looks up Target, which is not a registered object/);
    // Lookups may point either way: the store creates lookup columns after the tables.
    expect(createRegistry([source, target]).names).toEqual(['Source', 'Target']);
    expect(() => createRegistry([target, target])).toThrow(/registered twice/);
  });
});
