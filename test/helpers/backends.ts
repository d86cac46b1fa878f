/**
 * The backends every HTTP suite runs against: SQLite always, PostgreSQL when TEST_DATABASE_URL
 * is set. Each PostgreSQL test store lives in a fresh schema that is dropped afterwards, so
 * suites running in parallel never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** False when the backend is not configured here (PostgreSQL without TEST_DATABASE_URL). */
  readonly available: boolean;
  /** A database URL of a new, empty database (SQLite file or PostgreSQL schema). */
  newDatabaseUrl(): Promise<string>;
  /** Removes what newDatabaseUrl created. */
  dispose(url: string): Promise<void>;
}

export const postgresUrl = process.env.TEST_DATABASE_URL;

export const sqliteBackend: Backend = {
  name: 'sqlite',
  available: true,
  newDatabaseUrl: async () => 'sqlite::memory:',
  dispose: async () => {},
};

export function withSchema(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

export async function dropSchema(baseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

export const postgresBackend: Backend = {
  name: 'postgres',
  available: postgresUrl !== undefined,
  newDatabaseUrl: async () => withSchema(postgresUrl!, `test_${randomBytes(6).toString('hex')}`),
  dispose: async (url) => {
    const schema = new URL(url).searchParams.get('schema');
    if (schema) await dropSchema(postgresUrl!, schema);
  },
};

export const backends: readonly Backend[] = [sqliteBackend, postgresBackend];

/**
 * Declares the same suite once per backend: `title [sqlite]`, `title [postgres]`. A backend that
 * is not configured shows up as a skipped suite, never silently missing.
 */
export function describeEachBackend(title: string, body: (backend: Backend) => void): void {
  for (const backend of backends) {
    describe.skipIf(!backend.available)(`${title} [${backend.name}]`, () => body(backend));
  }
}
