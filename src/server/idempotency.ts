/**
 * Safe retries with `Idempotency-Key`, as Stripe does them: a write sent again with the same key
 * by the same access key, within 24 hours, is not executed again; the first answer is replayed
 * (status, headers that describe the body, the body byte for byte: its Gsids and its requestId),
 * marked `Idempotent-Replayed: true`. The same key with another request (method, path and query,
 * body, If-Match) is 422 GSAPI_4220.
 *
 * Exactly once, even across nodes and crashes: the key is claimed in a database transaction that
 * also holds the request's writes and, at the end, its answer (idempotency-repository.ts). A
 * duplicate arriving meanwhile waits for that transaction and then replays its answer. Answers
 * below 500 are recorded (a 400 or 409 would be the same again); a 5xx is rolled back with the
 * writes, so the retry runs the request afresh; a node killed half-way leaves nothing behind.
 *
 * Only write operations (access `write`: POST, PUT, PATCH, DELETE) take part; on reads, the POSTs
 * that run reports and queries included, the header is ignored: they are safe to retry as they
 * are. Requests refused before their route runs (authentication, a read-only key, a malformed or
 * oversized body, a malformed key) are not recorded.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { errors } from '../domain/errors.js';
import type { IdempotencyClaim, IdempotencyStore } from '../domain/idempotency.js';
import { failure, surfaceOf } from './envelope.js';
import { toApiError } from './error-handler.js';
import type { Access, HeaderSpec, ParameterSpec } from './route-spec.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Expired keys are deleted at most this often per node (by the first request after it). */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

export const REPLAYED_HEADER = 'idempotent-replayed';

/** The headers recorded with an answer: those describing its body (never per-request ones such as X-Request-Id). */
const RECORDED_HEADERS = ['content-type', 'etag', 'location', 'content-disposition'] as const;

/** Whether an operation takes Idempotency-Key: the writes. */
export function isIdempotentOperation(method: string, access: Access | undefined): boolean {
  return access === 'write' && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
}

/** Documented on every operation isIdempotentOperation accepts (openapi.ts). */
export const IDEMPOTENCY_KEY_PARAMETER: ParameterSpec = {
  name: 'Idempotency-Key',
  in: 'header',
  description:
    'Makes a retry safe: the same key (1 to 255 printable ASCII characters, e.g. a UUID) with the same request ' +
    'within 24 hours replays the first answer (marked Idempotent-Replayed: true) instead of writing again; ' +
    'with a different request it is 422 GSAPI_4220. Keys are per access key.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

export const REPLAYED_RESPONSE_HEADER: Readonly<Record<string, HeaderSpec>> = {
  'Idempotent-Replayed': {
    description: '`true` when this is the recorded answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};

const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;

/** The key, undefined without the header; a malformed one is a 400 naming the header. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw errors.invalidHeader('Idempotency-Key', 'send it once, not repeated');
  if (!KEY_FORMAT.test(header)) {
    throw errors.invalidHeader(
      'Idempotency-Key',
      header === '' ? 'it is empty: send 1 to 255 printable ASCII characters' : `expected 1 to 255 printable ASCII characters, got ${header.length} character(s)` +
        (/[^\x20-\x7e]/.test(header) ? ' including one that is not printable ASCII' : ''),
    );
  }
  return header;
}

/** What makes two requests the same one: method, path with query, body, and If-Match. */
export function requestFingerprint(method: string, url: string, body: unknown, ifMatch: string | string[] | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([method, url, body ?? null, ifMatch ?? null]))
    .digest('base64url');
}

/** The answer's headers worth replaying, as strings. */
export function recordedHeaders(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = String(value);
  }
  return kept;
}

export interface IdempotencyOptions {
  /** For tests of expiry; the system clock otherwise. */
  readonly clock?: () => Date;
  readonly ttlMs?: number;
}

/** Registers Idempotency-Key on the write routes registered after this call. */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore, options: IdempotencyOptions = {}): void {
  const clock = options.clock ?? (() => new Date());
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const claims = new WeakMap<FastifyRequest, IdempotencyClaim>();
  let nextPrune = 0;

  async function pruneIfDue(now: number): Promise<void> {
    if (now < nextPrune) return;
    nextPrune = now + PRUNE_INTERVAL_MS;
    // Expired keys are already treated as free; pruning only keeps the table small.
    await store.prune(new Date(now - ttlMs).toISOString()).catch((error: unknown) => app.log.warn({ err: error }, 'could not prune expired idempotency keys'));
  }

  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!methods.every((method) => isIdempotentOperation(method, route.config?.access))) return;
    const handler = route.handler;
    const idempotent: RouteHandlerMethod = async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      // Authentication ran first (onRequest): write routes always have a principal here.
      if (key === undefined || !request.principal) return handler.call(this, request, reply);
      const now = clock().getTime();
      await pruneIfDue(now);
      const fingerprint = requestFingerprint(request.method, request.url, request.body, request.headers['if-match']);
      const outcome = await store.claim({
        scope: request.principal.keyId,
        key,
        fingerprint,
        at: new Date(now).toISOString(),
        expiredBefore: new Date(now - ttlMs).toISOString(),
      });
      if (outcome.kind === 'recorded') {
        if (outcome.fingerprint !== fingerprint) throw errors.idempotencyKeyReused(key);
        const { status, headers, body } = outcome.response;
        return reply.code(status).headers(headers).header(REPLAYED_HEADER, 'true').send(body);
      }
      claims.set(request, outcome.claim);
      return outcome.claim.run(async () => handler.call(this, request, reply));
    };
    route.handler = idempotent;
  });

  // The answer is final here (serialized, status set): record it with the writes, or roll back.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    const status = reply.statusCode;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : undefined;
    try {
      if (status >= 500) {
        await claim.abandon();
        return payload;
      }
      if (body === undefined) throw new Error('idempotency: a streamed answer cannot be recorded');
      await claim.complete({ status, headers: recordedHeaders(reply.getHeaders()), body }, { keepWrites: status < 400 });
      return payload;
    } catch (error) {
      await claim.abandon().catch(() => undefined);
      // Nothing was committed: the client must not read a success it cannot rely on.
      request.log.error({ err: error }, 'could not record the answer to an idempotent request');
      const apiError = toApiError(error as Error, request);
      reply.removeHeader('etag');
      reply.code(apiError.statusCode).headers(apiError.headers).type('application/json; charset=utf-8');
      return JSON.stringify(failure(surfaceOf(request.url), request.id, apiError.code, apiError.message));
    }
  });

  // Should an answer never reach onSend, the claim's transaction must not stay open.
  app.addHook('onResponse', async (request) => {
    const claim = claims.get(request);
    if (!claim) return;
    claims.delete(request);
    await claim.abandon().catch((error: unknown) => request.log.error({ err: error }, 'could not roll back an idempotent request'));
  });
}
