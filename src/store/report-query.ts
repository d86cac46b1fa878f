/**
 * Compiles a RunnablePlan (a report's, or an NXT query's) into one SQL query (filtering,
 * joining, grouping, aggregating, sorting, limiting and paging all happen in the database), plus
 * a count of the rows before the limit when the plan asks for one (RunnablePlan.countTotal; a
 * grouped report counts its groups in the same query).
 * Every value is a bound parameter; identifiers come only from the object model.
 *
 * Results are identical on SQLite and PostgreSQL: text sorts and compares by code point (the
 * "C" collation on PostgreSQL), NULLs sort last in both directions, and ties are broken by the
 * plan's tie-breakers.
 */
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { referencedFields, type FieldRef, type Predicate, type Scalar } from '../domain/filters.js';
import { isTextType } from '../domain/object-model.js';
import { sha256Base64Url } from '../domain/sha256.js';
import type { ColumnSource } from '../domain/reports/definition.js';
import type { ReportRunner, RunnablePlan, StoredValue } from '../domain/reports/ports.js';
import { countedLookup, groupFirst, seekOrder } from '../domain/reports/query-shape.js';
import type { Database } from './database.js';
import { LeastRecentlyUsed } from './least-recently-used.js';
import { RECORD_COUNT_TABLE } from './record-counter.js';
import { qualifiedColumn, rowJsonSql, type JsonMember } from './record-json.js';
import { REFERENCE_COUNT_TABLE, REFERENCE_COUNTER_TABLE } from './reference-counter.js';

const BASE = 't0';
/** The CTEs of a report grouped before its joins (query-shape.ts). */
const GROUPS = '_groups';
const CUT = '_cut';

/** The alias of the table a path's lookups reach: one join per distinct chain of lookups. */
function joinAlias(hops: FieldRef['hops']): string {
  return hops.length === 0 ? BASE : `r_${hops.map((hop) => hop.field.column).join('__')}`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** From this offset on, a page of records skips in the index (see run). */
const SKIP_IN_INDEX_FROM = 1000;

/**
 * Whether a plan's page skips on the Gsids alone: records (not groups or aggregates), deep
 * enough to be worth it, in a total order (ending on the base record's Gsid).
 */
export function skipsInIndex(plan: RunnablePlan): boolean {
  const last = plan.orderBy.at(-1);
  return (
    (plan.offset ?? 0) >= SKIP_IN_INDEX_FROM &&
    !plan.grouped &&
    plan.groupBy.length === 0 &&
    last !== undefined &&
    last.source.kind === 'field' &&
    last.source.ref.hops.length === 0 &&
    last.source.ref.field.name === 'Gsid'
  );
}

/** Cursors kept per process (where a page of records ended, for the page after it): at most this many, and this many characters of keys. */
const MAX_CURSORS = 2000;
const MAX_CURSOR_CHARACTERS = 4_000_000;

/**
 * Where a page of records ended (its last row's sort keys, as the database compares them), with
 * the base table's `version` (record-counter.ts: every write, only ever growing) read by the same
 * statement. A request for the next position seeks from it (`(keys) > (cursor)`, an index
 * search) instead of skipping, in a statement that reads `version` again and returns rows only
 * while it is equal: nothing was written to the table in between, so every row is where it was
 * and the seek answers exactly what the offset would; otherwise (or when the seek finds nothing)
 * the offset is asked and the cursor forgotten. An NXT
 * sync walking a million records by offset reads each page from where the last one ended.
 */
interface Cursor {
  readonly keys: readonly unknown[];
  readonly version: number;
}

export function createReportRunner(database: Database): ReportRunner {
  const { db } = database;
  const cursors = new LeastRecentlyUsed<Cursor>(MAX_CURSORS, (cursor) => cursor.keys.reduce<number>((size, key) => size + String(key).length, 64), MAX_CURSOR_CHARACTERS);

  /**
   * A list's identity for its cursors: the hash of the statement of its ordered Gsids and its
   * parameters (a filter may bind thousands of values; the key stays 43 characters).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const cursorListKey = (from: SelectQueryBuilder<any, any, any>, inOrder: <Q extends SelectQueryBuilder<any, any, any>>(query: Q) => Q) => {
    const { sql: text, parameters } = inOrder(from.select(sql.ref(`${BASE}.gsid`).as('gsid'))).compile();
    return sha256Base64Url(`${text}\u0000${JSON.stringify(parameters)}`);
  };

  const column = (ref: FieldRef): RawBuilder<unknown> => sql.ref(`${joinAlias(ref.hops)}.${ref.field.column}`);

  /**
   * The column as it sorts and compares: by code point for text on every backend. Gsids are
   * excepted: they hold only 0-9 and A-Z, whose order is the same in every collation, and left
   * as they are the (ModifiedDate, Gsid) and (CreatedDate, Gsid) indexes serve the sort on
   * PostgreSQL too (with `collate "C"` it sorted a million rows for a page at offset 995000).
   */
  const ordered = (ref: FieldRef): RawBuilder<unknown> =>
    isTextType(ref.field.type) && ref.field.type !== 'gsid' && database.codePointCollation
      ? sql`${column(ref)} collate ${sql.id(database.codePointCollation)}`
      : column(ref);

  const sourceExpression = (source: ColumnSource, forOrdering = false): RawBuilder<unknown> => {
    if (source.kind === 'field') return forOrdering ? ordered(source.ref) : column(source.ref);
    if (source.fn === 'count') return source.ref ? sql`count(${column(source.ref)})` : sql`count(*)`;
    return sql`${sql.raw(source.fn)}(${column(source.ref!)})`;
  };

  /**
   * Every atomic predicate must be two-valued (never SQL NULL) so that NOT negates exactly.
   * `c = v` is NULL when c is NULL, which a WHERE treats as false, so the `c is not null` guard
   * is only needed under an odd number of NOTs; elsewhere it would just cost a check per row.
   */
  const compile = (p: Predicate, negated = false): RawBuilder<unknown> => {
    const guarded = (c: RawBuilder<unknown>, test: RawBuilder<unknown>) => (negated ? sql`(${c} is not null and ${test})` : sql`(${test})`);
    switch (p.kind) {
      case 'and':
      case 'or':
        return sql`(${sql.join(p.operands.map((operand) => compile(operand, negated)), sql.raw(` ${p.kind} `))})`;
      case 'not':
        return sql`(not ${compile(p.operand, !negated)})`;
      case 'null':
        return p.isNull ? sql`(${column(p.ref)} is null)` : sql`(${column(p.ref)} is not null)`;
      case 'compare': {
        const c = column(p.ref);
        if (p.op === 'NE') return sql`(${c} is null or ${c} <> ${p.value})`;
        if (p.op === 'EQ') return guarded(c, sql`${c} = ${p.value}`);
        const operator = { LT: '<', GT: '>', LTE: '<=', GTE: '>=' }[p.op];
        return guarded(c, sql`${ordered(p.ref)} ${sql.raw(operator)} ${p.value}`);
      }
      case 'between': {
        const o = ordered(p.ref);
        return guarded(column(p.ref), sql`${o} >= ${p.low} and ${o} <= ${p.high}`);
      }
      case 'in': {
        const c = column(p.ref);
        const list = sql.join(p.values.map((value: Scalar) => sql`${value}`));
        return p.negated ? sql`(${c} is null or ${c} not in (${list}))` : guarded(c, sql`${c} in (${list})`);
      }
      case 'like': {
        const c = column(p.ref);
        const text = escapeLike(p.text);
        const pattern = p.position === 'start' ? `${text}%` : p.position === 'end' ? `%${text}` : `%${text}%`;
        // Both sides folded by the same database function, so a value always matches itself.
        const match = sql`lower(${c}) like lower(${pattern}) escape '\\'`;
        return p.negated ? sql`(${c} is null or not (${match}))` : guarded(c, match);
      }
    }
  };

  /**
   * The groups of a report that counts records by a lookup (query-shape.ts countedLookup), from
   * the reference counts the triggers keep (reference-counter.ts): one group per target counted
   * above zero, and one for the records without a target, counted in the lookup's index.
   */
  const countedGroups = (table: string, lookup: FieldRef, aliases: readonly string[]) => {
    const key = lookup.field.column;
    const target = sql.ref(`${BASE}.${key}`);
    const rows = (count: RawBuilder<unknown>) => aliases.map((alias) => count.as(alias));
    const counts = db
      .selectFrom(`${REFERENCE_COUNT_TABLE} as c`)
      .select([sql.ref('c.target').as(key), ...rows(sql`cast(sum(c.count) as bigint)`)])
      .where('c.table_name', '=', table)
      .where('c.column_name', '=', key)
      .groupBy('c.target')
      .having(sql`sum(c.count)`, '>', 0);
    const withoutTarget = db
      .selectFrom(`${table} as ${BASE}`)
      .select([target.as(key), ...rows(sql`count(*)`)])
      .where(target, 'is', null)
      .groupBy(target);
    return counts.unionAll(withoutTarget);
  };

  /**
   * Whether the column's counts are kept (its row in reference_counter: the triggers are
   * installed), read just before the report's statement; without them the table is grouped.
   * Counters are removed only by a schema apply (a counted lookup dropped or retargeted, which the
   * same apply installs again) or inside a restore's transaction, which installs them again before
   * it commits. The report's statement reads the row again (`_kept`): if an apply removed it in
   * between, the report is run again the long way.
   */
  const keptNow = (table: string, column: string) =>
    sql`(select count(*) from ${sql.table(REFERENCE_COUNTER_TABLE)} as k where k.table_name = ${table} and k.column_name = ${column})`;
  const countsKept = async (table: string, column: string) =>
    (await db.selectFrom(REFERENCE_COUNTER_TABLE).select('column_name').where('table_name', '=', table).where('column_name', '=', column).executeTakeFirst()) !==
    undefined;

  type Joins = Map<string, { hop: FieldRef['hops'][number]; from: string }>;
  /** Every prefix of every chain of lookups the refs follow: one left join each, in order, each joined once. */
  const joinsOf = (refs: readonly FieldRef[]): Joins => {
    const joins: Joins = new Map();
    for (const ref of refs) {
      ref.hops.forEach((hop, i) => {
        const alias = joinAlias(ref.hops.slice(0, i + 1));
        if (!joins.has(alias)) joins.set(alias, { hop, from: joinAlias(ref.hops.slice(0, i)) });
      });
    }
    return joins;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const joined = (from: SelectQueryBuilder<any, any, object>, joins: Joins) => {
    for (const [alias, { hop, from: source }] of joins) {
      from = from.leftJoin(`${hop.target.table} as ${alias}`, `${alias}.gsid`, `${source}.${hop.field.column}`);
    }
    return from;
  };

  /**
   * The plan's rows, either as columns `c0, c1, …` or, for a plan of records (no groups or
   * aggregates), as each row's JSON text in a column `json` (rowJsonSql: every column present,
   * `null` when empty), plus `totalCount` as RunnablePlan.countTotal asks.
   */
  async function rowsOf(plan: RunnablePlan, asJson: boolean, useCounts = true): Promise<{ rows: Record<string, unknown>[]; totalCount: number }> {
    const fieldRefs: FieldRef[] = [
      ...plan.columns.flatMap((c) => (c.source.kind === 'field' ? [c.source.ref] : [])),
      ...plan.groupBy,
      ...plan.orderBy.flatMap((o) => (o.source.kind === 'field' ? [o.source.ref] : [])),
    ];
    const aggregateRefs = plan.columns.flatMap((c) => (c.source.kind === 'aggregate' && c.source.ref ? [c.source.ref] : []));
    const filterRefs = referencedFields(plan.where);

    // A report's groups are all made before they are sorted and cut, so counting them in the
    // same query costs little, where a second query would make them all again. (Plans that say
    // whether to count, the NXT queries, are not grouped.)
    const countGroups = plan.groupBy.length > 0 && plan.countTotal === undefined && !plan.offset;
    let groupsCount: RawBuilder<unknown> | undefined;

    // The rows' source: the base table (as t0) with its joins, filtered; or, for a report whose
    // looked-up group keys follow from its own ones (query-shape.ts), its groups made from the
    // base table alone (a CTE, read as t0: own group keys keep their column names, aggregates
    // are a0, a1, ...), to which the looked-up keys are joined.
    const shape = groupFirst(plan);
    /** The lookup whose kept counts make the groups (countedGroups), when they do. */
    let lookup: FieldRef | undefined;
    let from = db.selectFrom(`${plan.object.table} as ${BASE}`);
    let groupKeys: RawBuilder<unknown>[];
    let source = sourceExpression;
    let countQuery;
    if (shape) {
      let inner = joined(from, joinsOf([...filterRefs, ...aggregateRefs]));
      if (plan.where) inner = inner.where(compile(plan.where) as Expression<boolean>);
      const aggregates = new Map<ColumnSource, string>(
        plan.columns.flatMap((c, i) => (c.source.kind === 'aggregate' ? [[c.source, `a${i}`] as const] : [])),
      );
      const counted = useCounts ? countedLookup(plan, shape) : undefined;
      lookup = counted && (await countsKept(plan.object.table, counted.field.column)) ? counted : undefined;
      const groups = lookup
        ? countedGroups(plan.object.table, lookup, [...aggregates.values()])
        : inner
            .select([
              ...shape.ownKeys.map((ref) => column(ref).as(ref.field.column)),
              ...[...aggregates].map(([aggregate, alias]) => sourceExpression(aggregate).as(alias)),
            ])
            .groupBy(shape.ownKeys.map(column));
      // Every group is one row of t0 now: no grouping, aggregates read from the groups.
      groupKeys = [];
      source = (s, forOrdering = false) => (s.kind === 'aggregate' ? sql.ref(`${BASE}.${aggregates.get(s)!}`) : sourceExpression(s, forOrdering));
      // Object tables start with a letter: these names cannot hide one.
      const withGroups = db.with((cte) => cte(GROUPS).materialized(), () => groups);
      if (shape.cutBy) {
        // Only the groups that come no later than the limit-th by the first sort key are joined.
        const { cutBy } = shape;
        const key = source(cutBy.source, true);
        const nulls = cutBy.placeNulls ? ' nulls last' : '';
        from = withGroups
          .with(CUT, (q) =>
            q
              .selectFrom(`${GROUPS} as ${BASE}`)
              .select(key.as('v'))
              .orderBy(sql`${key} ${sql.raw(cutBy.direction + nulls)}`)
              .limit(1)
              .offset(plan.limit + (plan.offset ?? 0) - 1),
          )
          .selectFrom(`${GROUPS} as ${BASE}`)
          .leftJoin(CUT, (join) => join.onTrue())
          // No limit-th group, or one without a value (NULLs sort last): every group may come.
          .where(sql<boolean>`(${sql.ref(`${CUT}.v`)} is null or ${key} ${sql.raw(cutBy.direction === 'desc' ? '>=' : '<=')} ${sql.ref(`${CUT}.v`)})`);
      } else {
        from = withGroups.selectFrom(`${GROUPS} as ${BASE}`);
      }
      from = joined(from, joinsOf(fieldRefs));
      if (countGroups) groupsCount = sql`(select count(*) from ${sql.table(GROUPS)})`;
      countQuery = db.selectFrom(groups.as('groups')).select(sql`count(*)`.as('count'));
    } else {
      from = joined(from, joinsOf([...fieldRefs, ...aggregateRefs, ...filterRefs]));
      if (plan.where) from = from.where(compile(plan.where) as Expression<boolean>);
      groupKeys = plan.groupBy.map(column);
      if (countGroups) groupsCount = sql`count(*) over ()`;
      countQuery =
        groupKeys.length > 0
          ? db.selectFrom(from.select(sql`1`.as('one')).groupBy(groupKeys).as('groups')).select(sql`count(*)`.as('count'))
          : from.select(sql`count(*)`.as('count'));
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const inOrder = <Q extends SelectQueryBuilder<any, any, any>>(query: Q): Q => {
      for (const order of plan.orderBy) {
        const nulls = order.placeNulls ? ' nulls last' : '';
        query = query.orderBy(sql`${source(order.source, true)} ${sql.raw(order.direction + nulls)}`) as Q;
      }
      return query;
    };

    // Columns are selected under positional aliases: names such as `Company_ID__gr.Csm__gr.Name`
    // would be cut at PostgreSQL's 63-byte identifier limit.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let rowsQuery: SelectQueryBuilder<any, any, any> = asJson
      ? from.select(rowJsonSql(plan.columns.map(jsonMember), database.dialect).as('json'))
      : from.select(plan.columns.map((c, i) => source(c.source).as(`c${i}`)));
    if (groupsCount) rowsQuery = rowsQuery.select(groupsCount.as('groups'));
    // Whether the counts were still kept when this statement read them (see countsKept).
    if (lookup) rowsQuery = rowsQuery.select(keptNow(plan.object.table, lookup.field.column).as('_kept'));
    if (groupKeys.length > 0) rowsQuery = rowsQuery.groupBy(groupKeys);
    rowsQuery = inOrder(rowsQuery).limit(plan.limit);

    // A page of records in a seekable order (query-shape.ts seekOrder) carries its sort keys and
    // the base table's write counter, read by the same statement: where it ends is a cursor for
    // the page after it (see Cursor).
    const seek = !shape && groupKeys.length === 0 ? seekOrder(plan) : undefined;
    const listKey = seek && cursorListKey(from, inOrder);
    // The table's write counter; NULL without counter rows (triggers not installed).
    const version = sql`(select case when count(*) > 0 then coalesce(sum(v.version), 0) end from ${sql.table(RECORD_COUNT_TABLE)} as v
      where v.table_name = ${plan.object.table})`;
    if (seek) {
      rowsQuery = rowsQuery.select([
        ...seek.refs.map((ref, i) => (database.dialect === 'postgres' ? sql`cast(${column(ref)} as text)` : column(ref)).as(`_k${i}`)),
        version.as('_version'),
      ]);
    }
    const offset = plan.offset ?? 0;
    let rows: Record<string, unknown>[] | undefined;
    const cursorKey = listKey && offset > 0 ? `${listKey}@${offset}` : undefined;
    const cursor = cursorKey ? cursors.get(cursorKey) : undefined;
    if (seek && cursor) {
      // The rows after the cursor, only while the version is the cursor's (nothing written
      // since): then they are the offset's. A stale cursor finds no row at once, and goes.
      const keys = sql.join(seek.refs.map((ref) => ordered(ref)));
      const after = sql.join(cursor.keys.map((key) => sql`${key}`));
      const sought = await rowsQuery
        .where(sql<boolean>`(${keys}) ${sql.raw(seek.direction === 'asc' ? '>' : '<')} (${after})`)
        .where(sql<boolean>`${version} = ${cursor.version}`)
        .execute();
      if (sought.length > 0 && Number(sought[0]!._version) === cursor.version) rows = sought;
      else cursors.delete(cursorKey!);
    }
    if (!rows) {
      if (plan.offset && skipsInIndex(plan) && !shape && groupKeys.length === 0) {
        // A deep page of records (an NXT sync walking by offset): the skipping is done on the
        // Gsids alone, which the index of the sort keys covers, and only the page's rows are
        // read. The same rows in the same order: the order is total (it ends on Gsid).
        const page = inOrder(from.select(sql.ref(`${BASE}.gsid`).as('gsid')))
          .limit(plan.limit)
          .offset(plan.offset);
        rowsQuery = rowsQuery.where(sql.ref(`${BASE}.gsid`), 'in', page);
      } else if (plan.offset) rowsQuery = rowsQuery.offset(plan.offset);
      rows = await rowsQuery.execute();
    }
    // Counts dropped between countsKept and this statement (or no group at all): the long way.
    if (lookup && (rows.length === 0 || Number(rows[0]!._kept) === 0)) return rowsOf(plan, asJson, false);
    const last = rows.at(-1);
    // Without counter rows (triggers not installed) nothing tells a change: no cursor.
    if (listKey && last && rows.length === plan.limit && last._version !== null) {
      cursors.set(`${listKey}@${offset + rows.length}`, { keys: seek!.refs.map((_, i) => last[`_k${i}`]), version: Number(last._version) });
    }
    // countTotal decides when the plan sets it (the NXT queries: the users list counts unless
    // includeTotal is false, the data query never does). Unset (reports, which never page),
    // only a result cut off by the limit needs counting: a grouped report's rows carry the
    // count of its groups, a list's takes a second query. (An aggregate without groupBy always
    // yields exactly one row.)
    const counted = plan.countTotal ?? !(rows.length < plan.limit || (plan.grouped && plan.groupBy.length === 0));
    const totalCount = !counted
      ? rows.length
      : groupsCount
        ? Number((rows[0] as { groups: unknown }).groups)
        : Number(((await countQuery.executeTakeFirstOrThrow()) as { count: unknown }).count);
    return { rows, totalCount };
  }

  const jsonMember = (c: RunnablePlan['columns'][number]): JsonMember => {
    if (c.source.kind !== 'field') throw new Error(`runJson reads records, not aggregates (column ${c.name})`);
    const { ref } = c.source;
    return { key: c.name, type: ref.field.type, column: qualifiedColumn(joinAlias(ref.hops), ref.field.column) };
  };

  return {
    async run(plan) {
      const { rows, totalCount } = await rowsOf(plan, false);
      const records = rows.map((row) => {
        const record: Record<string, StoredValue> = {};
        plan.columns.forEach((c, i) => {
          const value = row[`c${i}`];
          if (value !== null && value !== undefined) record[c.name] = value as StoredValue;
        });
        return record;
      });
      return { records, totalCount };
    },
    async runJson(plan) {
      if (plan.grouped || plan.groupBy.length > 0) throw new Error('runJson reads records, not groups');
      const { rows, totalCount } = await rowsOf(plan, true);
      return { json: rows.map((row) => row.json as string), totalCount };
    },
  };
}
