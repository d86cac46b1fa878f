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
  /**
   * argv of pg_restore reading `file`: it drops what the dump holds where it exists (so it also
   * restores `public` into a new database, which always has that schema) and restores it, in one
   * transaction: all or nothing.
   */
  readonly restore: readonly string[];
  readonly schema: string;
}

export function postgresBackupCommands(databaseUrl: string, file: string): PostgresBackupCommands {
  // libpq does not know our `schema` parameter: it is given to pg_dump as --schema instead.
  const { connectionString, schema = 'public' } = parsePostgresUrl(databaseUrl);
  return {
    schema,
    dump: ['pg_dump', '--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${file}`, connectionString],
    restore: [
      'pg_restore',
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      '--clean',
      '--if-exists',
      `--dbname=${connectionString}`,
      file,
    ],
  };
}

/** A command line to show: arguments quoted for a POSIX shell, the password masked. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((arg) => arg.replace(/(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@'))
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
