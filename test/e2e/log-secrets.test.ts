/**
 * No key reaches the real server's log, even from a client that puts it in the query string
 * (`?accessKey=<key>`, a common mistake): the request is refused (401: keys go in the header)
 * and its log line shows the parameter with its value replaced.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { E2E_ACCESS_KEY, api, createKey, removeTempDirs, startServer, stopAllServers, tempSqliteUrl, waitFor } from '../helpers/cli.js';

afterEach(stopAllServers);
afterAll(removeTempDirs);

it('redacts keys and tokens given in the query string from the request log', async () => {
  const db = tempSqliteUrl();
  const key = await createKey(db, 'query-string-client');
  const server = await startServer({ env: { DATABASE_URL: db, GS_ACCESS_KEY: E2E_ACCESS_KEY }, args: ['--log-level', 'info'] });

  const inQuery = await api(server.url, 'GET', `/v1/companies?pageSize=5&accessKey=${key}`);
  expect(inQuery.status).toBe(401);
  const bothWays = await api(server.url, 'GET', `/v1/companies?ACCESS_KEY=${encodeURIComponent(E2E_ACCESS_KEY)}&token=t0k3n-value`, { key });
  expect(bothWays.status).toBe(200);

  // A log line is written as its response finishes: wait until both are out.
  const loggedUrls = () => server.logs().flatMap((line) => (typeof line.url === 'string' && line.url.startsWith('/v1/') ? [line.url] : []));
  await waitFor(() => loggedUrls().length >= 2, { timeoutMs: 5_000, what: 'both request log lines' });
  const output = server.stdout();
  for (const secret of [key, E2E_ACCESS_KEY, 't0k3n-value']) expect(output).not.toContain(secret);
  const urls = loggedUrls();
  expect(urls).toContain('/v1/companies?pageSize=5&accessKey=[REDACTED]');
  expect(urls).toContain('/v1/companies?ACCESS_KEY=[REDACTED]&token=[REDACTED]');
});
