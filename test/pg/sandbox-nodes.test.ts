/**
 * The sandbox on two nodes sharing one PostgreSQL schema (two stores, two apps, in-process):
 * restores on one node while the other reads and writes (every answer holds one state), a fault
 * rule's `times` shared by both (exactly that many faults, however the nodes race), and one
 * journal holding both nodes' requests.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';

const KEY = 'sandbox-nodes-bootstrap-key-0123456789';

describe.skipIf(!postgresUrl)('sandbox on two nodes [postgres]', () => {
  const schema = `test_sandbox_${randomBytes(5).toString('hex')}`;
  const stores: Store[] = [];
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    for (const node of ['node-a', 'node-b']) {
      const databaseUrl = withSchema(postgresUrl!, schema);
      const store = await openStore({ url: databaseUrl, poolSize: 6 });
      await store.migrate();
      stores.push(store);
      const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: KEY });
      apps.push(await buildApp({ store, accessKeys, sandbox: { journal: { maxRecords: 5000, maxAgeMs: 3_600_000, bodyLimit: 256, flushIntervalMs: 50 }, nodeId: node, faultCacheMs: 0, databaseUrl } }));
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const store of stores) await store.close();
    await dropSchema(postgresUrl!, schema);
  });

  const call = async (node: number, method: string, url: string, body?: unknown) => {
    const response = await apps[node]!.inject({
      method: method as 'GET',
      url,
      headers: { accesskey: KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.json() };
  };
  const gsids = async (node: number) => new Set(((await call(node, 'GET', '/v1/companies?pageSize=100')).body.data.records as { Gsid: string }[]).map((r) => r.Gsid));

  it('answers every request on the other node from one state while one node restores', async () => {
    await call(0, 'POST', '/v1/_sandbox/reset', { to: { seed: { companies: 25, people: 25, randomSeed: 'node-a' } } });
    await call(0, 'POST', '/v1/_sandbox/snapshots', { name: 'a' });
    const a = await gsids(1);
    await call(1, 'POST', '/v1/_sandbox/reset', { to: { seed: { companies: 40, people: 5, randomSeed: 'node-b' } } });
    await call(1, 'POST', '/v1/_sandbox/snapshots', { name: 'b' });
    const b = await gsids(0);
    expect(a.size).toBe(25);
    expect(b.size).toBe(40);

    let restoring = true;
    const restores = (async () => {
      for (let i = 0; i < 6; i++) expect((await call(0, 'POST', `/v1/_sandbox/snapshots/${i % 2 ? 'b' : 'a'}/restore`)).status).toBe(200);
      restoring = false;
    })();
    let pages = 0;
    const readers = Array.from({ length: 3 }, async () => {
      while (restoring) {
        const page = (await call(1, 'GET', '/v1/companies?pageSize=100')).body.data as { records: { Gsid: string; Name: string }[]; totalCount: number };
        const fromA = page.records.filter((r) => a.has(r.Gsid)).length;
        const fromB = page.records.filter((r) => b.has(r.Gsid)).length;
        const written = page.records.length - fromA - fromB;
        expect(fromA === 0 || fromB === 0, `a page mixed ${fromA} records of a with ${fromB} of b`).toBe(true);
        expect(fromA === a.size || fromB === b.size).toBe(true);
        expect(page.records.filter((r) => r.Name.startsWith('Node B write')).length).toBe(written);
        expect(page.totalCount).toBe(page.records.length);
        pages++;
      }
    });
    const writer = (async () => {
      for (let i = 0; restoring && i < 15; i++) expect((await call(1, 'POST', '/v1/companies', { Name: `Node B write ${i}` })).status).toBe(200);
    })();
    await Promise.all([restores, writer, ...readers]);
    expect(pages).toBeGreaterThan(0);
    expect(await gsids(1)).toEqual(b);
  }, 180_000);

  it("shares a rule's times between the nodes: exactly that many requests fail", async () => {
    const rule = (await call(0, 'POST', '/v1/_sandbox/faults', { match: { method: 'GET', path: '/v1/companies' }, effect: { status: 503 }, times: 7 })).body.data;
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => call(i % 2, 'GET', '/v1/companies?pageSize=1').then((r) => r.status)));
    expect(statuses.filter((status) => status === 503)).toHaveLength(7);
    expect(statuses.filter((status) => status === 200)).toHaveLength(33);
    const listed = (await call(1, 'GET', '/v1/_sandbox/faults')).body.data.records;
    expect(listed).toEqual([expect.objectContaining({ id: rule.id, hits: 7, expired: true })]);
    expect((await call(1, 'DELETE', '/v1/_sandbox/faults')).body.data.deleted).toBe(1);
  });

  it("keeps one journal: each node's requests, read from either node", async () => {
    // The other node's buffer holds the previous test's requests until its next write.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await call(0, 'DELETE', '/v1/_sandbox/requests');
    await apps[0]!.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'from-a' } });
    await apps[1]!.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'from-b' } });
    // The other node writes its batch within its flush interval.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const node of [0, 1]) {
      const records = (await call(node, 'GET', '/v1/_sandbox/requests')).body.data.records as { requestId: string; node: string }[];
      expect(records.map((r) => [r.requestId, r.node]).sort()).toEqual([
        ['from-a', 'node-a'],
        ['from-b', 'node-b'],
      ]);
    }
  });
});
