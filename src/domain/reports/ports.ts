/**
 * What the reports (and the NXT query API, which runs on the same engine) need from persistence.
 * The domain declares these interfaces; the store implements them (store/report-repository.ts,
 * store/report-query.ts), so the dependency points from the store to the domain, never back.
 */
import type { ReportPlan } from './definition.js';

/** A saved report definition as stored: the JSON the client saved, read back unvalidated. */
export interface SavedReport {
  readonly id: string;
  readonly definition: unknown;
  readonly createdAt: string;
  readonly modifiedAt: string;
}

export interface ReportRepository {
  list(): Promise<SavedReport[]>;
  get(id: string): Promise<SavedReport | undefined>;
  /** Creates or replaces; `created` tells which. */
  put(id: string, definition: unknown, at: string): Promise<{ report: SavedReport; created: boolean }>;
  delete(id: string): Promise<boolean>;
}

/**
 * A plan as the runner takes it: a report's (planReport), or an NXT query's (planQuery, which
 * pages by offset and counts only when asked, as the users list does with includeTotal).
 */
export type RunnablePlan = ReportPlan & {
  /** Rows skipped before the first one returned. */
  readonly offset?: number;
  /**
   * Whether `totalCount` counts every matching row: true always runs the count, false never does
   * (`totalCount` is then the rows returned); unset counts only when the limit cut the result.
   */
  readonly countTotal?: boolean;
};

/** A value as the runner reads it from the database (booleans as stored: 1 and 0). */
export type StoredValue = string | number;

export interface ReportRows {
  /** One flat object per row, keyed by column name; columns without a value are omitted. */
  readonly records: Record<string, StoredValue>[];
  /** Rows (or groups) before the limit; see RunnablePlan.countTotal. */
  readonly totalCount: number;
}

/** Rows of records as JSON text, one object per row (see ReportRunner.runJson). */
export interface JsonRows {
  readonly json: string[];
  readonly totalCount: number;
}

export interface ReportRunner {
  run(plan: RunnablePlan): Promise<ReportRows>;
  /**
   * A plan of records (no groups or aggregates) with each row as the JSON text of an object
   * keyed by column name, every column present (`null` when empty) and written as the NXT
   * surface writes it by default: booleans as true/false, dates as stored (ISO 8601), numbers
   * as JavaScript writes them, picklists as their labels.
   */
  runJson(plan: RunnablePlan): Promise<JsonRows>;
}
