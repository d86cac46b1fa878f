/**
 * Backup and restore with the real command-line program: `backup` copies a SQLite database that a
 * real server keeps writing to, `restore` puts the copy in place of another database, and a
 * server started on the restored database serves every write acknowledged before the backup
 * began. `restore` refuses to replace a database a server has open.
 */
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  E2E_ACCESS_KEY,
  api,
  listAll,
  makeTempDir,
  removeTempDirs,
  runCli,
  sleep,
  startServer,
  stopAllServers,
  waitFor,
} from '../helpers/cli.js';

const key = E2E_ACCESS_KEY;

afterEach(stopAllServers);
afterAll(removeTempDirs);

/** A write the server acknowledged: the record's state then, and when the answer arrived. */
interface Acknowledged {
  readonly Gsid: string;
  readonly Name: string;
  readonly at: number;
}

/**
 * Clients that create companies and rename each right after, until stopped; every acknowledged
 * state of each record is kept, in order, with the time its answer arrived.
 */
function writeStorm(base: string, clients: number) {
  const acknowledged = new Map<string, Acknowledged[]>();
  const failures: string[] = [];
  let running = true;
  let sequence = 0;
  const done = Promise.all(
    Array.from({ length: clients }, async () => {
      while (running) {
        const n = sequence++;
        const created = await api(base, 'POST', '/v1/companies', { key, body: { Name: `Storm ${n}`, ARR: n } });
        if (created.status !== 200) {
          failures.push(`create ${n}: ${created.status} ${JSON.stringify(created.body)}`);
          continue;
        }
        const { Gsid } = created.body.data as { Gsid: string };
        const history: Acknowledged[] = [{ Gsid, Name: `Storm ${n}`, at: Date.now() }];
        acknowledged.set(Gsid, history);
        const renamed = await api(base, 'PUT', `/v1/companies/${Gsid}`, { key, body: { Name: `Storm ${n} renamed` } });
        if (renamed.status !== 200) failures.push(`rename ${n}: ${renamed.status} ${JSON.stringify(renamed.body)}`);
        else history.push({ Gsid, Name: `Storm ${n} renamed`, at: Date.now() });
      }
    }),
  );
  return {
    acknowledged,
    failures,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe('backup and restore (SQLite, real server)', () => {
  it('restores a backup taken under write load with every write acknowledged before the backup began', async () => {
    const dir = makeTempDir();
    const live = join(dir, 'live.db');
    const backupFile = join(dir, 'backup.db');
    const restored = join(dir, 'restored.db');
    const server = await startServer({ env: { DATABASE_URL: `sqlite:${live}`, GS_ACCESS_KEY: key } });

    const storm = writeStorm(server.url, 6);
    await waitFor(() => storm.acknowledged.size >= 100, { timeoutMs: 60_000, what: '100 records written' });
    const backupBegan = Date.now();
    const backup = await runCli(['backup', backupFile, '--db', `sqlite:${live}`], { timeoutMs: 60_000 });
    const backupEnded = Date.now();
    // Writes go on after the copy, so the live database moves past the backup.
    await sleep(500);
    await storm.stop();
    expect(storm.failures).toEqual([]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up .* to .*backup\.db: \d+ pages/);

    // Replacing the database the server has open is refused, and the server is unharmed.
    const refused = await runCli(['restore', backupFile, '--db', `sqlite:${live}`, '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is in use .* stop it, then restore/);
    const withoutForce = await runCli(['restore', backupFile, '--db', `sqlite:${live}`]);
    expect(withoutForce.code).toBe(1);
    expect(withoutForce.stderr).toMatch(/already exists; pass --force/);
    const liveRecords = await listAll(server.url, '/v1/companies', key);
    expect(liveRecords).toHaveLength(storm.acknowledged.size);

    const restore = await runCli(['restore', backupFile, '--db', `sqlite:${restored}`]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^Restored .*restored\.db from .*backup\.db/);

    const second = await startServer({ env: { DATABASE_URL: `sqlite:${restored}`, GS_ACCESS_KEY: key } });
    const found = new Map((await listAll(second.url, '/v1/companies', key)).map((record) => [record.Gsid as string, record]));
    // Per record, its writes acknowledged before the backup began: the record must be there in the
    // last of those states or a later one (a write in flight may have committed before the copy).
    const writesBefore = [...storm.acknowledged.values()].flatMap((history) => history.filter((write) => write.at < backupBegan));
    const missing: string[] = [];
    for (const history of storm.acknowledged.values()) {
      const last = history.findLastIndex((write) => write.at < backupBegan);
      if (last < 0) continue;
      const allowed = history.slice(last).map((write) => write.Name);
      const name = found.get(history[0]!.Gsid)?.Name;
      if (name === undefined || !allowed.includes(name)) missing.push(`${history[0]!.Gsid}: ${name ?? 'absent'}, acknowledged ${allowed.join(' / ')}`);
    }
    const writesAll = [...storm.acknowledged.values()].reduce((sum, history) => sum + history.length, 0);
    console.info(
      `backup under load: ${writesAll} writes acknowledged in all, ${writesBefore.length} of them before the backup began, ` +
        `${writesBefore.length - missing.length} of those found; the backup holds ${found.size} of ${storm.acknowledged.size} records ` +
        `(backup command ${backupEnded - backupBegan} ms, start included)`,
    );
    const before = writesBefore;
    expect(before.length).toBeGreaterThanOrEqual(100);
    expect(missing).toEqual([]);
    // Nothing in the backup that was not written by the storm, and writes after it are not in it.
    for (const record of found.values()) expect(record.Name).toMatch(/^Storm \d+( renamed)?$/);
    expect(found.size).toBeLessThan(storm.acknowledged.size);

    // The restored database serves: reads, writes, and list counts that match.
    const created = await api(second.url, 'POST', '/v1/companies', { key, body: { Name: 'After restore' } });
    expect(created.status).toBe(200);
    const page = await api(second.url, 'GET', '/v1/companies?pageSize=1', { key });
    expect(page.body.data.totalCount).toBe(found.size + 1);
  }, 120_000);

  it('answers with the pg_dump and pg_restore lines for a PostgreSQL database', async () => {
    const url = 'postgres://app:s3cret@db.example:5432/gs?schema=tenant_a';
    const backup = await runCli(['backup', 'nightly.dump', '--db', url]);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain(
      "pg_dump --format=custom --no-owner --no-privileges --schema=tenant_a --file=nightly.dump 'postgres://app:***@db.example:5432/gs'",
    );
    expect(backup.stderr).not.toContain('s3cret');
    const restore = await runCli(['restore', 'nightly.dump', '--db', url]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(
      "pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --clean --if-exists '--dbname=postgres://app:***@db.example:5432/gs' nightly.dump",
    );
  });
});
