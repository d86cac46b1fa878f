/**
 * Request transactions: one database transaction around everything a request writes, so that a
 * request's effects and the record of its answer (an Idempotency-Key's, see
 * idempotency-repository.ts) commit together or not at all. A node killed half-way leaves
 * neither behind, and a retry runs the request again as if it had never been sent.
 *
 * The repositories take their Kysely instance once, when they are made; they cannot be handed
 * a transaction per request. Instead the dialect's driver is wrapped: inside `run`, every
 * connection Kysely asks for is the request transaction's own (found through AsyncLocalStorage),
 * a transaction Kysely begins on it becomes a savepoint, and the group commit is bypassed (see
 * `active`). Outside `run` the driver behaves exactly as before.
 *
 * On SQLite (one connection behind a mutex) an open request transaction holds that connection:
 * other requests wait for it, as they would wait for SQLite's write lock. On PostgreSQL it holds
 * one pooled connection; a failed write does not abort the whole transaction there, because each
 * write outside a nested transaction runs in a savepoint of its own (PostgreSQL would otherwise
 * refuse every later statement, such as the lookup that words a foreign-key error).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export interface RequestTransaction {
  /** Runs `work` with every statement it issues through the database's Kysely inside this transaction. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Marks the point `undoToMark` returns to (what was written before it stays). */
  mark(): Promise<void>;
  /** Undoes what was written since `mark`; the transaction stays open. */
  undoToMark(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface RequestTransactions {
  /** The dialect to build the database's Kysely instance with. */
  wrap(dialect: Dialect): Dialect;
  /** Opens a request transaction on a connection of its own (waits for one). */
  begin(): Promise<RequestTransaction>;
  /**
   * True while running inside an open request transaction: writes must then run directly, not
   * through the group commit (which would write them in a transaction of its own, later).
   */
  active(): boolean;
}

export interface RequestTransactionOptions {
  /** PostgreSQL: a failed statement aborts the transaction unless it ran in a savepoint. */
  readonly savepointPerWrite: boolean;
}

interface Held {
  /** The connection as the driver gave it (begin, commit and release go through it). */
  readonly raw: DatabaseConnection;
  /** What Kysely is handed inside `run`. */
  readonly connection: DatabaseConnection;
  open: boolean;
  /** Transactions Kysely began inside this one, each a savepoint. */
  depth: number;
}

const MARK = 'rq_mark';
const WRITE = /^\s*(insert|update|delete|with)\b/i;

export function createRequestTransactions(options: RequestTransactionOptions): RequestTransactions {
  const storage = new AsyncLocalStorage<Held>();
  let inner: Driver | undefined;

  const raw = (connection: DatabaseConnection, text: string) => connection.executeQuery(CompiledQuery.raw(text));

  /** The held connection, with each top-level write in a savepoint of its own when asked. */
  function handedOut(held: Omit<Held, 'connection'>): DatabaseConnection {
    if (!options.savepointPerWrite) return held.raw;
    return {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        if (held.depth > 0 || !WRITE.test(query.sql)) return held.raw.executeQuery<R>(query);
        await raw(held.raw, 'savepoint rq_write');
        try {
          const result = await held.raw.executeQuery<R>(query);
          await raw(held.raw, 'release savepoint rq_write');
          return result;
        } catch (error) {
          await raw(held.raw, 'rollback to savepoint rq_write');
          await raw(held.raw, 'release savepoint rq_write');
          throw error;
        }
      },
      streamQuery: (query, chunkSize) => held.raw.streamQuery(query, chunkSize),
    };
  }

  /** The open request transaction this connection belongs to, in the current context. */
  function heldFor(connection: DatabaseConnection): Held | undefined {
    const held = storage.getStore();
    return held && held.connection === connection ? held : undefined;
  }

  class RequestTransactionDriver implements Driver {
    constructor(private readonly driver: Driver) {}
    init(): Promise<void> {
      return this.driver.init();
    }
    async acquireConnection(): Promise<DatabaseConnection> {
      const held = storage.getStore();
      // After the transaction ended (what runs after the answer, in the request's context, such
      // as hooks writing logs), statements run as they would without one.
      return held?.open ? held.connection : this.driver.acquireConnection();
    }
    async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
      const held = heldFor(connection);
      if (!held) return this.driver.beginTransaction(connection, settings);
      held.depth += 1;
      await raw(held.raw, `savepoint rq_${held.depth}`);
    }
    async commitTransaction(connection: DatabaseConnection): Promise<void> {
      const held = heldFor(connection);
      if (!held) return this.driver.commitTransaction(connection);
      await raw(held.raw, `release savepoint rq_${held.depth}`);
      held.depth -= 1;
    }
    async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
      const held = heldFor(connection);
      if (!held) return this.driver.rollbackTransaction(connection);
      await raw(held.raw, `rollback to savepoint rq_${held.depth}`);
      await raw(held.raw, `release savepoint rq_${held.depth}`);
      held.depth -= 1;
    }
    savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
      return this.optional('savepoint')(connection, name, compile);
    }
    rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
      return this.optional('rollbackToSavepoint')(connection, name, compile);
    }
    releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
      return this.optional('releaseSavepoint')(connection, name, compile);
    }
    async releaseConnection(connection: DatabaseConnection): Promise<void> {
      // The request transaction's connection is released when it ends, not after each statement.
      if (heldFor(connection)) return;
      return this.driver.releaseConnection(connection);
    }
    destroy(): Promise<void> {
      return this.driver.destroy();
    }
    private optional(name: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint') {
      const method = this.driver[name];
      if (!method) throw new Error(`the database driver does not support ${name}`);
      return method.bind(this.driver);
    }
  }

  return {
    wrap: (dialect) => ({
      createAdapter: () => dialect.createAdapter(),
      createIntrospector: (db) => dialect.createIntrospector(db),
      createQueryCompiler: () => dialect.createQueryCompiler(),
      createDriver: () => {
        inner = dialect.createDriver();
        return new RequestTransactionDriver(inner);
      },
    }),

    active: () => storage.getStore()?.open === true,

    async begin() {
      if (!inner) throw new Error('request transactions: the database was not opened through wrap()');
      const driver = inner;
      const connection = await driver.acquireConnection();
      try {
        await driver.beginTransaction(connection, {});
      } catch (error) {
        await driver.releaseConnection(connection);
        throw error;
      }
      const state = { raw: connection, open: true, depth: 0 };
      const held: Held = Object.assign(state, { connection: handedOut(state) });
      const end = async (statement: 'commit' | 'rollback') => {
        if (!held.open) return;
        held.open = false;
        try {
          await raw(connection, statement);
        } catch (error) {
          // A failed COMMIT can leave SQLite's transaction open: never hand the connection on so.
          if (statement === 'commit') await raw(connection, 'rollback').catch(() => undefined);
          throw error;
        } finally {
          await driver.releaseConnection(connection);
        }
      };
      return {
        run: (work) => storage.run(held, work),
        mark: async () => {
          await raw(connection, `savepoint ${MARK}`);
        },
        undoToMark: async () => {
          await raw(connection, `rollback to savepoint ${MARK}`);
        },
        commit: () => end('commit'),
        rollback: () => end('rollback'),
      };
    },
  };
}
