/** Two nodes on one database for a whole suite (tests where one node writes while another reads). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Store } from '../../src/store/store.js';
import type { Backend } from './backends.js';

/**
 * Opens two migrated stores on one new database before the suite's tests (on SQLite a file, so
 * two connections; on PostgreSQL a schema) and closes them, and removes the database, after.
 * `nodes` is filled once the suite's first beforeAll has run.
 */
export function twoNodesPerSuite(backend: Backend, name: string): { nodes: [Store, Store] } {
  const suite = { nodes: [] as unknown as [Store, Store] };
  let url: string | undefined;
  let directory: string | undefined;
  beforeAll(async () => {
    if (backend.name === 'sqlite') {
      directory = mkdtempSync(join(tmpdir(), `${name}-`));
      url = `sqlite:${join(directory, 'gainsight.db')}`;
    } else url = await backend.newDatabaseUrl();
    const open = async () => {
      const store = await openStore({ url: url!, sqliteSynchronous: 'normal', poolSize: 4 });
      await store.migrate();
      return store;
    };
    suite.nodes = [await open(), await open()];
  });
  afterAll(async () => {
    for (const store of suite.nodes) await store.close();
    if (backend.name === 'postgres' && url) await backend.dispose(url);
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  return suite;
}
