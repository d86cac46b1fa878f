/**
 * Rate limits per access key, as Gainsight applies them: fixed windows aligned to the clock (a
 * minute window starts at second 0 of each minute, a day window at midnight UTC), each with its
 * own budget of calls. A call over any window's budget is 429 `GU_2400` with `Retry-After`: the
 * seconds until that window starts again.
 *
 * Every call a key makes counts in every window, refused calls included, so a client that keeps
 * calling past its limit also spends its longer windows. The counters live where every node sees
 * them (the database, or Redis): several nodes share one budget per key.
 */
import type { FastifyInstance } from 'fastify';
import { errors } from '../domain/errors.js';
import { exceededWindow, secondsUntilReset, windowAt, type RateCounter, type RateLimitPolicy } from '../domain/rate-limits.js';
import { createDatabaseRateCounter } from '../store/rate-limit-database.js';
import type { Store } from '../store/store.js';

export interface RateLimitOptions {
  readonly policy: RateLimitPolicy;
  readonly counter: RateCounter;
  /** The clock (tests move it to the next window). */
  readonly now?: () => number;
}

/**
 * Counts every call authenticated with a key; public routes (health, documents, metrics) are not
 * limited. Registered after authentication, whose principal names the key.
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  const { policy, counter, now = Date.now } = options;
  app.addHook('onRequest', async (request) => {
    const key = request.principal?.keyId;
    if (request.routeOptions.config.access === 'public' || key === undefined) return;
    const at = now();
    const slots = policy.map((window) => ({ seconds: window.seconds, ...windowAt(at, window.seconds) }));
    const counts = await counter.hit(key, slots);
    const exceeded = counts && exceededWindow(policy, counts);
    if (exceeded) throw errors.rateLimited(secondsUntilReset(at, exceeded.seconds));
  });
  app.addHook('onClose', async () => counter.close());
}

/**
 * The counters of a server: in Redis when `redisUrl` is given (connected and checked now), else
 * in the store's database. `onError`: failures that do not fail a call (sweeps of old counters,
 * a Redis that stopped answering).
 */
export async function openRateCounter(store: Store, redisUrl: string | undefined, onError: (error: unknown) => void): Promise<RateCounter> {
  const report = atMostEvery(ERROR_REPORT_INTERVAL_MS, onError);
  if (!redisUrl) return createDatabaseRateCounter(store.database, { onBackgroundError: report });
  // Loaded only here: a server without Redis never loads its client.
  const { openRedisRateCounter } = await import('../store/rate-limit-redis.js');
  return openRedisRateCounter(redisUrl, { onError: report });
}

/** While Redis is down every call fails to count: one report per interval, not one per call. */
const ERROR_REPORT_INTERVAL_MS = 10_000;

function atMostEvery(intervalMs: number, report: (error: unknown) => void): (error: unknown) => void {
  let last = -Infinity;
  return (error) => {
    if (Date.now() - last < intervalMs) return;
    last = Date.now();
    report(error);
  };
}
