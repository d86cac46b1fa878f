/**
 * Rate-limit counters in Redis (when REDIS_URL is set): every node counts into the same keys, so
 * the nodes share one budget per access key without a database write per call.
 *
 * One round trip per call: a MULTI with INCR and PEXPIREAT for each window, so the count and its
 * expiry are set together (a key never outlives its window by more than a second's slack).
 *
 * A Redis outage does not stop the API: while Redis cannot answer, calls are let through
 * uncounted and each failure is reported (logged as a warning by the server). Commands fail fast
 * instead of queueing while disconnected, so a call never waits for Redis to come back.
 */
import { Redis } from 'ioredis';
import type { CounterSlot, RateCounter } from '../domain/rate-limits.js';

export interface RedisRateCounterOptions {
  /** A failure to count (Redis unreachable or refusing); the call it was for is let through. */
  readonly onError?: (error: unknown) => void;
  /** Prefix of every key this server writes (tests isolate themselves with it). */
  readonly keyPrefix?: string;
}

/** Connection and command timeouts: a rate-limit check must not hold a request up for long. */
const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 1_000;

export const DEFAULT_REDIS_KEY_PREFIX = 'gsapi:rate:';

/**
 * Connects and checks that Redis answers (a wrong REDIS_URL stops the start, it is not found
 * at the first call).
 */
export async function openRedisRateCounter(url: string, options: RedisRateCounterOptions = {}): Promise<RateCounter> {
  const { onError = () => {}, keyPrefix = DEFAULT_REDIS_KEY_PREFIX } = options;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  // Without a listener ioredis reports connection errors on stderr; they reach onError through
  // the failing calls instead.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${redactRedisUrl(url)} does not answer: ${(error as Error).message}`);
  }

  return {
    async hit(subject: string, slots: readonly CounterSlot[]) {
      const multi = redis.multi();
      for (const slot of slots) {
        const key = `${keyPrefix}${subject}:${slot.seconds}:${slot.startMs}`;
        // A second past the window's end: clocks of the nodes and of Redis differ a little.
        multi.incr(key).pexpireat(key, slot.endMs + 1000);
      }
      try {
        const results = await multi.exec();
        if (!results) throw new Error('Redis discarded the transaction');
        return slots.map((_, index) => {
          const [error, count] = results[index * 2]!;
          if (error) throw error;
          return Number(count);
        });
      } catch (error) {
        onError(error);
        return undefined;
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}
