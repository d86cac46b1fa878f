import type { Command } from 'commander';
import type { ResetResult, SnapshotSummary } from '../../domain/sandbox/snapshots.js';
import { CliError } from '../common.js';
import { apiOptionHelp, apiTarget, callApi } from '../sandbox-client.js';

type ApiFlags = { url?: string; key?: string };

const describeTables = (tables: Record<string, number>) =>
  Object.entries(tables)
    .filter(([, rows]) => rows > 0)
    .map(([table, rows]) => `${table} ${rows}`)
    .join(', ') || 'no records';

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError(`${name} must be an integer from 0`);
  return Number(raw);
}

/** `gainsight-api sandbox ...`: resets and snapshots of a running --sandbox server, for CI scripts. */
export function registerSandboxCommand(program: Command): void {
  const sandbox = program.command('sandbox').description('reset, snapshot and restore the records of a server started with --sandbox (needs an admin key)');
  const withApi = (command: Command) => command.option(...apiOptionHelp.url).option(...apiOptionHelp.key);

  withApi(
    sandbox
      .command('reset')
      .description('replace every record: empty (default), the demo data, or generated records (--companies/--people)')
      .option('--to <target>', 'empty or demo', 'empty')
      .option('--companies <n>', 'generate this many companies instead')
      .option('--people <n>', 'generate this many people instead')
      .option('--random-seed <seed>', 'seed of the generated records (default "sandbox")')
      .option('--base-date <date>', 'YYYY-MM-DD the generated dates spread around (default today)'),
  ).action(async (flags: ApiFlags & { to: string; companies?: string; people?: string; randomSeed?: string; baseDate?: string }) => {
    const companies = integer('--companies', flags.companies);
    const people = integer('--people', flags.people);
    let to: unknown = flags.to;
    if (companies !== undefined || people !== undefined) {
      to = { seed: { companies: companies ?? 0, people: people ?? 0, ...(flags.randomSeed ? { randomSeed: flags.randomSeed } : {}), ...(flags.baseDate ? { baseDate: flags.baseDate } : {}) } };
    } else if (flags.to !== 'empty' && flags.to !== 'demo') throw new CliError(`--to must be empty or demo (or give --companies/--people), got ${JSON.stringify(flags.to)}`);
    const result = await callApi<ResetResult>(apiTarget(flags), 'POST', '/v1/_sandbox/reset', { to });
    process.stdout.write(`Reset to ${result.to} in ${result.ms} ms: ${describeTables(result.tables)}.\n`);
  });

  withApi(sandbox.command('snapshot').description('save every record under a name (replacing a snapshot of that name)').argument('<name>')).action(
    async (name: string, flags: ApiFlags) => {
      const saved = await callApi<SnapshotSummary>(apiTarget(flags), 'POST', '/v1/_sandbox/snapshots', { name });
      process.stdout.write(`Saved snapshot "${saved.name}": ${describeTables(saved.tables)}.\n`);
    },
  );

  withApi(sandbox.command('restore').description('put every record back as the snapshot saved it').argument('<name>')).action(async (name: string, flags: ApiFlags) => {
    const restored = await callApi<SnapshotSummary & { ms: number }>(apiTarget(flags), 'POST', `/v1/_sandbox/snapshots/${encodeURIComponent(name)}/restore`);
    process.stdout.write(`Restored snapshot "${restored.name}" in ${restored.ms} ms: ${describeTables(restored.tables)}.\n`);
  });

  withApi(sandbox.command('snapshots').description('list the snapshots').option('--json', 'print JSON', false)).action(async (flags: ApiFlags & { json: boolean }) => {
    const { records } = await callApi<{ records: SnapshotSummary[] }>(apiTarget(flags), 'GET', '/v1/_sandbox/snapshots');
    if (flags.json) process.stdout.write(JSON.stringify(records, null, 2) + '\n');
    else if (records.length === 0) process.stdout.write('No snapshots. Save one with: gainsight-api sandbox snapshot NAME\n');
    else for (const snapshot of records) process.stdout.write(`${snapshot.name}  ${snapshot.createdAt}  ${snapshot.records} records\n`);
  });

  withApi(sandbox.command('delete').description('delete a snapshot').argument('<name>')).action(async (name: string, flags: ApiFlags) => {
    await callApi(apiTarget(flags), 'DELETE', `/v1/_sandbox/snapshots/${encodeURIComponent(name)}`);
    process.stdout.write(`Deleted snapshot "${name}".\n`);
  });
}
