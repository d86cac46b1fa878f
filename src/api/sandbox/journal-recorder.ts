/**
 * Records requests into the journal off the hot path. A finished request only pushes references
 * (headers, query, body, payload) onto an in-memory buffer; a timer (or a full buffer) hands the
 * buffer to the journal, one batch at a time: the journal's worker thread redacts and writes it
 * on its own connection (journal-thread.ts). Closing the recorder writes what is left.
 *
 * If the journal falls behind, the buffer keeps only the newest `maxRecords` requests, so memory
 * stays bounded too.
 */
import { AsyncResource } from 'node:async_hooks';
import type { JournalOptions } from '../../domain/sandbox/journal.js';
import type { Journal } from './journal-thread.js';
import { bodyText, type JournalEntry } from './journal-writer.js';

/** What is known of a finished request, as it stood (nothing copied yet). */
export interface FinishedRequest extends Omit<JournalEntry, 'requestBody' | 'responseBody'> {
  readonly requestBody: unknown;
  readonly responseBody: unknown;
}

/** Buffered requests that make the recorder hand a batch over at once instead of at the next tick. */
const FULL_BUFFER = 100;

export class JournalRecorder {
  private buffer: FinishedRequest[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  // record() runs inside a request's async context. Should the journal run on this thread (its
  // worker failed), a write started there would join that request's transaction (an
  // Idempotency-Key's holds the SQLite connection) and wait for the connection it holds.
  // Batches are handed over in the context the recorder was made in.
  private readonly flushOutsideRequest = AsyncResource.bind(() => void this.flush());

  constructor(
    private readonly journal: Pick<Journal, 'write' | 'close'>,
    private readonly options: JournalOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  record(request: FinishedRequest): void {
    this.buffer.push(request);
    if (this.buffer.length > this.options.maxRecords) this.buffer.splice(0, this.buffer.length - this.options.maxRecords);
    if (this.buffer.length === FULL_BUFFER) setImmediate(this.flushOutsideRequest);
  }

  /** Stores what is buffered (one batch at a time; a call during one waits for it and goes on). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.journal.write(batch.map((request) => this.toEntry(request))).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.journal.close();
  }

  private toEntry(request: FinishedRequest): JournalEntry {
    const presented = typeof request.headers.accesskey === 'string' ? request.headers.accesskey : undefined;
    return {
      ...request,
      requestBody: bodyText(request.requestBody, this.options.bodyLimit, presented),
      responseBody: bodyText(request.responseBody, this.options.bodyLimit, presented),
    };
  }
}
