/** The retry policy's pure parts: reading Retry-After, the backoff's bounds, option checks. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, parseRetryAfter, retryPolicy } from '../src/retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP date relative to now; a past date is no wait', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('backoffDelay (full jitter)', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });

  it('is between 0 and a ceiling that doubles per retry, capped at maxDelayMs', () => {
    expect([0, 1, 2, 3, 4, 10].map((retry) => backoffDelay(policy, retry, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(200);
  });

  it('spreads over the whole range with the real random source', () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(policy, 3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(800);
    expect(delays.filter((delay) => delay < 400).length).toBeGreaterThan(600);
    expect(delays.filter((delay) => delay >= 400).length).toBeGreaterThan(600);
  });
});

describe('retryPolicy', () => {
  it('has defaults, and false means no retries', () => {
    expect(retryPolicy(undefined)).toEqual({ retries: 3, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 });
    expect(retryPolicy(false).retries).toBe(0);
  });

  it('refuses negative, fractional and non-finite settings, naming them', () => {
    expect(() => retryPolicy({ retries: -1 })).toThrow(/retry\.retries/);
    expect(() => retryPolicy({ retries: 1.5 })).toThrow(/retry\.retries/);
    expect(() => retryPolicy({ baseDelayMs: Number.NaN })).toThrow(/retry\.baseDelayMs/);
    expect(() => retryPolicy({ maxRetryAfterMs: Infinity })).toThrow(/retry\.maxRetryAfterMs/);
  });

  it('retries 429 and 503 only', () => {
    expect([400, 404, 409, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 503]);
  });
});
