/**
 * Runs once before all suites. PostgreSQL suites need TEST_DATABASE_URL (`.ci/run` sets it);
 * without it they are skipped, and this says so loudly rather than letting them vanish.
 */
import pg from 'pg';

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    process.stderr.write(
      '\n*** NOTICE: TEST_DATABASE_URL is not set: the PostgreSQL suites are SKIPPED. ***\n' +
        '*** Run them with TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test ***\n\n',
    );
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL is set but PostgreSQL does not answer (${(error as Error).message}). ` +
        'Start PostgreSQL or unset TEST_DATABASE_URL to skip the PostgreSQL suites.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
