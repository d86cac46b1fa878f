/**
 * Records requests into the journal off the hot path: a finished request only pushes references
 * (headers, query, body, payload) onto an in-memory buffer; a timer (or a full buffer) turns the
 * buffer into records — secrets removed, bodies cut — and writes them in transactions of
 * BATCH_SIZE, then prunes the journal to its bounds, letting waiting requests run in between. Closing the recorder writes what is left.
 *
 * If the database falls behind, the buffer keeps only the newest `maxRecords` requests, so memory
 * stays bounded too.
 */
import { AsyncResource } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JournalStore } from '../../domain/sandbox/ports.js';
import { truncate, type JournalOptions, type NewJournalRecord } from '../../domain/sandbox/journal.js';
import { redactHeaders, redactQuery, scrub } from './redact.js';

/** What is known of a finished request, as it stood (nothing copied yet). */
export interface FinishedRequest {
  readonly at: number;
  readonly requestId: string;
  readonly method: string;
  readonly url: string;
  readonly query: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly keyName: string | undefined;
  readonly status: number;
  readonly durationMs: number;
  readonly requestBody: unknown;
  readonly responseBody: unknown;
  readonly faultId: string | undefined;
}

/**
 * Records written per transaction, and buffered requests that make the recorder write at once
 * instead of at the next tick. A transaction holds the event loop while SQLite writes it (about
 * 15-25 us a record, about 70 us with an 8 KiB body): 100 keep that stall to a few milliseconds, and the
 * recorder lets waiting requests run between two (one fsync each on SQLite, about 0.6 ms here).
 */
const BATCH_SIZE = 100;
const PRUNE_INTERVAL_MS = 1000;
/** Records deleted per statement when pruning (a second of a busy server's requests is thousands). */
const PRUNE_BATCH_SIZE = 500;

export class JournalRecorder {
  private buffer: FinishedRequest[] = [];
  private prunedAt = 0;
  private unpruned = false;
  private closing = false;
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  // record() runs inside a request's async context: a write started there would join that
  // request's transaction (an Idempotency-Key's holds the SQLite connection) and wait for the
  // connection it holds. Batches are written in the context the recorder was made in.
  private readonly flushOutsideRequest = AsyncResource.bind(() => void this.flush());

  constructor(
    private readonly store: JournalStore,
    private readonly node: string,
    private readonly options: JournalOptions,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  record(request: FinishedRequest): void {
    this.buffer.push(request);
    if (this.buffer.length > this.options.maxRecords) this.buffer.splice(0, this.buffer.length - this.options.maxRecords);
    if (this.buffer.length === BATCH_SIZE) setImmediate(this.flushOutsideRequest);
  }

  /** Writes what is buffered (one write at a time; a call during one waits for it and goes on). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0 && !this.pruneDue()) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing = true;
    await this.flush();
  }

  private async write(batch: readonly FinishedRequest[]): Promise<void> {
    try {
      for (let start = 0; start < batch.length; start += BATCH_SIZE) {
        if (start > 0) await nextTurn();
        await this.store.append(batch.slice(start, start + BATCH_SIZE).map((request) => this.toRecord(request)));
        this.unpruned = true;
      }
      // Pruning reads the journal's end: once a second is enough (and at close), so between two
      // prunes the journal may hold up to a second's requests beyond its bound.
      if (this.pruneDue()) {
        this.prunedAt = Date.now();
        this.unpruned = false;
        const olderThan = new Date(Date.now() - this.options.maxAgeMs).toISOString();
        while ((await this.store.prune(this.options.maxRecords, olderThan, PRUNE_BATCH_SIZE)) === PRUNE_BATCH_SIZE) {
          await nextTurn();
        }
      }
    } catch (error) {
      // The journal is a diagnostic: losing a batch must never fail or slow the API.
      this.onError(error);
    }
  }

  private pruneDue(): boolean {
    return this.unpruned && (this.closing || Date.now() - this.prunedAt >= PRUNE_INTERVAL_MS);
  }

  private toRecord(request: FinishedRequest): NewJournalRecord {
    const presented = typeof request.headers.accesskey === 'string' ? request.headers.accesskey : undefined;
    const body = (value: unknown) => {
      const text = textOf(value);
      if (text === null) return { text: null, truncated: false };
      // Cut with room for a key that straddles the limit, scrub, then cut to the limit.
      const margin = (presented?.length ?? 0) + 64;
      return truncate(scrub(text.length > this.options.bodyLimit + margin ? text.slice(0, this.options.bodyLimit + margin) : text, presented), this.options.bodyLimit);
    };
    const requestBody = body(request.requestBody);
    const responseBody = body(request.responseBody);
    const queryAt = request.url.indexOf('?');
    return {
      at: new Date(request.at).toISOString(),
      node: this.node,
      requestId: request.requestId,
      method: request.method,
      path: scrub(queryAt < 0 ? request.url : request.url.slice(0, queryAt), presented),
      query: redactQuery(request.query, presented),
      headers: redactHeaders(request.headers, presented),
      keyName: request.keyName ?? null,
      status: request.status,
      durationMs: Math.round(request.durationMs * 100) / 100,
      requestBody: requestBody.text,
      requestBodyTruncated: requestBody.truncated,
      responseBody: responseBody.text,
      responseBodyTruncated: responseBody.truncated,
      faultId: request.faultId ?? null,
    };
  }
}

/** A body as text: JSON for parsed values, nothing for streams and empty bodies. */
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
