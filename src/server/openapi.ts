/**
 * The project's OpenAPI 3.1 document: the seed operations and the documented extensions, built
 * from the same route declarations and schemas the server runs on. Schemas that are named
 * components are emitted as `$ref`s (found by identity), so the document stays readable.
 */
import type { JsonSchema } from '../domain/schemas.js';
import { failureSchema, nxtFailureSchema, successSchema, surfaceOf } from './envelope.js';
import { IDEMPOTENCY_KEY_PARAMETER, isIdempotentOperation, REPLAYED_RESPONSE_HEADER } from './idempotency.js';
import type { RouteSpec } from './route-spec.js';

const RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'Invalid request body or parameters; errorDesc names the field and the problem' },
  401: { name: 'Unauthorized', description: 'Authentication failed or access key is missing' },
  403: { name: 'Forbidden', description: 'The access key lacks the right: it is read-only and the operation writes, or the operation needs an admin key' },
  404: { name: 'NotFound', description: 'The requested resource was not found' },
  406: { name: 'NotAcceptable', description: 'None of the media types in Accept can be produced' },
  409: { name: 'Conflict', description: 'The request conflicts with stored data (duplicate unique value, record still referenced, saved report whose definition is no longer valid)' },
  412: { name: 'PreconditionFailed', description: 'If-Match names no current version of the record (GSAPI_4120); nothing was changed' },
  422: { name: 'IdempotencyKeyReused', description: 'The Idempotency-Key was used for a different request in the last 24 hours (GSAPI_4220)' },
  413: { name: 'PayloadTooLarge', description: 'Request body larger than 1 MiB' },
  415: { name: 'UnsupportedMediaType', description: 'Request body is not JSON' },
  429: { name: 'TooManyRequests', description: 'Over the rate limit of the access key (GU_2400, when rate limits are on); Retry-After says when the window resets' },
  503: { name: 'Unavailable', description: 'The database is unreachable or busy, or the server runs its limit of reports and queries at once (Retry-After); retry' },
};

export interface OpenApiInput {
  readonly seed: Record<string, unknown>;
  readonly version: string;
  readonly routes: readonly RouteSpec[];
  /** Named schemas; any identical object inside a route is replaced by a `$ref`. */
  readonly components: Readonly<Record<string, JsonSchema>>;
}

export function buildOpenApiDocument({ seed, version, routes, components }: OpenApiInput): Record<string, unknown> {
  const names = new Map<unknown, string>(Object.entries(components).map(([name, schema]) => [schema, name]));
  const refOf = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  // Copies a schema, replacing named component schemas (other than `self`) with references.
  const referencing = (schema: unknown, self?: string): unknown => {
    const name = names.get(schema);
    if (name !== undefined && name !== self) return refOf(name);
    if (Array.isArray(schema)) return schema.map((item) => referencing(item));
    if (schema && typeof schema === 'object') {
      return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, referencing(value)]));
    }
    return schema;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const surface = surfaceOf(route.path);
    // NXT operations answer failures in the six-key envelope: their own response components.
    const responsePrefix = surface === 'nxt' ? 'Nxt' : '';
    const idempotent = isIdempotentOperation(route.method, route.access);
    const headers = { ...('headers' in route.response ? route.response.headers : {}), ...(idempotent ? REPLAYED_RESPONSE_HEADER : {}) };
    const parameters = [...(route.parameters ?? []), ...(idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : [])];
    const responses: Record<string, unknown> = {
      '200': {
        description: route.response.description,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        content: {
          'application/json': {
            schema: 'data' in route.response ? referencing(successSchema(surface, route.response.data)) : referencing(route.response.raw),
          },
          ...('alternatives' in route.response
            ? Object.fromEntries(Object.entries(route.response.alternatives ?? {}).map(([type, schema]) => [type, { schema }]))
            : {}),
        },
      },
    };
    const statuses = new Set(route.errorStatuses);
    if (route.access !== 'public') statuses.add(401).add(429);
    if (route.access === 'admin') statuses.add(403);
    if (idempotent) statuses.add(422);
    statuses.add(503);
    for (const status of [...statuses].sort()) {
      responses[String(status)] = { $ref: `#/components/responses/${responsePrefix}${RESPONSES[status]!.name}` };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      description: route.description + (route.extension ? '\n\nExtension: not part of the seed Gainsight contract.' : ''),
      tags: [route.tag],
      ...(route.access === 'public' ? { security: [] } : {}),
      ...(route.extension ? { 'x-extension': true } : {}),
      // Which key an operation needs: any (read), a read-write one (write), an admin one (admin);
      // public needs none.
      'x-access': route.access,
      ...(parameters.length ? { parameters: parameters.map((p) => referencing(p)) } : {}),
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (route.requestBody.contentTypes ?? ['application/json']).map((type) => [
                  type,
                  { schema: referencing(route.requestBody!.schema) },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }

  const seedComponents = (seed.components ?? {}) as Record<string, unknown>;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gainsight REST API (self-hosted server)',
      version,
      description:
        'The seed Gainsight REST API contract, implemented exactly, plus documented extensions ' +
        '(operations marked `x-extension: true`). Every response is an envelope with `requestId`; ' +
        'errors carry `errorCode` and `errorDesc`.',
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'Local server (default address)' }],
    tags: seed.tags,
    security: seed.security,
    paths,
    components: {
      securitySchemes: seedComponents.securitySchemes,
      schemas: {
        ...Object.fromEntries(Object.entries(components).map(([name, schema]) => [name, referencing(schema, name)])),
        // The seed's generic envelope, kept under its seed name.
        ApiResponse: (seedComponents.schemas as Record<string, unknown> | undefined)?.ApiResponse,
        ErrorResponse: failureSchema,
        NxtErrorResponse: nxtFailureSchema,
      },
      responses: Object.fromEntries(
        Object.values(RESPONSES).flatMap(({ name, description }) => [
          [name, { description, content: { 'application/json': { schema: refOf('ErrorResponse') } } }],
          [`Nxt${name}`, { description, content: { 'application/json': { schema: refOf('NxtErrorResponse') } } }],
        ]),
      ),
    },
  };
}
