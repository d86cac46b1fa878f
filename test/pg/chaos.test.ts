/**
 * Chaos on PostgreSQL: two real server nodes share one database; one is killed with SIGKILL in
 * the middle of a write storm whose clients retry with Idempotency-Key on whichever node answers,
 * and the other keeps serving. Afterwards every acknowledged write is there exactly once, and
 * every key replays the answer its client acknowledged (on the surviving node).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';
import { expectStormSurvived, runStorm, STORM } from '../helpers/chaos.js';
import { E2E_ACCESS_KEY, startServer, stopAllServers, type ExitStatus } from '../helpers/cli.js';

afterEach(stopAllServers);

describe.skipIf(!postgresUrl)('kill -9 of one of two nodes during a write storm with idempotent retries [postgres]', () => {
  const schema = `chaos_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    await stopAllServers();
    await dropSchema(postgresUrl!, schema);
  });

  it('loses no acknowledged write and duplicates none; the surviving node replays every key', async () => {
    const env = { DATABASE_URL: withSchema(postgresUrl!, schema), GS_ACCESS_KEY: E2E_ACCESS_KEY };
    const doomed = await startServer({ env });
    const survivor = await startServer({ env });
    let alive = [doomed.url, survivor.url];
    let killed: ExitStatus | undefined;

    const result = await runStorm({
      ...STORM,
      tag: 'pg-chaos',
      targets: () => alive,
      onKill: async () => {
        doomed.child.kill('SIGKILL');
        killed = await doomed.exited;
        // Clients learn of it the hard way (refused connections) until the balancer drops it.
        await new Promise((done) => setTimeout(done, 300));
        alive = [survivor.url];
      },
    });
    expect(killed?.signal).toBe('SIGKILL');
    expect(result.retries).toBeGreaterThan(0);

    await expectStormSurvived(survivor.url, 'pg-chaos', result, 'chaos postgres');
  }, 120_000);
});
