/**
 * The NXT query planner (src/domain/nxt/query.ts): a query body validated against a view and
 * turned into a plan, with no database.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUERY_LIMIT,
  MAX_QUERY_LIMIT,
  MAX_QUERY_OFFSET,
  MAX_QUERY_ORDER_BY,
  planQuery,
  type QueryOptions,
} from '../../src/domain/nxt/query.js';
import { MAX_FILTER_VALUES } from '../../src/domain/filters.js';
import { MAX_ORDER_BY } from '../../src/domain/reports/schema.js';
import { viewOf } from '../../src/domain/object-model.js';
import { Company, GsUser, builtinRegistry } from '../../src/domain/objects/index.js';
import type { ReportOrder } from '../../src/domain/reports/definition.js';
import { thrown } from '../helpers/thrown.js';
import { caseVariant } from '../helpers/nxt.js';

const company = viewOf(Company, 'nxt');
const users = viewOf(GsUser, 'nxt');
const options: QueryOptions = { lookUp: builtinRegistry.surfaceLookUp('nxt') };
const plan = (body: unknown, extra: Partial<QueryOptions> = {}) => planQuery(company, body, { ...options, ...extra });


function orderOf(order: ReportOrder): [string, string] {
  if (order.source.kind !== 'field') throw new Error('expected a field order');
  return [order.source.ref.path, order.direction];
}

describe('planQuery: select', () => {
  it.each([[{}], [undefined], [null], [{ select: [] }], [{ select: null }]])('selects every field of the view for %j', (body) => {
    const { columns } = plan(body);
    expect(columns.map((column) => column.name)).toEqual(company.fields.map((field) => field.name));
    expect(columns.map((column) => column.name)).toContain('Stage');
    expect(columns.map((column) => column.name)).not.toContain('LifecycleStage');
    for (const column of columns) {
      expect(column.source).toMatchObject({ kind: 'field', ref: { hops: [] } });
    }
  });

  it('keeps the select strings verbatim as column names', () => {
    const { columns } = plan({ select: ['name', 'ARR', 'csm__GR.email', 'Csm__gr.Name', 'STAGE'] });
    expect(columns.map((column) => column.name)).toEqual(['name', 'ARR', 'csm__GR.email', 'Csm__gr.Name', 'STAGE']);
    const fields = columns.map((column) => (column.source.kind === 'field' ? column.source.ref.field.name : undefined));
    expect(fields).toEqual(['Name', 'ARR', 'Email', 'Name', 'Stage']);
    expect(columns.map((column) => column.type)).toEqual(['string', 'number', 'email', 'string', 'string']);
  });

  it('drops duplicate select strings, keeping the first', () => {
    const { columns } = plan({ select: ['Name', 'ARR', 'Name', 'ARR', 'Industry'] });
    expect(columns.map((column) => column.name)).toEqual(['Name', 'ARR', 'Industry']);
  });

  it('rejects an unknown field naming its select index', () => {
    const error = thrown(() => plan({ select: ['Name', 'Name', 'Nope'] }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('GSOBJ_1002');
    expect(error.field).toBe('select[2] = Nope');
    expect(error.message).toContain('select[2]');
  });

  it('rejects a seed-only name on the NXT view', () => {
    expect(thrown(() => plan({ select: ['LifecycleStage'] })).field).toBe('select[0] = LifecycleStage');
  });

  it('rejects a select that is not an array of strings', () => {
    expect(thrown(() => plan({ select: 'Name' })).field).toBe('select');
    const error = thrown(() => plan({ select: ['Name', 5] }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('select[1]');
  });

  it('rejects a body that is not an object', () => {
    expect(thrown(() => plan([])).code).toBe('GSAPI_4000');
    expect(thrown(() => plan('select')).code).toBe('GSAPI_4000');
  });
});

describe('planQuery: orderBy', () => {
  it('ends on Gsid ascending when nothing is ordered', () => {
    expect(plan({}).orderBy.map(orderOf)).toEqual([['Gsid', 'asc']]);
  });

  it.each([
    ['desc', 'desc'],
    ['DESC', 'desc'],
    ['Desc', 'desc'],
    ['asc', 'asc'],
    ['ASC', 'asc'],
  ])('reads the direction %s as %s, then appends the Gsid tie-breaker once', (direction, expected) => {
    expect(plan({ orderBy: { ModifiedDate: direction } }).orderBy.map(orderOf)).toEqual([
      ['ModifiedDate', expected],
      ['Gsid', 'asc'],
    ]);
  });

  it('keeps the order of several fields', () => {
    expect(plan({ orderBy: { Industry: 'asc', ARR: 'desc' } }).orderBy.map(orderOf)).toEqual([
      ['Industry', 'asc'],
      ['ARR', 'desc'],
      ['Gsid', 'asc'],
    ]);
  });

  it.each([['Gsid'], ['gsid'], ['GSID']])('adds no tie-breaker when already ordered by %s', (name) => {
    const orders = plan({ orderBy: { Name: 'asc', [name]: 'desc' } }).orderBy.map(orderOf);
    expect(orders).toEqual([
      ['Name', 'asc'],
      [name, 'desc'],
    ]);
  });

  it('still adds the tie-breaker when ordering by a lookup target\'s Gsid', () => {
    expect(plan({ orderBy: { 'Csm__gr.Gsid': 'asc' } }).orderBy.map(orderOf)).toEqual([
      ['Csm__gr.Gsid', 'asc'],
      ['Gsid', 'asc'],
    ]);
  });

  it.each([['up'], [''], [1], [null], [true]])('rejects the direction %j naming the field', (direction) => {
    const error = thrown(() => plan({ orderBy: { Name: direction } }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('orderBy.Name');
  });

  it('rejects an unknown field and a non-object orderBy', () => {
    expect(thrown(() => plan({ orderBy: { Nope: 'asc' } })).field).toBe('orderBy.Nope = Nope');
    expect(thrown(() => plan({ orderBy: ['Name'] })).field).toBe('orderBy');
  });

  it('places NULLs only where the field can be empty', () => {
    const orders = plan({ orderBy: { ARR: 'desc', Name: 'asc', CreatedDate: 'asc', 'Csm__gr.Name': 'asc' } }).orderBy;
    expect(orders.map((order) => order.placeNulls)).toEqual([true, false, false, true, false]);
    const filtered = plan({
      where: { conditions: [{ name: 'ARR', operator: 'GT', value: [0] }] },
      orderBy: { ARR: 'desc' },
    }).orderBy;
    expect(filtered[0]!.placeNulls).toBe(false);
  });
});

describe('planQuery: limit and offset', () => {
  it('defaults to the first 100 records', () => {
    const result = plan({});
    expect(result.limit).toBe(DEFAULT_QUERY_LIMIT);
    expect(DEFAULT_QUERY_LIMIT).toBe(100);
    expect(result.offset).toBe(0);
    expect(result.countTotal).toBe(false);
  });

  it.each([
    [1, 1],
    [5000, 5000],
    ['250', 250],
    [null, DEFAULT_QUERY_LIMIT],
  ])('takes the limit %j as %d', (limit, expected) => expect(plan({ limit }).limit).toBe(expected));

  it.each([[0], [-1], [5001], [1.5], ['abc'], [''], [true]])('rejects the limit %j naming limit', (limit) => {
    const error = thrown(() => plan({ limit }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('limit');
    expect(error.message).toContain('limit');
    expect(error.message).toContain(String(MAX_QUERY_LIMIT));
  });

  it('takes an offset from 0 up to its maximum', () => {
    expect(plan({ offset: 0 }).offset).toBe(0);
    expect(plan({ offset: 300 }).offset).toBe(300);
    expect(plan({ offset: '40' }).offset).toBe(40);
    expect(plan({ offset: MAX_QUERY_OFFSET }).offset).toBe(MAX_QUERY_OFFSET);
    for (const offset of [-1, MAX_QUERY_OFFSET + 1, 2.5]) expect(thrown(() => plan({ offset })).field).toBe('offset');
  });

  it('with paging by page, turns the page into an offset and ignores offset', () => {
    const paged = (body: unknown) => planQuery(users, body, { ...options, paging: 'page', countTotal: true });
    expect(paged({ limit: 10, page: 2 })).toMatchObject({ limit: 10, offset: 20, countTotal: true });
    expect(paged({ limit: 10, page: '3' }).offset).toBe(30);
    expect(paged({ limit: 10 }).offset).toBe(0);
    expect(paged({ page: 1 }).offset).toBe(DEFAULT_QUERY_LIMIT);
    expect(paged({ limit: 10, offset: 500 }).offset).toBe(0);
    expect(thrown(() => paged({ page: -1 })).field).toBe('page');
    expect(thrown(() => paged({ limit: 10, page: MAX_QUERY_OFFSET / 10 + 1 })).field).toBe('page');
  });

  it('ignores page when paging by offset', () => {
    expect(plan({ limit: 10, page: 2 }).offset).toBe(0);
  });
});

describe('planQuery: where', () => {
  it('parses the conditions in the NXT dialect', () => {
    const result = plan({
      where: {
        conditions: [
          { name: 'ARR', alias: 'A', operator: 'GTE', value: ['120000'] },
          { name: 'Csm__gr.Email', alias: 'B', operator: 'EQ', value: ['csm@example.com'] },
        ],
        expression: 'A AND B',
      },
    });
    expect(result.where).toMatchObject({
      kind: 'and',
      operands: [
        { kind: 'compare', op: 'GTE', value: 120000 },
        { kind: 'compare', op: 'EQ', value: 'csm@example.com' },
      ],
    });
  });

  it('rejects a where that is not an object', () => {
    expect(thrown(() => plan({ where: [] })).field).toBe('where');
  });

  it('plans a flat query over the view', () => {
    const result = plan({ select: ['Name'] });
    expect(result.object).toBe(company);
    expect(result.grouped).toBe(false);
    expect(result.groupBy).toEqual([]);
    expect(result.where).toBeUndefined();
  });
});


describe('planQuery: orderBy keys (a cap, and one term per field)', () => {
  const tenFields = ['Name', 'Industry', 'ARR', 'Stage', 'Status', 'CSMName', 'Employees', 'RenewalDate', 'Mrr', 'Users'];

  it(`takes up to ${MAX_QUERY_ORDER_BY} keys (the reports' MAX_ORDER_BY)`, () => {
    expect(MAX_QUERY_ORDER_BY).toBe(MAX_ORDER_BY);
    const orderBy = Object.fromEntries(tenFields.map((name) => [name, 'asc']));
    expect(plan({ orderBy }).orderBy.map(orderOf)).toEqual([...tenFields.map((name) => [name, 'asc']), ['Gsid', 'asc']]);
  });

  it(`refuses more than ${MAX_QUERY_ORDER_BY} keys with 400 GSOBJ_1008 naming orderBy`, () => {
    const orderBy = Object.fromEntries([...tenFields, 'CreatedDate'].map((name) => [name, 'asc']));
    const error = thrown(() => plan({ orderBy }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('orderBy');
    expect(error.message).toContain(`at most ${MAX_QUERY_ORDER_BY}`);
  });

  it('counts keys as sent: 2,100 spellings of one field are refused, not deduplicated', () => {
    const variants = Array.from({ length: 2100 }, (_, i) => caseVariant('CustomerlifetimeInMonths', i));
    expect(new Set(variants).size).toBe(2100);
    const error = thrown(() => plan({ orderBy: Object.fromEntries(variants.map((name) => [name, 'desc'])) }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('orderBy');
    expect(error.message).toContain('got 2100');
  });

  it('drops keys naming a field already ordered by under another spelling (the first one wins)', () => {
    expect(plan({ orderBy: { ARR: 'desc', arr: 'asc', Name: 'asc', Arr: 'asc', NAME: 'desc' } }).orderBy.map(orderOf)).toEqual([
      ['ARR', 'desc'],
      ['Name', 'asc'],
      ['Gsid', 'asc'],
    ]);
    const variants = Array.from({ length: MAX_QUERY_ORDER_BY }, (_, i) => caseVariant('CustomerlifetimeInMonths', i));
    const orders = plan({ orderBy: Object.fromEntries(variants.map((name, i) => [name, i === 0 ? 'desc' : 'asc'])) }).orderBy;
    expect(orders.map(orderOf)).toEqual([
      ['CustomerlifetimeInMonths', 'desc'],
      ['Gsid', 'asc'],
    ]);
  });

  it('dedupes lookup paths by the field they reach, and keeps different fields of one lookup', () => {
    expect(plan({ orderBy: { 'Csm__gr.Name': 'asc', 'csm__GR.name': 'desc', 'CSM__gr.Email': 'asc', Csm: 'asc' } }).orderBy.map(orderOf)).toEqual([
      ['Csm__gr.Name', 'asc'],
      ['CSM__gr.Email', 'asc'],
      ['Csm', 'asc'],
      ['Gsid', 'asc'],
    ]);
    // A lookup target's Name is not the object's own Name.
    expect(plan({ orderBy: { Name: 'asc', 'Csm__gr.Name': 'asc' } }).orderBy).toHaveLength(3);
  });

  it('the Gsid tie-breaker: two spellings of Gsid are one key, and no tie-breaker is added', () => {
    expect(plan({ orderBy: { gsid: 'desc', GSID: 'asc' } }).orderBy.map(orderOf)).toEqual([['gsid', 'desc']]);
  });

  it('a select may still name one field under several spellings: each is its own result key', () => {
    expect(plan({ select: ['ARR', 'arr'] }).columns.map((column) => column.name)).toEqual(['ARR', 'arr']);
  });

  it('knows a field cannot be empty when the where spells it differently from the orderBy', () => {
    const filtered = plan({
      where: { conditions: [{ name: 'arr', operator: 'GT', value: [0] }] },
      orderBy: { ARR: 'desc', 'CSM__gr.email': 'asc' },
    }).orderBy;
    expect(filtered.map((order) => order.placeNulls)).toEqual([false, true, false]);
    const byLookup = plan({
      where: { conditions: [{ name: 'csm__gr.EMAIL', operator: 'IS_NOT_NULL', value: [] }] },
      orderBy: { 'Csm__gr.Email': 'asc' },
    }).orderBy;
    expect(byLookup[0]!.placeNulls).toBe(false);
  });
});

describe('planQuery: countTotal', () => {
  it('is false unless asked for (the runner then answers totalCount = the rows returned), true when asked', () => {
    expect(plan({}).countTotal).toBe(false);
    expect(plan({}, { countTotal: false }).countTotal).toBe(false);
    expect(plan({}, { countTotal: true }).countTotal).toBe(true);
    expect(planQuery(users, { page: 0 }, { ...options, paging: 'page', countTotal: false }).countTotal).toBe(false);
  });
});

describe('planQuery: the filters bind at most MAX_FILTER_VALUES values in all', () => {
  it('refuses more, naming where', () => {
    const conditions = Array.from({ length: 6 }, (_, i) => ({
      name: 'Name',
      alias: `A${i}`,
      operator: 'IN',
      value: Array.from({ length: 1000 }, (_, j) => `n${j}`),
    }));
    const error = thrown(() => plan({ where: { conditions, expression: conditions.map((c) => c.alias).join(' OR ') } }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('where');
    expect(error.message).toContain(`more than ${MAX_FILTER_VALUES} values`);
    expect(() => plan({ where: { conditions: conditions.slice(0, 5), expression: 'A0 OR A1 OR A2 OR A3 OR A4' } })).not.toThrow();
  });
});
