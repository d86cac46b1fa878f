/**
 * Chaos on SQLite: the real server is killed with SIGKILL in the middle of a write storm whose
 * clients retry with Idempotency-Key, then restarted on the same database and port. Afterwards
 * every acknowledged write is there exactly once (no loss, no duplicate from a retry), and every
 * key replays the answer its client acknowledged.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectStormSurvived, runStorm, STORM } from '../helpers/chaos.js';
import { E2E_ACCESS_KEY, freePort, removeTempDirs, startServer, stopAllServers, tempSqliteUrl, type ExitStatus } from '../helpers/cli.js';

afterEach(stopAllServers);
afterAll(removeTempDirs);

describe('kill -9 during a write storm with idempotent retries [sqlite]', () => {
  it('loses no acknowledged write and duplicates none; every key replays its answer', async () => {
    const env = { DATABASE_URL: tempSqliteUrl('chaos.db'), GS_ACCESS_KEY: E2E_ACCESS_KEY };
    const port = await freePort();
    const args = ['--port', String(port)];
    let server = await startServer({ env, args });
    const url = server.url;
    let killed: ExitStatus | undefined;

    const result = await runStorm({
      ...STORM,
      tag: 'sqlite-chaos',
      targets: () => [url],
      onKill: async () => {
        server.child.kill('SIGKILL');
        killed = await server.exited;
        server = await startServer({ env, args });
      },
    });
    expect(killed?.signal).toBe('SIGKILL');
    // The kill interrupted the storm: requests failed and were retried.
    expect(result.retries).toBeGreaterThan(0);

    await expectStormSurvived(url, 'sqlite-chaos', result, 'chaos sqlite');
  }, 120_000);
});
