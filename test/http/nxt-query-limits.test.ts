/**
 * Limits of the NXT query planner seen over HTTP, on both backends: the orderBy cap (field names
 * match ignoring case, so one field can be sent under thousands of spellings, and SQLite takes at
 * most 2000 ORDER BY terms), the dedupe of spellings of one field, and `countTotal: false`
 * answering the rows returned without counting (what includeTotal: false of the users list uses).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { planQuery } from '../../src/domain/nxt/query.js';
import { viewOf } from '../../src/domain/object-model.js';
import { Company, builtinRegistry } from '../../src/domain/objects/index.js';
import { MAX_ORDER_BY } from '../../src/domain/reports/schema.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';
import { describeEachBackend } from '../helpers/backends.js';
import { caseVariant } from '../helpers/nxt.js';


const variants = (count: number) => Array.from({ length: count }, (_, i) => caseVariant('CustomerlifetimeInMonths', i));

describeEachBackend('NXT query limits', (backend) => {
  let t: TestApp;
  const lifetimes = [12, 30, 7];

  beforeAll(async () => {
    t = await createTestApp(backend);
    const res = await t.request('POST', '/v1/data/objects/Company', {
      body: { records: lifetimes.map((months, i) => ({ Name: `Company ${i}`, CustomerlifetimeInMonths: months })) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
  afterAll(() => t.close());

  const query = (body: unknown) => t.request('POST', '/v1/data/objects/query/Company', { body });

  it('2,100 spellings of CustomerlifetimeInMonths in orderBy: 400 GSOBJ_1008 naming orderBy (not a 500)', async () => {
    const orderBy = Object.fromEntries(variants(2100).map((name) => [name, 'desc']));
    expect(Object.keys(orderBy)).toHaveLength(2100);
    const res = await query({ select: ['Name'], orderBy });
    expectError(res, 400, 'GSOBJ_1008', 'orderBy');
    expect(res.body.errorDesc).toContain(`at most ${MAX_ORDER_BY}`);
  });

  it(`${MAX_ORDER_BY + 1} distinct fields: 400; ${MAX_ORDER_BY}: 200`, async () => {
    const fields = ['Name', 'Industry', 'ARR', 'Stage', 'Status', 'CSMName', 'Employees', 'RenewalDate', 'Mrr', 'Users', 'CreatedDate'];
    const orderBy = (names: string[]) => Object.fromEntries(names.map((name) => [name, 'asc']));
    expectError(await query({ select: ['Name'], orderBy: orderBy(fields) }), 400, 'GSOBJ_1008', 'orderBy');
    expect((await query({ select: ['Name'], orderBy: orderBy(fields.slice(0, MAX_ORDER_BY)) })).status).toBe(200);
  });

  it(`${MAX_ORDER_BY} spellings of one field order as the first one says`, async () => {
    const orderBy = Object.fromEntries(variants(MAX_ORDER_BY).map((name, i) => [name, i === 0 ? 'desc' : 'asc']));
    const res = await query({ select: ['CustomerlifetimeInMonths'], orderBy });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.records).toEqual([...lifetimes].sort((a, b) => b - a).map((months) => ({ CustomerlifetimeInMonths: months })));
  });

  it('a plan with countTotal false answers totalCount = the rows returned; true counts every match', async () => {
    const view = viewOf(Company, 'nxt');
    const options = { lookUp: builtinRegistry.surfaceLookUp('nxt'), paging: 'page' as const };
    const body = { select: ['Name'], limit: 2, page: 0 };
    const uncounted = await t.store.reportRunner.run(planQuery(view, body, { ...options, countTotal: false }));
    expect(uncounted.records).toHaveLength(2);
    expect(uncounted.totalCount).toBe(2);
    const counted = await t.store.reportRunner.run(planQuery(view, body, { ...options, countTotal: true }));
    expect(counted.totalCount).toBe(lifetimes.length);
    const lastPage = await t.store.reportRunner.run(planQuery(view, { ...body, page: 1 }, { ...options, countTotal: false }));
    expect(lastPage.records).toHaveLength(1);
    expect(lastPage.totalCount).toBe(1);
  });
});
