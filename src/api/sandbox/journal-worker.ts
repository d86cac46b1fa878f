/**
 * The request journal's worker thread (started by journal-thread.ts): the journal opened on this
 * thread's own connection, answering the request thread's operations in the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../../domain/persistence.js';
import { openLocalJournal, performOn, type FromJournalWorker, type JournalSettings, type ToJournalWorker } from './journal-thread.js';

const port = parentPort!;
const post = (message: FromJournalWorker) => port.postMessage(message);
const journal = await openLocalJournal(workerData as JournalSettings, (error) => post({ id: 0, report: error instanceof Error ? error.message : String(error) }));

let previous: Promise<void> = Promise.resolve();
port.on('message', (message: ToJournalWorker) => {
  previous = previous.then(async () => {
    try {
      post({ id: message.id, value: await performOn(journal, message) });
    } catch (error) {
      post({ id: message.id, failure: error instanceof StoreError ? error.failure : undefined, message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (message.op === 'close') port.close();
    }
  });
});
