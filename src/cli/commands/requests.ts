import type { Command } from 'commander';
import type { JournalRecord } from '../../domain/sandbox/journal.js';
import { CliError } from '../common.js';
import { apiOptionHelp, apiTarget, callApi, type ApiTarget } from '../sandbox-client.js';

interface TailFlags {
  readonly url?: string;
  readonly key?: string;
  readonly path?: string;
  readonly method?: string;
  readonly status?: string;
  readonly lines: string;
  readonly interval: string;
}

/** One record as a person reads it: time, method, path, status, duration, key, request id, fault. */
export function readableLine(record: JournalRecord): string {
  const time = record.at.slice(11, 23);
  const query = new URLSearchParams(
    Object.entries(record.query).flatMap(([name, value]): [string, string][] => (Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value]])),
  ).toString();
  const status = record.status === 0 ? 'DROP' : String(record.status);
  return [
    time,
    record.method.padEnd(6),
    `${record.path}${query ? `?${query}` : ''}`,
    status,
    `${record.durationMs.toFixed(1)} ms`,
    `key=${record.keyName ?? '-'}`,
    `id=${record.requestId}`,
    ...(record.faultId ? [`fault=${record.faultId}`] : []),
  ].join('  ');
}

/**
 * `gainsight-api requests tail`: follows the request journal of a running --sandbox server by
 * polling `GET /v1/_sandbox/requests?after=ID` (records after the last one shown, oldest first).
 * Readable lines on a terminal, JSON lines (one record each) otherwise.
 */
export function registerRequestsCommand(program: Command): void {
  const requests = program.command('requests').description('the request journal of a server started with --sandbox (needs an admin key)');
  requests
    .command('tail')
    .description('show the last requests, then follow new ones as they arrive (Ctrl-C stops)')
    .option('--path <glob>', 'only paths matching this glob, e.g. "/v1/data/objects/query/*"')
    .option('--method <method>', 'only this method')
    .option('--status <status>', 'only this status (429) or class (4xx)')
    .option('--lines <n>', 'how many past requests to show first', '10')
    .option('--interval <ms>', 'how often to ask for new ones', '500')
    .option(...apiOptionHelp.url)
    .option(...apiOptionHelp.key)
    .action(async (flags: TailFlags) => {
      const target = apiTarget(flags);
      const lines = Number(flags.lines);
      const interval = Number(flags.interval);
      if (!/^\d+$/.test(flags.lines) || lines > 1000) throw new CliError('--lines must be an integer from 0 to 1000');
      if (!/^\d+$/.test(flags.interval) || interval < 50) throw new CliError('--interval must be an integer of at least 50 (ms)');
      const print = process.stdout.isTTY ? (record: JournalRecord) => readableLine(record) : (record: JournalRecord) => JSON.stringify(record);
      const filters = new URLSearchParams();
      for (const name of ['path', 'method', 'status'] as const) if (flags[name] !== undefined) filters.set(name, flags[name]!);
      const list = (extra: Record<string, string>) => {
        const query = new URLSearchParams(filters);
        for (const [name, value] of Object.entries(extra)) query.set(name, value);
        return callApi<{ records: JournalRecord[] }>(target, 'GET', `/v1/_sandbox/requests?${query}`).then((data) => data.records);
      };

      let cursor = await newestId(target);
      if (lines > 0) {
        const past = await list({ limit: String(lines) });
        for (const record of past.reverse()) process.stdout.write(print(record) + '\n');
      }
      let stopped = false;
      process.once('SIGINT', () => (stopped = true));
      process.once('SIGTERM', () => (stopped = true));
      while (!stopped) {
        const fresh = await list({ after: String(cursor), limit: '1000' });
        for (const record of fresh) process.stdout.write(print(record) + '\n');
        if (fresh.length > 0) cursor = fresh.at(-1)!.id;
        if (fresh.length < 1000) await new Promise((resolve) => setTimeout(resolve, interval));
      }
    });
}

async function newestId(target: ApiTarget): Promise<number> {
  const { records } = await callApi<{ records: JournalRecord[] }>(target, 'GET', '/v1/_sandbox/requests?limit=1');
  return records[0]?.id ?? 0;
}
