/**
 * Rate limits on the real server, as an operator turns them on: `--rate-limit`, counted in the
 * database, or in Redis with `REDIS_URL`; a setting that cannot be read stops the start.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { E2E_ACCESS_KEY, createKey, removeTempDirs, runCli, sleep, startServer, stopAllServers, tempSqliteUrl, type ServerProcess } from '../helpers/cli.js';
import { redisUrl } from '../helpers/redis.js';

/**
 * Four calls in one clock minute (the windows are the clock's minutes): started early in a
 * minute, waiting for the next one when less than 30 s are left.
 */
async function fourCallsInOneMinute(server: ServerProcess, key = E2E_ACCESS_KEY): Promise<{ statuses: number[]; last: Response }> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 30_000) await sleep(60_000 - intoMinute + 100);
  const responses: Response[] = [];
  for (let i = 0; i < 4; i++) responses.push(await fetch(`${server.url}/v1/companies`, { headers: { accesskey: key } }));
  return { statuses: responses.map((r) => r.status), last: responses[3]! };
}

describe('rate limits on the real server', () => {
  afterAll(async () => {
    await stopAllServers();
    removeTempDirs();
  });

  it('--rate-limit 3/min: the fourth call of a minute is 429 GU_2400 with Retry-After', async () => {
    const server = await startServer({ env: { GS_ACCESS_KEY: E2E_ACCESS_KEY, DATABASE_URL: tempSqliteUrl() }, args: ['--rate-limit', '3/min'] });
    const { statuses, last } = await fourCallsInOneMinute(server);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(last.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await last.json()).toMatchObject({ result: false, errorCode: 'GU_2400', errorDesc: 'Too many request' });
    // Health checks are not limited.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 150_000);

  it.skipIf(!redisUrl)('GS_RATE_LIMIT with REDIS_URL: counted in Redis', async () => {
    // A key of its own: Redis outlives this test, and another run's counts must not be this one's.
    const db = tempSqliteUrl();
    const key = await createKey(db, 'rate-limit-e2e');
    const server = await startServer({ env: { DATABASE_URL: db, GS_RATE_LIMIT: '3/min', REDIS_URL: redisUrl! } });
    const { statuses } = await fourCallsInOneMinute(server, key);
    expect(statuses).toEqual([200, 200, 200, 429]);
  }, 150_000);

  it('a rate limit or REDIS_URL that cannot be used stops the start, naming the setting', async () => {
    const bad = await runCli(['serve', '--port', '0', '--rate-limit', '3/fortnight'], { env: { DATABASE_URL: tempSqliteUrl() } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('GS_RATE_LIMIT (--rate-limit)');
    const unreachable = await runCli(['serve', '--port', '0', '--rate-limit', 'gainsight'], {
      env: { DATABASE_URL: tempSqliteUrl(), REDIS_URL: `redis://:${randomBytes(4).toString('hex')}@127.0.0.1:1/0` },
    });
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 does not answer/);
  }, 60_000);
});
