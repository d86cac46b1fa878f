/**
 * Everything the route modules need, built once per app from the object registry: services over
 * the store, validators compiled from the object descriptions, and the schemas shared by
 * validation, serialization and the OpenAPI document (the same objects, so the document can
 * refer to them by name).
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { AccessKeyService } from '../domain/access-keys.js';
import { viewOf, type ObjectDescription, type Surface } from '../domain/object-model.js';
import { Company, Person, objects, surfaceLookUp } from '../domain/objects/index.js';
import { createReportService, type ReportService } from '../domain/reports/report-service.js';
import { createRecordService, type Referrer, type RecordService } from '../domain/record-service.js';
import { inputSchema, recordSchema, type JsonSchema, type WriteMode } from '../domain/schemas.js';
import { compileRecordValidators, createAjv, type RecordValidator } from '../domain/validation.js';
import type { Store } from '../store/store.js';
import type { DateFormat } from '../domain/nxt/present.js';

export type { DateFormat };

export interface ObjectSchemas extends Record<'create' | 'replace' | 'patch', JsonSchema> {
  readonly record: JsonSchema;
}

/** One object as one surface serves it. */
export interface SurfaceObject {
  readonly view: ObjectDescription;
  readonly service: RecordService;
  readonly validators: Record<WriteMode, RecordValidator>;
}

export interface SeedObject extends SurfaceObject {
  readonly schemas: ObjectSchemas;
}

export interface ApiContext {
  /** The one Ajv instance: record validators and every route's request-body schema compile here. */
  readonly ajv: Ajv2020;
  readonly store: Store;
  readonly accessKeys: AccessKeyService;
  /** The seed surface's objects (`/v1/companies`, `/v1/people`). */
  readonly seed: { readonly Company: SeedObject; readonly Person: SeedObject };
  /** Every registered object as the NXT surface serves it, by registry name. */
  readonly nxt: ReadonlyMap<string, SurfaceObject>;
  /** How the NXT surface writes DATE and DATETIME values. */
  readonly nxtDateFormat: DateFormat;
  readonly reports: ReportService;
  /** Component name -> schema, for the OpenAPI document. */
  readonly components: Readonly<Record<string, JsonSchema>>;
}

export interface ApiContextOptions {
  readonly nxtDateFormat?: DateFormat;
}

export function createApiContext(store: Store, accessKeys: AccessKeyService, options: ApiContextOptions = {}): ApiContext {
  const ajv = createAjv();

  /** Records elsewhere whose reference refuses this object's delete (for the 409's message). */
  const referrersOf = (target: ObjectDescription, surface: Surface): Referrer[] =>
    [...objects.values()].flatMap((other) => {
      const view = viewOf(other, surface);
      return view.fields
        .filter((field) => field.references === target.name && field.onDelete === 'restrict')
        .map((field) => ({ repository: store.records(view), field: field.name }));
    });

  const serve = (object: ObjectDescription, surface: Surface): SurfaceObject => {
    const view = viewOf(object, surface);
    return {
      view,
      service: createRecordService(store.records(view), { referrers: referrersOf(object, surface) }),
      validators: compileRecordValidators(ajv, view),
    };
  };

  const seedObject = (object: ObjectDescription): SeedObject => {
    const served = serve(object, 'seed');
    // POST and PUT take the same body schema (`CompanyInput` in the seed); they differ in what the
    // server does with it, not in what it accepts.
    const input = inputSchema(served.view, 'create');
    return { ...served, schemas: { record: recordSchema(served.view), create: input, replace: input, patch: inputSchema(served.view, 'patch') } };
  };
  const seed = { Company: seedObject(Company), Person: seedObject(Person) };

  return {
    ajv,
    store,
    accessKeys,
    seed,
    nxt: new Map([...objects.values()].map((object) => [object.name, serve(object, 'nxt')])),
    nxtDateFormat: options.nxtDateFormat ?? 'iso',
    reports: createReportService({
      repository: store.reports,
      runner: store.reportRunner,
      lookUp: surfaceLookUp(undefined),
    }),
    components: {
      Company: seed.Company.schemas.record,
      CompanyInput: seed.Company.schemas.create,
      CompanyPatch: seed.Company.schemas.patch,
      Person: seed.Person.schemas.record,
      PersonInput: seed.Person.schemas.create,
      PersonPatch: seed.Person.schemas.patch,
    },
  };
}
