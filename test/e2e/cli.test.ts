/**
 * The command-line program as users run it: `node dist/cli/main.js serve|keys|seed|migrate`,
 * real processes, real database files, real signals.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Company, Person } from '../../src/domain/objects/index.js';
import { DEMO_COMPANY_NAMES } from '../../src/seed/vocabulary.js';
import { openStore } from '../../src/store/store.js';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';
import {
  E2E_ACCESS_KEY,
  api,
  freePort,
  isPortFree,
  listAll,
  makeTempDir,
  removeTempDirs,
  runCli,
  startServer,
  stopAllServers,
  tempSqliteUrl,
  waitFor,
  type CliResult,
} from '../helpers/cli.js';

const KEY_PATTERN = /gsk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/g;
const PREFIX_PATTERN = /^gsk_[0-9A-Za-z]{12}$/;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const schemas: string[] = [];
function newPostgresUrl(): string {
  const schema = `e2e_cli_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  return withSchema(postgresUrl!, schema);
}

afterEach(stopAllServers);
afterAll(async () => {
  await stopAllServers();
  removeTempDirs();
  for (const schema of schemas) await dropSchema(postgresUrl!, schema);
});

function keysIn(text: string): string[] {
  return [...new Set(text.match(KEY_PATTERN) ?? [])];
}

/** A failed command: non-zero exit, exactly one line on stderr, no stack trace anywhere. */
function expectOneLineFailure(result: CliResult): string {
  const context = JSON.stringify(result);
  expect(result.code, context).not.toBe(0);
  expect(result.code, context).not.toBeNull();
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, context).toHaveLength(1);
  for (const text of [result.stderr, result.stdout]) {
    expect(text, context).not.toMatch(/\n\s+at |\.(ts|js):\d+|node_modules|Error:/);
  }
  return lines[0]!;
}

function createdKey(result: CliResult): string {
  expect(result.code, JSON.stringify(result)).toBe(0);
  const keys = keysIn(result.stdout);
  expect(keys, result.stdout).toHaveLength(1);
  return keys[0]!;
}

async function dumpStore(url: string): Promise<{ companies: unknown[]; people: unknown[] }> {
  const store = await openStore({ url });
  try {
    const companies = await store.records(Company).list({ offset: 0, limit: 100_000 });
    const people = await store.records(Person).list({ offset: 0, limit: 100_000 });
    return { companies: companies.records, people: people.records };
  } finally {
    await store.close();
  }
}

describe('first start', () => {
  it('with no keys and no GS_ACCESS_KEY creates and prints one key, once; it works', async () => {
    const db = tempSqliteUrl();
    const first = await startServer({ env: { DATABASE_URL: db } });
    const printed = keysIn(first.stdout());
    expect(printed, first.stdout()).toHaveLength(1);
    const key = printed[0]!;

    expect((await api(first.url, 'GET', '/v1/companies', { key })).status).toBe(200);
    expect((await api(first.url, 'POST', '/v1/companies', { key, body: { Name: 'First key works' } })).status).toBe(200);
    const without = await api(first.url, 'GET', '/v1/companies');
    expect(without.status).toBe(401);
    expect(without.body.errorCode).toBe('GS_APIG_2401');
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const second = await startServer({ env: { DATABASE_URL: db } });
    expect(keysIn(second.stdout()), second.stdout()).toEqual([]);
    expect(second.stdout()).not.toContain('gsk_');
    expect((await api(second.url, 'GET', '/v1/companies', { key })).status).toBe(200);
  });

  it('prints no key when GS_ACCESS_KEY is set, and GS_ACCESS_KEY works', async () => {
    const server = await startServer({ env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    expect(server.stdout()).not.toContain('gsk_');
    expect((await api(server.url, 'GET', '/v1/companies', { key: E2E_ACCESS_KEY })).status).toBe(200);
    expect((await api(server.url, 'GET', '/v1/companies', { key: 'not-the-key-0123456789' })).status).toBe(401);
  });
});

describe('keys create | list | revoke', () => {
  it('manages keys against a running server', async () => {
    const db = tempSqliteUrl();
    const dbFlag = ['--db', db];

    const empty = await runCli(['keys', 'list', ...dbFlag]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/No access keys/);
    const emptyJson = await runCli(['keys', 'list', '--json', ...dbFlag]);
    expect(JSON.parse(emptyJson.stdout)).toEqual([]);

    const [rw, ro] = await Promise.all([
      runCli(['keys', 'create', '--name', 'x', ...dbFlag]),
      runCli(['keys', 'create', '--name', 'reader', '--read-only', ...dbFlag]),
    ]);
    const writeKey = createdKey(rw);
    const readKey = createdKey(ro);
    const writePrefix = writeKey.slice(0, 16);
    const readPrefix = readKey.slice(0, 16);
    expect(rw.stdout).toContain(writePrefix);
    expect(ro.stdout).toMatch(/read-only/);

    const server = await startServer({ env: { DATABASE_URL: db } });
    expect(server.stdout(), 'keys exist, so no first key is printed').not.toContain('gsk_');
    const base = server.url;

    expect((await api(base, 'GET', '/v1/companies', { key: writeKey })).status).toBe(200);
    const created = await api(base, 'POST', '/v1/companies', { key: writeKey, body: { Name: 'Written by x' } });
    expect(created.status).toBe(200);
    const gsid = created.body.data.Gsid;

    expect((await api(base, 'GET', '/v1/companies', { key: readKey })).status).toBe(200);
    expect((await api(base, 'GET', `/v1/companies/${gsid}`, { key: readKey })).status).toBe(200);
    const denied = await api(base, 'POST', '/v1/companies', { key: readKey, body: { Name: 'Not allowed' } });
    expect(denied.status).toBe(403);
    expect(denied.body.result).toBe(false);
    expect((await api(base, 'PUT', `/v1/companies/${gsid}`, { key: readKey, body: { Name: 'No' } })).status).toBe(403);
    expect((await api(base, 'DELETE', `/v1/companies/${gsid}`, { key: readKey })).status).toBe(403);
    expect((await api(base, 'GET', `/v1/companies/${gsid}`, { key: writeKey })).body.data.Name).toBe('Written by x');

    // `last used` is recorded (in the background) once a key has been used.
    const rows = await waitFor(
      async () => {
        const listed = JSON.parse((await runCli(['keys', 'list', '--json', ...dbFlag])).stdout) as Record<string, string>[];
        return listed.every((row) => row.lastUsed !== 'never') && listed;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'keys list to show last-used times' },
    );
    expect(rows.map((row) => row.name).sort()).toEqual(['reader', 'x']);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['prefix', 'name', 'access', 'created', 'lastUsed']));
      expect(row.prefix).toMatch(PREFIX_PATTERN);
      expect(row.created).toMatch(ISO_DATE_TIME);
      expect(row.lastUsed).toMatch(ISO_DATE_TIME);
    }
    expect(rows.find((row) => row.name === 'x')).toMatchObject({ prefix: writePrefix, access: 'read-write' });
    expect(rows.find((row) => row.name === 'reader')).toMatchObject({ prefix: readPrefix, access: 'read-only' });

    const table = await runCli(['keys', 'list', ...dbFlag]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/PREFIX/);
    expect(table.stdout).toMatch(/NAME/);
    expect(table.stdout).toMatch(/ACCESS/);
    expect(table.stdout).toMatch(/CREATED/);
    expect(table.stdout).toMatch(/LAST USED/);
    const xLine = table.stdout.split('\n').find((line) => line.includes(writePrefix));
    expect(xLine).toMatch(/\bx\b.*read-write.*\d{4}-\d\d-\d\dT.*\d{4}-\d\d-\d\dT/);
    const jsonAgain = await runCli(['keys', 'list', '--json', ...dbFlag]);
    for (const output of [table.stdout, jsonAgain.stdout]) {
      for (const key of [writeKey, readKey]) {
        expect(output).not.toContain(key);
        expect(output).not.toContain(key.slice(17)); // the secret part
      }
      expect(output).not.toMatch(/[0-9a-f]{64}/); // nor the stored hashes
    }

    // Revocation reaches the running server within seconds.
    const revoke = await runCli(['keys', 'revoke', writePrefix, ...dbFlag]);
    expect(revoke.code, revoke.stderr).toBe(0);
    const revokedAt = Date.now();
    const refused = await waitFor(
      async () => {
        const response = await api(base, 'GET', '/v1/companies', { key: writeKey });
        return response.status === 401 && response;
      },
      { timeoutMs: 6_000, intervalMs: 100, what: 'the revoked key to be refused (401)' },
    );
    expect(Date.now() - revokedAt).toBeLessThan(6_000);
    expect(refused.body.errorCode).toBe('GS_APIG_2401');
    expect((await api(base, 'GET', '/v1/companies', { key: readKey })).status).toBe(200);
    const afterRevoke = JSON.parse((await runCli(['keys', 'list', '--json', ...dbFlag])).stdout) as Record<string, string>[];
    expect(afterRevoke.find((row) => row.name === 'x')!.status).toMatch(/revoked/);

    // An unknown prefix, and a key revoked already: exit 1 with one line naming the prefix.
    const unknown = await runCli(['keys', 'revoke', 'gsk_AAAAAAAAAAAA', ...dbFlag]);
    expect(unknown.code).toBe(1);
    expect(expectOneLineFailure(unknown)).toContain('gsk_AAAAAAAAAAAA');
    expect(unknown.stdout).toBe('');
    const again = await runCli(['keys', 'revoke', writePrefix, ...dbFlag]);
    expect(again.code).toBe(1);
    expect(expectOneLineFailure(again)).toContain(writePrefix);
  }, 45_000);

  it('refuses an empty --name with one line', async () => {
    const result = await runCli(['keys', 'create', '--name', ' ', '--db', tempSqliteUrl()]);
    expect(result.code).toBe(1);
    expect(expectOneLineFailure(result)).toMatch(/--name/);
  });
});

describe('seed', () => {
  const args = (seed: string, db: string) =>
    ['seed', '--companies', '300', '--people', '900', '--random-seed', seed, '--base-date', '2026-01-01', '--db', db];

  it('is deterministic for a seed, differs across seeds, and refuses to seed the same seed twice', async () => {
    const [a, b, c] = [tempSqliteUrl(), tempSqliteUrl(), tempSqliteUrl()];
    const results = await Promise.all([runCli(args('s1', a)), runCli(args('s1', b)), runCli(args('s2', c))]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Seeded 300 companies and 900 people/);
    }

    const [dumpA, dumpB, dumpC] = await Promise.all([dumpStore(a), dumpStore(b), dumpStore(c)]);
    expect(dumpA.companies).toHaveLength(300);
    expect(dumpA.people).toHaveLength(900);
    expect(dumpB).toEqual(dumpA);
    expect(dumpC.companies).toHaveLength(300);
    const gsids = (records: unknown[]) => records.map((record) => (record as { Gsid: string }).Gsid);
    expect(gsids(dumpC.companies)).not.toEqual(gsids(dumpA.companies));
    expect(dumpC.companies.map((r) => (r as { Name: string }).Name)).not.toEqual(dumpA.companies.map((r) => (r as { Name: string }).Name));

    const twice = await runCli(args('s1', a));
    expect(twice.code).toBe(1);
    expect(expectOneLineFailure(twice)).toMatch(/--random-seed/);
    expect(await dumpStore(a)).toEqual(dumpA);
  });

  it.skipIf(postgresUrl === undefined)('gives the same records on PostgreSQL as on SQLite', async () => {
    const sqlite = tempSqliteUrl();
    const postgres = newPostgresUrl();
    const results = await Promise.all([runCli(args('s1', sqlite)), runCli(args('s1', postgres))]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(await dumpStore(postgres)).toEqual(await dumpStore(sqlite));
  });

  it('rejects a bad count with one line', async () => {
    const result = await runCli(['seed', '--companies', 'many', '--db', tempSqliteUrl()]);
    expect(result.code).toBe(1);
    expect(expectOneLineFailure(result)).toMatch(/--companies/);
  });
});

describe('migrate', () => {
  const scenarios = [
    { name: 'sqlite', url: () => tempSqliteUrl(), skip: false },
    { name: 'postgres', url: newPostgresUrl, skip: postgresUrl === undefined },
  ];
  for (const scenario of scenarios) {
    it.skipIf(scenario.skip)(`reports what it applied, then that there is nothing to apply [${scenario.name}]`, async () => {
      const url = scenario.url();
      const first = await runCli(['migrate', '--db', url]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/applied 0001-initial\b/);
      expect(first.stdout).not.toMatch(/nothing to apply/);
      const second = await runCli(['migrate', '--db', url]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/nothing to apply/);
      expect(second.stdout).not.toMatch(/applied 0/);
      if (scenario.name === 'sqlite') expect(existsSync(url.slice('sqlite:'.length))).toBe(true);
    });
  }
});

describe('serve --demo', () => {
  it('loads 50 companies and 200 people into an empty database, and nothing into a non-empty one', async () => {
    const env = { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY };
    const key = E2E_ACCESS_KEY;
    const first = await startServer({ env, args: ['--demo'] });
    const companies = await listAll(first.url, '/v1/companies', key);
    const people = await listAll(first.url, '/v1/people', key);
    expect(companies).toHaveLength(50);
    expect(people).toHaveLength(200);
    expect(new Set(companies.map((c) => c.Name))).toEqual(new Set(DEMO_COMPANY_NAMES));
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const second = await startServer({ env, args: ['--demo'] });
    expect(await listAll(second.url, '/v1/companies', key)).toEqual(companies);
    expect(await listAll(second.url, '/v1/people', key)).toEqual(people);
    expect(second.logs().some((line) => /no demo data was loaded/.test(line.msg))).toBe(true);
  });

  it('loads nothing into a database that holds only one company', async () => {
    const db = tempSqliteUrl();
    expect((await runCli(['seed', '--companies', '1', '--random-seed', 'one', '--db', db])).code).toBe(0);
    const server = await startServer({ env: { DATABASE_URL: db, GS_ACCESS_KEY: E2E_ACCESS_KEY }, args: ['--demo'] });
    expect(await listAll(server.url, '/v1/companies', E2E_ACCESS_KEY)).toHaveLength(1);
    expect(await listAll(server.url, '/v1/people', E2E_ACCESS_KEY)).toHaveLength(0);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM lets an in-flight request finish, stops listening, logs "stopped" and exits 0', async () => {
    const env = { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY };
    const server = await startServer({ env });

    // A request whose headers the server has accepted (it answered 100 Continue) but whose body
    // has not arrived yet is in flight when SIGTERM comes.
    const body = JSON.stringify({ Name: 'Created during shutdown' });
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    let closed = false;
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write(
      'POST /v1/companies HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `accessKey: ${E2E_ACCESS_KEY}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await waitFor(() => received.includes('100 Continue'), { what: '100 Continue' });

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => /shutting down/.test(line.msg));
    // New connections are no longer served.
    const late = await fetch(`${server.url}/healthz`).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    socket.write(body);
    const response = await waitFor(
      () => {
        const match = /HTTP\/1\.1 (\d{3})[^]*?\r\n\r\n(\{[^]*\})$/.exec(received.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ''));
        return match ? { status: Number(match[1]), body: JSON.parse(match[2]!) } : undefined;
      },
      { what: 'the in-flight response' },
    );
    expect(response.status).toBe(200);
    expect(response.body.data.Name).toBe('Created during shutdown');

    // Once the in-flight request is answered there is nothing left to wait for: the server must
    // close the (keep-alive) connection and exit 0 promptly, not sit out its 10 s grace period.
    const answeredAt = Date.now();
    const status = await server.exited;
    const exitedAfterMs = Date.now() - answeredAt;
    expect.soft({ ...status, promptly: exitedAfterMs < 5_000 }, `exited ${exitedAfterMs} ms after the response\n${server.stdout()}`).toEqual({
      code: 0,
      signal: null,
      promptly: true,
    });
    expect.soft(server.logs().some((line) => line.msg === 'stopped'), 'logs "stopped"').toBe(true);
    await waitFor(() => closed, { timeoutMs: 2_000, what: 'the connection to close' });

    // What was acknowledged during shutdown is stored.
    const restarted = await startServer({ env });
    const fetched = await api(restarted.url, 'GET', `/v1/companies/${response.body.data.Gsid}`, { key: E2E_ACCESS_KEY });
    expect(fetched.body.data).toEqual(response.body.data);
  }, 30_000);

  it('SIGINT (Ctrl-C) also stops cleanly with exit code 0', async () => {
    const server = await startServer({ env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    expect((await api(server.url, 'GET', '/v1/companies', { key: E2E_ACCESS_KEY })).status).toBe(200);
    expect(await server.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(server.logs().some((line) => line.msg === 'stopped')).toBe(true);
  });
});

describe('start-up errors: non-zero exit, one line that names the problem', () => {
  const cases: [string, Record<string, string>, RegExp[]][] = [
    ['an unsupported DATABASE_URL scheme', { DATABASE_URL: 'mysql://root@127.0.0.1/db' }, [/DATABASE_URL/, /mysql/]],
    ['PORT=abc', { PORT: 'abc' }, [/PORT/, /abc/]],
    ['PORT=70000', { PORT: '70000' }, [/PORT/, /70000/]],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, [/LOG_LEVEL/, /loud/]],
    [
      'a PostgreSQL server that is not there',
      { DATABASE_URL: 'postgres://postgres:s3cretpw@127.0.0.1:1/x' },
      [/PostgreSQL/, /127\.0\.0\.1:1/, /refused/i],
    ],
  ];
  for (const [what, env, patterns] of cases) {
    it(`serve with ${what}`, async () => {
      const cwd = makeTempDir();
      const result = await runCli(['serve'], { env, cwd });
      const line = expectOneLineFailure(result);
      for (const pattern of patterns) expect(line).toMatch(pattern);
      expect(line).not.toContain('s3cretpw');
    });
  }

  it.skipIf(postgresUrl === undefined)('serve with a PostgreSQL database that does not exist', async () => {
    const url = new URL(postgresUrl!);
    const name = `gs_e2e_missing_${randomBytes(4).toString('hex')}`;
    url.pathname = `/${name}`;
    const result = await runCli(['serve'], { env: { DATABASE_URL: url.toString() } });
    const line = expectOneLineFailure(result);
    expect(line).toContain(name);
    expect(line).toMatch(/does not exist/);
  });

  it.skipIf(postgresUrl === undefined)('serve with a PostgreSQL URL that names no database', async () => {
    // Should the program start anyway, whatever it creates lands in this throwaway schema of the
    // driver's default database, which is dropped afterwards.
    const schema = `e2e_nodb_${randomBytes(5).toString('hex')}`;
    const url = new URL(postgresUrl!);
    url.pathname = '';
    url.searchParams.set('schema', schema);
    try {
      const result = await runCli(['serve', '--port', '0'], { env: { DATABASE_URL: url.toString() }, timeoutMs: 5_000 });
      const line = expectOneLineFailure(result);
      expect(line).toMatch(/database/i);
      expect(line).toMatch(/DATABASE_URL/);
    } finally {
      await dropSchema(url.toString(), schema);
    }
  });

  it('the other commands fail the same way', async () => {
    for (const args of [['migrate'], ['keys', 'list'], ['seed', '--companies', '1']]) {
      const result = await runCli(args, { env: { DATABASE_URL: 'mysql://root@127.0.0.1/db' } });
      expect(expectOneLineFailure(result)).toMatch(/DATABASE_URL/);
    }
  });
});

describe('configuration: flags override the environment', () => {
  it('--port, --db and --log-level win over PORT, DATABASE_URL and LOG_LEVEL', async () => {
    const [envPort, flagPort] = [await freePort(), await freePort()];
    const dir = makeTempDir();
    const envDb = join(dir, 'env.db');
    const flagDb = join(dir, 'flag.db');
    const server = await startServer({
      env: { PORT: String(envPort), DATABASE_URL: `sqlite:${envDb}`, LOG_LEVEL: 'silent', GS_ACCESS_KEY: E2E_ACCESS_KEY },
      args: ['--port', String(flagPort), '--db', `sqlite:${flagDb}`, '--log-level', 'info'],
    });
    expect(server.url).toBe(`http://127.0.0.1:${flagPort}`);
    expect(existsSync(flagDb)).toBe(true);
    expect(existsSync(envDb)).toBe(false);
    expect((await api(server.url, 'GET', '/v1/companies', { key: E2E_ACCESS_KEY })).status).toBe(200);
  });

  it('PORT and HOST from the environment are used without flags', async () => {
    const port = await freePort();
    const server = await startServer({
      env: { PORT: String(port), HOST: '127.0.0.2', DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY },
    });
    expect(server.url).toBe(`http://127.0.0.2:${port}`);
  });

  it('--host wins over HOST', async () => {
    const server = await startServer({
      env: { HOST: '127.0.0.2', DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY },
      args: ['--host', '127.0.0.1'],
    });
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('migrate --db wins over DATABASE_URL', async () => {
    const dir = makeTempDir();
    const result = await runCli(['migrate', '--db', `sqlite:${join(dir, 'flag.db')}`], {
      env: { DATABASE_URL: `sqlite:${join(dir, 'env.db')}` },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(dir, 'flag.db'))).toBe(true);
    expect(existsSync(join(dir, 'env.db'))).toBe(false);
  });
});

describe('defaults (npm start)', () => {
  it('without DATABASE_URL, serve creates ./data/gainsight.db in the working directory', async () => {
    const cwd = makeTempDir();
    const server = await startServer({ cwd, env: { GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    expect(existsSync(join(cwd, 'data', 'gainsight.db'))).toBe(true);
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const created = await api(server.url, 'POST', '/v1/companies', { key: E2E_ACCESS_KEY, body: { Name: 'Default db' } });
    expect(created.status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(await dumpStore(`sqlite:${join(cwd, 'data', 'gainsight.db')}`)).toMatchObject({ companies: [created.body.data] });
  });

  it('without PORT or --port, serves on http://127.0.0.1:8080', async (context) => {
    if (!(await isPortFree(8080))) context.skip('port 8080 is in use here');
    const cwd = makeTempDir();
    const server = await startServer({ cwd, env: { GS_ACCESS_KEY: E2E_ACCESS_KEY }, anyFreePort: false });
    expect(server.url).toBe('http://127.0.0.1:8080');
  });
});
