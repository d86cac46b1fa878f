/**
 * When and how long to wait before sending a request again: pure functions, so the policy is
 * tested on its own and the transport only applies it.
 */

export interface RetryOptions {
  /** Retries after the first attempt (default 3); 0 disables retrying. */
  readonly retries?: number;
  /** First backoff ceiling in milliseconds (default 250); doubles at each retry. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling in milliseconds (default 10,000). */
  readonly maxDelayMs?: number;
  /**
   * Longest Retry-After the client will wait, in milliseconds (default 60,000). An answer asking
   * for more is thrown at once (the error carries `retryAfterMs`) rather than blocking the caller.
   */
  readonly maxRetryAfterMs?: number;
}

export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  const given = options === false ? { retries: 0 } : (options ?? {});
  const policy = {
    retries: given.retries ?? 3,
    baseDelayMs: given.baseDelayMs ?? 250,
    maxDelayMs: given.maxDelayMs ?? 10_000,
    maxRetryAfterMs: given.maxRetryAfterMs ?? 60_000,
  };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be a number >= 0, got ${value}`);
  }
  if (!Number.isInteger(policy.retries)) throw new RangeError(`retry.retries must be an integer, got ${policy.retries}`);
  return policy;
}

/** HTTP statuses that say "the same request may succeed later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110 section 10.2.3); a date in
 * the past is 0. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP date format names its month; without that check Date.parse takes "-1" for a year.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Exponential backoff with full jitter (a uniformly random wait between 0 and the ceiling), so
 * that many clients failing together do not retry together. `retry` counts from 0.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
