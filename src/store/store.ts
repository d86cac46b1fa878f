/**
 * The Store: everything the domain needs from persistence, the same for SQLite and PostgreSQL.
 * Handlers never see Kysely or SQL; they go through the domain's services, which go through this.
 *
 * Record storage is driven by the object registry: `migrate` creates a table per registered
 * object (see object-tables.ts) and `records(object)` answers the repository of any object or
 * surface view of one.
 */
import type { ObjectDescription } from '../domain/object-model.js';
import type { RecordRepository, Transact } from '../domain/persistence.js';
import type { ReportRepository, ReportRunner } from '../domain/reports/ports.js';
import { restoreDeferredIndexes, withDeferredIndexes } from './bulk-load.js';
import { classified, classifyAll, type Database, type DialectName } from './database.js';
import { createEventRepository, type EventRepository } from './event-repository.js';
import { createIdempotencyRepository } from './idempotency-repository.js';
import type { IdempotencyStore } from '../domain/idempotency.js';
import { claimOnce } from './server-meta.js';
import { createKeyRepository, type KeyRepository } from './key-repository.js';
import { migrateToLatest, type MigrationReport } from './migrations/index.js';
import { applySchema, diffSchema, readAppliedSchema, type AppliedSchema } from './object-tables.js';
import { createRecordRepository } from './record-repository.js';
import type { ObjectRegistry } from '../domain/registry.js';
import { standardSchema, type TenantSchema } from '../schema/files.js';
import { createReportRepository } from './report-repository.js';
import { createReportRunner } from './report-query.js';
import { parseDatabaseUrl } from './database-url.js';
import { openSqlite, type SqliteSynchronous } from './sqlite.js';
import type { QueryListener } from './query-timing.js';

export interface Store {
  readonly dialect: DialectName;
  /** The objects stored: built-in, standard and the tenant's (see TenantSchema). */
  readonly schema: TenantSchema;
  readonly registry: ObjectRegistry;
  readonly database: Database;
  /** The repository of an object, or of a surface's view of it (same table, that view's names). */
  records(object: ObjectDescription): RecordRepository;
  readonly keys: KeyRepository;
  readonly reports: ReportRepository;
  readonly reportRunner: ReportRunner;
  readonly events: EventRepository;
  /** Answers recorded under Idempotency-Key, with the writes they answer (see idempotency-repository.ts). */
  readonly idempotency: IdempotencyStore;
  /** Runs work in one transaction; see Transact. */
  readonly transaction: Transact;
  /**
   * Applies pending migrations, then brings the tables to the schema (see object-tables.ts);
   * `drop` names objects and fields to drop with their data (`Company.Tier__gc`); `tables: false`
   * applies the migrations alone (commands that touch no object, such as `keys`).
   */
  migrate(options?: { readonly drop?: readonly string[]; readonly tables?: boolean }): Promise<MigrationReport>;
  /** What migrate would change in the tables, changing nothing. */
  diffSchema(options?: { readonly drop?: readonly string[] }): Promise<string[]>;
  /** The schema last applied to this database (undefined before the first apply). */
  appliedSchema(): Promise<AppliedSchema | undefined>;
  /** See claimOnce: true for exactly one caller, on every node together. */
  claimOnce(key: string): Promise<boolean>;
  /** Runs a bulk load with the tables' non-unique indexes dropped, rebuilt at the end. */
  bulkLoad<T>(tables: readonly string[], work: () => Promise<T>): Promise<T>;
  /** Cheap round trip proving the database answers (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `sqlite:PATH`, `sqlite::memory:` or `postgres://...` */
  readonly url: string;
  /** The objects to store; the built-in and standard objects unless given. */
  readonly schema?: TenantSchema;
  readonly poolSize?: number;
  readonly statementTimeoutMs?: number;
  readonly sqliteSynchronous?: SqliteSynchronous;
  readonly onPoolError?: (error: Error) => void;
  /** Told every statement's duration (for metrics); without it statements are not timed. */
  readonly onQuery?: QueryListener;
}

export { parseDatabaseUrl, type ParsedDatabaseUrl } from './database-url.js';

export async function openStore(options: StoreOptions): Promise<Store> {
  const target = parseDatabaseUrl(options.url);
  const database =
    target.dialect === 'sqlite'
      ? openSqlite({ path: target.path, synchronous: options.sqliteSynchronous ?? 'full', onQuery: options.onQuery })
      : // Imported when used: a SQLite server never loads the PostgreSQL driver.
        await (await import('./postgres.js')).openPostgres({
          url: target.url,
          poolSize: options.poolSize ?? 10,
          statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
          onPoolError: options.onPoolError,
          onQuery: options.onQuery,
        });
  return createStore(database, options.schema);
}

export function createStore(database: Database, schema: TenantSchema = standardSchema()): Store {
  const catalog = schema.registry;
  const repositories = new Map<ObjectDescription, RecordRepository>();
  return {
    dialect: database.dialect,
    database,
    schema,
    registry: schema.registry,
    records(object) {
      let repository = repositories.get(object);
      if (!repository) repositories.set(object, (repository = createRecordRepository(database, object, catalog)));
      return repository;
    },
    keys: classifyAll(database, createKeyRepository(database)),
    reports: classifyAll(database, createReportRepository(database)),
    reportRunner: classifyAll(database, createReportRunner(database)),
    events: classifyAll(database, createEventRepository(database)),
    idempotency: createIdempotencyRepository(database),
    transaction: (work) =>
      classified(database, () =>
        database.db.transaction().execute((trx) => {
          const bound = new Map<ObjectDescription, RecordRepository>();
          return work((object) => {
            let repository = bound.get(object);
            if (!repository) bound.set(object, (repository = createRecordRepository(database, object, catalog, trx)));
            return repository;
          });
        }),
      ),
    migrate: (options = {}) =>
      database.withMigrationLock(async () => {
        const report = await migrateToLatest(database);
        if (options.tables === false) return report;
        const created = await applySchema(database, schema, options.drop);
        await restoreDeferredIndexes(database);
        return { applied: [...report.applied, ...created] };
      }),
    diffSchema: (options = {}) => diffSchema(database, schema, options.drop),
    appliedSchema: async () => ((await database.columnsOf(database.db, 'schema_state')) ? readAppliedSchema(database.db) : undefined),
    claimOnce: (key) => classified(database, () => claimOnce(database.db, key, new Date().toISOString())),
    bulkLoad: (tables, work) => withDeferredIndexes(database, tables, work),
    ping: async () => {
      await database.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    },
    close: () => database.close(),
  };
}
