/**
 * The sandbox commands (`sandbox ...`, `requests tail`) talk to a running server's
 * `/v1/_sandbox/` routes, not to its database: the server decides whether the sandbox is on
 * (`--sandbox`), so a command pointed at a production server changes nothing there.
 */
import { CliError } from './common.js';

export const apiOptionHelp = {
  url: ['--url <url>', 'the server (env GS_URL; default http://127.0.0.1:8080)'],
  key: ['--key <key>', 'an admin access key (env GS_ACCESS_KEY; prefer the variable: arguments show in ps)'],
} as const;

export interface ApiTarget {
  readonly url: string;
  readonly key: string;
}

export function apiTarget(flags: { url?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): ApiTarget {
  const url = (flags.url ?? (env.GS_URL || 'http://127.0.0.1:8080')).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(url)) throw new CliError(`--url must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
  const key = flags.key ?? env.GS_ACCESS_KEY;
  if (!key) throw new CliError('No access key: set GS_ACCESS_KEY to an admin key (gainsight-api keys create --name ci --admin) or pass --key');
  return { url, key };
}

/** Calls the API and answers the envelope's `data`; a failure becomes a one-line CliError. */
export async function callApi<T>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: { accesskey: target.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`Cannot reach ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  let envelope: { data?: T; errorCode?: string; errorDesc?: string } | undefined;
  try {
    envelope = JSON.parse(text) as typeof envelope;
  } catch {
    // Not ours: reported below with the status.
  }
  if (response.ok && envelope && 'data' in envelope) return envelope.data as T;
  if (response.status === 404 && envelope?.errorCode === 'GSAPI_4040') {
    throw new CliError(`${target.url} has no sandbox: start the server with --sandbox (or GS_SANDBOX=1)`);
  }
  throw new CliError(`${method} ${path}: ${response.status} ${envelope?.errorCode ?? ''} ${envelope?.errorDesc ?? text.slice(0, 200)}`.replace(/\s+/g, ' ').trim());
}
