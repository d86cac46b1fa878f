/**
 * The real server's logs and metrics: one JSON line per request naming its request id, route,
 * method, status, duration and the key's NAME (never the key, never a body); readable lines with
 * --log-format pretty; GET /metrics behind a key with --metrics, and on a port of its own without
 * a key with --metrics-port.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CLI_PATH,
  E2E_ACCESS_KEY,
  api,
  cliEnv,
  createKey,
  makeTempDir,
  removeTempDirs,
  runCli,
  startServer,
  stopAllServers,
  tempSqliteUrl,
  waitFor,
} from '../helpers/cli.js';
import { parseExposition, sampleValue } from '../helpers/prometheus.js';

afterEach(stopAllServers);
afterAll(removeTempDirs);

describe('request log lines', () => {
  it('carry request id, route, method, status, duration and the key name, never the key or the body', async () => {
    const db = tempSqliteUrl();
    const key = await createKey(db, 'log-line-client');
    const server = await startServer({ env: { DATABASE_URL: db, GS_ACCESS_KEY: E2E_ACCESS_KEY } });

    const secretBodyValue = 'body-value-that-must-not-be-logged';
    const created = await api(server.url, 'POST', '/v1/companies', { key, body: { Name: secretBodyValue } });
    expect(created.status).toBe(200);
    const gsid = created.body.data.Gsid as string;
    const fetched = await api(server.url, 'GET', `/v1/companies/${gsid}`, { key });
    expect(fetched.status).toBe(200);
    const refused = await api(server.url, 'GET', '/v1/companies', { key: 'gsk_notakey' });
    expect(refused.status).toBe(401);

    const line = await server.waitForLog((entry) => entry.msg === 'request' && entry.requestId === fetched.headers.get('x-request-id'));
    expect(line).toMatchObject({
      method: 'GET',
      route: '/v1/companies/{companyId}',
      url: `/v1/companies/${gsid}`,
      statusCode: 200,
      keyName: 'log-line-client',
    });
    expect(line.ms).toEqual(expect.any(Number));
    const post = await server.waitForLog((entry) => entry.msg === 'request' && entry.requestId === created.headers.get('x-request-id'));
    expect(post).toMatchObject({ method: 'POST', route: '/v1/companies', statusCode: 200, keyName: 'log-line-client' });
    // A refused key has no name to log.
    const unauthenticated = await server.waitForLog((entry) => entry.msg === 'request' && entry.requestId === refused.headers.get('x-request-id'));
    expect(unauthenticated).toMatchObject({ route: '/v1/companies', statusCode: 401 });
    expect(unauthenticated).not.toHaveProperty('keyName');

    for (const secret of [key, E2E_ACCESS_KEY, 'gsk_notakey', secretBodyValue]) expect(server.stdout()).not.toContain(secret);
    // Every line on stdout is JSON (the default when stdout is not a terminal).
    for (const raw of server.stdout().split('\n').filter(Boolean)) expect(() => JSON.parse(raw), raw).not.toThrow();
  });

  it('are readable lines with --log-format pretty, still without the key', async () => {
    const db = tempSqliteUrl();
    const key = await createKey(db, 'pretty-client');
    const child = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0', '--log-format', 'pretty'], {
      cwd: makeTempDir(),
      env: cliEnv({ DATABASE_URL: db }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const address = await waitFor(() => /gainsight-api listening.*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], { timeoutMs: 20_000, what: 'the listening line' });
      expect((await api(address, 'GET', '/v1/companies', { key })).status).toBe(200);
      const requestLine = await waitFor(() => out.split('\n').find((line) => line.includes('/v1/companies') && line.includes('pretty-client')), {
        what: 'the request line',
      });
      expect(requestLine).toMatch(/INFO: GET \/v1\/companies 200 [\d.]+ ms \{"requestId":"[^"]+","route":"\/v1\/companies","keyName":"pretty-client"\}/);
      expect(() => JSON.parse(requestLine)).toThrow();
      expect(out).not.toContain(key);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses an unknown --log-format by name', async () => {
    const result = await runCli(['serve', '--port', '0', '--log-format', 'xml', '--db', tempSqliteUrl()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LOG_FORMAT (--log-format) must be json or pretty, got "xml"');
  });
});

describe('GET /metrics', () => {
  it('is 404 by default', async () => {
    const server = await startServer({ env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    const response = await api(server.url, 'GET', '/metrics', { key: E2E_ACCESS_KEY });
    expect(response.status).toBe(404);
    expect(response.body.errorCode).toBe('GSAPI_4040');
  });

  it('GS_METRICS=1 serves it on the API port to a key', async () => {
    const server = await startServer({ env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY, GS_METRICS: '1' } });
    expect((await api(server.url, 'GET', '/metrics')).status).toBe(401);
    const response = await api(server.url, 'GET', '/metrics', { key: E2E_ACCESS_KEY });
    expect(response.status).toBe(200);
    const exposition = parseExposition(response.body as string);
    expect(sampleValue(exposition, 'gsapi_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
  });

  it('--metrics-port serves it without a key on a listener of its own, and not on the API port', async () => {
    const server = await startServer({
      env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY },
      args: ['--metrics-port', '0'],
    });
    const listening = await server.waitForLog((line) => line.msg.startsWith('metrics listening'));
    const metricsUrl = String(listening.address);
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(String(server.port));

    for (let i = 0; i < 3; i++) expect((await api(server.url, 'GET', '/v1/people', { key: E2E_ACCESS_KEY })).status).toBe(200);
    const scraped = await fetch(metricsUrl);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = parseExposition(await scraped.text());
    expect(sampleValue(exposition, 'gsapi_http_requests_total', { method: 'GET', route: '/v1/people', status: '200' })).toBe(3);
    expect(sampleValue(exposition, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    expect((await api(server.url, 'GET', '/metrics', { key: E2E_ACCESS_KEY })).status).toBe(404);
    expect((await fetch(new URL('/v1/people', metricsUrl))).status).toBe(404);
    // It stops with the server.
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});
