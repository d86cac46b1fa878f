import type { Command } from 'commander';
import { createAccessKeyService, displayPrefix, type StoredAccessKey } from '../../domain/access-keys.js';
import type { ConfigFlags } from '../../config.js';
import type { Store } from '../../store/store.js';
import { CliError, databaseOptionHelp, withMigratedStore } from '../common.js';

/** The rights of a key in one word, as `keys list` and `keys create` print them. */
function accessOf(key: StoredAccessKey): string {
  return key.admin ? 'admin' : key.readOnly ? 'read-only' : 'read-write';
}

/** Keys live outside the objects: these commands need no --schema (and take one for uniformity). */
const withKeyStore = <T>(flags: ConfigFlags, work: (store: Store) => Promise<T>) => withMigratedStore(flags, work, { tables: false });

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke access keys');

  keys
    .command('create')
    .description('create an access key and print it (it is shown only this once)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "airbyte-sync"')
    .option('--read-only', 'the key may read but not write (403 on POST/PUT/PATCH/DELETE)', false)
    .option('--admin', 'the key may also call admin routes (the sandbox controls under /v1/_sandbox/)', false)
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (flags: { name: string; readOnly: boolean; admin: boolean; db?: string; schema?: string }) => {
      const name = flags.name.trim();
      if (name === '' || name.length > 100) throw new CliError('--name must be 1 to 100 characters');
      // Refused before the database is opened: an admin key that cannot write would be a trap.
      if (flags.admin && flags.readOnly) throw new CliError('--admin and --read-only exclude each other: an admin key can read and write');
      await withKeyStore(flags, async (store) => {
        const { key, record } = await createAccessKeyService(store.keys).create(name, { readOnly: flags.readOnly, admin: flags.admin });
        process.stdout.write(
          `Created ${accessOf(record)} access key "${record.name}" (${displayPrefix(record.id)}).\n` +
            `Store it now; it cannot be shown again:\n\n${key}\n`,
        );
      });
    });

  keys
    .command('list')
    .description('list access keys: name, prefix, rights, created and last-used times (never the keys)')
    .option('--json', 'print JSON instead of a table', false)
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (flags: { json: boolean; db?: string; schema?: string }) => {
      await withKeyStore(flags, async (store) => {
        const rows = (await createAccessKeyService(store.keys).list()).map((key) => ({
          prefix: displayPrefix(key.id),
          name: key.name,
          access: accessOf(key),
          created: key.createdAt,
          lastUsed: key.lastUsedAt ?? 'never',
          status: key.revokedAt ? `revoked ${key.revokedAt}` : 'active',
        }));
        if (flags.json) {
          process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('No access keys. Create one with: gainsight-api keys create --name NAME\n');
          return;
        }
        const headers = { prefix: 'PREFIX', name: 'NAME', access: 'ACCESS', created: 'CREATED', lastUsed: 'LAST USED', status: 'STATUS' };
        const columns = Object.keys(headers) as (keyof typeof headers)[];
        const widths = columns.map((c) => Math.max(headers[c].length, ...rows.map((r) => r[c].length)));
        const line = (r: Record<string, string>) => columns.map((c, i) => r[c]!.padEnd(widths[i]!)).join('  ').trimEnd();
        process.stdout.write([line(headers), ...rows.map(line)].join('\n') + '\n');
      });
    });

  keys
    .command('revoke')
    .description('revoke an access key by its prefix (gsk_XXXXXXXXXXXX) as shown by keys list')
    .argument('<prefix>', 'the key prefix or id')
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (prefix: string, flags: { db?: string; schema?: string }) => {
      await withKeyStore(flags, async (store) => {
        if (!(await createAccessKeyService(store.keys).revoke(prefix.trim()))) {
          throw new CliError(`No active access key with prefix ${prefix}; see gainsight-api keys list`);
        }
        process.stdout.write(`Revoked ${prefix}. Running servers stop accepting it within 5 seconds.\n`);
      });
    });
}
