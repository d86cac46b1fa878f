/**
 * Rate limits per access key, as Gainsight applies them: fixed windows aligned to the clock (a
 * minute window starts at second 0 of each minute, a day window at midnight UTC), each with its
 * own budget of calls. The policy, its syntax and the window arithmetic; the HTTP side is
 * server/rate-limit.ts, the counters are in the store (database) or Redis.
 */

/** One fixed window: at most `limit` calls per `seconds`. */
export interface RateWindow {
  readonly limit: number;
  readonly seconds: number;
}

export type RateLimitPolicy = readonly RateWindow[];

/** Gainsight's documented limits: 100 calls a minute and 50,000 a day per access key. */
export const GAINSIGHT_RATE_LIMITS: RateLimitPolicy = [
  { limit: 100, seconds: 60 },
  { limit: 50_000, seconds: 86_400 },
];

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  second: 1,
  min: 60,
  minute: 60,
  h: 3600,
  hour: 3600,
  d: 86_400,
  day: 86_400,
};

export const RATE_LIMIT_SYNTAX = 'off, gainsight, or calls per unit such as 600/min,100000/day (units: s, min, h, day)';

/**
 * Reads a rate-limit setting: `off` (or empty) is no limit, `gainsight` is Gainsight's limits,
 * else comma-separated `CALLS/UNIT`. Throws an Error saying what is wrong.
 */
export function parseRateLimit(text: string): RateLimitPolicy | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'off') return undefined;
  if (trimmed === 'gainsight') return GAINSIGHT_RATE_LIMITS;
  const windows: RateWindow[] = [];
  for (const part of trimmed.split(',')) {
    const match = /^\s*(\d{1,9})\s*\/\s*([a-z]+)\s*$/.exec(part);
    const seconds = match ? UNIT_SECONDS[match[2]!] : undefined;
    if (!match || seconds === undefined) throw new Error(`expected ${RATE_LIMIT_SYNTAX}; cannot read ${JSON.stringify(part.trim())}`);
    const limit = Number(match[1]);
    if (limit < 1) throw new Error(`a limit must allow at least 1 call, got ${JSON.stringify(part.trim())}`);
    if (windows.some((window) => window.seconds === seconds)) throw new Error(`two limits for the same unit in ${JSON.stringify(text)}`);
    windows.push({ limit, seconds });
  }
  return windows.sort((a, b) => a.seconds - b.seconds);
}

/** The window that holds `nowMs`: its start (ms since the epoch) and when the next one starts. */
export function windowAt(nowMs: number, seconds: number): { readonly startMs: number; readonly endMs: number } {
  const lengthMs = seconds * 1000;
  const startMs = Math.floor(nowMs / lengthMs) * lengthMs;
  return { startMs, endMs: startMs + lengthMs };
}

/** Whole seconds until the window that holds `nowMs` ends (at least 1: "now" is no answer). */
export function secondsUntilReset(nowMs: number, seconds: number): number {
  return Math.max(1, Math.ceil((windowAt(nowMs, seconds).endMs - nowMs) / 1000));
}

/** One window of one subject, as a counter store keys it. */
export interface CounterSlot {
  readonly seconds: number;
  /** Start of the window, ms since the epoch. */
  readonly startMs: number;
  /** When the count may be forgotten (the window's end). */
  readonly endMs: number;
}

/** Where the counts live: the database (shared by every node using it) or Redis. */
export interface RateCounter {
  /**
   * Adds one call to each slot of `subject` atomically per slot and answers each slot's count
   * after it, in the order given; undefined when the calls could not be counted (and are let
   * through: see the Redis counter).
   */
  hit(subject: string, slots: readonly CounterSlot[]): Promise<readonly number[] | undefined>;
  close(): Promise<void>;
}

/**
 * Which window, if any, a call that brought the counts to `counts` exceeds; when several do, the
 * one that ends last (retrying before it ends is refused anyway).
 */
export function exceededWindow(policy: RateLimitPolicy, counts: readonly number[]): RateWindow | undefined {
  let exceeded: RateWindow | undefined;
  policy.forEach((window, index) => {
    if (counts[index]! > window.limit && (!exceeded || window.seconds > exceeded.seconds)) exceeded = window;
  });
  return exceeded;
}
