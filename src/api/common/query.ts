/**
 * Query parameters arrive as strings; they are parsed strictly (decimal digits only, no
 * repeats) and then range-checked, with errors that name the parameter.
 */
import { errors } from '../../domain/errors.js';
import type { ParameterSpec } from '../../server/route-spec.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE_NUMBER = 1_000_000_000;

export type Query = Record<string, string | string[] | undefined>;

/** The raw value of a single-valued query parameter; repeating it is an error. */
export function singleParam(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw errors.invalidValue(name, 'the query parameter is given more than once');
  return value;
}

function integerParam(query: Query, name: string, min: number, max: number, fallback: number): number {
  const raw = singleParam(query, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw errors.invalidValue(name, `expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

export interface Paging {
  readonly pageNumber: number;
  readonly pageSize: number;
}

export function parsePaging(query: Query): Paging {
  return {
    pageNumber: integerParam(query, 'pageNumber', 0, MAX_PAGE_NUMBER, 0),
    pageSize: integerParam(query, 'pageSize', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
}

export const pagingParameters: readonly ParameterSpec[] = [
  {
    name: 'pageNumber',
    in: 'query',
    description: 'Page number for pagination, 0-based. A page past the end is an empty `records` list.',
    schema: { type: 'integer', default: 0, minimum: 0, maximum: MAX_PAGE_NUMBER },
  },
  {
    name: 'pageSize',
    in: 'query',
    description: 'Number of records per page',
    schema: { type: 'integer', default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE },
  },
];
