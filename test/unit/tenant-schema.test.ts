/**
 * Schema files without a database: parsing and checking (src/schema/files.ts), compiling onto the
 * registry (src/domain/tenant-schema/compile.ts), the shipped JSON Schema, the package's standard
 * objects, and importing describe responses (src/domain/tenant-schema/import-describe.ts),
 * including the round trip describe -> import -> compile -> describe.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { describeObject } from '../../src/domain/nxt/describe.js';
import { viewOf } from '../../src/domain/object-model.js';
import { importDescribe } from '../../src/domain/tenant-schema/import-describe.js';
import { schemaFileJsonSchema } from '../../src/domain/tenant-schema/json-schema.js';
import {
  loadTenantSchema,
  parseSchemaDocument,
  SCHEMA_FILE_JSON_SCHEMA_PATH,
  SchemaFileError,
  standardRegistry,
  tenantSchemaOf,
} from '../../src/schema/files.js';
import { compileRecordValidators, createAjv } from '../../src/domain/validation.js';

const TENANT = 'test/fixtures/schema/tenant.yaml';
const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/describe/${name}`, 'utf8')) as unknown;

/** The one-line message a schema text is refused with (as file `bad.yaml`). */
function refusal(yaml: string): string {
  try {
    tenantSchemaOf(parseSchemaDocument(yaml, 'bad.yaml'), 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith('bad.yaml: ')).toBe(true);
    return message;
  }
  throw new Error('the schema was accepted');
}

const company = (fields: string) => `objects:\n  Company:\n    fields:\n${fields}`;

describe('a tenant schema file', () => {
  const { registry } = loadTenantSchema(TENANT);
  const subscription = registry.lookUp('subscription__gc')!;

  it('adds the custom object after the standard ones, with its system fields and every declared one', () => {
    expect(registry.names.slice(0, 4)).toEqual(['gsuser', 'Company', 'Person', 'company_person']);
    expect(registry.names.at(-1)).toBe('subscription__gc');
    expect(subscription.objectType).toBe('CUSTOM');
    expect(subscription.table).toBe('subscription__gc');
    expect(subscription.label).toBe('Subscription');
    expect(subscription.fields.map((f) => f.name)).toEqual([
      'Gsid', 'Name', 'Code__gc', 'Seats__gc', 'Amount__gc', 'Discount__gc', 'AutoRenew__gc', 'StartDate__gc', 'SignedAt__gc',
      'BillingEmail__gc', 'Portal__gc', 'Notes__gc', 'ExternalRef__gc', 'Company__gc', 'Owner__gc', 'Tier__gc', 'Modules__gc',
      'CreatedDate', 'ModifiedDate',
    ]);
  });

  it('maps each file type onto a storage type and Gainsight data type', () => {
    const field = (name: string) => subscription.fieldByName.get(name)!;
    expect(field('Name')).toMatchObject({ type: 'string', required: true, uniqueIgnoringCase: true, maxLength: 120, custom: false });
    expect(field('Seats__gc')).toMatchObject({ type: 'number', dataType: 'NUMBER', decimalPlaces: 0, custom: true });
    expect(field('Amount__gc')).toMatchObject({ type: 'number', dataType: 'CURRENCY', required: true });
    expect(field('Discount__gc')).toMatchObject({ type: 'number', dataType: 'PERCENTAGE' });
    expect(field('AutoRenew__gc')).toMatchObject({ type: 'boolean', dataType: 'BOOLEAN' });
    expect(field('StartDate__gc')).toMatchObject({ type: 'date' });
    expect(field('SignedAt__gc')).toMatchObject({ type: 'datetime' });
    expect(field('BillingEmail__gc')).toMatchObject({ type: 'email', maxLength: 255 });
    expect(field('Portal__gc')).toMatchObject({ type: 'string', dataType: 'URL', maxLength: 2000 });
    expect(field('Notes__gc')).toMatchObject({ type: 'string', dataType: 'RICHTEXTAREA', maxLength: 131_072 });
    expect(field('ExternalRef__gc')).toMatchObject({ type: 'gsid' });
    expect(field('ExternalRef__gc').references).toBeUndefined();
    expect(field('Company__gc')).toMatchObject({ type: 'gsid', references: 'Company', onDelete: 'cascade' });
    expect(field('Owner__gc')).toMatchObject({ references: 'gsuser', onDelete: 'setNull' });
    expect(field('Company__gc').keepReferrerCounts).toBeUndefined();
    const counted = tenantSchemaOf(parseSchemaDocument(company('      Parent__gc: { type: LOOKUP, object: Company, keepReferrerCounts: true }\n'), 'c.yaml'), 'c.yaml');
    expect(counted.registry.lookUp('Company')!.fieldByName.get('Parent__gc')).toMatchObject({ references: 'Company', keepReferrerCounts: true });
    expect(field('Tier__gc')).toMatchObject({ type: 'string', dataType: 'PICKLIST' });
    expect(field('Tier__gc').options!.map((o) => o.label)).toEqual(['Gold', 'Silver', 'Bronze']);
    expect(field('Modules__gc')).toMatchObject({ dataType: 'MULTISELECTDROPDOWNLIST' });
  });

  it('gives picklist options and categories Gsids that stay the same from start to start', () => {
    const again = loadTenantSchema(TENANT).registry.lookUp('subscription__gc')!.fieldByName.get('Tier__gc')!;
    const tier = subscription.fieldByName.get('Tier__gc')!;
    expect(again.options).toEqual(tier.options);
    expect(again.categoryId).toBe(tier.categoryId);
    for (const option of tier.options!) expect(option.gsid).toMatch(/^[0-9A-Z]{36}$/);
    expect(new Set(tier.options!.map((o) => o.gsid)).size).toBe(3);
    // Another field's options with the same labels get other Gsids.
    const segment = registry.lookUp('Company')!.fieldByName.get('Segment__gc')!;
    expect(segment.categoryId).not.toBe(tier.categoryId);
  });

  it('adds custom fields to standard objects after their own, on the NXT view but not the seed view', () => {
    const companyObject = registry.lookUp('Company')!;
    expect(companyObject.fields.slice(-3).map((f) => f.name)).toEqual(['Subscription__gc', 'Segment__gc', 'HealthScore__gc']);
    expect(companyObject.fieldByName.get('Subscription__gc')).toMatchObject({ references: 'subscription__gc' });
    expect(viewOf(companyObject, 'nxt').fieldByName.has('Segment__gc')).toBe(true);
    expect(viewOf(companyObject, 'seed').fieldByName.has('Segment__gc')).toBe(false);
    expect(registry.lookUp('Person')!.fieldByName.get('Nickname__gc')).toMatchObject({ maxLength: 40 });
  });

  it('compiles a record validator for every write mode of every object, standard and custom', () => {
    const ajv = createAjv();
    for (const object of registry.all) {
      for (const surface of ['seed', 'nxt'] as const) {
        const validators = compileRecordValidators(ajv, viewOf(object, surface));
        for (const validate of Object.values(validators)) expect(() => validate({})).not.toThrow(/strict mode|schema is invalid/);
      }
    }
  });

  it('refuses each kind of bad file in one line naming the file, the object and the field', () => {
    expect(refusal(company('      Tier__gc: { type: MONEY }\n'))).toMatch(/^bad\.yaml: Company\.Tier__gc\.type: .*STRING/);
    expect(refusal(company('      Sub__gc: { type: LOOKUP, object: nothing__gc }\n'))).toMatch(
      /^bad\.yaml: Company\.Sub__gc: looks up nothing__gc, which is neither/,
    );
    expect(refusal(company('      Sub__gc: { type: LOOKUP }\n'))).toMatch(/Company\.Sub__gc: a LOOKUP needs object/);
    expect(refusal(company('      Tier__gc: { type: STRING }\n      Tier__gc: { type: NUMBER }\n'))).toMatch(
      /^bad\.yaml: Company\.Tier__gc: the field is declared twice/,
    );
    expect(refusal(company('      Tier__gc: { type: STRING }\n      TIER__gc: { type: NUMBER }\n'))).toMatch(
      /Company\.TIER__gc: the same name as Tier__gc ignoring case/,
    );
    expect(refusal(company('      Tier-gc: { type: STRING }\n'))).toBe('bad.yaml: Company.Tier-gc: not a name: a name is a letter, then letters, digits or _');
    expect(refusal('objects:\n  1abc:\n    fields: {}\n')).toBe('bad.yaml: 1abc: not a name: a name is a letter, then letters, digits or _');
    expect(refusal(company('      Tier: { type: STRING }\n'))).toMatch(/Company\.Tier: a custom field's name ends in __gc/);
    expect(refusal(company('      Name: { type: STRING }\n'))).toMatch(/Company\.Name: Company already has this field/);
    expect(refusal('objects:\n  Company:\n    label: Firm\n    fields: {}\n')).toMatch(/^bad\.yaml: Company: label is only for new objects/);
    expect(refusal('objects:\n  company:\n    fields: {}\n')).toMatch(/^bad\.yaml: company: this server's object is called Company/);
    expect(refusal(company('      Tier__gc: { type: STRING, options: [A] }\n'))).toMatch(/Company\.Tier__gc: options is only for PICKLIST/);
    expect(refusal(company('      Tier__gc: { type: PICKLIST }\n'))).toMatch(/Company\.Tier__gc: a PICKLIST needs options/);
    expect(refusal(company('      Tier__gc: { type: PICKLIST, options: [A, a] }\n'))).toMatch(/option "a" is listed twice/);
    expect(refusal(company('      Tier__gc: { type: NUMBER, maxLength: 3 }\n'))).toMatch(/Company\.Tier__gc: maxLength is only for STRING/);
    expect(refusal(company('      Tier__gc: { type: STRING, keepReferrerCounts: true }\n'))).toMatch(/Company\.Tier__gc: keepReferrerCounts is only for LOOKUP/);
    expect(refusal(company('      Flag__gc: { type: BOOLEAN, unique: true }\n'))).toMatch(/Company\.Flag__gc: a BOOLEAN field cannot be unique/);
    expect(refusal(company(`      ${'A'.repeat(60)}__gc: { type: STRING }\n`))).toMatch(/longer than 63 bytes/);
    expect(refusal('objects:\n  thing__gc:\n    fields:\n      Size: { type: NUMBER }\n')).toMatch(
      /thing__gc\.Size: a custom object's fields end in __gc/,
    );
    expect(refusal('objects:\n  thing__gc:\n    fields:\n      Gsid: { type: GSID }\n')).toMatch(/thing__gc\.Gsid: every object has Gsid/);
    expect(refusal('objects:\n  Foo_Bar:\n    fields: {}\n  FooBar:\n    fields: {}\n')).toMatch(/its table name foo_bar is the table of/);
    expect(refusal('objects: [1, 2]\n')).toMatch(/^bad\.yaml: objects: /);
    expect(refusal('')).toMatch(/the file is empty/);
    expect(refusal('objects:\n  a: [\n')).toMatch(/^bad\.yaml: line \d+, column \d+: not valid YAML/);
    expect(refusal('objects: {}\nextra: 1\n')).toMatch(/extra/);
  });

  it('names a missing file', () => {
    expect(() => loadTenantSchema('/nonexistent/schema.yaml')).toThrow(/^\/nonexistent\/schema\.yaml: cannot read the schema file \(no such file\)$/);
  });

  it('allows lookups both ways and to itself', () => {
    const yaml =
      'objects:\n  a__gc:\n    fields:\n      B__gc: { type: LOOKUP, object: b__gc }\n      Parent__gc: { type: LOOKUP, object: a__gc }\n' +
      '  b__gc:\n    fields:\n      A__gc: { type: LOOKUP, object: a__gc }\n';
    const { registry: both } = tenantSchemaOf(parseSchemaDocument(yaml, 'x.yaml'));
    expect(both.lookUp('a__gc')!.fieldByName.get('B__gc')!.references).toBe('b__gc');
    expect(both.lookUp('b__gc')!.fieldByName.get('A__gc')!.references).toBe('a__gc');
  });
});

describe('the JSON Schema shipped for editors', () => {
  it('is the format declaration, as written by npm run schema:json', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE_JSON_SCHEMA_PATH, 'utf8'))).toEqual(schemaFileJsonSchema());
  });

  it('accepts the fixtures and the standard objects file, and needs object for a LOOKUP', () => {
    // As an editor reads it (not Ajv's strict mode, which wants `then` to restate properties).
    const validate = new Ajv2020({ strict: false }).compile(schemaFileJsonSchema());
    const { parse } = { parse: (file: string) => parseSchemaDocument(readFileSync(file, 'utf8'), file) };
    expect(validate(parse(TENANT))).toBe(true);
    expect(validate(parse('schemas/standard-objects.yaml'))).toBe(true);
    expect(validate({ objects: { Company: { fields: { X__gc: { type: 'LOOKUP' } } } } })).toBe(false);
    expect(validate({ objects: { Company: { fields: { X__gc: { type: 'PICKLIST' } } } } })).toBe(false);
  });
});

describe("the package's standard objects", () => {
  const registry = standardRegistry();

  it('are the objects connectors read, standard, with lookups to Company, Person, gsuser and picklist items', () => {
    for (const name of ['call_to_action', 'cs_task', 'cta_group', 'activity_timeline', 'da_picklist']) {
      expect(registry.lookUp(name)?.objectType, name).toBe('STANDARD');
    }
    const cta = registry.lookUp('call_to_action')!;
    expect(cta.fieldByName.get('CompanyId')!.references).toBe('Company');
    expect(cta.fieldByName.get('OwnerId')!.references).toBe('gsuser');
    expect(cta.fieldByName.get('StatusId')!.references).toBe('da_picklist');
    expect(registry.lookUp('cs_task')!.fieldByName.get('CtaId')!.references).toBe('call_to_action');
    expect(registry.lookUp('activity_timeline')!.fieldByName.get('GsCompanyId')!.references).toBe('Company');
    // Estuary's incremental cursors.
    expect(registry.lookUp('activity_timeline')!.fieldByName.has('LastModifiedDate')).toBe(true);
    for (const name of ['call_to_action', 'cs_task', 'cta_group']) expect(registry.lookUp(name)!.fieldByName.has('ModifiedDate')).toBe(true);
  });
});

describe('schema import from describe responses', () => {
  it("turns Gainsight's documented describe sample into a custom object, saying what it leaves out", () => {
    const { document, warnings } = importDescribe([{ source: 'sample.json', json: fixture('gainsight-post-describe-sample.json') }], standardRegistry());
    expect(document.objects).toEqual({
      customobj__gc: {
        objectType: 'CUSTOM',
        label: 'customobj',
        labelPlural: 'customobj',
        description: 'Custom object',
        fields: { Name__gc: { type: 'STRING', label: 'Name', maxLength: 500 } },
      },
    });
    expect(warnings).toEqual([
      expect.stringMatching(/^sample\.json: customobj__gc\.CreatedBy: a system field Gainsight sets itself.*; skipped$/),
      expect.stringMatching(/^sample\.json: customobj__gc\.ModifiedBy: a system field/),
    ]);
    const { registry } = tenantSchemaOf(document);
    const described = describeObject(viewOf(registry.lookUp('customobj__gc')!, 'nxt'));
    expect(described.fields.map((f) => [f.fieldName, f.dataType, f.meta.length])).toEqual([
      ['Gsid', 'GSID', 36],
      ['Name__gc', 'STRING', 500],
      ['CreatedDate', 'DATETIME', 0],
      ['ModifiedDate', 'DATETIME', 0],
    ]);
  });

  it("imports a live tenant's picklists with their option Gsids and category, and skips fields the object has", () => {
    const { document, warnings } = importDescribe([{ source: 'live.json', json: fixture('live-company-picklists.json') }], standardRegistry());
    // CompanyType and Tags are Company fields here already.
    expect(Object.keys(document.objects.Company!.fields)).toEqual(['SubSegment_multi_select__gc']);
    const field = document.objects.Company!.fields.SubSegment_multi_select__gc!;
    expect(field.type).toBe('MULTISELECTDROPDOWNLIST');
    expect(field.options!.length).toBeGreaterThan(1);
    expect(field.options![0]).toEqual({ label: expect.any(String), gsid: expect.stringMatching(/^1I00[0-9A-Z]{32}$/) });
    expect(field.categoryId).toMatch(/^1I00[0-9A-Z]{32}$/);
    expect(warnings).toEqual([]);
    const companyField = tenantSchemaOf(document).registry.lookUp('Company')!.fieldByName.get('SubSegment_multi_select__gc')!;
    expect(companyField.options![0]!.gsid).toBe((field.options![0] as { gsid: string }).gsid);
  });

  it('refuses what is not a describe response', () => {
    expect(() => importDescribe([{ source: 'x.json', json: { hello: 1 } }], standardRegistry())).toThrow(/^x\.json: not a describe response/);
    expect(() => importDescribe([{ source: 'x.json', json: { data: [] } }], standardRegistry())).toThrow(/not a describe response/);
  });

  it('imports lookups to unknown objects as GSID fields, with a warning', () => {
    const json = {
      data: [
        {
          objectName: 'thing__gc',
          objectType: 'CUSTOM',
          fields: [{ fieldName: 'Other__gc', dataType: 'LOOKUP', meta: { hasLookup: true, lookupDetail: { lookupObjects: [{ objectName: 'elsewhere__gc' }] } } }],
        },
      ],
    };
    const { document, warnings } = importDescribe([{ source: 'x.json', json }], standardRegistry());
    expect(document.objects.thing__gc!.fields.Other__gc).toEqual({ type: 'GSID' });
    expect(warnings).toEqual([expect.stringMatching(/thing__gc\.Other__gc: looks up elsewhere__gc, which is neither/)]);
  });

  it("round trip: this server's describe, imported and compiled, describes the same fields", () => {
    const { registry } = loadTenantSchema(TENANT);
    const responses = registry.all.map((object) => ({
      source: `${object.name}.json`,
      json: JSON.parse(JSON.stringify({ result: true, data: [describeObject(viewOf(object, 'nxt'))] })) as unknown,
    }));
    const { document, warnings } = importDescribe(responses, standardRegistry());
    expect(warnings).toEqual([]);
    const imported = tenantSchemaOf(document).registry;
    expect(imported.names).toEqual(registry.names);
    for (const object of registry.all) {
      expect(describeObject(viewOf(imported.lookUp(object.name)!, 'nxt')), object.name).toEqual(describeObject(viewOf(object, 'nxt')));
    }
  });
});
