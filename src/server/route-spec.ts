/**
 * Routes are declared once, as data: the same declaration registers the Fastify route (with a
 * response schema, so replies are serialized by fast-json-stringify), validates its request body
 * with the body's schema, decides who may call it, and becomes an operation of the served
 * OpenAPI document.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../domain/errors.js';
import type { JsonSchema } from '../domain/schemas.js';
import { JsonText } from '../domain/persistence.js';
import { failureSchemaOf, success, successSchema, successText, surfaceOf } from './envelope.js';
import { negotiate } from './negotiate.js';
import { requestBodyValidator } from '../domain/body-validation.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `public`: no key (health, docs); `read`: any key; `write`: a key that is not read-only;
 * `admin`: a key created with `--admin` (or GS_ACCESS_KEY), for operator controls.
 */
export type Access = 'public' | 'read' | 'write' | 'admin';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ParameterSpec {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** OpenAPI style: `/v1/companies/{companyId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tag: string;
  readonly access: Access;
  /**
   * Expensive (runs a report or a query): counted against the bound on heavy requests, and
   * refused with 503 when the server already runs that many (limits.ts).
   */
  readonly heavy?: boolean;
  /** True for operations that are not in the seed spec. */
  readonly extension?: boolean;
  readonly parameters?: readonly ParameterSpec[];
  readonly requestBody?: RequestBodySpec;
  /** `data` is wrapped in the success envelope; `raw` is sent as is (e.g. the OpenAPI document). */
  readonly response:
    | {
        readonly description: string;
        readonly data: JsonSchema;
        readonly alternatives?: Readonly<Record<string, JsonSchema>>;
        /** Response headers the operation sets (documented; the handler sets them), e.g. ETag. */
        readonly headers?: Readonly<Record<string, HeaderSpec>>;
      }
    | { readonly description: string; readonly raw: JsonSchema };
  /** Failure statuses this operation can answer (401 is implied for non-public routes). */
  readonly errorStatuses: readonly number[];
  readonly handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export interface HeaderSpec {
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface RequestBodySpec {
  /**
   * The body's JSON Schema: registerRoutes compiles it once and rejects a body that does not
   * match before the handler runs (errors name the path in the body: `definition.limit`).
   */
  readonly schema: JsonSchema;
  readonly contentTypes?: readonly string[];
  /**
   * `false` only when the handler itself validates the body with a validator compiled from this
   * very schema object (and needs knowledge the schema lacks to word its errors); the schema
   * then only documents the body. Defaults to true.
   */
  readonly validate?: boolean;
}

/**
 * The request body and the handler of a route, bound together: the handler gets the body typed
 * as the schema describes it, because registerRoutes has validated it against that schema.
 */
export function withBody<S extends TSchema>(
  schema: S,
  handler: (body: Static<S>, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  options: { readonly contentTypes?: readonly string[] } = {},
): Pick<RouteSpec, 'requestBody' | 'handler'> {
  return {
    requestBody: { schema, ...options },
    handler: (request, reply) => handler(request.body as Static<S>, request, reply),
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function toFastifyUrl(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Registers the routes. Each request body schema is compiled once, here, with the app's Ajv, and
 * enforced in the handler wrapper (after content negotiation, before the route's handler), so a
 * bad body leaves through the error handler as our envelope. Fastify's own body validation is
 * not used: it would answer in its own words.
 */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[], ajv: Ajv2020): void {
  for (const route of routes) {
    const enveloped = 'data' in route.response;
    const surface = surfaceOf(route.path);
    const offered = ['application/json', ...Object.keys(('alternatives' in route.response && route.response.alternatives) || {})];
    const validateBody = requestBodyValidator(ajv, route.requestBody);
    const handler: RouteSpec['handler'] = validateBody
      ? async (request, reply) => {
          validateBody(request.body);
          return route.handler(request, reply);
        }
      : route.handler;
    app.route({
      method: route.method,
      url: toFastifyUrl(route.path),
      config: { access: route.access, heavy: route.heavy === true },
      schema: {
        response: {
          ...(enveloped ? { 200: successSchema(surface, (route.response as { data: JsonSchema }).data) } : {}),
          '4xx': failureSchemaOf(surface),
          '5xx': failureSchemaOf(surface),
        },
      },
      handler: enveloped
        ? async (request, reply) => {
            const accept = request.headers.accept;
            if (accept !== undefined && accept !== '*/*' && !negotiate(accept, offered)) throw errors.notAcceptable(offered);
            const data = await handler(request, reply);
            // A handler that sent another representation itself (CSV) returns the reply.
            if (reply.sent) return reply;
            // JSON the store built is spliced into the envelope, not parsed and serialized again.
            if (data instanceof JsonText) return reply.type(JSON_TYPE).send(successText(surface, request.id, data));
            return success(surface, request.id, data);
          }
        : handler,
    });
  }
  registerMethodNotAllowed(app, routes);
}

/** A known path with an unsupported method answers 405 with `Allow`, not a misleading 404. */
function registerMethodNotAllowed(app: FastifyInstance, routes: readonly RouteSpec[]): void {
  const methodsByPath = new Map<string, Set<HttpMethod>>();
  for (const route of routes) {
    const methods = methodsByPath.get(route.path) ?? new Set<HttpMethod>();
    methods.add(route.method);
    methodsByPath.set(route.path, methods);
  }
  const all: (HttpMethod | 'OPTIONS')[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  for (const [path, methods] of methodsByPath) {
    const missing = all.filter((method) => !methods.has(method as HttpMethod));
    if (missing.length === 0) continue;
    const allowed: string[] = all.filter((method) => methods.has(method as HttpMethod));
    if (methods.has('GET')) allowed.push('HEAD');
    const access = [...routes].find((route) => route.path === path)!.access === 'public' ? 'public' : 'read';
    app.route({
      method: missing,
      url: toFastifyUrl(path),
      config: { access },
      schema: { response: { '4xx': failureSchemaOf(surfaceOf(path)) } },
      handler: async (request) => {
        throw errors.methodNotAllowed(request.method, path, allowed);
      },
    });
  }
}
