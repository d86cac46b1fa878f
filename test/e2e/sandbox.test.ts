/**
 * The sandbox as users run it: `keys create --admin`, `serve --sandbox`, the `sandbox` and
 * `requests tail` commands against the real server, the key nowhere in the server's output, and
 * the README's worked example run with Node's test runner against a real server.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api, cliEnv, CLI_PATH, E2E_ACCESS_KEY, makeTempDir, removeTempDirs, REPO_ROOT, runCli, startServer, stopAllServers, tempSqliteUrl, waitFor } from '../helpers/cli.js';

afterEach(stopAllServers);
afterAll(removeTempDirs);

const createdKey = (output: string) => /gsk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/.exec(output)![0];

describe('admin keys from the command line', () => {
  it('creates an admin key, lists it as admin, and refuses --admin with --read-only', async () => {
    const db = tempSqliteUrl();
    const created = await runCli(['keys', 'create', '--name', 'ci', '--admin', '--db', db]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Created admin access key "ci"/);
    const listed = JSON.parse((await runCli(['keys', 'list', '--json', '--db', db])).stdout) as { name: string; access: string }[];
    expect(listed).toEqual([expect.objectContaining({ name: 'ci', access: 'admin' })]);
    const refused = await runCli(['keys', 'create', '--name', 'both', '--admin', '--read-only', '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--admin and --read-only exclude each other/);
    expect(JSON.parse((await runCli(['keys', 'list', '--json', '--db', db])).stdout)).toHaveLength(1);
  });
});

describe('serve --sandbox', () => {
  it('resets, snapshots and restores from the command line, follows the journal, and never prints a key', async () => {
    const db = tempSqliteUrl();
    const adminKey = createdKey((await runCli(['keys', 'create', '--name', 'ci', '--admin', '--db', db])).stdout);
    const server = await startServer({ args: ['--sandbox', '--sandbox-journal-max', '500'], env: { DATABASE_URL: db, GS_ACCESS_KEY: E2E_ACCESS_KEY, LOG_FORMAT: 'json' } });
    const env = { GS_URL: server.url, GS_ACCESS_KEY: adminKey };
    const cli = (...args: string[]) => runCli(args, { env });

    const reset = await cli('sandbox', 'reset', '--to', 'demo');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/Reset to demo in [\d.]+ ms: .*company 50, person 200/);
    expect((await cli('sandbox', 'snapshot', 'before')).stdout).toMatch(/Saved snapshot "before": .*company 50/);
    expect((await cli('sandbox', 'reset', '--companies', '3', '--people', '0')).stdout).toMatch(/Reset to seed .*company 3/);
    expect((await api(server.url, 'GET', '/v1/companies?pageSize=1', { key: adminKey })).body.data.totalCount).toBe(3);
    expect((await cli('sandbox', 'restore', 'before')).stdout).toMatch(/Restored snapshot "before" in [\d.]+ ms: .*company 50/);
    expect((await api(server.url, 'GET', '/v1/companies?pageSize=1', { key: adminKey })).body.data.totalCount).toBe(50);
    expect(JSON.parse((await cli('sandbox', 'snapshots', '--json')).stdout)).toEqual([expect.objectContaining({ name: 'before', records: expect.any(Number) })]);
    const missing = await cli('sandbox', 'restore', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404 GSOBJ_1011 No snapshot named "nope"/);

    // requests tail, not on a terminal: JSON lines, only the paths asked for.
    const tail = spawn(process.execPath, [CLI_PATH, 'requests', 'tail', '--path', '/v1/companies*', '--lines', '0', '--interval', '100'], {
      env: cliEnv(env),
      cwd: makeTempDir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tailed = '';
    tail.stdout.setEncoding('utf8').on('data', (chunk: string) => (tailed += chunk));
    try {
      // Give it time to read where the journal stands.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await api(server.url, 'GET', '/v1/companies?pageSize=2', { key: adminKey });
      await api(server.url, 'GET', '/v1/people?pageSize=2', { key: adminKey });
      await api(server.url, 'POST', '/v1/companies', { key: adminKey, body: { Name: 'Tail' } });
      const lines = await waitFor(
        () => {
          const parsed = tailed.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { method: string; status: number; path: string });
          return parsed.length >= 2 && parsed;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'requests tail to print two records' },
      );
      expect(lines.map((line) => `${line.method} ${line.path}`)).toEqual(['GET /v1/companies', 'POST /v1/companies']);
      expect(lines.map((line) => line.status)).toEqual([200, 200]);
    } finally {
      tail.kill('SIGTERM');
    }

    // No key in anything the server wrote, nor in any journal record.
    const journal = JSON.stringify((await api(server.url, 'GET', '/v1/_sandbox/requests?limit=1000', { key: adminKey })).body);
    for (const text of [server.stdout(), server.stderr(), journal]) {
      expect(text).not.toContain(adminKey);
      expect(text).not.toContain(E2E_ACCESS_KEY);
    }
  }, 120_000);

  it('keeps one journal for two servers on one SQLite file, in a file of its own beside it', async () => {
    const db = tempSqliteUrl();
    const env = { DATABASE_URL: db, GS_ACCESS_KEY: E2E_ACCESS_KEY };
    const first = await startServer({ args: ['--sandbox'], env });
    const second = await startServer({ args: ['--sandbox'], env });
    const key = E2E_ACCESS_KEY;
    // Writes on both servers while both journal them: none waits on the other's journal.
    const written = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api(i % 2 ? second.url : first.url, 'POST', '/v1/companies', { key, body: { Name: `Node ${i}` } })),
    );
    expect(written.map((answer) => answer.status)).toEqual(Array(40).fill(200));
    const records = await waitFor(
      async () => {
        const listed = (await api(first.url, 'GET', '/v1/_sandbox/requests?method=POST&limit=100', { key })).body.data.records as { node: string }[];
        return listed.length === 40 && listed;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: "both servers' 40 POSTs in the journal" },
    );
    expect(new Set(records.map((record) => record.node)).size).toBe(2);
    const path = db.slice('sqlite:'.length);
    expect(existsSync(`${path}-sandbox-journal`)).toBe(true);
    // Stopping writes the journal's last records and lets go of its file.
    expect((await first.stop()).code).toBe(0);
    expect((await second.stop()).code).toBe(0);
    // No journal write failed, on either server (a warning would be in the log).
    expect(first.stdout() + second.stdout()).not.toMatch(/request journal: /);
  }, 60_000);

  it('answers 404 to the sandbox commands of a server without --sandbox', async () => {
    const server = await startServer({ env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    const result = await runCli(['sandbox', 'snapshots'], { env: { GS_URL: server.url, GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has no sandbox: start the server with --sandbox/);
  });

  it("runs the README's worked example against a real server, and it passes", async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /<!-- sandbox-example: integration\.test\.mjs -->\n```js\n([\s\S]*?)\n```/.exec(readme);
    expect(block, 'the README holds the example').not.toBeNull();
    const dir = makeTempDir();
    writeFileSync(join(dir, 'integration.test.mjs'), block![1]!);
    const server = await startServer({ args: ['--sandbox'], env: { DATABASE_URL: tempSqliteUrl(), GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    const run = spawn(process.execPath, ['--test', 'integration.test.mjs'], {
      cwd: dir,
      env: { ...cliEnv({ GS_URL: server.url, GS_ACCESS_KEY: E2E_ACCESS_KEY }), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    run.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => run.once('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/# pass 3/);
    expect(output).toMatch(/# fail 0/);
  }, 120_000);
});
