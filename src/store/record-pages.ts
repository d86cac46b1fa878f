/**
 * Pages of a list (`/v1/companies?pageNumber=N`), as JSON text, in one statement each.
 *
 * A page is what `ORDER BY CreatedDate, Gsid LIMIT size OFFSET N*size` answers, and its
 * `totalCount`; both come from one statement, so they agree with each other. The statement also
 * reads the table's `changes` (record-counter.ts: inserts, deletes and reorderings, only ever
 * growing).
 *
 * Deep pages are where offsets hurt: the database walks every skipped entry. So each page served
 * leaves a cursor behind — where it ended (for the next page) and where it began (for the same
 * page again) — with the `changes` its statement read. A later request for that position seeks
 * from the cursor (`(CreatedDate, Gsid) > cursor`, an index search) instead of skipping, and its
 * statement reads `changes` again. Equal means no record came, went or moved between the two
 * statements, so every position is where it was and the seek answers exactly what the offset
 * would; otherwise the answer is thrown away and the offset asked. Writers racing a walk cost it
 * speed, never correctness. Cursors are kept per process (bounded), valid across nodes because
 * `changes` is the database's.
 *
 * A filtered list (`?CompanyId=`) also changes when a record's filtered field is updated (it
 * joins or leaves the list without being inserted or deleted), which `changes` does not count:
 * its cursors are checked against `version` (every write) instead.
 *
 * A page that must skip (no valid cursor) skips in the index alone (`gsid IN (SELECT gsid ...
 * OFFSET)`, index-only), fetching only the page's rows.
 *
 * The text of a page is kept too (bounded), with the table's `version` (every write) its
 * statement read: asked again while the version is the same — one read of a few counter rows —
 * the page is the same, byte for byte, and is answered from memory.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { FieldDescription, ObjectDescription } from '../domain/object-model.js';
import type { DialectName } from './database.js';
import { prepare, type PreparedQuery } from './prepared.js';
import { RECORD_COUNT_TABLE } from './record-counter.js';
import { LeastRecentlyUsed } from './least-recently-used.js';
import { recordJsonSql } from './record-json.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** The fields every list is ordered by, in order: their columns key the cursors. */
const ORDER_FIELDS = ['CreatedDate', 'Gsid'] as const;

/** The columns lists of `object` are ordered by (those it has: every table has `gsid`). */
export function listOrderColumns(object: ObjectDescription): string[] {
  return ORDER_FIELDS.flatMap((name) => {
    const field = object.canonical.fieldByName.get(name);
    return field ? [field.column] : name === 'Gsid' ? ['gsid'] : [];
  });
}

/** From this offset on, a page that must skip does so in the index (below it, directly). */
const SKIP_IN_INDEX_FROM = 200;
/** Cursors kept per object and process. */
const MAX_CURSORS = 2000;
/** Pages' text kept per object and process: at most this many, and this many characters. */
const MAX_PAGES = 500;
const MAX_PAGE_CHARACTERS = 8_000_000;

export interface JsonPage {
  /** `{"records":[...],"totalCount":N}` */
  readonly json: string;
  readonly totalCount: number;
}

export interface PageReader {
  page(terms: readonly EqualityTerm[], offset: number, limit: number): Promise<JsonPage>;
}

export interface EqualityTerm {
  readonly column: string;
  readonly value: string | number;
}

interface Cursor {
  readonly created: string;
  readonly gsid: string;
  /** The counter that tells the list's records moved (`changes`, or `version` when filtered). */
  readonly moves: number;
}

interface PageRow {
  total: unknown;
  changes: unknown;
  version: unknown;
  kept: unknown;
  created: string | null;
  gsid: string | null;
  json: string | null;
}

type Mode = 'offset' | 'skipInIndex' | 'seek';

/** The parameter a filter's value binds to (never mistaken for `limit` and the like). */
const equalTo = (column: string) => `=${column}`;

export function createPageReader(db: Db, dialect: DialectName, object: ObjectDescription, fields: readonly FieldDescription[]): PageReader {
  const table = object.table;
  const [createdColumn, gsidColumn] = listOrderColumns(object);
  if (!gsidColumn) throw new Error(`${object.name} has no CreatedDate to order its lists by`);
  const created = (alias: string) => sql.ref(`${alias}.${createdColumn}`);
  const gsid = (alias: string) => sql.ref(`${alias}.${gsidColumn}`);
  // The cursor's CreatedDate as the database compares it: PostgreSQL's own text keeps every digit.
  const createdKey = (alias: string) => (dialect === 'postgres' ? sql`cast(${created(alias)} as text)` : created(alias));
  const json = recordJsonSql(fields, dialect, 't');

  const queries = new Map<string, PreparedQuery<string, PageRow>>();
  function query(columns: readonly string[], mode: Mode): PreparedQuery<string, PageRow> {
    const key = `${mode}:${columns.join(',')}`;
    let prepared = queries.get(key);
    if (!prepared) {
      prepared = prepare<string, PageRow>(db, [...columns.map(equalTo), 'limit', 'offset', 'afterCreated', 'afterGsid'], (p) => ({
        compile: () => pageStatement(columns, mode, p).compile(db),
      }));
      queries.set(key, prepared);
    }
    return prepared;
  }

  function pageStatement(columns: readonly string[], mode: Mode, p: (name: string) => string): RawBuilder<PageRow> {
    const matching = (alias: string, more: RawBuilder<unknown>[] = []) => {
      const terms = [...columns.map((column) => sql`${sql.ref(`${alias}.${column}`)} = ${p(equalTo(column))}`), ...more];
      return terms.length > 0 ? sql`where ${sql.join(terms, sql` and `)}` : sql``;
    };
    const order = (alias: string) => sql`order by ${created(alias)}, ${gsid(alias)}`;
    const selected = sql`${created('t')} as o1, ${createdKey('t')} as created, ${gsid('t')} as gsid, ${json} as json`;
    const from = sql`${sql.table(table)} as t`;
    let page: RawBuilder<unknown>;
    if (mode === 'seek') {
      const after = sql`(${created('t')}, ${gsid('t')}) > (${p('afterCreated')}, ${p('afterGsid')})`;
      page = sql`select ${selected} from ${from} ${matching('t', [after])} ${order('t')} limit ${p('limit')}`;
    } else if (mode === 'skipInIndex') {
      const skipped = sql`select s.${sql.id(gsidColumn!)} from ${sql.table(table)} as s ${matching('s')} ${order('s')}
        limit ${p('limit')} offset ${p('offset')}`;
      page = sql`select ${selected} from ${from} where ${gsid('t')} in (${skipped})`;
    } else {
      page = sql`select ${selected} from ${from} ${matching('t')} ${order('t')} limit ${p('limit')} offset ${p('offset')}`;
    }
    // The whole table's count is the kept one when triggers keep it; a filtered list counts.
    const total =
      columns.length === 0
        ? sql`case when count(*) > 0 then coalesce(sum(r.count), 0) else (select count(*) from ${sql.table(table)}) end`
        : sql`(select count(*) from ${sql.table(table)} as n ${matching('n')})`;
    return sql<PageRow>`select c.total, c.changes, c.version, c.kept, p.created, p.gsid, p.json
      from (select ${total} as total, coalesce(sum(r.changes), 0) as changes, coalesce(sum(r.version), 0) as version, count(*) as kept
            from ${sql.table(RECORD_COUNT_TABLE)} as r where r.table_name = ${sql.lit(table)}) as c
      left join (${page}) as p on 1 = 1
      order by p.o1, p.gsid`;
  }

  const readVersion = prepare<never, { version: unknown; kept: unknown }>(db, [], () => ({
    compile: () =>
      sql`select coalesce(sum(version), 0) as version, count(*) as kept from ${sql.table(RECORD_COUNT_TABLE)}
        where table_name = ${sql.lit(table)}`.compile(db),
  }));

  const cursors = new LeastRecentlyUsed<Cursor>(MAX_CURSORS, () => 1);
  const pages = new LeastRecentlyUsed<{ version: number; page: JsonPage }>(MAX_PAGES, ({ page }) => page.json.length, MAX_PAGE_CHARACTERS);

  return {
    async page(terms, offset, limit) {
      const columns = terms.map((term) => term.column);
      const values: Record<string, unknown> = Object.fromEntries(terms.map((term) => [equalTo(term.column), term.value]));
      // A cursor is for one list (its filter), one page size and one position.
      const cursorKey = (at: number) => JSON.stringify([columns, terms.map((term) => term.value), limit, at]);
      // What moves records in this list: inserts, deletes, reorderings; filtered, any write.
      const movesOf = (row: PageRow) => Number(columns.length === 0 ? row.changes : row.version);
      const pageKey = cursorKey(offset);

      const cached = pages.get(pageKey);
      if (cached) {
        const [now] = await readVersion({});
        if (Number(now!.kept) > 0 && Number(now!.version) === cached.version) return cached.page;
      }

      let rows: PageRow[] | undefined;
      let predecessor: PageRow | undefined;
      const cursor = offset > 0 ? cursors.get(pageKey) : undefined;
      if (cursor) {
        const sought = await query(columns, 'seek')({ ...values, limit, afterCreated: cursor.created, afterGsid: cursor.gsid });
        const state = sought[0]!;
        if (Number(state.kept) > 0 && movesOf(state) === cursor.moves) rows = sought;
      }
      if (!rows) {
        // From the row before the page on: where the page begins is a cursor for the page itself.
        const from = Math.max(0, offset - 1);
        const mode: Mode = from >= SKIP_IN_INDEX_FROM ? 'skipInIndex' : 'offset';
        rows = await query(columns, mode)({ ...values, limit: limit + (offset > 0 ? 1 : 0), offset: from });
        if (offset > 0 && rows[0]!.gsid !== null) predecessor = rows.shift();
        if (rows.length === 0) rows = [{ ...predecessor!, created: null, gsid: null, json: null }];
      }

      const state = rows[0]!;
      const records = rows.filter((row) => row.json !== null);
      const totalCount = Number(state.total);
      const page = { json: `{"records":[${records.map((row) => row.json).join(',')}],"totalCount":${totalCount}}`, totalCount };
      // Without counter rows (triggers not installed) there is nothing to tell a change by.
      if (Number(state.kept) > 0) {
        const moves = movesOf(state);
        if (predecessor) cursors.set(pageKey, { created: predecessor.created!, gsid: predecessor.gsid!, moves });
        const last = records.at(-1);
        if (last && records.length === limit) cursors.set(cursorKey(offset + limit), { created: last.created!, gsid: last.gsid!, moves });
        pages.set(pageKey, { version: Number(state.version), page });
      }
      return page;
    },
  };
}
