/**
 * `buildApp` assembles one server: no module-level state, so tests build one per suite.
 *
 * Request life cycle: request id -> authentication (auth.ts, before the body is even read, so a
 * missing key is 401 whatever else is wrong) -> body parsing (body-parser.ts: 415/413/400) ->
 * handler (validation, then lookup) -> envelope (route-spec.ts). Every error, including unknown
 * paths, leaves as a failure envelope (error-handler.ts).
 */
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyBaseLogger,
} from 'fastify';
import { companyRoutes } from '../api/companies/routes.js';
import { createApiContext, type DateFormat, type PicklistValues } from '../api/context.js';
import { createSandbox, type SandboxOptions } from '../api/sandbox/index.js';
import { nxtRoutes } from '../api/nxt/index.js';
import { personRoutes } from '../api/people/routes.js';
import { reportRoutes } from '../api/reports/routes.js';
import { systemRoutes } from '../api/system/routes.js';
import { createAccessKeyService, type AccessKeyService } from '../domain/access-keys.js';
import { errors } from '../domain/errors.js';
import { loadSeedSpec, packageVersion } from '../spec.js';
import type { Store } from '../store/store.js';
import { registerAuthentication } from './auth.js';
import { DEFAULT_LIMITS, registerLimits, serverOptions, urlTooLong, type ServerLimits } from './limits.js';
import { registerJsonBodyParser } from './body-parser.js';
import { BODY_LIMIT_BYTES, handleError, sendFailure } from './error-handler.js';
import { buildOpenApiDocument } from './openapi.js';
import { lazySerializers } from './lazy-serializers.js';
import { redactUrl } from './redact-url.js';
import { registerDocs } from './docs.js';
import { registerMetrics, type MetricsRegistration } from './metrics.js';
import { routeTemplate } from './request-route.js';
import { registerRateLimit, type RateLimitOptions } from './rate-limit.js';
import { trackRoutes } from './route-inventory.js';
import { registerRoutes, type RouteSpec } from './route-spec.js';
import { registerSecurityHeaders, type CorsOrigins } from './security-headers.js';
import { registerAudit, type AuditOptions } from './audit.js';
import { checkSeedConformance } from './seed-conformance.js';
import { registerIdempotency, type IdempotencyOptions } from './idempotency.js';

export interface AppOptions {
  readonly store: Store;
  /** Defaults to a service over the store's keys with GS_ACCESS_KEY from `bootstrapKey`. */
  readonly accessKeys?: AccessKeyService;
  readonly bootstrapKey?: string;
  /** A pino logger; without one the app logs nothing (tests). */
  readonly logger?: FastifyBaseLogger;
  /** How the NXT surface writes DATE and DATETIME values (`iso` unless set). */
  readonly nxtDateFormat?: DateFormat;
  /** How the NXT surface reads picklist values (default: their labels). */
  readonly picklistValues?: PicklistValues;
  /** Prometheus metrics (metrics.ts); none unless given. */
  readonly metrics?: MetricsRegistration;
  /** Sizes, timeouts and the bound on heavy requests (limits.ts); DEFAULT_LIMITS for those not given. */
  readonly limits?: Partial<ServerLimits>;
  /** Rate limits per access key (rate-limit.ts); none unless given. The app closes the counter. */
  readonly rateLimit?: RateLimitOptions;
  /** Origins allowed to call cross-origin (CORS); none unless given. */
  readonly corsOrigins?: CorsOrigins;
  /** Retention and batching of the audit trail of writes (audit.ts); its defaults unless given. */
  readonly audit?: AuditOptions;
  /** Idempotency-Key's clock and lifetime (idempotency.ts); the system clock and 24 hours unless given. */
  readonly idempotency?: IdempotencyOptions;
  /** The sandbox controls under /v1/_sandbox/ (api/sandbox); without it they do not exist. */
  readonly sandbox?: SandboxOptions;
}

// A client may pass its own request id (for tracing across services) if it is short and plain.
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One log line per request, written when it completes (Fastify's default writes two), with the
 * request id (the logger's binding), the route it matched and the NAME of the key that
 * authenticated it. Never a key, a body or a header's value.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Never a secret in the log, even when a client puts its key in the query string.
    const line = {
      method: request.method,
      route: routeTemplate(request),
      url: redactUrl(request.url),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      keyName: request.principal?.name,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Set right after the app exists (the service logs through the app's logger).
  const late: { accessKeys?: AccessKeyService } = {};
  const app = Fastify({
    ...serverOptions(limits),
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // The request id is logged under the name the envelope gives it.
    logController: new OneLinePerRequest({ requestIdLogLabel: 'requestId' }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Answered by our own hook below, with an envelope.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
    // Requests Fastify cannot even route (a malformed %-escape in the URL) still get an envelope,
    // a request id, and authentication first.
    frameworkErrors: (error, request, rawReply) => {
      const reply = rawReply as FastifyReply;
      // A path too long for the router (a parameter over its length) is first a URL too long.
      const tooLong = urlTooLong(request.url, limits);
      if (tooLong) return sendFailure(reply, request, tooLong);
      const presented = request.headers.accesskey;
      void (typeof presented === 'string' && presented !== '' ? late.accessKeys!.authenticate(presented) : Promise.resolve(undefined))
        .catch(() => undefined)
        .then((principal) => {
          const apiError = principal
            ? errors.badRequest(`Malformed request URL: ${error.message}`)
            : errors.unauthorized('Missing, invalid or revoked access key');
          sendFailure(reply, request, apiError);
        });
    },
  });

  trackRoutes(app);

  const accessKeys =
    options.accessKeys ??
    createAccessKeyService(store.keys, {
      bootstrapKey: options.bootstrapKey,
      onBackgroundError: (error) => app.log.warn({ err: error }, 'could not record access key use'),
    });
  late.accessKeys = accessKeys;
  const context = createApiContext(store, accessKeys, { nxtDateFormat: options.nxtDateFormat, picklistValues: options.picklistValues });

  registerJsonBodyParser(app);
  // Before any route exists: a route takes the error handler in force when it is registered.
  app.setErrorHandler(handleError);
  // First of the onRequest hooks: every answer carries them, refusals included.
  await registerSecurityHeaders(app, { corsOrigins: options.corsOrigins });

  // While shutting down, in-flight requests finish; new ones (on kept-alive connections) are told
  // to go elsewhere, and their connection is closed.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      throw errors.unavailable('The server is shutting down; retry the request');
    }
  });
  registerLimits(app, limits);
  registerAuthentication(app, accessKeys);
  if (options.rateLimit) registerRateLimit(app, options.rateLimit);
  // After authentication: fault rules match on the key's name. `routes` is read at request time.
  const sandboxRoutes: RouteSpec[] = options.sandbox ? createSandbox(app, { store, accessKeys, options: options.sandbox, routes: () => routes }) : [];
  app.setNotFoundHandler({}, async (request) => {
    throw errors.routeNotFound(request.method, request.url.split('?')[0]!);
  });

  const apiRoutes = [...companyRoutes(context), ...personRoutes(context), ...reportRoutes(context.reports)];
  const seed = loadSeedSpec();
  const problems = checkSeedConformance(seed, apiRoutes, {
    Company: context.seed.Company.view,
    CompanyInput: context.seed.Company.view,
    Person: context.seed.Person.view,
  });
  if (problems.length > 0) throw new Error(`The server does not cover the seed contract:\n- ${problems.join('\n- ')}`);

  let openApiJson = '';
  // Successful writes leave an audit entry, written after their answer; admins read the trail.
  const auditRouteSpecs = registerAudit(app, store, options.audit);
  const routes = [...apiRoutes, ...nxtRoutes(context), ...systemRoutes(store, () => openApiJson), ...sandboxRoutes, ...auditRouteSpecs];
  openApiJson = JSON.stringify(
    buildOpenApiDocument({ seed, version: packageVersion(), routes, components: context.components }),
  );
  if (options.metrics) registerMetrics(app, store, options.metrics);
  registerDocs(app);
  registerIdempotency(app, store.idempotency, options.idempotency);
  registerRoutes(app, routes, context.ajv);

  await app.ready();
  return app;
}
