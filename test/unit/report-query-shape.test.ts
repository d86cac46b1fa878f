/**
 * Which grouped reports make their groups before joining the looked-up group keys
 * (src/domain/reports/query-shape.ts), decided from the plan alone.
 */
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/domain/objects/index.js';
import { findBuiltIn } from '../../src/domain/reports/builtins.js';
import { planReport } from '../../src/domain/reports/definition.js';
import { planQuery } from '../../src/domain/nxt/query.js';
import { countedLookup, groupFirst, seekOrder } from '../../src/domain/reports/query-shape.js';
import type { ReportDefinition } from '../../src/domain/reports/schema.js';

const lookUp = builtinRegistry.surfaceLookUp(undefined);
const plan = (definition: ReportDefinition) => planReport(definition, { lookUp });
const paths = (shape: ReturnType<typeof groupFirst>) =>
  shape && { ownKeys: shape.ownKeys.map((ref) => ref.path), joinedKeys: shape.joinedKeys.map((ref) => ref.path) };
const builtIn = (id: string) => plan(findBuiltIn(id)!.definition({}, '2026-01-01'));

describe('report query shape: groups before joins', () => {
  it('people-by-company groups people by CompanyId, then joins the company name', () => {
    expect(paths(groupFirst(builtIn('people-by-company')))).toEqual({ ownKeys: ['CompanyId'], joinedKeys: ['CompanyId.Name'] });
  });

  it('the other built-in reports join nothing to group keys: their query keeps its shape', () => {
    for (const id of ['companies-by-lifecycle-stage', 'arr-by-industry', 'upcoming-renewals', 'largest-customers']) {
      expect(groupFirst(builtIn(id)), id).toBeUndefined();
    }
  });

  it('a looked-up key whose lookup is not grouped too cannot wait: the name alone may merge companies', () => {
    const shape = groupFirst(
      plan({ name: 'n', object: 'Person', fields: ['CompanyId.Name'], groupBy: ['CompanyId.Name'], aggregates: [{ fn: 'count', as: 'people' }] }),
    );
    expect(shape).toBeUndefined();
  });

  it('every looked-up key needs its own lookup grouped', () => {
    const definition = (groupBy: string[]): ReportDefinition => ({
      name: 'n',
      object: 'Company',
      fields: groupBy,
      groupBy,
      aggregates: [{ fn: 'sum', field: 'ARR' }],
    });
    expect(paths(groupFirst(plan(definition(['Csm', 'Csm.FirstName', 'ParentCompany.Name']))))).toBeUndefined();
    expect(paths(groupFirst(plan(definition(['Csm', 'Csm.FirstName', 'ParentCompany', 'ParentCompany.Name', 'Industry']))))).toEqual({
      ownKeys: ['Csm', 'ParentCompany', 'Industry'],
      joinedKeys: ['Csm.FirstName', 'ParentCompany.Name'],
    });
  });

  it('an own key grouped twice is one key of the groups', () => {
    const shape = groupFirst(
      plan({ name: 'n', object: 'Person', fields: ['CompanyId', 'CompanyId.Name'], groupBy: ['CompanyId.Name', 'CompanyId', 'CompanyId'] }),
    );
    expect(paths(shape)).toEqual({ ownKeys: ['CompanyId'], joinedKeys: ['CompanyId.Name'] });
  });

  it('filters and aggregates through lookups do not matter: they are computed before grouping', () => {
    const shape = groupFirst(
      plan({
        name: 'n',
        object: 'Person',
        fields: ['CompanyId', 'CompanyId.Name'],
        groupBy: ['CompanyId', 'CompanyId.Name'],
        aggregates: [{ fn: 'max', field: 'CompanyId.ARR', as: 'arr' }],
        where: { conditions: [{ name: 'CompanyId.Industry', operator: 'EQ', value: ['Software'] }] },
      }),
    );
    expect(paths(shape)).toEqual({ ownKeys: ['CompanyId'], joinedKeys: ['CompanyId.Name'] });
  });

  it('people-by-company joins only the groups that can make the limit: its first sort key (people) is a column of the groups', () => {
    const cutBy = groupFirst(builtIn('people-by-company'))!.cutBy!;
    expect(cutBy.source).toMatchObject({ kind: 'aggregate', fn: 'count' });
    expect(cutBy).toMatchObject({ direction: 'desc', placeNulls: false });
  });

  it('cuts by an own key sorted first too, but not when a looked-up key sorts first, nor when none sorts after', () => {
    const definition = (orderBy: ReportDefinition['orderBy']): ReportDefinition => ({
      name: 'n',
      object: 'Person',
      fields: ['CompanyId', 'CompanyId.Name'],
      groupBy: ['CompanyId', 'CompanyId.Name'],
      aggregates: [{ fn: 'sum', field: 'CompanyId.ARR', as: 'arr' }],
      orderBy,
    });
    const byOwnKey = groupFirst(plan(definition([{ field: 'CompanyId', direction: 'desc' }])))!.cutBy!;
    // The tie-breakers (the group keys, CompanyId.Name among them) sort after it.
    expect(byOwnKey).toMatchObject({ source: { kind: 'field', ref: { path: 'CompanyId' } }, direction: 'desc', placeNulls: true });
    expect(groupFirst(plan(definition([{ field: 'arr', direction: 'asc' }])))!.cutBy).toMatchObject({ direction: 'asc', placeNulls: true });
    expect(groupFirst(plan(definition([{ field: 'CompanyId.Name' }, { field: 'arr' }])))!.cutBy).toBeUndefined();
    const planned = plan(definition([{ field: 'arr' }]));
    // Without a looked-up key among the sort keys, everything sorts on the groups: no cut needed.
    expect(groupFirst({ ...planned, orderBy: planned.orderBy.filter((o) => o.source.kind === 'aggregate' || o.source.ref.hops.length === 0) })!.cutBy).toBeUndefined();
  });

  it('a list (no grouping) is never shaped so', () => {
    expect(groupFirst(plan({ name: 'n', object: 'Person', fields: ['CompanyId', 'CompanyId.Name'] }))).toBeUndefined();
  });
});

describe('report query shape: groups from the kept reference counts', () => {
  const counted = (p: ReturnType<typeof plan>) => {
    const shape = groupFirst(p);
    return shape && countedLookup(p, shape)?.path;
  };
  const byCompany = (more: Partial<ReportDefinition>): ReportDefinition => ({
    name: 'n',
    object: 'Person',
    fields: ['CompanyId', 'CompanyId.Name'],
    groupBy: ['CompanyId', 'CompanyId.Name'],
    aggregates: [{ fn: 'count', as: 'people' }],
    ...more,
  });

  it('people-by-company counts people by their CompanyId lookup', () => {
    expect(counted(builtIn('people-by-company'))).toBe('CompanyId');
  });

  it('several counts of rows are the same count', () => {
    expect(counted(plan(byCompany({ aggregates: [{ fn: 'count', as: 'a' }, { fn: 'count', as: 'b' }] })))).toBe('CompanyId');
  });

  it('a filter, another aggregate, a count of a field or a second own key read the table', () => {
    expect(counted(plan(byCompany({ where: { conditions: [{ name: 'FirstName', alias: 'A', operator: 'EQ', value: ['x'] }], expression: 'A' } })))).toBeUndefined();
    expect(counted(plan(byCompany({ aggregates: [{ fn: 'count', as: 'people' }, { fn: 'max', field: 'CreatedDate', as: 'newest' }] })))).toBeUndefined();
    expect(counted(plan(byCompany({ aggregates: [{ fn: 'count', field: 'Email', as: 'emails' }] })))).toBeUndefined();
    const twoKeys = ['CompanyId', 'CompanyId.Name', 'FirstName'];
    expect(counted(plan(byCompany({ fields: twoKeys, groupBy: twoKeys })))).toBeUndefined();
  });
});

describe('report query shape: pages that seek from a cursor', () => {
  const company = lookUp('Company')!;
  const query = (body: Record<string, unknown>) => planQuery(company, { limit: 10, ...body }, { lookUp });
  const keys = (body: Record<string, unknown>) => {
    const order = seekOrder(query(body));
    return order && `${order.refs.map((ref) => ref.path).join(',')} ${order.direction}`;
  };

  it('a sync walk by ModifiedDate (Gsid added as the tie-breaker) seeks, as does an order all descending', () => {
    expect(keys({ orderBy: { ModifiedDate: 'asc' } })).toBe('ModifiedDate,Gsid asc');
    expect(keys({})).toBe('Gsid asc');
    expect(keys({ orderBy: { ModifiedDate: 'desc', Gsid: 'desc' } })).toBe('ModifiedDate,Gsid desc');
  });

  it('a filter on own fields keeps it seekable, and makes a field it excludes NULL from usable', () => {
    const industry = { conditions: [{ name: 'Industry', alias: 'A', operator: 'EQ', value: ['Media'] }], expression: 'A' };
    expect(keys({ where: industry, orderBy: { ModifiedDate: 'asc' } })).toBe('ModifiedDate,Gsid asc');
    expect(keys({ where: industry, orderBy: { Industry: 'asc' } })).toBe('Industry,Gsid asc');
  });

  it('a required field does not seek: rows from before it was required may be empty', () => {
    expect(keys({ orderBy: { Name: 'asc' } })).toBeUndefined();
    const named = { conditions: [{ name: 'Name', alias: 'A', operator: 'IS_NOT_NULL', value: [] }], expression: 'A' };
    expect(keys({ where: named, orderBy: { Name: 'asc' } })).toBe('Name,Gsid asc');
  });

  it('mixed directions, a field that may be empty, a lookup in the order or in the filter, or groups do not seek', () => {
    expect(keys({ orderBy: { ModifiedDate: 'desc' } })).toBeUndefined();
    expect(keys({ orderBy: { Industry: 'asc' } })).toBeUndefined();
    expect(keys({ orderBy: { 'ParentCompany__gr.Name': 'asc' } })).toBeUndefined();
    const byParent = { conditions: [{ name: 'ParentCompany__gr.Name', alias: 'A', operator: 'EQ', value: ['x'] }], expression: 'A' };
    expect(keys({ where: byParent, orderBy: { ModifiedDate: 'asc' } })).toBeUndefined();
    expect(seekOrder(builtIn('people-by-company'))).toBeUndefined();
  });
});
