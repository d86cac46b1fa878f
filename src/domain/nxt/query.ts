/**
 * The NXT query body (`POST /v1/data/objects/query/{object}`) as a plan the store runs in one SQL
 * query: the same filter engine as the reports, in the NXT dialect (lookup paths `X__gr.Field`
 * up to three hops, values read as Gainsight reads them).
 *
 *   {"select": ["Name", "Csm__gr.Email"], "where": {"conditions": [...], "expression": "A AND B"},
 *    "orderBy": {"ModifiedDate": "desc"}, "limit": 100, "offset": 0}
 *
 * Results are keyed by the select strings exactly as sent; ties always end on Gsid, so paging
 * by offset is deterministic.
 */
import { isPlainObject } from '../json.js';
import { errors, describeValue } from '../errors.js';
import {
  assertFilterValues,
  fieldKey,
  needsNullPlacement,
  nonNullFields,
  NXT_DIALECT,
  parseFilter,
  resolveFieldRef,
  type FieldRef,
  type Predicate,
} from '../filters.js';
import { parseLenientNumber } from '../lenient-values.js';
import type { ObjectDescription } from '../object-model.js';
import type { ReportColumn, ReportOrder } from '../reports/definition.js';
import type { RunnablePlan } from '../reports/ports.js';
import { MAX_ORDER_BY } from '../reports/schema.js';

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 5000;
export const MAX_QUERY_OFFSET = 1_000_000_000;
const MAX_SELECT = 500;
/**
 * Keys of `orderBy`: the reports' limit. Names match ignoring case, so without a cap one field
 * could be sent under thousands of spellings, each an ORDER BY term (SQLite takes at most 2000);
 * and a sort needs few keys, since ties always end on Gsid.
 */
export const MAX_QUERY_ORDER_BY = MAX_ORDER_BY;

export interface QueryOptions {
  readonly lookUp: (name: string) => ObjectDescription | undefined;
  /**
   * Count every match (`totalCount`), as the users list does unless includeTotal is false. False
   * or unset: no count query runs and `totalCount` is the number of rows returned.
   */
  readonly countTotal?: boolean;
  /** Paging by page number (users list) instead of offset. */
  readonly paging?: 'offset' | 'page';
}

/** An integer parameter (`limit`, `offset`): a JSON number or a decimal string, in range. */
export function integerParameter(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const number = parseLenientNumber(value);
  if (number === undefined || !Number.isInteger(number) || number < min || number > max) {
    throw errors.invalidValue(name, `expected an integer from ${min} to ${max}, got ${describeValue(value)}`, value);
  }
  return number;
}

function selectList(object: ObjectDescription, value: unknown, resolve: (path: string, where: string) => FieldRef): FieldRef[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    return object.fields.map((field) => ({ path: field.name, field, hops: [] }));
  }
  if (!Array.isArray(value)) throw errors.invalidValue('select', `expected an array of field names, got ${describeValue(value)}`, value);
  if (value.length > MAX_SELECT) throw errors.invalidValue('select', `at most ${MAX_SELECT} fields, got ${value.length}`);
  const seen = new Set<string>();
  const refs: FieldRef[] = [];
  value.forEach((path, i) => {
    if (typeof path !== 'string') throw errors.invalidValue(`select[${i}]`, `expected a field name, got ${describeValue(path)}`, path);
    if (seen.has(path)) return;
    seen.add(path);
    refs.push(resolve(path, `select[${i}]`));
  });
  return refs;
}

/**
 * The order keys, at most MAX_QUERY_ORDER_BY (counted as sent). Keys naming a field already
 * ordered by under another spelling (`ARR` then `arr`) are dropped, the first one winning: a
 * second term on the same column could never change the order.
 */
function orderList(value: unknown, resolve: (path: string, where: string) => FieldRef): { ref: FieldRef; direction: 'asc' | 'desc' }[] {
  if (value === undefined || value === null) return [];
  if (!isPlainObject(value)) {
    throw errors.invalidValue('orderBy', `expected an object of field -> "asc" or "desc", got ${describeValue(value)}`, value);
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_QUERY_ORDER_BY) {
    throw errors.invalidValue('orderBy', `at most ${MAX_QUERY_ORDER_BY} fields, got ${entries.length}`);
  }
  const seen = new Set<string>();
  const orders: { ref: FieldRef; direction: 'asc' | 'desc' }[] = [];
  for (const [path, direction] of entries) {
    const lower = typeof direction === 'string' ? direction.toLowerCase() : undefined;
    if (lower !== 'asc' && lower !== 'desc') {
      throw errors.invalidValue(`orderBy.${path}`, `expected asc or desc, got ${describeValue(direction)}`, direction);
    }
    const ref = resolve(path, `orderBy.${path}`);
    if (seen.has(fieldKey(ref))) continue;
    seen.add(fieldKey(ref));
    orders.push({ ref, direction: lower });
  }
  return orders;
}

/** Validates a query body against a view and builds the plan. Every mistake is a 400 naming the part at fault. */
export function planQuery(object: ObjectDescription, body: unknown, options: QueryOptions): RunnablePlan {
  const input = body === undefined || body === null ? {} : body;
  if (!isPlainObject(input)) throw errors.badRequest(`Request body must be a JSON object, not ${describeValue(input)}`);
  const resolve = (path: string, where: string) => resolveFieldRef(object, path, where, options.lookUp, NXT_DIALECT);

  const selected = selectList(object, input.select, resolve);
  const columns: ReportColumn[] = selected.map((ref) => ({ name: ref.path, type: ref.field.type, source: { kind: 'field', ref } }));

  let where: Predicate | undefined;
  if (input.where !== undefined && input.where !== null) {
    if (!isPlainObject(input.where)) throw errors.invalidValue('where', `expected {conditions, expression}, got ${describeValue(input.where)}`);
    where = parseFilter(input.where, { object, lookUp: options.lookUp, where: 'where', dialect: NXT_DIALECT });
  }
  assertFilterValues(where, 'where', 'the conditions', 'split the query');

  const limit = integerParameter(input.limit, 'limit', 1, MAX_QUERY_LIMIT, DEFAULT_QUERY_LIMIT);
  const offset =
    options.paging === 'page'
      ? integerParameter(input.page, 'page', 0, Math.floor(MAX_QUERY_OFFSET / limit), 0) * limit
      : integerParameter(input.offset, 'offset', 0, MAX_QUERY_OFFSET, 0);

  const neverNull = nonNullFields(where);
  const orders = orderList(input.orderBy, resolve);
  if (!orders.some(({ ref }) => ref.hops.length === 0 && ref.field.name === 'Gsid')) {
    orders.push({ ref: resolve('Gsid', 'orderBy'), direction: 'asc' });
  }
  const orderBy: ReportOrder[] = orders.map(({ ref, direction }) => ({
    source: { kind: 'field', ref },
    type: ref.field.type,
    direction,
    placeNulls: needsNullPlacement(ref, neverNull),
  }));

  return { object, columns, grouped: false, groupBy: [], where, orderBy, limit, offset, countTotal: options.countTotal ?? false };
}
