/**
 * PostgreSQL backups are pg_dump's job (a consistent snapshot of a running database, in one
 * repeatable-read transaction) and restores pg_restore's. These are the exact command lines the
 * README documents, the CLI prints, and the backup test runs: one schema (`?schema=` of the URL,
 * else `public`), custom format, without owners and grants so that it restores under any role.
 */
import { parsePostgresUrl } from './postgres.js';

export interface PostgresBackupCommands {
  /** argv of pg_dump writing `file`. */
  readonly dump: readonly string[];
  /** argv of pg_restore reading `file` into a database whose schema does not exist yet. */
  readonly restore: readonly string[];
  /** argv of pg_restore replacing the schema's objects (one transaction: all or nothing). */
  readonly restoreReplacing: readonly string[];
  readonly schema: string;
}

export function postgresBackupCommands(databaseUrl: string, file: string): PostgresBackupCommands {
  // libpq does not know our `schema` parameter: it is given to pg_dump as --schema instead.
  const { connectionString, schema = 'public' } = parsePostgresUrl(databaseUrl);
  const restore = ['pg_restore', '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${connectionString}`, file];
  return {
    schema,
    dump: ['pg_dump', '--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${file}`, connectionString],
    restore,
    restoreReplacing: [...restore.slice(0, -1), '--clean', '--if-exists', file],
  };
}

/** A command line to show: arguments quoted for a POSIX shell, the password masked. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((arg) => arg.replace(/(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@'))
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
