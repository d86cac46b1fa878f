/**
 * Two real server processes (the CLI) on different ports over one PostgreSQL database: the
 * nodes keep no state of their own, so everything acknowledged through either node must hold
 * when read through both. Prints its figures (operations per node, conflicts, records checked).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';
import {
  E2E_ACCESS_KEY,
  api,
  listAll,
  removeTempDirs,
  runCli,
  startServer,
  stopAllServers,
  waitFor,
  type ServerProcess,
} from '../helpers/cli.js';

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

describe.skipIf(!postgresUrl)('scale-out: two nodes over one PostgreSQL database [postgres]', () => {
  const schema = `test_scaleout_${randomBytes(5).toString('hex')}`;
  const databaseUrl = postgresUrl ? withSchema(postgresUrl, schema) : '';
  const env = { DATABASE_URL: databaseUrl, GS_ACCESS_KEY: E2E_ACCESS_KEY, LOG_LEVEL: 'info', DB_POOL_SIZE: '5' };
  let nodes: ServerProcess[] = [];

  afterEach(() => stopAllServers());
  afterAll(async () => {
    removeTempDirs();
    if (postgresUrl) await dropSchema(postgresUrl, schema);
  });

  it('agrees on every acknowledged write made through either node', { timeout: 120_000 }, async () => {
    // Both start at once against an empty schema: migrations must be applied exactly once.
    nodes = await Promise.all([startServer({ env }), startServer({ env })]);
    expect(nodes[0]!.port).not.toBe(nodes[1]!.port);
    const through = (i: number) => nodes[i % 2]!.url;
    const key = E2E_ACCESS_KEY;
    const opsPerNode = [0, 0];
    const call = async (node: number, method: string, path: string, body?: unknown) => {
      opsPerNode[node % 2]!++;
      return api(through(node), method, path, { key, body });
    };

    // 1. Concurrent creates through both nodes.
    const CREATES = 400;
    const created = await pool(
      32,
      Array.from({ length: CREATES }, (_, i) => async () => {
        const response = await call(i, 'POST', '/v1/companies', { Name: `Scale ${i}`, ARR: i, Employees: i });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body.data as { Gsid: string; Name: string };
      }),
    );
    expect(new Set(created.map((c) => c.Gsid)).size).toBe(CREATES);

    // 2. The same records updated through both nodes at once: each ends with one written value.
    const contested = created.slice(0, 40);
    await pool(
      32,
      contested.flatMap((company, i) =>
        [0, 1].map((node) => async () => {
          const response = await call(node, 'PUT', `/v1/companies/${company.Gsid}`, { Name: `Scale ${i} via node ${node}`, Employees: 1000 + node });
          expect(response.status).toBe(200);
        }),
      ),
    );

    // 3. Deletes through alternating nodes, and the same record deleted through both at once.
    const deleted = created.slice(40, 140);
    await pool(
      32,
      deleted.map((company, i) => async () => expect((await call(i, 'DELETE', `/v1/companies/${company.Gsid}`)).status).toBe(200)),
    );
    const doubleDeleted = created.slice(140, 160);
    const doubleDeleteStatuses = await pool(
      32,
      doubleDeleted.flatMap((company) => [0, 1].map((node) => async () => (await call(node, 'DELETE', `/v1/companies/${company.Gsid}`)).status)),
    );
    expect(doubleDeleteStatuses.filter((s) => s === 200)).toHaveLength(doubleDeleted.length);
    expect(doubleDeleteStatuses.filter((s) => s === 404)).toHaveLength(doubleDeleted.length);

    // 4. The same Email (in different case) raced through both nodes: exactly one lands.
    const RACES = 40;
    const raceStatuses = await pool(
      32,
      Array.from({ length: RACES }, (_, i) => [0, 1].map((node) => async () => {
        const email = node === 0 ? `race${i}@example.com` : `RACE${i}@Example.com`;
        return (await call(node, 'POST', '/v1/people', { FirstName: `Racer ${i}`, Email: email })).status;
      })).flat(),
    );
    const conflicts = raceStatuses.filter((s) => s === 409).length;
    expect(raceStatuses.filter((s) => s === 200)).toHaveLength(RACES);
    expect(conflicts).toBe(RACES);

    // Check through both nodes.
    const gone = new Set([...deleted, ...doubleDeleted].map((c) => c.Gsid));
    const expected = created.filter((c) => !gone.has(c.Gsid));
    let recordsChecked = 0;
    for (const node of [0, 1]) {
      const companies = await listAll(through(node), '/v1/companies', key);
      const total = (await api(through(node), 'GET', '/v1/companies?pageSize=1', { key })).body.data.totalCount;
      expect(total).toBe(expected.length);
      expect(companies).toHaveLength(expected.length);
      const byId = new Map(companies.map((c) => [c.Gsid, c]));
      expect(byId.size).toBe(expected.length);
      for (const company of expected) expect(byId.has(company.Gsid), company.Gsid).toBe(true);
      contested.forEach((company, i) => {
        const final = byId.get(company.Gsid);
        expect([`Scale ${i} via node 0`, `Scale ${i} via node 1`]).toContain(final.Name);
        // Both fields of one PUT land together: never a mix of the two writes.
        expect(final.Employees).toBe(final.Name.endsWith('node 0') ? 1000 : 1001);
      });
      const people = await listAll(through(node), '/v1/people', key);
      expect(people).toHaveLength(RACES);
      expect(new Set(people.map((p) => p.Email.toLowerCase())).size).toBe(RACES);
      recordsChecked += companies.length + people.length;
    }

    console.log(
      `scale-out figures: operations through node A ${opsPerNode[0]}, node B ${opsPerNode[1]}; ` +
        `${CREATES} creates, ${contested.length * 2} contested updates, ${deleted.length + doubleDeleted.length * 2} deletes ` +
        `(${doubleDeleted.length} double-deletes -> ${doubleDeleted.length} x 404), ${RACES * 2} racing person creates -> ` +
        `${conflicts} x 409; ${recordsChecked} records checked through both nodes`,
    );
  });

  it('a key revoked with the CLI stops working on every node within seconds', { timeout: 60_000 }, async () => {
    nodes = await Promise.all([startServer({ env }), startServer({ env })]);
    const created = await runCli(['keys', 'create', '--name', 'scale-out'], { env });
    expect(created.code, created.stderr).toBe(0);
    const key = /gsk_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}/.exec(created.stdout)![0];
    for (const node of nodes) expect((await api(node.url, 'GET', '/v1/companies', { key })).status).toBe(200);
    const revoked = await runCli(['keys', 'revoke', key.slice(0, 16)], { env });
    expect(revoked.code, revoked.stderr).toBe(0);
    const started = Date.now();
    for (const node of nodes) {
      await waitFor(async () => (await api(node.url, 'GET', '/v1/companies', { key })).status === 401, {
        timeoutMs: 8_000,
        intervalMs: 200,
        what: `${node.url} to refuse the revoked key`,
      });
    }
    console.log(`scale-out figures: revoked key refused by both nodes after ${Date.now() - started} ms`);
    // last used is recorded by whichever node served the key, in the shared database.
    const listed = await runCli(['keys', 'list', '--json'], { env });
    const row = (JSON.parse(listed.stdout) as { prefix: string; lastUsed: string; status: string }[]).find((k) => key.startsWith(k.prefix));
    expect(row?.lastUsed).not.toBe('never');
    expect(row?.status).toMatch(/^revoked/);
  });
});
