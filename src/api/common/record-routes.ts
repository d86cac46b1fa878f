/**
 * The CRUD surface of one object (list, create, get, PUT, PATCH, DELETE), declared once and used
 * for Company and Person. Handlers stay thin: check the id, validate the body, call the service.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ObjectDescription } from '../../domain/object-model.js';
import type { JsonText, Precondition } from '../../domain/persistence.js';
import { assertGsid, type RecordService } from '../../domain/record-service.js';
import { fieldSchema, type JsonSchema, type WriteMode } from '../../domain/schemas.js';
import type { RecordValidator } from '../../domain/validation.js';
import { entityTag, ifMatchHolds, parseIfMatch } from '../../server/etag.js';
import type { HeaderSpec, ParameterSpec, RouteSpec } from '../../server/route-spec.js';
import { pagingParameters, parsePaging, singleParam, type Query } from './query.js';

export type Operation = 'list' | 'create' | 'get' | 'replace' | 'patch' | 'delete';

export interface RecordRoutesOptions {
  readonly service: RecordService;
  readonly validators: Record<WriteMode, RecordValidator>;
  readonly collectionPath: string;
  readonly idParam: string;
  readonly tag: string;
  /** Operations that are in the seed spec; the others are documented as extensions. */
  readonly seedOperations: ReadonlySet<Operation>;
  /** Fields the list can be filtered on with `?Field=value` (equality). */
  readonly listFilters?: readonly string[];
  readonly schemas: { readonly record: JsonSchema } & Record<'create' | 'replace' | 'patch', JsonSchema>;
}

const MERGE_PATCH = 'application/merge-patch+json';

/** Optimistic concurrency (etag.ts): single-record answers carry the record's ETag... */
const ETAG_HEADER: Readonly<Record<string, HeaderSpec>> = {
  ETag: {
    description: 'Strong entity tag of the record as answered; send it in If-Match to change only this version',
    schema: { type: 'string' },
  },
};

/** ...and writes to one record may require it to be unchanged. */
const IF_MATCH: ParameterSpec = {
  name: 'If-Match',
  in: 'header',
  description:
    'Write only if the record is still this version: its ETag (or a list of them). `*` matches any existing record. ' +
    'A stale tag answers 412 GSAPI_4120 and changes nothing; without the header the write is unconditional.',
  schema: { type: 'string' },
};

/** The write's precondition from If-Match; none without the header, or for `*` (any existing record). */
function preconditionOf(request: FastifyRequest): Precondition | undefined {
  const condition = parseIfMatch(request.headers['if-match']);
  if (!condition || condition.any) return undefined;
  return (current) => ifMatchHolds(condition, current);
}

function withEntityTag(reply: FastifyReply, record: JsonText): JsonText {
  reply.header('etag', entityTag(record.text));
  return record;
}

/**
 * The write bodies opt out of registerRoutes' generic body validation (`validate: false`): the
 * handlers validate them with `validators`, compiled by compileRecordValidators from the same
 * object description as these schemas, and that validator words its errors with the object's
 * metadata the generic mapping lacks (read-only fields, "did you mean", Gsid, date and email
 * errors, at-least-one-of rules).
 */
const VALIDATED_BY_HANDLER = { validate: false } as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function recordRoutes(options: RecordRoutesOptions): RouteSpec[] {
  const { service, validators, collectionPath, idParam, tag, seedOperations, schemas } = options;
  const object: ObjectDescription = service.object;
  const singular = object.name.toLowerCase();
  const itemPath = `${collectionPath}/{${idParam}}`;
  const idParameter: ParameterSpec = {
    name: idParam,
    in: 'path',
    required: true,
    description: `Gsid of the ${singular}: 36 upper-case letters and digits`,
    schema: { type: 'string' },
  };
  const filterParameters: ParameterSpec[] = (options.listFilters ?? []).map((name) => ({
    name,
    in: 'query',
    description: `Only ${object.plural} whose ${name} equals this value (extension)`,
    schema: fieldSchema(object.fieldByName.get(name)!),
  }));

  const idOf = (request: FastifyRequest): string => {
    const id = (request.params as Record<string, string>)[idParam];
    assertGsid(idParam, id);
    return id;
  };

  const common = (operation: Operation) => ({ tag, extension: !seedOperations.has(operation) });
  const listSchema: JsonSchema = {
    type: 'object',
    properties: {
      records: { type: 'array', items: schemas.record },
      totalCount: { type: 'integer', description: `Number of ${object.plural} matching the request, over all pages` },
    },
    required: ['records', 'totalCount'],
  };

  return [
    {
      ...common('list'),
      method: 'GET',
      path: collectionPath,
      operationId: `list${capitalize(object.plural)}`,
      summary: `Gainsight List ${object.plural}`,
      description: `Retrieve a page of ${singular} records, oldest first (CreatedDate, then Gsid).`,
      access: 'read',
      parameters: [...pagingParameters, ...filterParameters],
      response: { description: `List of ${object.plural} returned successfully`, data: listSchema },
      errorStatuses: [400],
      handler: async (request) => {
        const query = request.query as Query;
        const paging = parsePaging(query);
        const equals: Record<string, string> = {};
        for (const name of options.listFilters ?? []) {
          const value = singleParam(query, name);
          if (value === undefined) continue;
          if (object.fieldByName.get(name)!.type === 'gsid') assertGsid(name, value);
          equals[name] = value;
        }
        return service.listJson({ ...paging, equals });
      },
    },
    {
      ...common('create'),
      method: 'POST',
      path: collectionPath,
      operationId: `create${object.name}`,
      summary: `Gainsight Create a ${singular}`,
      description: `Create a new ${singular} record. Answers the stored record, with its Gsid and timestamps.`,
      access: 'write',
      requestBody: { schema: schemas.create, ...VALIDATED_BY_HANDLER },
      response: { description: `${object.name} created successfully`, data: schemas.record },
      errorStatuses: [400, 403, 409, 413, 415],
      handler: async (request) => service.create(validators.create(request.body)),
    },
    {
      ...common('get'),
      method: 'GET',
      path: itemPath,
      operationId: `get${object.name}`,
      summary: `Gainsight Get a ${singular}`,
      description: `Retrieve a specific ${singular} record by ID.`,
      access: 'read',
      parameters: [idParameter],
      response: { description: `${object.name} details returned`, data: schemas.record, headers: ETAG_HEADER },
      errorStatuses: [400, 404],
      handler: async (request, reply) => withEntityTag(reply, await service.getJson(idOf(request))),
    },
    {
      ...common('replace'),
      method: 'PUT',
      path: itemPath,
      operationId: `update${object.name}`,
      summary: `Gainsight Update a ${singular}`,
      description:
        `Update an existing ${singular} record: the fields in the body are set, all others keep their values. ` +
        `Answers the updated record.`,
      access: 'write',
      parameters: [idParameter, IF_MATCH],
      requestBody: { schema: schemas.replace, ...VALIDATED_BY_HANDLER },
      response: { description: `${object.name} updated successfully`, data: schemas.record, headers: ETAG_HEADER },
      errorStatuses: [400, 403, 404, 409, 412, 413, 415],
      handler: async (request, reply) => {
        const id = idOf(request);
        const precondition = preconditionOf(request);
        return withEntityTag(reply, await service.updateJson(id, validators.replace(request.body), precondition));
      },
    },
    {
      ...common('patch'),
      method: 'PATCH',
      path: itemPath,
      operationId: `patch${object.name}`,
      summary: `Partially update a ${singular} (JSON merge patch)`,
      description:
        'JSON merge patch (RFC 7396): fields in the body are set, `null` clears a field, absent fields keep their ' +
        'values. Required fields cannot be cleared. Accepts application/json and application/merge-patch+json.',
      access: 'write',
      parameters: [idParameter, IF_MATCH],
      requestBody: { schema: schemas.patch, contentTypes: ['application/json', MERGE_PATCH], ...VALIDATED_BY_HANDLER },
      response: { description: `${object.name} updated successfully`, data: schemas.record, headers: ETAG_HEADER },
      errorStatuses: [400, 403, 404, 409, 412, 413, 415],
      handler: async (request, reply) => {
        const id = idOf(request);
        const precondition = preconditionOf(request);
        return withEntityTag(reply, await service.updateJson(id, validators.patch(request.body), precondition));
      },
    },
    {
      ...common('delete'),
      method: 'DELETE',
      path: itemPath,
      operationId: `delete${object.name}`,
      summary: `Gainsight Delete a ${singular}`,
      description: `Delete a ${singular} record by ID. Answers \`data: {Gsid}\`.`,
      access: 'write',
      parameters: [idParameter, IF_MATCH],
      response: {
        description: `${object.name} deleted successfully`,
        data: { type: 'object', properties: { Gsid: { type: 'string' } }, required: ['Gsid'] },
      },
      errorStatuses: [400, 403, 404, 409, 412],
      handler: async (request) => {
        const id = idOf(request);
        return service.delete(id, { precondition: preconditionOf(request) });
      },
    },
  ];
}
