/**
 * Deep pages of an NXT query (offset 1000 and beyond) skip on the Gsids alone (report-query.ts,
 * skipsInIndex) and read only their own rows. They must be the very rows, in the very order, of
 * the same query answered whole: with conditions, lookups in the select and the sort, sorts in
 * both directions with NULLs, and ties on every key but Gsid.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/generator.js';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const COMPANIES = 2600;

describeEachBackend('NXT query: deep pages', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(backend);
    await seedDatabase(t.store, { companies: COMPANIES, people: 0, randomSeed: 'deep-pages', baseDate: '2026-03-01' });
  });
  afterAll(() => t.close());

  async function query(body: Record<string, unknown>): Promise<unknown[]> {
    const response = await t.request('POST', '/v1/data/objects/query/Company', { body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body as { data: { records: unknown[] } }).data.records;
  }

  const queries: [string, Record<string, unknown>][] = [
    ['by ModifiedDate, as sync jobs walk', { select: ['Gsid', 'Name', 'ModifiedDate', 'ARR'], orderBy: { ModifiedDate: 'asc', Gsid: 'asc' } }],
    [
      'filtered, by a field with many ties and NULLs, descending',
      {
        select: ['Gsid', 'Name', 'Industry', 'Employees'],
        where: { conditions: [{ name: 'Industry', alias: 'A', value: ['Media'], operator: 'NE' }], expression: 'A' },
        orderBy: { Employees: 'desc', Industry: 'asc' },
      },
    ],
    ['sorted by a lookup', { select: ['Gsid', 'Name', 'Csm__gr.Name', 'ParentCompany__gr.Name'], orderBy: { 'Csm__gr.Name': 'desc', Name: 'asc' } }],
  ];

  it.each(queries)('%s: every page from offset 1000 on is the slice of the whole answer', async (_, body) => {
    const whole = await query({ ...body, limit: 5000, offset: 0 });
    expect(whole.length).toBeGreaterThan(1500);
    for (const [offset, limit] of [[1000, 100], [1003, 250], [1500, 5000], [whole.length - 7, 50], [whole.length, 10], [whole.length + 500, 10]] as const) {
      expect(await query({ ...body, limit, offset }), `offset ${offset}, limit ${limit}`).toEqual(whole.slice(offset, offset + limit));
    }
  });
});
