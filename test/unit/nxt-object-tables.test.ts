/**
 * The indexes a description asks for (indexesOf in src/store/object-tables.ts): pure, no database.
 */
import { describe, expect, it } from 'vitest';
import { defineObject } from '../../src/domain/object-model.js';
import { Company, CompanyPerson, GsUser, Person, objects } from '../../src/domain/objects/index.js';
import { indexesOf, type IndexSpec } from '../../src/store/object-tables.js';

const byName = (specs: IndexSpec[]) => new Map(specs.map((spec) => [spec.name, spec]));

describe('indexesOf', () => {
  it('keeps the index names the seed\'s migration gave', () => {
    const company = byName(indexesOf(Company));
    expect(company.get('company_created_idx')).toEqual({ name: 'company_created_idx', columns: ['created_date', 'gsid'], unique: false });
    const person = byName(indexesOf(Person));
    expect(person.get('person_created_idx')).toEqual({ name: 'person_created_idx', columns: ['created_date', 'gsid'], unique: false });
    expect(person.get('person_company_idx')).toEqual({
      name: 'person_company_idx',
      columns: ['company_id', 'created_date', 'gsid'],
      unique: false,
    });
    expect(person.get('person_email_key_unique')).toEqual({ name: 'person_email_key_unique', columns: ['email_key'], unique: true });
  });

  it('indexes Company\'s lookups and indexed fields, and names unnamed indexes after their columns', () => {
    expect(indexesOf(Company)).toEqual([
      { name: 'company_created_idx', columns: ['created_date', 'gsid'], unique: false },
      { name: 'company_modified_date_gsid_idx', columns: ['modified_date', 'gsid'], unique: false },
      { name: 'company_name_idx', columns: ['name'], unique: false },
      { name: 'company_csm_idx', columns: ['csm'], unique: false },
      { name: 'company_parent_company_idx', columns: ['parent_company'], unique: false },
    ]);
  });

  it('gives a lookup no index of its own when another index starts with its column', () => {
    const person = indexesOf(Person);
    expect(person.filter((spec) => spec.columns.includes('company_id')).map((spec) => spec.name)).toEqual(['person_company_idx']);
    expect(person.map((spec) => spec.name)).not.toContain('person_company_id_idx');
  });

  it('makes company_person\'s pair unique, which also serves Company_ID; Person_ID gets its own', () => {
    expect(indexesOf(CompanyPerson)).toEqual([
      { name: 'company_person_company_id_person_id_unique', columns: ['company_id', 'person_id'], unique: true },
      { name: 'company_person_person_id_idx', columns: ['person_id'], unique: false },
    ]);
  });

  it('keeps gsuser\'s email unique ignoring case through its key column', () => {
    expect(indexesOf(GsUser)).toEqual([
      { name: 'gsuser_email_key_unique', columns: ['email_key'], unique: true },
      { name: 'gsuser_first_name_last_name_idx', columns: ['first_name', 'last_name'], unique: false },
    ]);
  });

  it('gives a lookup an index when the only index with its column has it second', () => {
    const Thing = defineObject({
      name: 'thing',
      plural: 'things',
      description: 'test object',
      table: 'thing',
      fields: {
        Gsid: { type: 'gsid', readOnly: true, description: 'id' },
        Owner: { type: 'gsid', references: 'gsuser', description: 'owner' },
        Kind: { type: 'string', description: 'kind' },
      },
      indexes: [{ fields: ['Kind', 'Owner'] }],
    });
    expect(indexesOf(Thing)).toEqual([
      { name: 'thing_kind_owner_idx', columns: ['kind', 'owner'], unique: false },
      { name: 'thing_owner_idx', columns: ['owner'], unique: false },
    ]);
  });

  it('never names two indexes alike across the registry', () => {
    const all = [...objects.values()].flatMap((object) => indexesOf(object).map((spec) => spec.name));
    expect(new Set(all).size).toBe(all.length);
  });
});
