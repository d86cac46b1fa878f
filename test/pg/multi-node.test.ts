/**
 * What must hold when several nodes share one PostgreSQL database, checked in-process with one
 * Store per "node": migrations applied exactly once, the first key created exactly once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { openStore, type Store } from '../../src/store/store.js';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';

describe.skipIf(!postgresUrl)('several nodes on one PostgreSQL database [postgres]', () => {
  const schemas: string[] = [];
  const stores: Store[] = [];
  const nodes = async (count: number) => {
    const schema = `test_nodes_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const opened = await Promise.all(Array.from({ length: count }, () => openStore({ url: withSchema(postgresUrl!, schema), poolSize: 2 })));
    stores.push(...opened);
    return opened;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await dropSchema(postgresUrl!, schema);
  });

  it('applies each migration exactly once when nodes start at the same moment', async () => {
    const started = await nodes(6);
    const reports = await Promise.all(started.map((store) => store.migrate()));
    const applied = reports.flatMap((report) => report.applied);
    expect(applied.sort()).toEqual(['0001-initial', '0002-reports']);
    expect(reports.filter((report) => report.applied.length > 0)).toHaveLength(1);
    // Every node can use the schema afterwards.
    for (const store of started) expect(await store.companies.count()).toBe(0);
  });

  it('creates the first access key exactly once', async () => {
    const started = await nodes(6);
    await Promise.all(started.map((store) => store.migrate()));
    const created = await Promise.all(started.map((store) => createAccessKeyService(store.keys).createFirstKeyIfNone()));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await started[0]!.keys.countActive()).toBe(1);
  });

  it('keeps a case-insensitive Email unique across nodes (the database decides)', async () => {
    const started = await nodes(4);
    await started[0]!.migrate();
    const results = await Promise.allSettled(
      started.map((store, i) =>
        store.people.insert({
          Gsid: `RACE${String(i).padStart(32, '0')}`,
          Email: i % 2 === 0 ? 'race@example.com' : 'RACE@example.com',
          CreatedDate: new Date().toISOString(),
          ModifiedDate: new Date().toISOString(),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await started[1]!.people.count()).toBe(1);
  });
});
