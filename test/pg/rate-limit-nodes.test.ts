/**
 * Two nodes on one PostgreSQL database share one rate-limit budget per key: the counters are rows
 * that both update with one atomic upsert each, so a burst spread over both nodes is answered
 * exactly `limit` times, however the calls interleave.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { GAINSIGHT_RATE_LIMITS } from '../../src/domain/rate-limits.js';
import { createDatabaseRateCounter } from '../../src/store/rate-limit-database.js';
import { openStore, type Store } from '../../src/store/store.js';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';
import { expectOneSharedBudget, startNode, type Node } from '../helpers/rate-limit-nodes.js';

/** Mid-minute, so every call of the burst falls in one window. */
const NOW = Date.parse('2026-05-06T12:00:20Z');

describe.skipIf(!postgresUrl)('rate limits shared by two nodes on one PostgreSQL database [postgres]', () => {
  const schema = `test_rate_${randomBytes(5).toString('hex')}`;
  const stores: Store[] = [];
  const nodes: Node[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.app.close()));
    await Promise.all(stores.map((store) => store.close()));
    await dropSchema(postgresUrl!, schema);
  });

  it('a burst of 300 calls over two nodes gets exactly 100 answers and 200 refusals (429 with Retry-After)', async () => {
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ url: withSchema(postgresUrl!, schema), poolSize: 10 });
      stores.push(store);
      await store.migrate();
      nodes.push(await startNode(store, GAINSIGHT_RATE_LIMITS, createDatabaseRateCounter(store.database, { now: () => NOW }), () => NOW));
    }
    await expectOneSharedBudget(nodes, 'rate-limit postgres');
    // Every call was counted once, in the one row of this key's minute (and of its day).
    const rows = await stores[0]!.database.db.selectFrom('rate_limit_counter').select(['subject', 'window_seconds', 'count']).orderBy('window_seconds').execute();
    expect(rows.map((row) => [row.subject, Number(row.window_seconds), Number(row.count)])).toEqual([
      ['GS_ACCESS_KEY', 60, 300],
      ['GS_ACCESS_KEY', 86_400, 300],
    ]);
  });
});
