/**
 * SQLite backup and restore as functions (store/backup.ts): a backup taken while a store writes
 * holds every write committed before it began and is a database that serves; what restore and
 * backup refuse (files that are not this program's databases, damaged or newer ones, an existing
 * file without force, a database in use), each refused without touching the target.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Company } from '../../src/domain/objects/index.js';
import { newGsid } from '../../src/domain/gsid.js';
import { backupSqlite, BackupError, inspectDatabaseFile, restoreSqlite } from '../../src/store/backup.js';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { openStore, type Store } from '../../src/store/store.js';

const dirs: string[] = [];
const stores: Store[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-backup-'));
  dirs.push(dir);
  return dir;
};
async function storeAt(path: string): Promise<Store> {
  const store = await openStore({ url: `sqlite:${path}`, sqliteSynchronous: 'normal' });
  stores.push(store);
  await store.migrate();
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A company as the service inserts it: the server's Gsid and timestamps. */
function company(Name: string) {
  const at = new Date().toISOString();
  return { Gsid: newGsid(), Name, CreatedDate: at, ModifiedDate: at };
}

async function names(store: Store): Promise<string[]> {
  const { records, totalCount } = await store.records(Company).list({ limit: 10_000, offset: 0 });
  // The count kept by triggers agrees with the rows: the copy is one consistent state.
  expect(totalCount).toBe(records.length);
  return records.map((record) => String(record.Name)).sort();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('SQLite backup and restore', () => {
  it('copies every committed write while another connection keeps writing, and the copy serves', async () => {
    const dir = tempDir();
    const live = await storeAt(join(dir, 'live.db'));
    const companies = live.records(Company);
    for (let i = 0; i < 50; i++) await companies.insert(company(`Before ${i}`));
    let writing = true;
    let during = 0;
    const writer = (async () => {
      while (writing) {
        await companies.insert(company(`During ${during++}`));
        await new Promise((done) => setImmediate(done));
      }
    })();
    const summary = await backupSqlite(join(dir, 'live.db'), join(dir, 'copy.db'));
    writing = false;
    await writer;
    expect(summary.migrations).toEqual(MIGRATION_NAMES);
    expect(summary.pending).toEqual([]);
    expect(summary.pages).toBeGreaterThan(0);
    // One self-contained file: nothing beside it, the rollback journal in its header.
    expect(existsSync(join(dir, 'copy.db-wal'))).toBe(false);
    expect(readdirPartial(dir)).toEqual([]);

    await restoreSqlite(join(dir, 'copy.db'), join(dir, 'restored.db'));
    const restored = await storeAt(join(dir, 'restored.db'));
    const got = await names(restored);
    for (let i = 0; i < 50; i++) expect(got).toContain(`Before ${i}`);
    // A consistent snapshot: a prefix of the writes made during the copy, none half-there.
    const duringFound = got.filter((name) => name.startsWith('During ')).map((name) => Number(name.slice(7)));
    expect(duringFound.sort((a, b) => a - b)).toEqual(duringFound.map((_, i) => i));
    expect(await restored.records(Company).count()).toBe(got.length);
    await restored.records(Company).insert(company('After restore'));
    expect(await restored.records(Company).count()).toBe(got.length + 1);
  });

  it('refuses to overwrite a backup file without force, and replaces it with force', async () => {
    const dir = tempDir();
    const live = await storeAt(join(dir, 'live.db'));
    await live.records(Company).insert(company('One'));
    await backupSqlite(join(dir, 'live.db'), join(dir, 'copy.db'));
    await live.records(Company).insert(company('Two'));
    const refused = await rejection(backupSqlite(join(dir, 'live.db'), join(dir, 'copy.db')));
    expect(refused).toBeInstanceOf(BackupError);
    expect(refused.message).toMatch(/copy\.db already exists; pass --force/);
    await backupSqlite(join(dir, 'live.db'), join(dir, 'copy.db'), { force: true });
    await restoreSqlite(join(dir, 'copy.db'), join(dir, 'restored.db'));
    expect(await names(await storeAt(join(dir, 'restored.db')))).toEqual(['One', 'Two']);
  });

  it('restores over an existing database only with force and only while nothing has it open', async () => {
    const dir = tempDir();
    const source = await storeAt(join(dir, 'source.db'));
    await source.records(Company).insert(company('From the backup'));
    await backupSqlite(join(dir, 'source.db'), join(dir, 'copy.db'));

    const target = await storeAt(join(dir, 'target.db'));
    await target.records(Company).insert(company('Current'));
    const withoutForce = await rejection(restoreSqlite(join(dir, 'copy.db'), join(dir, 'target.db')));
    expect(withoutForce.message).toMatch(/target\.db already exists; pass --force .*stop every server/);
    const inUse = await rejection(restoreSqlite(join(dir, 'copy.db'), join(dir, 'target.db'), { force: true }));
    expect(inUse).toBeInstanceOf(BackupError);
    expect(inUse.message).toMatch(/target\.db is in use/);
    expect(await names(target)).toEqual(['Current']);

    await target.close();
    stores.splice(stores.indexOf(target), 1);
    await restoreSqlite(join(dir, 'copy.db'), join(dir, 'target.db'), { force: true });
    expect(await names(await storeAt(join(dir, 'target.db')))).toEqual(['From the backup']);
  });

  it('refuses files that are not an undamaged database of this program, before touching the target', async () => {
    const dir = tempDir();
    const target = await storeAt(join(dir, 'target.db'));
    for (let i = 0; i < 200; i++) await target.records(Company).insert(company(`Company ${i} ${'x'.repeat(100)}`));
    await backupSqlite(join(dir, 'target.db'), join(dir, 'good.db'));
    await target.close();
    stores.splice(stores.indexOf(target), 1);
    const cases: [string, (path: string) => void, RegExp][] = [
      ['text.db', (path) => writeFileSync(path, 'not a database at all, just some text'), /is not a SQLite database/],
      ['empty.db', (path) => writeFileSync(path, ''), /is not a SQLite database/],
      ['other.db', (path) => sqliteWith(path, 'create table customer (id integer)'), /is not a gainsight-api database \(it has no schema_migration table\)/],
      [
        'newer.db',
        (path) => sqliteWith(path, `create table schema_migration (name text, timestamp text); insert into schema_migration values ('0001-initial', ''), ('9999-future', '')`),
        /was written by a newer gainsight-api \(migration 9999-future\); upgrade first/,
      ],
      ['never-migrated.db', (path) => sqliteWith(path, 'create table schema_migration (name text, timestamp text)'), /its migrations never ran/],
      ['damaged.db', (path) => damagedCopy(join(dir, 'good.db'), path), /is damaged/],
    ];
    for (const [name, make, message] of cases) {
      const path = join(dir, name);
      make(path);
      const error = await rejection(restoreSqlite(path, join(dir, 'target.db'), { force: true }));
      expect(error, name).toBeInstanceOf(BackupError);
      expect(error.message, name).toMatch(message);
    }
    const missing = await rejection(restoreSqlite(join(dir, 'nowhere.db'), join(dir, 'restored.db')));
    expect(missing.message).toMatch(/nowhere\.db does not exist/);
    expect(existsSync(join(dir, 'restored.db'))).toBe(false);
    // The target is untouched and still a database of this program.
    expect(inspectDatabaseFile(join(dir, 'target.db'), 'The target').migrations).toEqual(MIGRATION_NAMES);
  });

  it('reports an older backup’s missing migrations as pending, to be applied at the next start', async () => {
    const dir = tempDir();
    const path = join(dir, 'old.db');
    sqliteWith(path, `create table schema_migration (name text, timestamp text); insert into schema_migration values ('0001-initial', '')`);
    expect(inspectDatabaseFile(path, 'The backup').pending).toEqual(MIGRATION_NAMES.slice(1));
  });

  it('refuses a missing database, the database as its own backup, and a destination in a missing directory', async () => {
    const dir = tempDir();
    await storeAt(join(dir, 'live.db'));
    expect((await rejection(backupSqlite(join(dir, 'none.db'), join(dir, 'copy.db')))).message).toMatch(/There is no database at/);
    expect((await rejection(backupSqlite(join(dir, 'live.db'), join(dir, 'live.db'), { force: true }))).message).toMatch(/cannot be the database itself/);
    expect((await rejection(backupSqlite(join(dir, 'live.db'), join(dir, 'no/such/dir/copy.db')))).message).toMatch(/directory .* does not exist/);
  });
});

function sqliteWith(path: string, statements: string): void {
  const database = new BetterSqlite3(path);
  database.exec(statements);
  database.close();
}

/** A copy of a database with a page in the middle overwritten by garbage. */
function damagedCopy(from: string, to: string): void {
  const bytes = readFileSync(from);
  const page = 4096;
  for (let i = page * 2; i < Math.min(bytes.length, page * 6); i++) bytes[i] = (i * 7919) & 0xff;
  writeFileSync(to, bytes);
}

function readdirPartial(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.includes('.partial-'));
}
