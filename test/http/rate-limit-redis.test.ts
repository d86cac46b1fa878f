/**
 * Rate limits counted in Redis (REDIS_URL): two nodes with databases of their own share one budget
 * per key through Redis alone; a key's counters expire with their window; a Redis that stops
 * answering lets calls through uncounted (and says so) instead of failing them; a REDIS_URL that
 * does not answer stops the start. Redis is started here when it is not running (helpers/redis.ts).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { GAINSIGHT_RATE_LIMITS, type RateCounter } from '../../src/domain/rate-limits.js';
import { openRedisRateCounter } from '../../src/store/rate-limit-redis.js';
import { openStore, type Store } from '../../src/store/store.js';
import { expectOneSharedBudget, startNode, type Node } from '../helpers/rate-limit-nodes.js';
import { redisUrl } from '../helpers/redis.js';

// Redis expires keys on its own clock: the injected clock runs an hour ahead of the real one
// (windows still in the future), 20 s into a minute so the burst stays in one window.
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 3_600_000 + 20_000;
const MINUTE_START = NOW - 20_000;
const DAY_START = Math.floor(NOW / 86_400_000) * 86_400_000;

describe.skipIf(!redisUrl)('rate limits shared by two nodes through Redis', () => {
  const prefix = `gsapi-test:${randomBytes(5).toString('hex')}:`;
  const stores: Store[] = [];
  const nodes: Node[] = [];
  const counters: RateCounter[] = [];
  const redis = new Redis(redisUrl!);
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.app.close()));
    await Promise.all(counters.map((counter) => counter.close()));
    await Promise.all(stores.map((store) => store.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('a burst of 300 calls over two nodes (each with its own SQLite database) gets exactly 100 answers and 200 refusals', async () => {
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ url: 'sqlite::memory:' });
      stores.push(store);
      await store.migrate();
      const counter = await openRedisRateCounter(redisUrl!, { keyPrefix: prefix });
      nodes.push(await startNode(store, GAINSIGHT_RATE_LIMITS, counter, () => NOW));
    }
    await expectOneSharedBudget(nodes, 'rate-limit redis');
    // One key per window, counting every call, expiring a second after its window ends.
    const minuteKey = `${prefix}GS_ACCESS_KEY:60:${MINUTE_START}`;
    const dayKey = `${prefix}GS_ACCESS_KEY:86400:${DAY_START}`;
    expect((await redis.keys(`${prefix}*`)).sort()).toEqual([dayKey, minuteKey].sort());
    expect(await redis.get(minuteKey)).toBe('300');
    expect(await redis.get(dayKey)).toBe('300');
    expect(await redis.pexpiretime(minuteKey)).toBe(MINUTE_START + 60_000 + 1000);
    expect(await redis.pexpiretime(dayKey)).toBe(DAY_START + 86_400_000 + 1000);
  });

  it('counts concurrent calls from many clients exactly (INCR in one MULTI per call)', async () => {
    const counter = await openRedisRateCounter(redisUrl!, { keyPrefix: `${prefix}direct:` });
    counters.push(counter);
    const slot = { seconds: 60, startMs: MINUTE_START, endMs: MINUTE_START + 60_000 };
    const counts = await Promise.all(Array.from({ length: 200 }, () => counter.hit('k', [slot])));
    expect(counts.map((c) => c![0]!).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('a Redis that stops answering lets calls through uncounted, reporting each failure', async () => {
    const failures: unknown[] = [];
    const counter = await openRedisRateCounter(redisUrl!, { keyPrefix: `${prefix}down:`, onError: (error) => failures.push(error) });
    const slot = { seconds: 60, startMs: NOW - 20_000, endMs: NOW + 40_000 };
    expect(await counter.hit('k', [slot])).toEqual([1]);
    // Closing its connection is what an outage looks like to the counter.
    await counter.close();
    expect(await counter.hit('k', [slot])).toBeUndefined();
    expect(failures).toHaveLength(1);
  });

  it('a REDIS_URL nobody answers on stops the start, naming it without its password', async () => {
    await expect(openRedisRateCounter('redis://:secret@127.0.0.1:1/0')).rejects.toThrow(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 does not answer/);
  });
});
