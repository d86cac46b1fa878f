/**
 * The server's logger: JSON lines (one object per line, for log shippers) unless a person is
 * watching: on a terminal, pino-pretty's readable lines. LOG_FORMAT / --log-format forces either.
 */
import { pino, type Logger } from 'pino';
import type { LogFormat } from '../config.js';

/** `json` unless stdout is a terminal; an explicit choice wins. */
export function chooseLogFormat(chosen: LogFormat | undefined, stdoutIsTty: boolean): LogFormat {
  return chosen ?? (stdoutIsTty ? 'pretty' : 'json');
}

export async function createLogger(level: string, format: LogFormat): Promise<Logger> {
  const options = { level, base: { pid: process.pid } };
  if (format === 'json') return pino(options);
  // Loaded only when used: it costs tens of milliseconds of every start otherwise.
  const { default: pretty } = await import('pino-pretty');
  return pino(
    options,
    pretty({
      // Synchronous, as pino's own stdout is: lines written just before an exit are not lost.
      sync: true,
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      // One line per record, request lines included.
      singleLine: true,
    }),
  );
}
