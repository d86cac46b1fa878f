/**
 * The README's PostgreSQL backup procedure, run as documented (the command lines come from
 * postgresBackupCommands, which the CLI prints): pg_dump of a database that a server keeps
 * writing to, pg_restore into a new database, and a server on the restored database serving every
 * write acknowledged before the dump began. Each case uses databases of its own, dropped after.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { postgresBackupCommands } from '../../src/store/backup-postgres.js';
import { openStore, type Store } from '../../src/store/store.js';
import { postgresUrl } from '../helpers/backends.js';

const run = promisify(execFile);
const KEY = 'pg-backup-test-key-0123456789abcdef';

describe.skipIf(!postgresUrl)('PostgreSQL backup and restore with pg_dump / pg_restore [postgres]', () => {
  const databases: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'gs-pg-backup-'));
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      for (const name of databases) await admin.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new, empty database; its URL, with `?schema=` when given. */
  async function newDatabase(schema?: string): Promise<string> {
    const name = `gs_backup_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    databases.push(name);
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    if (schema) url.searchParams.set('schema', schema);
    return url.toString();
  }

  async function serve(url: string) {
    const store: Store = await openStore({ url, poolSize: 8 });
    await store.migrate();
    const app = await buildApp({ store, accessKeys: createAccessKeyService(store.keys, { bootstrapKey: KEY }) });
    const request = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
      app.inject({ method, url: path, headers: { accesskey: KEY }, ...(body === undefined ? {} : { payload: body as object }) });
    return { store, app, request, close: async () => (await app.close(), await store.close()) };
  }

  async function companiesOf(server: Awaited<ReturnType<typeof serve>>): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let page = 0; ; page++) {
      const response = await server.request('GET', `/v1/companies?pageSize=100&pageNumber=${page}`);
      expect(response.statusCode).toBe(200);
      const { records, totalCount } = response.json().data as { records: { Gsid: string; Name: string }[]; totalCount: number };
      for (const record of records) found.set(record.Gsid, record.Name);
      if (records.length === 0 || found.size >= totalCount) {
        expect(found.size).toBe(totalCount);
        return found;
      }
    }
  }

  it('restores a dump taken under write load with every write acknowledged before it began, and replaces a schema', async () => {
    const sourceUrl = await newDatabase('tenant_a');
    const source = await serve(sourceUrl);
    const acknowledged: { Gsid: string; Name: string; at: number }[] = [];
    let running = true;
    let sequence = 0;
    const writers = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (running) {
          const Name = `Load ${sequence++}`;
          const response = await source.request('POST', '/v1/companies', { Name, ARR: sequence });
          expect(response.statusCode).toBe(200);
          acknowledged.push({ Gsid: response.json().data.Gsid, Name, at: Date.now() });
        }
      }),
    );
    while (acknowledged.length < 150) await new Promise((done) => setTimeout(done, 20));

    const file = join(dir, 'tenant_a.dump');
    const commands = postgresBackupCommands(sourceUrl, file);
    const dumpBegan = Date.now();
    await run(commands.dump[0]!, commands.dump.slice(1));
    await new Promise((done) => setTimeout(done, 300));
    running = false;
    await writers;

    // Into a new database: the schema is created by the restore.
    const targetUrl = await newDatabase('tenant_a');
    const restore = postgresBackupCommands(targetUrl, file).restore;
    await run(restore[0]!, restore.slice(1));
    const restored = await serve(targetUrl);
    const found = await companiesOf(restored);
    const before = acknowledged.filter((write) => write.at < dumpBegan);
    const missing = before.filter((write) => found.get(write.Gsid) !== write.Name);
    console.info(
      `pg_dump under load: ${acknowledged.length} writes acknowledged, ${before.length} before the dump began, ` +
        `${before.length - missing.length} of those restored; the dump holds ${found.size}`,
    );
    expect(before.length).toBeGreaterThanOrEqual(150);
    expect(missing).toEqual([]);
    expect(found.size).toBeLessThan(acknowledged.length);
    // The restored database serves writes (its tables, triggers and counters came back whole).
    expect((await restored.request('POST', '/v1/companies', { Name: 'After restore' })).statusCode).toBe(200);
    expect((await companiesOf(restored)).size).toBe(found.size + 1);
    await restored.close();

    // Over the source itself (its server stopped): back to the dump's state, later writes gone.
    await source.close();
    const replace = postgresBackupCommands(sourceUrl, file).restore;
    await run(replace[0]!, replace.slice(1));
    const replaced = await serve(sourceUrl);
    expect(await companiesOf(replaced)).toEqual(found);
    await replaced.close();
  }, 180_000);

  it('restores the public schema (a URL without ?schema=) into a new database', async () => {
    const sourceUrl = await newDatabase();
    const source = await serve(sourceUrl);
    for (let i = 0; i < 5; i++) expect((await source.request('POST', '/v1/companies', { Name: `Public ${i}` })).statusCode).toBe(200);
    const written = await companiesOf(source);
    await source.close();
    const file = join(dir, 'public.dump');
    const { dump } = postgresBackupCommands(sourceUrl, file);
    expect(dump).toContain('--schema=public');
    await run(dump[0]!, dump.slice(1));
    const targetUrl = await newDatabase();
    const { restore } = postgresBackupCommands(targetUrl, file);
    await run(restore[0]!, restore.slice(1));
    const restored = await serve(targetUrl);
    expect(await companiesOf(restored)).toEqual(written);
    await restored.close();
  }, 120_000);
});
