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
      // A request line reads `GET /v1/companies?pageSize=5 200 3.1 ms {requestId, route, keyName}`.
      messageFormat: (record, messageKey) =>
        record[messageKey] === 'request' ? `${String(record.method)} ${String(record.url)} ${String(record.statusCode)} ${String(record.ms)} ms` : String(record[messageKey]),
      ignore: 'pid,hostname,method,url,statusCode,ms',
      // One line per record, its other fields as JSON after the message.
      singleLine: true,
    }),
  );
}
