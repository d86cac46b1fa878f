/**
 * The request journal, as the thread that answers requests sees it. The journal's database work
 * all happens on a worker thread (journal-worker.ts) with its own connection: redacting and
 * writing the batches the recorder hands over, pruning, and the journal's reads and clears. The
 * request thread only buffers finished requests and posts them (a few microseconds a request
 * instead of tens: redaction, inserts, commits and pruning are the worker's).
 *
 * If the worker fails (it cannot open the journal, or it dies), the error is reported once and
 * the journal is opened on this thread instead (`openLocalJournal`): slower, but the batch in
 * flight and every later one are still recorded and readable.
 */
import { Worker } from 'node:worker_threads';
import { StoreError, type StoreFailure } from '../../domain/persistence.js';
import type { JournalFilter, JournalOptions, JournalRecord } from '../../domain/sandbox/journal.js';
import { createJournalStore, openJournalDatabase } from '../../store/sandbox-journal.js';
import { JournalWriter, type JournalEntry } from './journal-writer.js';

/** The journal's operations, wherever they run. */
export interface Journal {
  /** Resolves once the entries are stored (or known lost: the journal never fails a request). */
  write(entries: readonly JournalEntry[]): Promise<void>;
  list(filter: JournalFilter): Promise<JournalRecord[]>;
  /** Removes every record; answers how many. */
  clear(): Promise<number>;
  /** Prunes a last time and lets go of the connection. */
  close(): Promise<void>;
}

export interface JournalSettings {
  /** The server's database: the journal lives in it or beside it (store/sandbox-journal.ts). */
  readonly databaseUrl: string;
  /** Names this process in the records. */
  readonly node: string;
  readonly options: JournalOptions;
}

/** The journal on the calling thread: its own connection, a writer, the store's reads. */
export async function openLocalJournal(settings: JournalSettings, onError: (error: unknown) => void): Promise<Journal> {
  const database = await openJournalDatabase(settings.databaseUrl, onError);
  const store = createJournalStore(database);
  const writer = new JournalWriter(store, settings.node, settings.options, onError);
  return {
    write: (entries) => writer.write(entries),
    list: (filter) => store.list(filter),
    clear: () => store.clear(),
    close: async () => {
      await writer.close();
      await database.close();
    },
  };
}

type Operation = { op: 'write'; entries: readonly JournalEntry[] } | { op: 'list'; filter: JournalFilter } | { op: 'clear' } | { op: 'close' };
export type ToJournalWorker = Operation & { id: number };
export type FromJournalWorker =
  | { id: number; value: unknown }
  /** An operation failed: a database failure the API maps (`failure`), or anything else. */
  | { id: number; failure?: StoreFailure; message: string }
  /** A background failure (a batch the writer could not store). */
  | { id: 0; report: string };

/** How long close() waits for the worker's last writes before stopping it. */
const CLOSE_TIMEOUT_MS = 10_000;

export class JournalThread implements Journal {
  private readonly worker: Worker;
  private nextId = 1;
  /** Operations posted and not answered yet. */
  private readonly pending = new Map<number, { operation: Operation; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private local: Promise<Journal> | undefined;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(
    private readonly settings: JournalSettings,
    private readonly onError: (error: unknown) => void,
  ) {
    this.worker = startWorker(settings);
    // An open journal never keeps the process alive (a server closes it when it stops).
    this.worker.unref();
    this.worker.on('message', (message: FromJournalWorker) => this.answer(message));
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.closing) this.fail(new Error(`the request journal's worker thread stopped (exit code ${code})`));
        // Stopped while closing (done, or past the timeout): nothing more will be answered.
        for (const waiting of this.pending.values()) waiting.resolve(undefined);
        this.pending.clear();
        resolve();
      }),
    );
  }

  async write(entries: readonly JournalEntry[]): Promise<void> {
    try {
      await this.run({ op: 'write', entries });
    } catch (error) {
      // Not even this thread could open the journal: the batch is lost, the API goes on.
      this.onError(error);
    }
  }

  list(filter: JournalFilter): Promise<JournalRecord[]> {
    return this.read({ op: 'list', filter }) as Promise<JournalRecord[]>;
  }

  clear(): Promise<number> {
    return this.read({ op: 'clear' }) as Promise<number>;
  }

  /** A read or a clear: a failure the store did not classify is the journal being unavailable (503). */
  private async read(operation: Operation): Promise<unknown> {
    try {
      return await this.run(operation);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      this.onError(error);
      throw new StoreError({ kind: 'unavailable', detail: 'the request journal cannot be opened' });
    }
  }

  async close(): Promise<void> {
    if (this.local) return (await this.local).close();
    this.closing = true;
    const timeout = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
    try {
      await this.run({ op: 'close' });
    } finally {
      await this.exited;
      clearTimeout(timeout);
    }
  }

  private async run(operation: Operation): Promise<unknown> {
    if (this.local) return performOn(await this.local, operation);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { operation, resolve, reject });
      try {
        this.worker.postMessage({ ...operation, id } satisfies ToJournalWorker);
      } catch {
        // A value that cannot be cloned (a query parser's exotic output): its JSON form then.
        this.worker.postMessage(JSON.parse(JSON.stringify({ ...operation, id })) as ToJournalWorker);
      }
    });
  }

  private answer(message: FromJournalWorker): void {
    if ('report' in message) return this.onError(new Error(message.report));
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if ('value' in message) waiting.resolve(message.value);
    else waiting.reject(message.failure ? new StoreError(message.failure) : new Error(message.message));
  }

  /** The worker is gone: what it had not answered runs here, and so does everything after. */
  private fail(error: unknown): void {
    if (this.local || this.closing) return;
    this.onError(error);
    this.local = openLocalJournal(this.settings, this.onError);
    for (const { operation, resolve, reject } of this.pending.values()) this.local.then((journal) => performOn(journal, operation)).then(resolve, reject);
    this.pending.clear();
  }
}

/** Runs one of the request thread's operations on a journal (here, or on the worker). */
export function performOn(journal: Journal, operation: Operation): Promise<unknown> {
  switch (operation.op) {
    case 'write':
      return journal.write(operation.entries);
    case 'list':
      return journal.list(operation.filter);
    case 'clear':
      return journal.clear();
    case 'close':
      return journal.close();
  }
}

/**
 * Built, the worker is journal-worker.js beside this module (in the bundle, beside the bundled
 * program: scripts/bundle.mjs writes both). Run from the TypeScript sources (tests, `npm run
 * dev`), it is journal-worker.ts, loaded through tsx.
 */
function startWorker(settings: JournalSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./journal-worker.js', import.meta.url), { workerData: settings });
  const source = new URL('./journal-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}
