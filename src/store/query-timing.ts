/**
 * Query timings for metrics, from Kysely's `log` hook (it times every statement, prepared ones
 * included, around the driver call). Kysely only wraps connections when it is given a logger, so
 * a store opened without a listener pays nothing for this.
 */
import type { KyselyConfig, LogEvent } from 'kysely';

/** Called after every statement with its duration in milliseconds; `failed` when it threw. */
export type QueryListener = (durationMs: number, failed: boolean) => void;

export function queryLog(listener: QueryListener | undefined): Pick<KyselyConfig, 'log'> {
  if (!listener) return {};
  return { log: (event: LogEvent) => listener(event.queryDurationMillis, event.level === 'error') };
}

/** A connection pool's occupancy at one moment (PostgreSQL; SQLite has one connection, no pool). */
export interface PoolUsage {
  /** Connections open, busy or idle. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  /** The most connections the pool opens (DB_POOL_SIZE). */
  readonly max: number;
}
