/** Saved report definitions, stored whole as JSON text. */
import { byCodePoint, type Database } from './database.js';

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

type Row = { id: string; definition: string; created_at: string; modified_at: string };

function fromRow(row: Row): SavedReport {
  return { id: row.id, definition: JSON.parse(row.definition), createdAt: row.created_at, modifiedAt: row.modified_at };
}

export function createReportRepository(database: Database): ReportRepository {
  const { db } = database;
  return {
    async list() {
      const rows = await db.selectFrom('report_definition').selectAll().orderBy(byCodePoint(database, 'id')).execute();
      return rows.map((row) => fromRow(row as Row));
    },
    async get(id) {
      const row = await db.selectFrom('report_definition').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row as Row) : undefined;
    },
    async put(id, definition, at) {
      // One statement, so two nodes writing the same id at once cannot both "create" it.
      const row = await db
        .insertInto('report_definition')
        .values({ id, definition: JSON.stringify(definition), created_at: at, modified_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ definition: JSON.stringify(definition), modified_at: at }))
        .returningAll()
        .executeTakeFirstOrThrow();
      const report = fromRow(row as Row);
      return { report, created: report.createdAt === report.modifiedAt && report.createdAt === at };
    },
    async delete(id) {
      const result = await db.deleteFrom('report_definition').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
