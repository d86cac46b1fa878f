/**
 * `backup FILE` and `restore FILE`: SQLite databases with SQLite's backup API (see
 * store/backup.ts); for PostgreSQL the commands print the pg_dump / pg_restore lines to run.
 */
import type { Command } from 'commander';
import { loadDatabaseConfig } from '../../config.js';
import { backupSqlite, BackupError, restoreSqlite, type BackupSummary } from '../../store/backup.js';
import { parseDatabaseUrl } from '../../store/database-url.js';
import { CliError, databaseOptionHelp } from '../common.js';

type Flags = { db?: string; force: boolean };

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('copy the database to FILE while servers keep serving it (SQLite; prints the pg_dump line for PostgreSQL)')
    .argument('<file>', 'the backup file to write')
    .option(...databaseOptionHelp.db)
    .option('--force', 'replace FILE if it exists', false)
    .action(async (file: string, flags: Flags) => {
      const path = await sqlitePathOr(flags, file, 'backup');
      const summary = await userFacing(() => backupSqlite(path, file, { force: flags.force }));
      process.stdout.write(`Backed up ${path} to ${file}: ${describe(summary)}.\n`);
    });

  program
    .command('restore')
    .description('replace the database with the backup FILE; stop every server using the database first')
    .argument('<file>', 'a backup written by `backup`')
    .option(...databaseOptionHelp.db)
    .option('--force', 'replace a database that exists (refused while anything has it open)', false)
    .action(async (file: string, flags: Flags) => {
      const path = await sqlitePathOr(flags, file, 'restore');
      const summary = await userFacing(() => restoreSqlite(file, path, { force: flags.force }));
      const pending = summary.pending.length > 0 ? ` The next start applies ${summary.pending.join(', ')}.` : '';
      process.stdout.write(`Restored ${path} from ${file}: ${describe(summary)}.${pending}\n`);
    });
}

/** The SQLite file the command works on; for PostgreSQL, the commands to run instead. */
async function sqlitePathOr(flags: Flags, file: string, command: 'backup' | 'restore'): Promise<string> {
  const { databaseUrl } = loadDatabaseConfig(process.env, { db: flags.db });
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite') {
    if (target.path === ':memory:') throw new CliError(`An in-memory database cannot be ${command === 'backup' ? 'backed up' : 'restored'}`);
    return target.path;
  }
  // Imported when needed: it loads the PostgreSQL driver, which SQLite users never need.
  const { postgresBackupCommands, shellLine } = await import('../../store/backup-postgres.js');
  const commands = postgresBackupCommands(databaseUrl, file);
  const lines =
    command === 'backup'
      ? [shellLine(commands.dump)]
      : [
          `# with every server using schema ${commands.schema} stopped; it replaces the schema's tables in one transaction:`,
          shellLine(commands.restore),
        ];
  throw new CliError(`PostgreSQL databases are backed up with pg_dump and restored with pg_restore; run:\n${lines.join('\n')}`);
}

async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  }
}

function describe(summary: BackupSummary): string {
  const megabytes = (summary.bytes / 1_048_576).toFixed(1);
  return `${summary.pages} pages (${megabytes} MiB), ${summary.migrations.length} migrations, ${(summary.ms / 1000).toFixed(1)} s`;
}
