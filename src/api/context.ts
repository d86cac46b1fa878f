/**
 * Everything the route modules need, built once per app: services over the store, validators
 * compiled from the object descriptions, and the schemas shared by validation, serialization and
 * the OpenAPI document (the same objects, so the document can refer to them by name).
 */
import type { AccessKeyService } from '../domain/access-keys.js';
import type { ObjectDescription } from '../domain/object-model.js';
import { Company, Person, objects } from '../domain/objects/index.js';
import { createReportService, type ReportService } from '../domain/reports/report-service.js';
import { createRecordService, type RecordService } from '../domain/record-service.js';
import { inputSchema, recordSchema, type JsonSchema, type WriteMode } from '../domain/schemas.js';
import { compileRecordValidators, createAjv, type RecordValidator } from '../domain/validation.js';
import type { Store } from '../store/store.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';

export interface ObjectSchemas extends Record<WriteMode, JsonSchema> {
  readonly record: JsonSchema;
}

export interface ApiContext {
  /** The one Ajv instance: record validators and every route's request-body schema compile here. */
  readonly ajv: Ajv2020;
  readonly store: Store;
  readonly accessKeys: AccessKeyService;
  readonly services: { readonly companies: RecordService; readonly people: RecordService };
  readonly reports: ReportService;
  readonly validators: Readonly<Record<'Company' | 'Person', Record<WriteMode, RecordValidator>>>;
  readonly schemas: Readonly<Record<'Company' | 'Person', ObjectSchemas>>;
  /** Component name -> schema, for the OpenAPI document. */
  readonly components: Readonly<Record<string, JsonSchema>>;
}

function objectSchemas(object: ObjectDescription): ObjectSchemas {
  // POST and PUT take the same body schema (`CompanyInput` in the seed); they differ in what the
  // server does with it, not in what it accepts.
  const input = inputSchema(object, 'create');
  return { record: recordSchema(object), create: input, replace: input, patch: inputSchema(object, 'patch') };
}

export function createApiContext(store: Store, accessKeys: AccessKeyService): ApiContext {
  const ajv = createAjv();
  const schemas = { Company: objectSchemas(Company), Person: objectSchemas(Person) };
  return {
    ajv,
    store,
    accessKeys,
    services: {
      companies: createRecordService(store.companies, { referrers: [{ repository: store.people, field: 'CompanyId' }] }),
      people: createRecordService(store.people),
    },
    reports: createReportService({
      repository: store.reports,
      runner: store.reportRunner,
      lookUp: (name) => objects.get(name),
    }),
    validators: { Company: compileRecordValidators(ajv, Company), Person: compileRecordValidators(ajv, Person) },
    schemas,
    components: {
      Company: schemas.Company.record,
      CompanyInput: schemas.Company.create,
      CompanyPatch: schemas.Company.patch,
      Person: schemas.Person.record,
      PersonInput: schemas.Person.create,
      PersonPatch: schemas.Person.patch,
    },
  };
}
