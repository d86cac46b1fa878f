/**
 * Queries on the hot path (get by id, a page of a list, its count) are built and compiled by
 * Kysely once, not on every request: building and compiling the query tree cost more than
 * SQLite's own work for a primary-key lookup. The SQL stays Kysely's, for both dialects.
 *
 * The query is compiled with sentinel parameter values; each call substitutes the real values
 * at the sentinels' positions.
 */
import type { CompiledQuery, Compilable, Kysely } from 'kysely';

export type PreparedQuery<P extends string, R> = (values: Readonly<Record<P, unknown>>) => Promise<R[]>;

export function prepare<P extends string, R = Record<string, unknown>>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  names: readonly P[],
  build: (parameter: (name: P) => string) => Compilable<unknown>,
): PreparedQuery<P, R> {
  const sentinel = (name: P) => `\u0000prepared:${name}\u0000`;
  const compiled = build(sentinel).compile();
  const positions = compiled.parameters.map((value) => {
    const name = names.find((n) => value === sentinel(n));
    if (name === undefined) throw new Error(`prepared query has a parameter that is not a sentinel: ${String(value)}`);
    return name;
  });
  return async (values) => {
    const query: CompiledQuery = { ...compiled, parameters: positions.map((name) => values[name]) };
    return (await db.executeQuery<R>(query)).rows;
  };
}
