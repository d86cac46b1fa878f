/**
 * What the request journal keeps of a request is made safe first. Never kept: the values of the
 * `accessKey`, `Authorization`, `Cookie` (and other credential-looking) headers and query
 * parameters, anything that looks like one of this server's keys (`gsk_...`) anywhere in the
 * record, and the key the request presented, wherever it appears (bodies included).
 */
import { isSecretParameter, REDACTED } from '../../server/redact-url.js';

export { REDACTED };

/** Header names whose values are credentials (compared lower-case). */
const SECRET_HEADERS = new Set(['accesskey', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token']);
/** This server's key format, wherever it turns up. */
const KEY_PATTERN = /gsk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/g;
/** A header value that looks like a credential whatever its name: `Bearer ...`, `Basic ...`. */
const CREDENTIAL_VALUE = /^\s*(bearer|basic|digest|token)\s+\S/i;

/** What isSecretHeader said of the header names seen (clients send the same few names again and again). */
const secretHeaderNames = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 1000;

export function isSecretHeader(name: string): boolean {
  let secret = secretHeaderNames.get(name);
  if (secret === undefined) {
    const lower = name.toLowerCase();
    secret = SECRET_HEADERS.has(lower) || /(^|[-_])(token|secret|password|api-?key|access-?key|session)([-_]|$)/.test(lower);
    if (secretHeaderNames.size < MAX_REMEMBERED_NAMES) secretHeaderNames.set(name, secret);
  }
  return secret;
}

/** Removes every secret from text: this server's keys, and the presented key when given. */
export function scrub(text: string, presentedKey: string | undefined): string {
  let out = presentedKey && presentedKey.length >= 4 && text.includes(presentedKey) ? text.split(presentedKey).join(REDACTED) : text;
  if (out.includes('gsk_')) out = out.replace(KEY_PATTERN, REDACTED);
  return out;
}

export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>, presentedKey: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = isSecretHeader(name) || CREDENTIAL_VALUE.test(text) ? REDACTED : scrub(text, presentedKey);
  }
  return out;
}

export function redactQuery(query: unknown, presentedKey: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!query || typeof query !== 'object') return out;
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    const one = (item: unknown) => (isSecretParameter(name) ? REDACTED : scrub(String(item), presentedKey));
    out[name] = Array.isArray(value) ? value.map(one) : one(value);
  }
  return out;
}

