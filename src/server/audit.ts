/**
 * The audit trail: every successful write request, on every surface, leaves an entry naming the
 * key that made it (name and public id, never the key), the method and route, the object and the
 * Gsids written, the status, the time and the request id.
 *
 * Off the hot path: an entry is built after the answer has been sent (onResponse) and kept in
 * memory; entries are written in batches (one INSERT per second at most, or per 100 entries), so a
 * write request never waits for its audit entry. The price: entries of the last second are lost
 * if the process dies (a graceful stop writes them), and an entry is dropped, with a warning in
 * the log, when the database refuses it. An admin listing writes this node's pending entries first.
 *
 * Bounded: after a batch, at most once an hour per node, entries older than the retention period
 * (default 90 days) are deleted, and all but the newest `maxRows` (default 1,000,000).
 *
 * A "write" is a POST, PUT, PATCH or DELETE on a route declared `write` or `admin` (running a
 * report or a query is a read); "successful" is a 2xx answer that is not an Idempotency-Key
 * replay (a replay writes nothing).
 */
import { AsyncResource } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { auditRoutes } from '../api/admin/audit-routes.js';
import type { ObjectRegistry } from '../domain/registry.js';
import { createAuditRepository, type AuditEntry, type AuditQuery, type AuditRepository } from '../store/audit-repository.js';
import type { Store } from '../store/store.js';
import { REPLAYED_HEADER } from './idempotency.js';
import { routeTemplate } from './request-route.js';
import type { RouteSpec } from './route-spec.js';

export interface AuditOptions {
  /** Entries older than this many days are deleted (default 90). */
  readonly retentionDays?: number;
  /** At most this many entries are kept, the newest (default 1,000,000). */
  readonly maxRows?: number;
  /** How long an entry may wait in memory before its batch is written (default 1000 ms). */
  readonly flushIntervalMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
export const DEFAULT_AUDIT_MAX_ROWS = 1_000_000;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BATCH_SIZE = 100;
// While the database refuses entries, memory holds at most this many; older ones are dropped.
const MAX_PENDING = 10_000;
const PRUNE_INTERVAL_MS = 3_600_000;
const MAX_RECORD_IDS = 100;
// Answers larger than this are not parsed for Gsids (the path's ids are still recorded).
const MAX_PARSED_ANSWER = 1_048_576;

/** Routes whose object is not a path parameter, by path prefix. */
const ROUTE_OBJECTS: readonly (readonly [string, string])[] = [
  ['/v1/companies', 'Company'],
  ['/v1/people', 'Person'],
  ['/v1/reports', 'report'],
  ['/v1/users/services', 'gsuser'],
  ['/v1.0/api/people', 'Person'],
  ['/v1/peoplemgmt/v1.0/people', 'Person'],
  ['/v1.0/api/eventManager/event', 'event'],
];

export interface AuditTrail {
  /** Queues an entry; never throws, never waits. */
  record(entry: AuditEntry): void;
  /** Writes the queued entries (and prunes when due). */
  flush(): Promise<void>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export function createAuditTrail(repository: AuditRepository, log: FastifyBaseLogger, options: AuditOptions = {}): AuditTrail {
  const now = options.now ?? Date.now;
  const retentionMs = (options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS) * 86_400_000;
  const maxRows = options.maxRows ?? DEFAULT_AUDIT_MAX_ROWS;
  const interval = options.flushIntervalMs ?? 1000;
  let pending: AuditEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let lastPruned = -Infinity;

  const write = async (batch: AuditEntry[]) => {
    try {
      await repository.append(batch);
    } catch (error) {
      log.warn({ err: error, entries: batch.length }, 'could not write audit entries; they are lost');
      return;
    }
    if (now() - lastPruned < PRUNE_INTERVAL_MS) return;
    lastPruned = now();
    try {
      const removed = await repository.prune(new Date(now() - retentionMs).toISOString(), maxRows);
      if (removed > 0) log.info({ removed }, 'pruned the audit trail');
    } catch (error) {
      log.warn({ err: error }, 'could not prune the audit trail');
    }
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    // One batch at a time, in order.
    writing = writing.then(() => (batch.length > 0 ? write(batch) : undefined));
    return writing;
  };

  // record() is called while a request is answered, inside its async context: a write started
  // there would join that request's transaction (an Idempotency-Key's holds the SQLite connection)
  // and wait for the connection it holds. Batches are written in the context the trail was made in.
  const flushOutsideRequest = AsyncResource.bind(() => void flush());

  return {
    record(entry) {
      pending.push(entry);
      if (pending.length > MAX_PENDING) {
        const dropped = pending.splice(0, pending.length - MAX_PENDING);
        log.warn({ entries: dropped.length }, 'audit entries dropped: too many waiting to be written');
      }
      if (pending.length >= BATCH_SIZE) flushOutsideRequest();
      else if (!timer) {
        timer = setTimeout(flushOutsideRequest, interval);
        timer.unref();
      }
    },
    flush,
    async list(query) {
      await flush();
      return repository.list(query);
    },
    close: flush,
  };
}

/**
 * Records successful writes from now on and answers the admin routes that read the trail (to be
 * registered with the others).
 */
export function registerAudit(app: FastifyInstance, store: Store, options: AuditOptions = {}): RouteSpec[] {
  const trail = createAuditTrail(createAuditRepository(store.database), app.log, options);
  const now = options.now ?? Date.now;
  const answers = new WeakMap<FastifyRequest, unknown>();

  const audited = (request: FastifyRequest) => {
    const access = request.routeOptions.config.access;
    return WRITE_METHODS.has(request.method) && (access === 'write' || access === 'admin') && request.principal !== undefined;
  };

  app.addHook('onSend', async (request, reply, payload) => {
    if (audited(request) && reply.statusCode < 300) answers.set(request, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!audited(request) || reply.statusCode < 200 || reply.statusCode >= 300 || reply.getHeader(REPLAYED_HEADER) !== undefined) return;
    const principal = request.principal!;
    const params = (request.params ?? {}) as Record<string, string>;
    const route = routeTemplate(request) ?? request.routeOptions.url ?? '';
    const object = objectOf(route, params, store.registry);
    trail.record({
      at: new Date(now()).toISOString(),
      requestId: request.id,
      keyId: principal.keyId,
      keyName: principal.name,
      method: request.method,
      route,
      ...(object !== undefined ? { object } : {}),
      recordIds: recordIdsOf(params, answers.get(request)),
      status: reply.statusCode,
    });
  });
  app.addHook('onClose', async () => trail.close());

  return auditRoutes(trail, (name) => store.registry.find(name)?.name ?? name);
}

function objectOf(route: string, params: Record<string, string>, registry: ObjectRegistry): string | undefined {
  if (typeof params.object === 'string') return registry.find(params.object)?.name ?? params.object;
  return ROUTE_OBJECTS.find(([prefix]) => route === prefix || route.startsWith(`${prefix}/`))?.[1];
}

/** Ids in the path (`companyId`, `id`, `gsid`) and the Gsids the answer names (`data.Gsid`, `data.records[].Gsid`). */
export function recordIdsOf(params: Record<string, string>, answer: unknown): string[] {
  const ids = new Set<string>();
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && /^(id|gsid)$|Id$/i.test(name)) ids.add(value);
  }
  if (typeof answer === 'string' && answer.length <= MAX_PARSED_ANSWER && answer.startsWith('{')) {
    let data: unknown;
    try {
      data = (JSON.parse(answer) as { data?: unknown }).data;
    } catch {
      data = undefined;
    }
    if (data && typeof data === 'object') {
      const { Gsid, records } = data as { Gsid?: unknown; records?: unknown };
      if (typeof Gsid === 'string') ids.add(Gsid);
      if (Array.isArray(records)) {
        for (const record of records) {
          if (ids.size >= MAX_RECORD_IDS) break;
          const id = (record as { Gsid?: unknown } | null)?.Gsid;
          if (typeof id === 'string') ids.add(id);
        }
      }
    }
  }
  return [...ids].slice(0, MAX_RECORD_IDS);
}
