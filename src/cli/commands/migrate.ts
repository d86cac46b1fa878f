import type { Command } from 'commander';
import { databaseOptionHelp, withStore } from '../common.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit (serve also does this at start)')
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(async (flags: { db?: string; schema?: string }) => {
      await withStore(flags, async (store) => {
        const { applied } = await store.migrate();
        const what = applied.length > 0 ? `applied ${applied.join(', ')}` : 'nothing to apply';
        process.stdout.write(`Database schema is up to date (${store.dialect}): ${what}.\n`);
      });
    });
}
