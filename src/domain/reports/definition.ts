/**
 * Report definitions are data:
 *
 *   {"name": "ARR by industry", "object": "Company", "fields": ["Industry"], "groupBy": ["Industry"],
 *    "aggregates": [{"fn": "sum", "field": "ARR", "as": "totalARR"}, {"fn": "count", "as": "companies"}],
 *    "where": <filter>, "orderBy": [{"field": "totalARR", "direction": "desc"}], "limit": 10}
 *
 * `planReport` validates one against the object model and turns it (plus a run's filters and
 * limit) into a ReportPlan: resolved fields and typed output columns that the store compiles to
 * a single SQL query. Every mistake is a 400 that names the part of the definition at fault.
 */
import { isPlainObject } from '../json.js';
import { errors, describeValue } from '../errors.js';
import {
  countValues,
  MAX_FILTER_VALUES,
  nonNullFields,
  parseFilter,
  resolveFieldRef,
  type FieldRef,
  type Predicate,
} from '../filters.js';
import type { FieldType, ObjectDescription } from '../object-model.js';

export const AGGREGATE_FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export interface ReportDefinition {
  readonly name: string;
  readonly object: string;
  readonly fields: readonly string[];
  readonly groupBy?: readonly string[];
  readonly aggregates?: readonly { readonly fn: AggregateFunction; readonly field?: string; readonly as?: string }[];
  readonly where?: unknown;
  readonly orderBy?: readonly { readonly field: string; readonly direction?: 'asc' | 'desc' }[];
  readonly limit?: number;
}

export type ColumnType = FieldType;

export type ColumnSource =
  | { readonly kind: 'field'; readonly ref: FieldRef }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction; readonly ref?: FieldRef };

export interface ReportColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly source: ColumnSource;
}

export interface ReportOrder {
  readonly source: ColumnSource;
  readonly type: ColumnType;
  readonly direction: 'asc' | 'desc';
  /**
   * Whether NULLs must be placed explicitly (always last). False when the filter already
   * excludes NULLs in this column, which lets both databases sort by an index.
   */
  readonly placeNulls: boolean;
}

export interface ReportPlan {
  readonly object: ObjectDescription;
  readonly columns: readonly ReportColumn[];
  readonly grouped: boolean;
  readonly groupBy: readonly FieldRef[];
  readonly where?: Predicate;
  /** The definition's order, then tie-breakers that make the result deterministic. */
  readonly orderBy: readonly ReportOrder[];
  readonly limit: number;
}

export const DEFAULT_REPORT_LIMIT = 1000;
export const MAX_REPORT_LIMIT = 10_000;
const MAX_COLUMNS = 50;

export interface PlanContext {
  readonly lookUp: (objectName: string) => ObjectDescription | undefined;
  /** Narrows the rows before grouping and before the limit (ANDed with `where`). */
  readonly filters?: unknown;
  /** Overrides the definition's limit. */
  readonly limit?: number;
  /** Where the definition sits in the request, for messages. */
  readonly at?: string;
}


function stringArray(value: unknown, where: string, { allowEmpty }: { allowEmpty: boolean }): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw errors.invalidValue(where, `expected an array of field names, got ${describeValue(value)}`);
  }
  if (!allowEmpty && value.length === 0) throw errors.requiredValue(where, 'at least one field is required');
  if (value.length > MAX_COLUMNS) throw errors.invalidValue(where, `at most ${MAX_COLUMNS} entries`);
  const duplicate = value.find((item, index) => value.indexOf(item) !== index);
  if (duplicate !== undefined) throw errors.invalidValue(where, `${duplicate} is listed twice`);
  return value as string[];
}

export function validateLimit(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_REPORT_LIMIT) {
    throw errors.invalidValue(where, `expected an integer from 1 to ${MAX_REPORT_LIMIT}, got ${describeValue(value)}`);
  }
  return value;
}

/** Structural check of a definition as received (unknown keys, types). */
export function parseDefinition(input: unknown, at = 'definition'): ReportDefinition {
  if (!isPlainObject(input)) throw errors.invalidValue(at, `expected a report definition object, got ${describeValue(input)}`);
  const allowed = ['name', 'object', 'fields', 'groupBy', 'aggregates', 'where', 'orderBy', 'limit'];
  const unknown = Object.keys(input).find((key) => !allowed.includes(key));
  if (unknown) throw errors.unknownField(`${at}.${unknown}`);
  if (typeof input.name !== 'string' || input.name.trim() === '') throw errors.requiredValue(`${at}.name`, 'a non-empty name is required');
  if (input.name.length > 255) throw errors.valueTooLong(`${at}.name`, 255, input.name.length);
  if (typeof input.object !== 'string' || input.object === '') throw errors.requiredValue(`${at}.object`, 'an object (Company or Person) is required');
  const aggregates = input.aggregates;
  if (aggregates !== undefined && (!Array.isArray(aggregates) || aggregates.length > MAX_COLUMNS)) {
    throw errors.invalidValue(`${at}.aggregates`, `expected an array of at most ${MAX_COLUMNS} aggregates`);
  }
  (aggregates as unknown[] | undefined)?.forEach((aggregate, i) => {
    const where = `${at}.aggregates[${i}]`;
    if (!isPlainObject(aggregate)) throw errors.invalidValue(where, 'expected {fn, field, as}');
    const extra = Object.keys(aggregate).find((key) => !['fn', 'field', 'as'].includes(key));
    if (extra) throw errors.unknownField(`${where}.${extra}`);
    if (!(AGGREGATE_FUNCTIONS as readonly unknown[]).includes(aggregate.fn)) {
      throw errors.invalidValue(`${where}.fn`, `expected one of ${AGGREGATE_FUNCTIONS.join(', ')}, got ${describeValue(aggregate.fn)}`);
    }
    if (aggregate.field !== undefined && typeof aggregate.field !== 'string') throw errors.invalidValue(`${where}.field`, 'expected a field name');
    if (aggregate.as !== undefined && (typeof aggregate.as !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(aggregate.as))) {
      throw errors.invalidValue(`${where}.as`, `expected a column name of letters, digits and _, got ${describeValue(aggregate.as)}`);
    }
  });
  const orderBy = input.orderBy;
  if (orderBy !== undefined && (!Array.isArray(orderBy) || orderBy.length > 10)) {
    throw errors.invalidValue(`${at}.orderBy`, 'expected an array of at most 10 {field, direction}');
  }
  (orderBy as unknown[] | undefined)?.forEach((order, i) => {
    const where = `${at}.orderBy[${i}]`;
    if (!isPlainObject(order) || typeof order.field !== 'string') throw errors.invalidValue(where, 'expected {field, direction}');
    const extra = Object.keys(order).find((key) => !['field', 'direction'].includes(key));
    if (extra) throw errors.unknownField(`${where}.${extra}`);
    if (order.direction !== undefined && order.direction !== 'asc' && order.direction !== 'desc') {
      throw errors.invalidValue(`${where}.direction`, `expected asc or desc, got ${describeValue(order.direction)}`);
    }
  });
  return {
    name: input.name,
    object: input.object,
    fields: stringArray(input.fields, `${at}.fields`, { allowEmpty: true }),
    groupBy: stringArray(input.groupBy, `${at}.groupBy`, { allowEmpty: true }),
    aggregates: aggregates as ReportDefinition['aggregates'],
    where: input.where,
    orderBy: orderBy as ReportDefinition['orderBy'],
    limit: validateLimit(input.limit, `${at}.limit`),
  };
}

const NUMERIC: readonly FieldType[] = ['number', 'integer'];
const ORDERED: readonly FieldType[] = ['number', 'integer', 'date', 'datetime'];

function aggregateType(fn: AggregateFunction, ref: FieldRef | undefined): ColumnType {
  if (fn === 'count') return 'integer';
  if (fn === 'avg') return 'number';
  if (fn === 'sum') return ref!.field.type === 'integer' ? 'integer' : 'number';
  return ref!.field.type;
}

/** Validates a definition against the object model and builds the plan the store executes. */
export function planReport(definition: ReportDefinition, context: PlanContext): ReportPlan {
  const at = context.at ?? 'definition';
  const object = context.lookUp(definition.object);
  if (!object) throw errors.invalidValue(`${at}.object`, `unknown object ${describeValue(definition.object)}; expected Company or Person`);
  const resolve = (path: string, where: string) => resolveFieldRef(object, path, where, context.lookUp);

  const aggregates = definition.aggregates ?? [];
  const groupBy = (definition.groupBy ?? []).map((path, i) => resolve(path, `${at}.groupBy[${i}]`));
  const grouped = groupBy.length > 0 || aggregates.length > 0;
  if (definition.fields.length === 0 && aggregates.length === 0) {
    throw errors.requiredValue(`${at}.fields`, 'a report needs at least one field or aggregate');
  }

  const columns: ReportColumn[] = definition.fields.map((path, i) => {
    const ref = resolve(path, `${at}.fields[${i}]`);
    if (grouped && !groupBy.some((g) => g.path === ref.path)) {
      throw errors.invalidValue(`${at}.fields[${i}]`, `${path} is neither grouped nor aggregated: add it to groupBy or remove it`);
    }
    return { name: path, type: ref.field.type, source: { kind: 'field', ref } };
  });

  aggregates.forEach((aggregate, i) => {
    const where = `${at}.aggregates[${i}]`;
    let ref: FieldRef | undefined;
    if (aggregate.field !== undefined) ref = resolve(aggregate.field, `${where}.field`);
    if (aggregate.fn !== 'count') {
      if (!ref) throw errors.requiredValue(`${where}.field`, `${aggregate.fn} needs a field`);
      const allowed = aggregate.fn === 'sum' || aggregate.fn === 'avg' ? NUMERIC : ORDERED;
      if (!allowed.includes(ref.field.type)) {
        throw errors.invalidValue(
          `${where}.field`,
          `${aggregate.fn} needs a ${allowed === NUMERIC ? 'number' : 'number or date'} field; ${ref.path} is ${ref.field.type}`,
        );
      }
    }
    const name = aggregate.as ?? (ref ? `${aggregate.fn}${ref.path.replace(/\./g, '')}` : aggregate.fn);
    if (columns.some((column) => column.name === name)) {
      throw errors.invalidValue(`${where}.as`, `column name ${name} is already used; choose another with "as"`);
    }
    columns.push({ name, type: aggregateType(aggregate.fn, ref), source: { kind: 'aggregate', fn: aggregate.fn, ref } });
  });

  const definitionWhere = parseFilter(definition.where, { object, lookUp: context.lookUp, where: `${at}.where` });
  const runtimeWhere = parseFilter(context.filters, { object, lookUp: context.lookUp, where: 'filters' });
  const parts = [definitionWhere, runtimeWhere].filter((p): p is Predicate => p !== undefined);
  const where: Predicate | undefined = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { kind: 'and', operands: parts };
  if (countValues(where) > MAX_FILTER_VALUES) {
    throw errors.invalidValue('filters', `the filters hold more than ${MAX_FILTER_VALUES} values in all; narrow them or split the report`);
  }
  const neverNull = nonNullFields(where);
  // Own fields that always hold a value (Gsid, timestamps, required fields) never need NULL
  // placement; a field reached through a reference can be NULL when the reference is empty.
  const alwaysSet = (ref: FieldRef) => !ref.via && (ref.field.required === true || ref.field.readOnly === true);
  const placeNulls = (source: ColumnSource) =>
    !(source.kind === 'field' && (neverNull.has(source.ref.path) || alwaysSet(source.ref))) &&
    !(source.kind === 'aggregate' && source.fn === 'count');

  const orderBy: ReportOrder[] = (definition.orderBy ?? []).map((order, i) => {
    const column = columns.find((c) => c.name === order.field);
    if (!column) {
      throw errors.invalidValue(
        `${at}.orderBy[${i}].field`,
        `${order.field} is not a column of this report; order by one of ${columns.map((c) => c.name).join(', ')}`,
      );
    }
    return { source: column.source, type: column.type, direction: order.direction ?? 'asc', placeNulls: placeNulls(column.source) };
  });
  // Ties are broken the same way on every backend: by the group keys, or by the record's Gsid.
  const tieBreakers: FieldRef[] = grouped ? groupBy : [resolve('Gsid', `${at}.fields`)];
  for (const ref of tieBreakers) {
    orderBy.push({ source: { kind: 'field', ref }, type: ref.field.type, direction: 'asc', placeNulls: placeNulls({ kind: 'field', ref }) });
  }

  return {
    object,
    columns,
    grouped,
    groupBy,
    where,
    orderBy,
    limit: context.limit ?? definition.limit ?? DEFAULT_REPORT_LIMIT,
  };
}
