/**
 * Every record of an object, for `gainsight-api export`: pages in Gsid order, each one found by
 * seeking past the last Gsid of the page before (the primary key's index), never by an offset, so
 * the millionth record costs what the first does and memory holds one page.
 *
 * Each record comes as its JSON text built by the database (record-json.ts): the bytes the API
 * answers for the record, fields in the API's order, absent values left out.
 */
import type { ObjectDescription } from '../domain/object-model.js';
import { fieldsInRecordOrder } from '../domain/schemas.js';
import { classified, type Database } from './database.js';
import { prepare } from './prepared.js';
import { recordJsonSql } from './record-json.js';

export const EXPORT_PAGE_SIZE = 2000;

export async function* recordJsonPages(database: Database, object: ObjectDescription, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string[]> {
  const db = database.db;
  const json = recordJsonSql(fieldsInRecordOrder(object.fields), database.dialect, 't');
  const after = prepare<'after' | 'limit', { gsid: string; json: string }>(db, ['after', 'limit'], (p) =>
    db
      .selectFrom(`${object.table} as t`)
      .select(['t.gsid as gsid', json.as('json')])
      .where('t.gsid', '>', p('after'))
      .orderBy('t.gsid')
      .limit(p('limit') as never),
  );
  let last = '';
  for (;;) {
    const rows = await classified(database, () => after({ after: last, limit: pageSize }));
    if (rows.length === 0) return;
    yield rows.map((row) => row.json);
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1]!.gsid;
  }
}
