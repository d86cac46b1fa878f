/**
 * A real server for the client's tests: the repository's app on a temp SQLite file, listening on
 * a free port of 127.0.0.1. The client talks to it over real HTTP, never a mock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createAccessKeyService } from '../../../../src/domain/access-keys.js';
import { buildApp } from '../../../../src/server/app.js';
import { openStore, type Store } from '../../../../src/store/store.js';

/** A full-rights key the server takes from its options (as GS_ACCESS_KEY), never stored. */
export const ACCESS_KEY = 'client-test-key-0123456789abcdef';

export interface LiveServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  close(): Promise<void>;
}

export async function startLiveServer(): Promise<LiveServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-client-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'client.db')}`, sqliteSynchronous: 'normal' });
  await store.migrate();
  const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: ACCESS_KEY });
  const app = await buildApp({ store, accessKeys });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    app,
    store,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
