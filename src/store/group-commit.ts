/**
 * Group commit for SQLite: single-record writes that arrive together share one transaction, so
 * one fsync makes all of them durable instead of one fsync each.
 *
 * A write is queued; the queue is written when the event loop turns (requests read meanwhile
 * join it; while a batch commits, the next one gathers). Every write of a batch is resolved only
 * after the COMMIT has returned (with `synchronous=FULL`, after the fsync): an acknowledged write
 * is on disk.
 *
 * Writes rarely fail, so a batch runs them one after the other in one transaction. When one
 * fails (a duplicate, a missing reference), the batch is rolled back and written again with each
 * write in its own savepoint: the failing one is undone and rejected alone, the others commit.
 * When the COMMIT itself fails, every write of the batch is rejected.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export type GroupedWrite = <T>(work: (trx: Db) => Promise<T>) => Promise<T>;

interface Queued {
  readonly work: (trx: Db) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Most writes in one transaction: bounds how long a batch holds the write lock. */
const MAX_BATCH = 500;

export function createGroupCommit(db: Db): GroupedWrite {
  let queue: Queued[] = [];
  let writing = false;

  /** Writes a batch; `isolated`: each write in a savepoint. False when a write failed unisolated. */
  async function writeBatch(batch: readonly Queued[], isolated: boolean): Promise<boolean> {
    const settled: (() => void)[] = [];
    let trx;
    try {
      trx = await db.startTransaction().execute();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return true;
    }
    try {
      for (const [index, item] of batch.entries()) {
        if (!isolated) {
          const value = await item.work(trx);
          settled.push(() => item.resolve(value));
          continue;
        }
        const name = `gc${index}`;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const savepoint: any = await trx.savepoint(name).execute();
        try {
          const value = await item.work(savepoint);
          settled.push(() => item.resolve(value));
        } catch (error) {
          await savepoint.rollbackToSavepoint(name).execute();
          settled.push(() => item.reject(error));
        }
        await savepoint.releaseSavepoint(name).execute();
      }
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      // A batch of several is written again, isolated; a write alone has failed alone.
      if (!isolated && batch.length > 1) return false;
      for (const item of batch) item.reject(error);
      return true;
    }
    try {
      await trx.commit().execute();
    } catch (error) {
      // Nothing of the transaction holds.
      await trx.rollback().execute().catch(() => undefined);
      for (const item of batch) item.reject(error);
      return true;
    }
    for (const settle of settled) settle();
    return true;
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(batch.length);
        if (!(await writeBatch(batch, false))) await writeBatch(batch, true);
      }
    } finally {
      writing = false;
    }
  }

  return <T>(work: (trx: Db) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // Gather what arrives before the event loop turns; a running drain picks it up itself.
      if (queue.length === 1 && !writing) setImmediate(() => void drain());
    });
}
