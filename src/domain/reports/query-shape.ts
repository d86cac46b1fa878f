/**
 * The shape of a grouped report's query, decided from its plan alone (no database).
 *
 * A report that groups by fields reached through a lookup (`CompanyId.Name`) joins the looked-up
 * table. Joined first, every row of the base table is joined before it is grouped: people by
 * company joins 3,000,000 people to their companies to make 100,000 groups. When every such key
 * is determined by an own field that is grouped too (`CompanyId.Name` by `CompanyId`: a lookup
 * reaches at most one record, by its Gsid), the same groups come from grouping by the own fields
 * alone, and the looked-up fields can be joined to each group afterwards: one join per group
 * instead of one per row, and the grouping can read an index on the own fields.
 *
 * The groups are the same either way: two rows with the same own keys reach the same records,
 * so they agree on every joined key too; and grouping by the own keys never merges rows that
 * the joined keys would separate. Filters and aggregates are computed before grouping, with the
 * joins they need, exactly as before.
 *
 * When the report sorts first by a column of the groups themselves (`people`, most first) and
 * only then by a looked-up one (the company name), the groups that can make the first `limit`
 * rows are known before anything is joined: those whose first sort key comes no later than the
 * `limit`-th group's in that order (ties included, since the looked-up keys decide among them).
 * Every other group has at least `limit` groups before it. Only those groups are joined (1,426
 * of 100,001 for people by company over 3,000,000 people).
 */
import { fieldKey, nonNullFields, referencedFields, type FieldRef } from '../filters.js';
import { keepsReferrerCounts } from '../object-model.js';
import type { ReportOrder, ReportPlan } from './definition.js';

export interface GroupFirst {
  /**
   * The group keys that are the base object's own fields, one per column, in the plan's order:
   * the inner query groups by these, and the outer one joins the looked-up keys from them.
   */
  readonly ownKeys: readonly FieldRef[];
  /** The group keys reached through lookups, joined after grouping. */
  readonly joinedKeys: readonly FieldRef[];
  /**
   * The plan's first sort key, when it is a column of the groups (an aggregate or an own key) and
   * a looked-up key sorts after it: only the groups that come no later than the `limit`-th one
   * by this key need joining (see above).
   */
  readonly cutBy?: ReportOrder;
}

/**
 * Whether the plan's groups can be made before the lookups of its group keys are joined (see
 * above), and with which keys; undefined when they cannot, or when no group key is looked up
 * (nothing to gain).
 */
export function groupFirst(plan: Pick<ReportPlan, 'grouped' | 'groupBy' | 'orderBy'>): GroupFirst | undefined {
  if (!plan.grouped) return undefined;
  const joinedKeys = plan.groupBy.filter((ref) => ref.hops.length > 0);
  if (joinedKeys.length === 0) return undefined;
  const ownKeys: FieldRef[] = [];
  for (const ref of plan.groupBy) {
    if (ref.hops.length === 0 && !ownKeys.some((key) => key.field.column === ref.field.column)) ownKeys.push(ref);
  }
  const determined = joinedKeys.every((ref) => ownKeys.some((key) => key.field.column === ref.hops[0]!.field.column));
  if (!determined) return undefined;
  const onGroups = (order: ReportOrder) => order.source.kind === 'aggregate' || order.source.ref.hops.length === 0;
  const [first, ...rest] = plan.orderBy;
  const cutBy = first && onGroups(first) && rest.some((order) => !onGroups(order)) ? first : undefined;
  return { ownKeys, joinedKeys, ...(cutBy ? { cutBy } : {}) };
}

/**
 * The lookup whose kept reference counts can make a grouped-first report's groups
 * (store/reference-counter.ts keeps, for every lookup declared `keepReferrerCounts`, how many records
 * refer to each target): a report with no filter, grouped by exactly one own key, such a lookup,
 * whose every aggregate is a count of rows (`count(*)`). Its groups are then one per target with a count above
 * zero, plus the records without a target counted apart; the base table is never read whole.
 * (people by company: 100,001 counts instead of 3,000,000 people.) Undefined otherwise.
 */
export function countedLookup(plan: Pick<ReportPlan, 'where' | 'columns'>, shape: GroupFirst): FieldRef | undefined {
  if (plan.where || shape.ownKeys.length !== 1) return undefined;
  const [key] = shape.ownKeys;
  if (!keepsReferrerCounts(key!.field)) return undefined;
  const aggregates = plan.columns.filter((column) => column.source.kind === 'aggregate');
  return aggregates.every((column) => column.source.kind === 'aggregate' && column.source.fn === 'count' && !column.source.ref) ? key : undefined;
}

/** Columns every record has a value in, whatever the schema did later (the id and the timestamps). */
const ALWAYS_SET_COLUMNS: ReadonlySet<string> = new Set(['gsid', 'created_date', 'modified_date']);

/**
 * The sort keys a page of records can seek by instead of skipping (store/report-query.ts keeps a
 * cursor where each page ended): a plan of records (no groups or aggregates) sorted by the base
 * object's own fields, all in one direction, each one that no row can leave empty (Gsid and the
 * timestamps, or a field the filter keeps from being empty: a required field added to a table
 * later is empty in the rows before it, and `(k, Gsid) > cursor` would skip those), ending on
 * Gsid (a total order), and filtered on its own fields only. Then the rows after a cursor, in
 * that order, are `(k1, k2, ..., Gsid) > (cursor)` (or `<` descending), which an index on the
 * keys serves; and whether any row came, went or moved is told by the base table's write counter
 * alone. Undefined otherwise.
 */
export function seekOrder(
  plan: Pick<ReportPlan, 'grouped' | 'groupBy' | 'orderBy' | 'where'>,
): { readonly refs: readonly FieldRef[]; readonly direction: 'asc' | 'desc' } | undefined {
  if (plan.grouped || plan.groupBy.length > 0 || plan.orderBy.length === 0) return undefined;
  const direction = plan.orderBy[0]!.direction;
  const neverEmpty = nonNullFields(plan.where);
  const refs: FieldRef[] = [];
  for (const order of plan.orderBy) {
    if (order.source.kind !== 'field' || order.source.ref.hops.length > 0 || order.direction !== direction) return undefined;
    const { ref } = order.source;
    if (!ALWAYS_SET_COLUMNS.has(ref.field.column) && !neverEmpty.has(fieldKey(ref))) return undefined;
    refs.push(ref);
  }
  if (refs.at(-1)!.field.name !== 'Gsid') return undefined;
  if (referencedFields(plan.where).some((ref) => ref.hops.length > 0)) return undefined;
  return { refs, direction };
}
