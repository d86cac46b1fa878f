import type { Command } from 'commander';
import { isCalendarDate } from '../../domain/dates.js';
import { seedObject } from '../../seed/any-object.js';
import { seedDatabase } from '../../seed/generator.js';
import { CliError, databaseOptionHelp, withMigratedStore } from '../common.js';
import { createProgress, type Progress } from '../progress.js';

function count(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 100_000_000) throw new CliError(`${name} must be an integer from 0 to 100000000`);
  return Number(raw);
}

/**
 * The generators report `companies: 5000/1000000` after each chunk: each phase (companies, then
 * people) gets its own bar or lines; any other message is a note on a line of its own.
 */
function seedProgress(): { onProgress: (message: string) => void; finish: () => void; stop: () => void } {
  let phase: { unit: string; progress: Progress } | undefined;
  // A phase is first reported after its first chunk: it began when the one before it ended.
  let phaseStart = performance.now();
  const finish = () => {
    phase?.progress.finish();
    phase = undefined;
    phaseStart = performance.now();
  };
  return {
    stop: () => phase?.progress.stop(),
    onProgress(message) {
      const counted = /^(.+): (\d+)\/(\d+)$/.exec(message);
      if (!counted) {
        finish();
        process.stderr.write(`seed: ${message}\n`);
        return;
      }
      const [, unit, done, total] = counted;
      if (phase?.unit !== unit) finish();
      phase ??= { unit: unit!, progress: createProgress({ label: 'seed', unit: unit!, total: Number(total), startedAt: phaseStart }) };
      phase.progress.update(Number(done));
      if (done === total) finish();
    },
    finish,
  };
}

interface SeedFlags {
  readonly companies: string;
  readonly people: string;
  readonly object?: string;
  readonly count: string;
  readonly randomSeed: string;
  readonly baseDate?: string;
  readonly db?: string;
  readonly schema?: string;
}

async function seedAnyObject(flags: SeedFlags, baseDate: string): Promise<void> {
  const records = count('--count', flags.count);
  await withMigratedStore(flags, async (store) => {
    const object = store.registry.find(flags.object!);
    if (!object) throw new CliError(`--object ${flags.object}: no such object; the schema has ${store.registry.names.join(', ')}`);
    if (object.name === 'Company' || object.name === 'Person') {
      throw new CliError(`--object ${object.name}: use --${object.name === 'Company' ? 'companies' : 'people'} ${records}, which makes realistic ones`);
    }
    const started = performance.now();
    const progress = seedProgress();
    try {
      await seedObject(store, object, { count: records, randomSeed: flags.randomSeed, baseDate, onProgress: progress.onProgress });
      progress.finish();
    } catch (error) {
      progress.stop();
      if ((error as { failure?: { kind?: string } }).failure?.kind === 'unique') {
        throw new CliError('Seeding collided with records already in the database (the same --random-seed was seeded before?); use another --random-seed.');
      }
      if (error instanceof Error && / first$/.test(error.message)) throw new CliError(error.message);
      throw error;
    }
    process.stdout.write(`Seeded ${records} ${object.name} records into ${store.dialect} in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
  });
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(
      'add generated companies and people, or records of any object (--object); deterministic for a given --random-seed and --base-date',
    )
    .option('--companies <n>', 'number of companies to add', '0')
    .option('--people <n>', 'number of people to add (linked to the new companies, or to existing ones)', '0')
    .option('--object <name>', 'an object of the schema (call_to_action, a custom object, ...) to add --count records of')
    .option('--count <n>', 'with --object: number of records to add', '0')
    .option('--random-seed <seed>', 'seed of the generator; the same seed gives the same records', '1')
    .option('--base-date <YYYY-MM-DD>', 'date that renewal and contract dates are spread around (default: today, UTC)')
    .option(...databaseOptionHelp.db)
    .option(...databaseOptionHelp.schema)
    .action(
      async (flags: SeedFlags) => {
        const companies = count('--companies', flags.companies);
        const people = count('--people', flags.people);
        const baseDate = flags.baseDate ?? new Date().toISOString().slice(0, 10);
        if (!isCalendarDate(baseDate)) {
          throw new CliError('--base-date must be a date as YYYY-MM-DD');
        }
        if (flags.object !== undefined) return seedAnyObject(flags, baseDate);
        await withMigratedStore(flags, async (store) => {
          const started = performance.now();
          const progress = seedProgress();
          try {
            await seedDatabase(store, {
              companies,
              people,
              randomSeed: flags.randomSeed,
              baseDate,
              onProgress: progress.onProgress,
            });
            progress.finish();
          } catch (error) {
            progress.stop();
            if ((error as { failure?: { kind?: string } }).failure?.kind === 'unique') {
              throw new CliError(
                'Seeding collided with records already in the database (the same --random-seed and --base-date ' +
                  'were seeded before?). Nothing from this chunk was written; use another --random-seed.',
              );
            }
            throw error;
          }
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            `Seeded ${companies} companies and ${people} people into ${store.dialect} in ${seconds.toFixed(1)} s ` +
              `(random seed ${JSON.stringify(flags.randomSeed)}, base date ${baseDate}).\n`,
          );
        });
      },
    );
}
