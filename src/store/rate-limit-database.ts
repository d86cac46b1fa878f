/**
 * Rate-limit counters in the database (table `rate_limit_counter`, migration 0009): every node on
 * the database counts into the same rows, so the nodes share one budget per key.
 *
 * A call is one statement, `INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING`, for
 * all of its windows at once: atomic per row on both backends (PostgreSQL locks the conflicting
 * row; SQLite has one writer), so concurrent calls on any number of nodes never lose a count. On
 * SQLite it joins the group commit, so concurrent calls share a transaction and its fsync.
 */
import { sql } from 'kysely';
import type { CounterSlot, RateCounter } from '../domain/rate-limits.js';
import { classified, type Database } from './database.js';

/** How often (at most) a node deletes the rows of windows that have ended. */
const SWEEP_INTERVAL_MS = 60_000;

export interface DatabaseRateCounterOptions {
  readonly now?: () => number;
  /** Failures of the background sweep of old rows; they never fail a call. */
  readonly onBackgroundError?: (error: unknown) => void;
}

export function createDatabaseRateCounter(database: Database, options: DatabaseRateCounterOptions = {}): RateCounter {
  const { now = Date.now, onBackgroundError = () => {} } = options;
  let lastSweep = now();

  const sweep = () =>
    classified(database, () =>
      database.groupedWrite((trx) =>
        trx.deleteFrom('rate_limit_counter').where('expires_at', '<', new Date(now()).toISOString()).execute(),
      ),
    );

  return {
    async hit(subject: string, slots: readonly CounterSlot[]) {
      if (now() - lastSweep >= SWEEP_INTERVAL_MS) {
        lastSweep = now();
        sweep().catch(onBackgroundError);
      }
      const rows = slots.map((slot) => ({
        subject,
        window_seconds: slot.seconds,
        window_start: new Date(slot.startMs).toISOString(),
        count: 1,
        expires_at: new Date(slot.endMs).toISOString(),
      }));
      const counted = (await classified(database, () =>
        database.groupedWrite((trx) =>
          trx
            .insertInto('rate_limit_counter')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['subject', 'window_seconds', 'window_start']).doUpdateSet({ count: sql`rate_limit_counter.count + 1` }),
            )
            .returning(['window_seconds', 'count'])
            .execute(),
        ),
      )) as { window_seconds: number | string; count: number | string }[];
      // RETURNING gives no order guarantee: match the rows to the slots by window.
      return slots.map((slot) => Number(counted.find((row) => Number(row.window_seconds) === slot.seconds)!.count));
    },
    close: async () => {},
  };
}
