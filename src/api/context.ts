/**
 * Everything the route modules need, built once per app from the object registry: services over
 * the store, validators compiled from the object descriptions, and the schemas shared by
 * validation, serialization and the OpenAPI document (the same objects, so the document can
 * refer to them by name).
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { AccessKeyService } from '../domain/access-keys.js';
import { viewOf, type ObjectDescription, type Surface } from '../domain/object-model.js';
import { createReportService, type ReportService } from '../domain/reports/report-service.js';
import { createRecordService } from '../domain/record-service.js';
import { inputSchema, recordSchema, type JsonSchema } from '../domain/schemas.js';
import { compileRecordValidators, createAjv } from '../domain/validation.js';
import type { ObjectRegistry } from '../domain/registry.js';
import type { Store } from '../store/store.js';
import { createEventService, type EventService } from '../domain/events.js';
import type { DateFormat, PicklistValues } from '../domain/nxt/present.js';
import { createNxtReader, type NxtReader } from '../domain/nxt/reads.js';
import { createNxtWriter, type NxtWriter, type WritableObject } from '../domain/nxt/writes.js';

export type { DateFormat, PicklistValues };

export interface ObjectSchemas extends Record<'create' | 'replace' | 'patch', JsonSchema> {
  readonly record: JsonSchema;
}

/** One object as one surface serves it: its view, its service, its validators. */
export type SurfaceObject = WritableObject;

export interface SeedObject extends SurfaceObject {
  readonly schemas: ObjectSchemas;
}

export interface ApiContext {
  /** The one Ajv instance: record validators and every route's request-body schema compile here. */
  readonly ajv: Ajv2020;
  readonly store: Store;
  /** Every object served: built-in, standard and the tenant's. */
  readonly registry: ObjectRegistry;
  readonly accessKeys: AccessKeyService;
  /** The seed surface's objects (`/v1/companies`, `/v1/people`). */
  readonly seed: { readonly Company: SeedObject; readonly Person: SeedObject };
  /** Every registered object as the NXT surface serves it, by registry name. */
  readonly nxt: ReadonlyMap<string, SurfaceObject>;
  /** The NXT surface's reads and writes, over `nxt`. */
  readonly reader: NxtReader;
  readonly writer: NxtWriter;
  readonly events: EventService;
  readonly reports: ReportService;
  /** Component name -> schema, for the OpenAPI document. */
  readonly components: Readonly<Record<string, JsonSchema>>;
}

export interface ApiContextOptions {
  readonly nxtDateFormat?: DateFormat;
  readonly picklistValues?: PicklistValues;
}

export function createApiContext(store: Store, accessKeys: AccessKeyService, options: ApiContextOptions = {}): ApiContext {
  const ajv = createAjv();

  const serve = (object: ObjectDescription, surface: Surface): SurfaceObject => {
    const view = viewOf(object, surface);
    return {
      view,
      service: createRecordService(store.records(view)),
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
  const { registry } = store;
  const seed = { Company: seedObject(registry.lookUp('Company')!), Person: seedObject(registry.lookUp('Person')!) };
  const nxt = new Map(registry.all.map((object) => [object.name, serve(object, 'nxt')]));

  return {
    ajv,
    store,
    registry,
    accessKeys,
    seed,
    nxt,
    reader: createNxtReader({
      run: (plan) => store.reportRunner.run(plan),
      runJson: (plan) => store.reportRunner.runJson(plan),
      lookUp: registry.surfaceLookUp('nxt'),
      format: { dateFormat: options.nxtDateFormat ?? 'iso', picklistValues: options.picklistValues ?? 'label' },
    }),
    writer: createNxtWriter(nxt, store.transaction),
    events: createEventService(store.events),
    reports: createReportService({
      repository: store.reports,
      runner: store.reportRunner,
      lookUp: registry.surfaceLookUp(undefined),
      objectNames: registry.names,
      ajv,
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
