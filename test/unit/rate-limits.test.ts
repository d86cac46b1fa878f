/**
 * Rate limits and server limits as pure logic: the policy syntax, the fixed windows aligned to the
 * clock, Retry-After, which window a call exceeds; and the settings refused at start.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServeConfig } from '../../src/config.js';
import {
  exceededWindow,
  GAINSIGHT_RATE_LIMITS,
  parseRateLimit,
  secondsUntilReset,
  windowAt,
} from '../../src/domain/rate-limits.js';
import { DEFAULT_LIMITS } from '../../src/server/limits.js';

const at = (iso: string) => Date.parse(iso);

describe('rate-limit policy syntax', () => {
  it('is off unless set, and gainsight means 100 a minute and 50,000 a day', () => {
    expect(parseRateLimit('')).toBeUndefined();
    expect(parseRateLimit('off')).toBeUndefined();
    expect(parseRateLimit('OFF')).toBeUndefined();
    expect(parseRateLimit('gainsight')).toEqual([
      { limit: 100, seconds: 60 },
      { limit: 50_000, seconds: 86_400 },
    ]);
    expect(GAINSIGHT_RATE_LIMITS).toEqual(parseRateLimit('100/min,50000/day'));
  });

  it('reads calls per unit in any order and sorts the windows shortest first', () => {
    expect(parseRateLimit('100000/day, 600/min')).toEqual([
      { limit: 600, seconds: 60 },
      { limit: 100_000, seconds: 86_400 },
    ]);
    expect(parseRateLimit('5/s,1000/hour')).toEqual([
      { limit: 5, seconds: 1 },
      { limit: 1000, seconds: 3600 },
    ]);
    expect(parseRateLimit('10/second,20/minute,30/h,40/d')?.map((w) => w.seconds)).toEqual([1, 60, 3600, 86_400]);
  });

  it.each([
    ['100', /cannot read "100"/],
    ['100/week', /cannot read "100\/week"/],
    ['-1/min', /cannot read/],
    ['0/min', /at least 1 call/],
    ['1.5/min', /cannot read/],
    ['10/min,20/minute', /two limits for the same unit/],
    ['10/min,', /cannot read ""/],
    ['lots', /cannot read "lots"/],
  ])('refuses %j, saying why', (text, message) => {
    expect(() => parseRateLimit(text)).toThrow(message);
  });
});

describe('fixed windows', () => {
  it('align to the clock: minutes at second 0, days at midnight UTC', () => {
    expect(windowAt(at('2026-03-04T12:34:56.789Z'), 60)).toEqual({
      startMs: at('2026-03-04T12:34:00Z'),
      endMs: at('2026-03-04T12:35:00Z'),
    });
    expect(windowAt(at('2026-03-04T23:59:59.999Z'), 86_400)).toEqual({
      startMs: at('2026-03-04T00:00:00Z'),
      endMs: at('2026-03-05T00:00:00Z'),
    });
    // The first instant of a window belongs to it, not to the one before.
    expect(windowAt(at('2026-03-04T12:35:00Z'), 60).startMs).toBe(at('2026-03-04T12:35:00Z'));
  });

  it('Retry-After is the whole seconds until the window ends, never 0', () => {
    expect(secondsUntilReset(at('2026-03-04T12:34:15Z'), 60)).toBe(45);
    expect(secondsUntilReset(at('2026-03-04T12:34:15.250Z'), 60)).toBe(45);
    expect(secondsUntilReset(at('2026-03-04T12:34:59.999Z'), 60)).toBe(1);
    expect(secondsUntilReset(at('2026-03-04T12:34:00Z'), 60)).toBe(60);
    expect(secondsUntilReset(at('2026-03-04T18:00:00Z'), 86_400)).toBe(6 * 3600);
  });

  it('a call exceeds the window whose count passed its limit; of several, the one that ends last', () => {
    const policy = [
      { limit: 3, seconds: 60 },
      { limit: 5, seconds: 86_400 },
    ];
    expect(exceededWindow(policy, [3, 5])).toBeUndefined();
    expect(exceededWindow(policy, [4, 4])).toEqual(policy[0]);
    expect(exceededWindow(policy, [2, 6])).toEqual(policy[1]);
    expect(exceededWindow(policy, [9, 9])).toEqual(policy[1]);
  });
});

describe('settings of rate limits and server limits', () => {
  it('are off and at their defaults unless set', () => {
    const config = loadServeConfig({});
    expect(config.rateLimit).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.maxHeavyRequests).toBeGreaterThanOrEqual(2);
  });

  it('read the environment, and flags win', () => {
    const config = loadServeConfig(
      { GS_RATE_LIMIT: 'gainsight', REDIS_URL: 'redis://127.0.0.1:6379/2', GS_MAX_HEAVY_REQUESTS: '3', GS_MAX_URL_LENGTH: '2048' },
      { rateLimit: '600/min,100000/day', maxUrlLength: '4096', headersTimeout: '5000', requestTimeout: '10000' },
    );
    expect(config.rateLimit).toEqual([
      { limit: 600, seconds: 60 },
      { limit: 100_000, seconds: 86_400 },
    ]);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(config.limits).toMatchObject({ maxHeavyRequests: 3, maxUrlLength: 4096, headersTimeoutMs: 5000, requestTimeoutMs: 10_000 });
  });

  it.each([
    [{ GS_RATE_LIMIT: '100/fortnight' }, {}, /^GS_RATE_LIMIT \(--rate-limit\): expected off, gainsight/],
    [{}, { rateLimit: '0/min' }, /^GS_RATE_LIMIT \(--rate-limit\): a limit must allow/],
    [{ REDIS_URL: 'localhost:6379' }, {}, /^REDIS_URL \(--redis-url\) must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ GS_MAX_HEAVY_REQUESTS: '0' }, {}, /^GS_MAX_HEAVY_REQUESTS \(--max-heavy-requests\) must be an integer from 1/],
    [{}, { maxHeaderSize: '10' }, /^GS_MAX_HEADER_SIZE \(--max-header-size\) must be an integer from 1024/],
    [{ GS_MAX_URL_LENGTH: 'long' }, {}, /^GS_MAX_URL_LENGTH \(--max-url-length\)/],
    [{ GS_KEEP_ALIVE_TIMEOUT_MS: '-1' }, {}, /^GS_KEEP_ALIVE_TIMEOUT_MS \(--keep-alive-timeout\)/],
    [{ GS_CONNECTION_TIMEOUT_MS: '1e3' }, {}, /^GS_CONNECTION_TIMEOUT_MS \(--connection-timeout\)/],
    [{ GS_REQUEST_TIMEOUT_MS: '1000', GS_HEADERS_TIMEOUT_MS: '2000' }, {}, /^GS_HEADERS_TIMEOUT_MS \(--headers-timeout\) must not exceed GS_REQUEST_TIMEOUT_MS/],
  ])('refuses %j %j at start with a ConfigError naming the setting', (env, flags, message) => {
    let thrown: unknown;
    try {
      loadServeConfig(env, flags);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
  });

  it('a request timeout of 0 (none) allows any headers timeout', () => {
    expect(loadServeConfig({ GS_REQUEST_TIMEOUT_MS: '0', GS_HEADERS_TIMEOUT_MS: '90000' }).limits).toMatchObject({
      requestTimeoutMs: 0,
      headersTimeoutMs: 90_000,
    });
  });
});
