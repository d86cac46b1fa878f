import type { Command } from 'commander';
import { isCalendarDate } from '../../domain/dates.js';
import { seedDatabase } from '../../seed/generator.js';
import { CliError, databaseOptionHelp, withMigratedStore } from '../common.js';

function count(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 100_000_000) throw new CliError(`${name} must be an integer from 0 to 100000000`);
  return Number(raw);
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('add generated companies and people (deterministic for a given --random-seed and --base-date)')
    .option('--companies <n>', 'number of companies to add', '0')
    .option('--people <n>', 'number of people to add (linked to the new companies, or to existing ones)', '0')
    .option('--random-seed <seed>', 'seed of the generator; the same seed gives the same records', '1')
    .option('--base-date <YYYY-MM-DD>', 'date that renewal and contract dates are spread around (default: today, UTC)')
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(
      async (flags: { companies: string; people: string; randomSeed: string; baseDate?: string; db?: string; schema?: string }) => {
        const companies = count('--companies', flags.companies);
        const people = count('--people', flags.people);
        const baseDate = flags.baseDate ?? new Date().toISOString().slice(0, 10);
        if (!isCalendarDate(baseDate)) {
          throw new CliError('--base-date must be a date as YYYY-MM-DD');
        }
        await withMigratedStore(flags, async (store) => {
          const started = performance.now();
          try {
            await seedDatabase(store, {
              companies,
              people,
              randomSeed: flags.randomSeed,
              baseDate,
              onProgress: (message) => process.stderr.write(`\r${message}   `),
            });
          } catch (error) {
            if ((error as { failure?: { kind?: string } }).failure?.kind === 'unique') {
              throw new CliError(
                'Seeding collided with records already in the database (the same --random-seed and --base-date ' +
                  'were seeded before?). Nothing from this chunk was written; use another --random-seed.',
              );
            }
            throw error;
          }
          const seconds = (performance.now() - started) / 1000;
          process.stderr.write('\n');
          process.stdout.write(
            `Seeded ${companies} companies and ${people} people into ${store.dialect} in ${seconds.toFixed(1)} s ` +
              `(random seed ${JSON.stringify(flags.randomSeed)}, base date ${baseDate}).\n`,
          );
        });
      },
    );
}
