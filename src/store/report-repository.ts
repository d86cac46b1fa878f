/** Saved report definitions, stored whole as JSON text. */
import type { ReportRepository, SavedReport } from '../domain/reports/ports.js';
import { byCodePoint, type Database } from './database.js';

type Row = { id: string; definition: string; created_at: string; modified_at: string };

/** The stored JSON; text that is not JSON (never written by put) comes back as is, for the domain to refuse. */
function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fromRow(row: Row): SavedReport {
  return { id: row.id, definition: parseStored(row.definition), createdAt: row.created_at, modifiedAt: row.modified_at };
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
