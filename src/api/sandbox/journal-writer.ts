/**
 * Turns finished requests into journal records and stores them: secrets removed (redact.ts),
 * bodies cut, written in transactions of BATCH_SIZE, then the journal pruned to its bounds about
 * once a second. It runs in the journal's worker thread (journal-worker.ts), or on the request
 * thread if the worker failed (journal-thread.ts).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JournalStore } from '../../domain/sandbox/ports.js';
import { truncate, type JournalOptions, type NewJournalRecord } from '../../domain/sandbox/journal.js';
import { redactHeaders, redactQuery, scrub } from './redact.js';

/**
 * A finished request as the recorder hands it over: references to what the request held, with the
 * bodies already as text (cut near the journal's limit), so that it can be posted to a thread.
 */
export interface JournalEntry {
  readonly at: number;
  readonly requestId: string;
  readonly method: string;
  readonly url: string;
  readonly query: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly keyName: string | undefined;
  readonly status: number;
  readonly durationMs: number;
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  readonly faultId: string | undefined;
}

/**
 * Records per transaction. While one is open, the journal's write lock is held (SQLite: about
 * 15-25 us a record, about 70 us with an 8 KiB body): 32 keep that to about a millisecond for the
 * other nodes' journal threads, and for the request thread on the fallback.
 */
const BATCH_SIZE = 32;
const PRUNE_INTERVAL_MS = 1000;
/** Records deleted per statement when pruning (a second of a busy server's requests is thousands). */
const PRUNE_BATCH_SIZE = 500;

export class JournalWriter {
  private prunedAt = 0;
  private unpruned = false;
  /** A prune waiting for its turn (records were written since the last one). */
  private pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | undefined;

  constructor(
    private readonly store: JournalStore,
    private readonly node: string,
    private readonly options: JournalOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  async write(entries: readonly JournalEntry[]): Promise<void> {
    try {
      for (let start = 0; start < entries.length; start += BATCH_SIZE) {
        if (start > 0) await nextTurn();
        await this.store.append(entries.slice(start, start + BATCH_SIZE).map((entry) => this.toRecord(entry)));
        this.unpruned = true;
      }
    } catch (error) {
      // The journal is a diagnostic: losing a batch must never fail or slow the API.
      this.onError(error);
    }
    // Pruning reads the journal's end: once a second is enough (and at close), so between two
    // prunes the journal may hold up to a second's requests beyond its bound.
    if (!this.pruneTimer) {
      this.pruneTimer = setTimeout(() => void this.prune(), Math.max(0, this.prunedAt + PRUNE_INTERVAL_MS - Date.now()));
      this.pruneTimer.unref();
    }
  }

  async close(): Promise<void> {
    await this.pruning;
    await this.prune();
  }

  private prune(): Promise<void> {
    clearTimeout(this.pruneTimer);
    this.pruneTimer = undefined;
    if (!this.unpruned) return Promise.resolve();
    this.unpruned = false;
    this.prunedAt = Date.now();
    const olderThan = new Date(Date.now() - this.options.maxAgeMs).toISOString();
    this.pruning = (async () => {
      try {
        while ((await this.store.prune(this.options.maxRecords, olderThan, PRUNE_BATCH_SIZE)) === PRUNE_BATCH_SIZE) {
          await nextTurn();
        }
      } catch (error) {
        this.onError(error);
      }
    })();
    return this.pruning;
  }

  private toRecord(entry: JournalEntry): NewJournalRecord {
    const presented = typeof entry.headers.accesskey === 'string' ? entry.headers.accesskey : undefined;
    const body = (text: string | null) => (text === null ? { text: null, truncated: false } : truncate(scrub(text, presented), this.options.bodyLimit));
    const requestBody = body(entry.requestBody);
    const responseBody = body(entry.responseBody);
    const queryAt = entry.url.indexOf('?');
    return {
      at: new Date(entry.at).toISOString(),
      node: this.node,
      requestId: entry.requestId,
      method: entry.method,
      path: scrub(queryAt < 0 ? entry.url : entry.url.slice(0, queryAt), presented),
      query: redactQuery(entry.query, presented),
      headers: redactHeaders(entry.headers, presented),
      keyName: entry.keyName ?? null,
      status: entry.status,
      durationMs: Math.round(entry.durationMs * 100) / 100,
      requestBody: requestBody.text,
      requestBodyTruncated: requestBody.truncated,
      responseBody: responseBody.text,
      responseBodyTruncated: responseBody.truncated,
      faultId: entry.faultId ?? null,
    };
  }
}

/**
 * A body as text, cut with room for a key that straddles the limit (the writer scrubs, then cuts
 * to the limit): JSON for parsed values, null for streams and empty bodies.
 */
export function bodyText(value: unknown, limit: number, presentedKey: string | undefined): string | null {
  const text = textOf(value);
  if (text === null) return null;
  const room = limit + (presentedKey?.length ?? 0) + 64;
  return text.length > room ? text.slice(0, room) : text;
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof (value as { pipe?: unknown }).pipe === 'function') return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}
