/** What the sandbox needs from persistence (implemented in store/sandbox-*.ts, on both backends). */
import type { TransactionRecords } from '../persistence.js';
import type { FaultRule } from './faults.js';
import type { JournalFilter, JournalRecord, NewJournalRecord } from './journal.js';
import type { SnapshotSummary } from './snapshots.js';

export interface JournalStore {
  append(records: readonly NewJournalRecord[]): Promise<void>;
  /** Newest first; with `after`, the records after it, oldest first. */
  list(filter: JournalFilter): Promise<JournalRecord[]>;
  /** Removes every record; answers how many. */
  clear(): Promise<number>;
  /**
   * Removes up to `limit` of the oldest records beyond the bounds (more than `maxRecords`, or
   * older than `olderThan`, ISO); answers how many went (`limit`: there may be more).
   */
  prune(maxRecords: number, olderThan: string, limit: number): Promise<number>;
  count(): Promise<number>;
}

/** A rule as stored: the answerable parts without the counters. */
export type NewFaultRule = Omit<FaultRule, 'matched' | 'hits' | 'expired'>;

export interface FaultStore {
  insert(rule: NewFaultRule): Promise<FaultRule>;
  /** Every rule, expired ones too, oldest first. */
  list(): Promise<FaultRule[]>;
  /** The rules that may still fire, oldest first. */
  active(): Promise<FaultRule[]>;
  remove(id: string): Promise<boolean>;
  removeAll(): Promise<number>;
  /**
   * Counts one more request the rule matched and answers its ordinal (1 for the first), or
   * undefined when the rule is gone or expired. One statement: concurrent nodes get distinct ordinals.
   */
  countMatch(id: string): Promise<number | undefined>;
  /** Takes one of the rule's remaining `times`; false when none is left (or the rule is gone). */
  claimHit(id: string): Promise<boolean>;
  /** countMatch and claimHit in one statement (a rule that always fires). */
  countAndClaim(id: string): Promise<boolean>;
}

export interface SnapshotStore {
  /** Saves the records of every object table (and saved reports and events), replacing a snapshot of that name. */
  save(name: string): Promise<SnapshotSummary>;
  /** Puts the records back as saved, in one transaction; undefined when there is no such snapshot. */
  restore(name: string): Promise<SnapshotSummary | undefined>;
  list(): Promise<SnapshotSummary[]>;
  remove(name: string): Promise<boolean>;
  /**
   * Empties the same tables, then lets `fill` write through repositories bound to the same
   * transaction: readers see the old records or the new ones, never a mix. Answers rows per table.
   */
  reset(fill?: (records: TransactionRecords) => Promise<void>): Promise<Record<string, number>>;
}
