/**
 * What must hold when several nodes share one PostgreSQL database, checked in-process with one
 * Store per "node": migrations applied exactly once, the first key created exactly once.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { Company, Person } from '../../src/domain/objects/index.js';
import { buildApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
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

  it('applies each migration and creates each object table and column exactly once when nodes start at the same moment', async () => {
    const started = await nodes(6);
    const reports = await Promise.all(started.map((store) => store.migrate()));
    const applied = reports.flatMap((report) => report.applied);
    expect(applied.filter((step) => /^\d{4}-/.test(step)).sort()).toEqual([...MIGRATION_NAMES].sort());
    expect(applied).toEqual(
      expect.arrayContaining([
        'create table gsuser (object gsuser, 11 fields)',
        'create table company_person (object company_person, 8 fields)',
        'add column company.csm (field Company.Csm, LOOKUP to gsuser)',
        'add column person.name (field Person.Name, STRING)',
      ]),
    );
    // Each step was taken by exactly one node.
    expect(new Set(applied).size).toBe(applied.length);
    // A node that starts later finds nothing left to do.
    expect((await started[0]!.migrate()).applied).toEqual([]);
    // Every node can use the schema afterwards.
    for (const store of started) expect(await store.records(Company).count()).toBe(0);
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
        store.records(Person).insert({
          Gsid: `RACE${String(i).padStart(32, '0')}`,
          Email: i % 2 === 0 ? 'race@example.com' : 'RACE@example.com',
          CreatedDate: new Date().toISOString(),
          ModifiedDate: new Date().toISOString(),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await started[1]!.records(Person).count()).toBe(1);
  });
});

describe.skipIf(!postgresUrl)('PostgreSQL sessions and outages [postgres]', () => {
  it('returns ISO dates and UTC times whatever DateStyle and TimeZone the URL asks for', async () => {
    const schema = `test_style_${randomBytes(5).toString('hex')}`;
    const url = new URL(withSchema(postgresUrl!, schema));
    url.searchParams.set('options', '-c DateStyle=SQL,DMY -c TimeZone=Asia/Kolkata');
    const store = await openStore({ url: url.toString() });
    try {
      await store.migrate();
      const now = new Date().toISOString();
      await store.records(Company).insert({ Gsid: 'S'.repeat(36), Name: 'Styled', RenewalDate: '2026-03-04', CreatedDate: now, ModifiedDate: now });
      expect(await store.records(Company).get('S'.repeat(36))).toMatchObject({ RenewalDate: '2026-03-04', CreatedDate: now });
    } finally {
      await store.close();
      await dropSchema(postgresUrl!, schema);
    }
  });

  it('waits for another node holding the migration lock longer than the statement timeout', async () => {
    const schema = `test_wait_${randomBytes(5).toString('hex')}`;
    const holder = new pg.Client({ connectionString: postgresUrl });
    await holder.connect();
    const store = await openStore({ url: withSchema(postgresUrl!, schema), statementTimeoutMs: 300 });
    try {
      // Kysely's migration lock id; held here like a slow migration on another node.
      await holder.query('select pg_advisory_lock(3853314791062309107)');
      const migrating = store.migrate();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await holder.query('select pg_advisory_unlock(3853314791062309107)');
      expect((await migrating).applied).toContain('0001-initial');
    } finally {
      await holder.end();
      await store.close();
      await dropSchema(postgresUrl!, schema);
    }
  });

  it('answers 503, not 500, on reads while the database is unreachable', async () => {
    const schema = `test_down_${randomBytes(5).toString('hex')}`;
    const target = new URL(postgresUrl!);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    const proxied = new URL(withSchema(postgresUrl!, schema));
    proxied.hostname = '127.0.0.1';
    proxied.port = String((proxy.address() as net.AddressInfo).port);
    const store = await openStore({ url: proxied.toString(), statementTimeoutMs: 2000 });
    await store.migrate();
    const accessKeys = createAccessKeyService(store.keys, { cacheTtlMs: 0 });
    const { key } = await accessKeys.create('outage');
    const app = await buildApp({ store, accessKeys });
    try {
      const created = (await app.inject({ method: 'POST', url: '/v1/companies', headers: { accesskey: key }, payload: { Name: 'x' } })).json();
      proxy.close();
      for (const socket of sockets) socket.destroy();
      for (const [method, url, payload] of [
        ['GET', '/v1/companies', undefined],
        ['GET', `/v1/companies/${created.data.Gsid}`, undefined],
        ['POST', '/v1/reports', { reportId: 'arr-by-industry' }],
      ] as const) {
        const response = await app.inject({ method, url, headers: { accesskey: key }, ...(payload ? { payload } : {}) });
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(503);
        expect(response.json().errorCode).toBe('GSAPI_5030');
      }
    } finally {
      await app.close();
      await store.close().catch(() => {});
      await dropSchema(postgresUrl!, schema);
    }
  });
});
