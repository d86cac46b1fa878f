/** Shared plumbing of the CLI commands: opening the configured store, failing in one line. */
import { loadDatabaseConfig, type ConfigFlags } from '../config.js';
import { loadTenantSchema } from '../schema/files.js';
import { openStore, type Store } from '../store/store.js';

/** An error whose message is meant for the user as is: printed in one line, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export const databaseOptionHelp = {
  db: ['--db <url>', 'database URL (env DATABASE_URL; default sqlite:./data/gainsight.db)'],
  schema: ['--schema <file>', 'schema file with custom objects and fields (env GS_SCHEMA)'],
} as const;

/** Opens the store named by --db / DATABASE_URL, runs `work`, and always closes the store. */
export async function withStore<T>(flags: ConfigFlags, work: (store: Store) => Promise<T>): Promise<T> {
  const config = loadDatabaseConfig(process.env, flags);
  // A bad schema file stops the command here, before the database is touched.
  const schema = loadTenantSchema(config.schemaFile);
  const store = await openStore({ url: config.databaseUrl, ...config, schema });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Like withStore, with the database brought up to date first: the migrations, and the tables to
 * the schema unless `tables` is false (commands that touch no object's records need no --schema).
 */
export function withMigratedStore<T>(flags: ConfigFlags, work: (store: Store) => Promise<T>, { tables = true } = {}): Promise<T> {
  return withStore(flags, async (store) => {
    await store.migrate({ tables });
    return work(store);
  });
}
