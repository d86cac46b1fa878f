/**
 * Online backup and restore of a SQLite database, with SQLite's backup API.
 *
 * Backup: a second connection to the server's database file copies every page in ONE backup
 * step, i.e. inside one read transaction. In WAL mode a read transaction never blocks the
 * server's writers (nor they it), and it sees exactly the transactions committed when it began:
 * the copy is a consistent snapshot holding every write acknowledged before the backup started.
 * (Copying in several small steps would restart from the first page whenever another process
 * writes between steps, and under a steady write load might never finish.)
 * The copy is written next to its destination under a temporary name, switched to the rollback
 * journal (one self-contained file, no -wal beside it), checked, fsynced and only then renamed
 * into place: a file at the destination is always a complete backup.
 *
 * Restore: the backup is checked first (a SQLite database, undamaged, made by this program and
 * no newer version of it), then copied onto the target with the backup API again, as one write
 * transaction of the target: an interrupted restore leaves the target as it was. A running
 * server keeps caches of what the database holds, so restoring under it would serve a mix of
 * both; the restore refuses while any other connection has the target open.
 *
 * PostgreSQL databases are backed up with pg_dump and restored with pg_restore (README).
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATION_NAMES } from './migrations/index.js';

/** A failure whose message is meant for the user as is (bad file, target in use, ...). */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** What a database file holds, as far as a backup or restore cares. */
export interface DatabaseFileInfo {
  readonly bytes: number;
  /** Migrations recorded in the file, in order. */
  readonly migrations: readonly string[];
  /** Migrations this version has and the file lacks: applied when a server next starts on it. */
  readonly pending: readonly string[];
}

export interface BackupSummary extends DatabaseFileInfo {
  readonly file: string;
  readonly pages: number;
  readonly ms: number;
}

// sqlite3_backup_step's page count for "everything that remains" (the binding clamps to this).
const ALL_PAGES = 0x7fffffff;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
// How long a backup waits for the server's write lock when the WAL must be read from the start.
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Copies the database at `sourcePath` (which servers may be using) to `destination`.
 * An existing destination is replaced only with `force`.
 */
export async function backupSqlite(sourcePath: string, destination: string, { force = false } = {}): Promise<BackupSummary> {
  const started = Date.now();
  if (!existsSync(sourcePath)) throw new BackupError(`There is no database at ${sourcePath}`);
  if (resolve(sourcePath) === resolve(destination)) throw new BackupError('The backup file cannot be the database itself');
  if (existsSync(destination) && !force) {
    throw new BackupError(`${destination} already exists; pass --force to replace it`);
  }
  if (!existsSync(dirname(resolve(destination)))) throw new BackupError(`The directory of ${destination} does not exist`);
  // The live database is not read through by quick_check: the copy is, below.
  inspectDatabaseFile(sourcePath, 'The database', { check: false });

  const partial = `${destination}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const source = new BetterSqlite3(sourcePath, { readonly: true, fileMustExist: true });
  try {
    source.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const { totalPages } = await source.backup(partial, { progress: () => ALL_PAGES });
    source.close();
    // One file that needs nothing beside it, whatever mode the server runs in.
    const copy = new BetterSqlite3(partial);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const info = inspectDatabaseFile(partial, 'The backup just written');
    fsyncPath(partial);
    renameSync(partial, destination);
    fsyncPath(dirname(resolve(destination)));
    return { file: destination, pages: totalPages, ms: Date.now() - started, ...info };
  } catch (error) {
    if (source.open) source.close();
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Replaces the database at `targetPath` with the backup `backupFile`. A target that exists is
 * replaced only with `force`, and never while another connection (a server) has it open.
 */
export async function restoreSqlite(backupFile: string, targetPath: string, { force = false } = {}): Promise<BackupSummary> {
  const started = Date.now();
  if (resolve(backupFile) === resolve(targetPath)) throw new BackupError('The backup file cannot be the database itself');
  inspectDatabaseFile(backupFile, 'The backup');
  if (existsSync(targetPath)) {
    if (!force) {
      throw new BackupError(
        `${targetPath} already exists; pass --force to replace it with the backup (stop every server using it first)`,
      );
    }
    assertNotInUse(targetPath);
  } else {
    mkdirSync(dirname(resolve(targetPath)), { recursive: true });
  }
  const source = new BetterSqlite3(backupFile, { readonly: true, fileMustExist: true });
  let pages: number;
  try {
    ({ totalPages: pages } = await source.backup(targetPath, { progress: () => ALL_PAGES }));
  } finally {
    source.close();
  }
  const info = inspectDatabaseFile(targetPath, 'The restored database');
  return { file: targetPath, pages, ms: Date.now() - started, ...info };
}

/**
 * Checks that `path` is an undamaged SQLite database of this program that this version can
 * serve; `what` names it in the messages ("The backup"). `check: false` skips reading every
 * page (SQLite's quick_check), which takes a while on a large database.
 */
export function inspectDatabaseFile(path: string, what: string, { check: readEveryPage = true } = {}): DatabaseFileInfo {
  if (!existsSync(path)) throw new BackupError(`${what} ${path} does not exist`);
  const bytes = statSync(path).size;
  if (!startsWithSqliteHeader(path)) throw new BackupError(`${what} ${path} is not a SQLite database`);
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${what} ${path} cannot be opened: ${(error as Error).message}`);
  }
  try {
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (readEveryPage) {
      let check: string;
      try {
        check = database.pragma('quick_check', { simple: true }) as string;
      } catch (error) {
        throw new BackupError(`${what} ${path} is damaged: ${(error as Error).message}`);
      }
      if (check !== 'ok') throw new BackupError(`${what} ${path} is damaged: ${check}`);
    }
    let hasMigrations: unknown;
    try {
      hasMigrations = database
        .prepare(`select 1 from sqlite_master where type = 'table' and name = 'schema_migration'`)
        .get();
    } catch (error) {
      throw new BackupError(`${what} ${path} is damaged: ${(error as Error).message}`);
    }
    if (!hasMigrations) throw new BackupError(`${what} ${path} is not a gainsight-api database (it has no schema_migration table)`);
    const migrations = (database.prepare('select name from schema_migration order by name').all() as { name: string }[]).map(
      (row) => row.name,
    );
    const unknown = migrations.filter((name) => !MIGRATION_NAMES.includes(name));
    if (unknown.length > 0) {
      throw new BackupError(`${what} ${path} was written by a newer gainsight-api (migration ${unknown.join(', ')}); upgrade first`);
    }
    if (!migrations.includes(MIGRATION_NAMES[0]!)) {
      throw new BackupError(`${what} ${path} is not a gainsight-api database (its migrations never ran)`);
    }
    return { bytes, migrations, pending: MIGRATION_NAMES.filter((name) => !migrations.includes(name)) };
  } finally {
    database.close();
  }
}

/**
 * Refuses when another connection has the database open. An exclusive lock is granted only to
 * the sole connection: in WAL mode every open connection holds a shared lock (on the -shm file)
 * for as long as it is open, busy or idle, and a crashed process holds none.
 */
function assertNotInUse(path: string): void {
  const probe = new BetterSqlite3(path, { fileMustExist: true });
  try {
    probe.pragma('busy_timeout = 0');
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('begin exclusive');
    probe.exec('commit');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BackupError(`${path} is in use (a server or another command has it open); stop it, then restore`);
    }
    throw new BackupError(`${path} cannot be replaced: ${(error as Error).message}`);
  } finally {
    probe.close();
  }
}

function startsWithSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, header, 0, header.length, 0) === header.length && header.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
