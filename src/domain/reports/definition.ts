/**
 * Report definitions are data:
 *
 *   {"name": "ARR by industry", "object": "Company", "fields": ["Industry"], "groupBy": ["Industry"],
 *    "aggregates": [{"fn": "sum", "field": "ARR", "as": "totalARR"}, {"fn": "count", "as": "companies"}],
 *    "where": <filter>, "orderBy": [{"field": "totalARR", "direction": "desc"}], "limit": 10}
 *
 * Their shape is declared once, in schema.ts (ReportDefinitionSchema): request bodies are
 * checked against it before they get here, saved ones by the parser of compileDefinitionParser
 * (compiled once per report service, with the app's one Ajv). `planReport` then checks what a
 * schema cannot (the fields exist, grouping rules, aggregates fit their fields) and turns the
 * definition (plus a run's filters and limit) into a ReportPlan: resolved fields and typed output
 * columns that the store compiles to a single SQL query. Every mistake is a 400 that names the
 * part of the definition at fault.
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { errors } from '../errors.js';
import {
  assertFilterValues,
  needsNullPlacement,
  nonNullFields,
  parseFilter,
  resolveFieldRef,
  type FieldRef,
  type Predicate,
} from '../filters.js';
import type { FieldType, ObjectDescription } from '../object-model.js';
import type { JsonSchema } from '../schemas.js';
import { compileValidator, type Validator } from '../body-validation.js';
import { unknownObjectProblem, type AggregateFunction, type ReportDefinition } from './schema.js';

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
   * Whether NULLs must be placed explicitly (always last). False when the column can never be
   * empty (filters.ts needsNullPlacement; counts), which lets both databases sort by an index.
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

export interface PlanContext {
  readonly lookUp: (objectName: string) => ObjectDescription | undefined;
  /** The objects a report may run over, for the message about any other. */
  readonly objectNames?: readonly string[];
  /** Narrows the rows before grouping and before the limit (ANDed with `where`). */
  readonly filters?: unknown;
  /** Overrides the definition's limit. */
  readonly limit?: number;
  /** Where the definition sits in the request, for messages; '' when it is the whole body. */
  readonly at?: string;
}

/**
 * Checks a definition that did not come through a validated request body (a saved one, read back
 * from the database) against ReportDefinitionSchema: the same shape the routes enforce. `at`
 * names it in messages (`report weekly.fields`).
 */
export type DefinitionParser = (input: unknown, at?: string) => ReportDefinition;

/**
 * Compiles the definition parser with the given Ajv (the app's one instance: the report service
 * compiles it once, when it is created).
 */
export function compileDefinitionParser(ajv: Ajv2020, definitionSchema: JsonSchema): DefinitionParser {
  const validate: Validator<ReportDefinition> = compileValidator<ReportDefinition>(ajv, definitionSchema);
  return (input, at = 'definition') => validate(input, at);
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
  const base = context.at ?? 'definition';
  const at = (part: string) => (base === '' ? part : `${base}.${part}`);
  const object = context.lookUp(definition.object);
  if (!object) throw errors.invalidValue(at('object'), unknownObjectProblem(definition.object, context.objectNames ?? []));
  const resolve = (path: string, where: string) => resolveFieldRef(object, path, where, context.lookUp);

  const fields = definition.fields ?? [];
  const aggregates = definition.aggregates ?? [];
  const groupBy = (definition.groupBy ?? []).map((path, i) => resolve(path, at(`groupBy[${i}]`)));
  const grouped = groupBy.length > 0 || aggregates.length > 0;
  if (fields.length === 0 && aggregates.length === 0) {
    throw errors.requiredValue(at('fields'), 'a report needs at least one field or aggregate');
  }

  const columns: ReportColumn[] = fields.map((path, i) => {
    const ref = resolve(path, at(`fields[${i}]`));
    if (grouped && !groupBy.some((g) => g.path === ref.path)) {
      throw errors.invalidValue(at(`fields[${i}]`), `${path} is neither grouped nor aggregated: add it to groupBy or remove it`);
    }
    return { name: path, type: ref.field.type, source: { kind: 'field', ref } };
  });

  aggregates.forEach((aggregate, i) => {
    const where = at(`aggregates[${i}]`);
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

  const definitionWhere = parseFilter(definition.where, { object, lookUp: context.lookUp, where: at('where') });
  const runtimeWhere = parseFilter(context.filters, { object, lookUp: context.lookUp, where: 'filters' });
  const parts = [definitionWhere, runtimeWhere].filter((p): p is Predicate => p !== undefined);
  const where: Predicate | undefined = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { kind: 'and', operands: parts };
  assertFilterValues(where, 'filters', 'the filters', 'narrow them or split the report');
  const neverNull = nonNullFields(where);
  // Counts are never NULL; a field column follows the one NULL-placement rule of every sort.
  const placeNulls = (source: ColumnSource) =>
    source.kind === 'field' ? needsNullPlacement(source.ref, neverNull) : source.fn !== 'count';

  const orderBy: ReportOrder[] = (definition.orderBy ?? []).map((order, i) => {
    const column = columns.find((c) => c.name === order.field);
    if (!column) {
      throw errors.invalidValue(
        at(`orderBy[${i}].field`),
        `${order.field} is not a column of this report; order by one of ${columns.map((c) => c.name).join(', ')}`,
      );
    }
    return { source: column.source, type: column.type, direction: order.direction ?? 'asc', placeNulls: placeNulls(column.source) };
  });
  // Ties are broken the same way on every backend: by the group keys, or by the record's Gsid.
  const tieBreakers: FieldRef[] = grouped ? groupBy : [resolve('Gsid', at('fields'))];
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
