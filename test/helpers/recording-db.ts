/** A database handle that records the SQL of the statements run through it (tests that watch which path a query takes). */
import type { CompiledQuery, Kysely } from 'kysely';

type Db = Kysely<any>;

/** The database handle, recording the SQL of every statement run through it. */
export function recording(db: Db, log: string[]): Db {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'executeQuery') {
        return (query: CompiledQuery, ...rest: unknown[]) => {
          log.push(query.sql);
          return (target.executeQuery as (...args: unknown[]) => unknown)(query, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

