/**
 * The request journal's records and the filters `GET /v1/_sandbox/requests` takes (what is kept
 * of a request, secrets removed, is api/sandbox/redact.ts's business).
 */
import { Type, type Static } from '@sinclair/typebox';
import { describeValue, errors } from '../errors.js';
import { isDateTime } from '../dates.js';
import { globToRegExp } from './glob.js';

export const JournalRecordSchema = Type.Object({
  id: Type.Integer({ description: 'Position in the journal: grows with every record kept, on every node (see `after`)' }),
  at: Type.String({ format: 'date-time', description: 'When the request arrived' }),
  node: Type.String({ description: 'The server process that answered it' }),
  requestId: Type.String(),
  method: Type.String(),
  path: Type.String({ description: 'URL path, without the query string' }),
  query: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), { description: 'Query parameters (secrets redacted)' }),
  headers: Type.Record(Type.String(), Type.String(), { description: 'Request headers (credentials redacted)' }),
  keyName: Type.Union([Type.String(), Type.Null()], { description: 'Name of the access key used (null: none or not valid)' }),
  status: Type.Integer({ description: 'Status answered; 0 when a fault dropped the connection' }),
  durationMs: Type.Number(),
  requestBody: Type.Union([Type.String(), Type.Null()], { description: 'Request body as received (JSON text), cut at the configured size' }),
  requestBodyTruncated: Type.Boolean(),
  responseBody: Type.Union([Type.String(), Type.Null()], { description: 'Response body as sent, cut at the configured size' }),
  responseBodyTruncated: Type.Boolean(),
  faultId: Type.Union([Type.String(), Type.Null()], { description: 'The fault rule that fired on this request, if any' }),
});
export type JournalRecord = Static<typeof JournalRecordSchema>;

/** A record before it is stored (it gets its id then). */
export type NewJournalRecord = Omit<JournalRecord, 'id'>;

export interface JournalOptions {
  /** Records kept (the oldest go first). */
  readonly maxRecords: number;
  /** Records older than this go. */
  readonly maxAgeMs: number;
  /** Request and response bodies are kept up to this many characters. */
  readonly bodyLimit: number;
  readonly flushIntervalMs?: number;
}

/** `serve --sandbox`'s journal bounds unless set: 10,000 records, 24 hours, bodies up to 8 KiB. */
export const DEFAULT_JOURNAL_OPTIONS: JournalOptions = { maxRecords: 10_000, maxAgeMs: 24 * 3600 * 1000, bodyLimit: 8192 };

export interface JournalFilter {
  readonly method?: string;
  /** A path glob (see glob.ts). */
  readonly path?: string;
  readonly status?: { readonly from: number; readonly to: number };
  readonly requestId?: string;
  /** ISO date-time: records that arrived at or after it. */
  readonly since?: string;
  /** Records with an id above this one, oldest first (for following the journal). */
  readonly after?: number;
  readonly limit: number;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

type Parser = (raw: string) => unknown;

/** The journal's query parameters: their documentation and their parsing, declared together. */
export const JOURNAL_FILTERS: Readonly<Record<Exclude<keyof JournalFilter, 'limit'> | 'limit', { description: string; schema: Record<string, unknown>; parse: Parser }>> = {
  method: {
    description: 'Only requests with this method (any case)',
    schema: { type: 'string', examples: ['POST'] },
    parse: (raw) => {
      const method = raw.toUpperCase();
      if (!/^[A-Z]{1,16}$/.test(method)) throw new Error('must be an HTTP method such as GET or POST');
      return method;
    },
  },
  path: {
    description: 'Only requests whose path matches this glob (`*` within a segment, `**` across segments)',
    schema: { type: 'string', examples: ['/v1/data/objects/query/*'] },
    parse: (raw) => {
      if (!raw.startsWith('/')) throw new Error('must be a path glob starting with /');
      if (raw.length > 500) throw new Error('must be at most 500 characters');
      return raw;
    },
  },
  status: {
    description: 'Only requests answered with this status (`429`) or class (`4xx`); `0` for dropped connections',
    schema: { type: 'string', pattern: '^(0|[1-5][0-9][0-9]|[1-5]xx)$', examples: ['429', '5xx'] },
    parse: (raw) => {
      const exact = /^(0|[1-5]\d\d)$/.exec(raw);
      if (exact) return { from: Number(raw), to: Number(raw) };
      const range = /^([1-5])xx$/i.exec(raw);
      if (range) return { from: Number(range[1]) * 100, to: Number(range[1]) * 100 + 99 };
      throw new Error('must be a status such as 429, a class such as 4xx, or 0');
    },
  },
  requestId: {
    description: 'Only the request with this id (X-Request-Id)',
    schema: { type: 'string' },
    parse: (raw) => {
      if (raw === '' || raw.length > 128) throw new Error('must be 1 to 128 characters');
      return raw;
    },
  },
  since: {
    description: 'Only requests that arrived at or after this time (ISO 8601 date-time)',
    schema: { type: 'string', format: 'date-time' },
    parse: (raw) => {
      if (!isDateTime(raw)) throw new Error('must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z');
      return new Date(raw).toISOString();
    },
  },
  after: {
    description: 'Only records with an id above this one, oldest first (what `requests tail` follows the journal with)',
    schema: { type: 'integer', minimum: 0 },
    parse: (raw) => {
      if (!/^\d{1,15}$/.test(raw)) throw new Error('must be a record id (an integer from 0)');
      return Number(raw);
    },
  },
  limit: {
    description: `At most this many records (1 to ${MAX_LIST_LIMIT}; default ${DEFAULT_LIST_LIMIT})`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT },
    parse: (raw) => {
      if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIST_LIMIT) throw new Error(`must be an integer from 1 to ${MAX_LIST_LIMIT}`);
      return Number(raw);
    },
  },
};

/** Parses the query string of a journal listing; a 400 names the first bad parameter. */
export function parseJournalFilter(query: Readonly<Record<string, unknown>>): JournalFilter {
  const filter: Record<string, unknown> = { limit: DEFAULT_LIST_LIMIT };
  for (const [name, raw] of Object.entries(query)) {
    const spec = (JOURNAL_FILTERS as Record<string, (typeof JOURNAL_FILTERS)['method'] | undefined>)[name];
    if (!spec) throw errors.badRequest(`Unknown query parameter ${describeValue(name)}: the journal filters by ${Object.keys(JOURNAL_FILTERS).join(', ')}`);
    if (typeof raw !== 'string') throw errors.badRequest(`${name}: give it once`);
    try {
      filter[name] = spec.parse(raw);
    } catch (error) {
      throw errors.badRequest(`${name}: ${(error as Error).message} (got ${describeValue(raw)})`);
    }
  }
  return filter as unknown as JournalFilter;
}

/** Whether a record passes the filters the database cannot apply exactly (the path glob). */
export function pathFilter(glob: string | undefined): (path: string) => boolean {
  if (glob === undefined) return () => true;
  const pattern = globToRegExp(glob);
  return (path) => pattern.test(path);
}

/**
 * A LIKE pattern that holds every path the glob matches (and maybe more): the database narrows
 * with it, then pathFilter decides. `\` escapes LIKE's own wildcards.
 */
export function likePatternOf(glob: string): string {
  let like = '';
  for (let i = 0; i < glob.length; i++) {
    const character = glob[i]!;
    if (character === '*' || character === '?') {
      if (!like.endsWith('%')) like += '%';
      while (glob[i + 1] === '*') i++;
    } else like += character.replace(/[\\%_]/g, '\\$&');
  }
  return like;
}

/** Text cut to `limit` characters, and whether anything was cut. */
export function truncate(text: string, limit: number): { text: string; truncated: boolean } {
  return text.length > limit ? { text: text.slice(0, limit), truncated: true } : { text, truncated: false };
}
