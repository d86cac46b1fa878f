/**
 * The NXT query API (data.query / data.iterate) and reports through the client, against a real
 * server over HTTP; failures on the NXT surface come in its own envelope and still become a
 * GainsightApiError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GainsightClient } from '../src/index.js';
import { expectApiError, startLiveClient } from './helpers/live-client.js';
import type { LiveServer } from './helpers/live-server.js';

let server: LiveServer;
let client: GainsightClient;
let fetched: string[];
const INDUSTRIES = ['Software', 'Retail', 'Health'];

beforeAll(async () => {
  ({ server, client, fetched } = await startLiveClient());
  for (let i = 0; i < 30; i++) {
    await client.companies.create({ Name: `Co ${String(i).padStart(2, '0')}`, Industry: INDUSTRIES[i % 3], ARR: 1000 * (i + 1) });
  }
});
afterAll(async () => {
  await server?.close();
});

describe('data.query', () => {
  it('selects, filters, orders and limits; keys are the select strings', async () => {
    const { records } = await client.data.query<{ Name: string; ARR: number }>('company', {
      select: ['Name', 'ARR'],
      where: { conditions: [{ name: 'ARR', alias: 'A', operator: 'GTE', value: [25000] }], expression: 'A' },
      orderBy: { ARR: 'desc' },
      limit: 3,
    });
    expect(records).toEqual([
      { Name: 'Co 29', ARR: 30000 },
      { Name: 'Co 28', ARR: 29000 },
      { Name: 'Co 27', ARR: 28000 },
    ]);
  });

  it('an unknown object: the NXT envelope becomes a GainsightApiError', async () => {
    const error = await expectApiError(client.data.query('NoSuchObject', { select: ['Name'] }));
    expect(error).toMatchObject({ status: 400, errorCode: 'GSAPI_4001', errorDesc: 'Requested object not found.' });
    expect(error.requestId).toMatch(/\S/);
    // The NXT envelope always has `data` (null here); the seed one has none.
    expect(error.details).toBeNull();
  });

  it('an unknown field is named', async () => {
    const error = await expectApiError(client.data.query('Company', { select: ['Nmae'] }));
    expect(error).toMatchObject({ status: 400, errorCode: 'GSOBJ_1002' });
    expect(error.errorDesc).toContain('Nmae');
  });
});

describe('data.iterate', () => {
  it('pages by offset; the records equal one big query', async () => {
    const body = { select: ['Gsid', 'Name', 'Industry'], where: { conditions: [{ name: 'Industry', alias: 'A', operator: 'NE', value: ['Retail'] }], expression: 'A' }, orderBy: { Name: 'asc' } };
    const whole = await client.data.query('Company', { ...body, limit: 5000 });
    expect(whole.records).toHaveLength(20);

    fetched.length = 0;
    const iterated = [];
    for await (const record of client.data.iterate('Company', { ...body, limit: 6 })) iterated.push(record);
    expect(iterated).toEqual(whole.records);
    // 6 + 6 + 6 + 2: the short page ends it.
    expect(fetched).toHaveLength(4);
  });

  it('starts at the offset given, with the default page size when no limit is given', async () => {
    const names = [];
    for await (const record of client.data.iterate<{ Name: string }>('Company', { select: ['Name'], orderBy: { Name: 'asc' }, offset: 27 })) {
      names.push(record.Name);
    }
    expect(names).toEqual(['Co 27', 'Co 28', 'Co 29']);
  });
});

describe('reports', () => {
  it('runs a built-in report', async () => {
    const result = await client.reports.run({ reportId: 'arr-by-industry' });
    expect(result.columns.map((column) => column.name)).toEqual(['Industry', 'companies', 'totalARR', 'avgARR']);
    expect(result.totalCount).toBe(3);
    const total = result.records.reduce((sum, row) => sum + Number(row.totalARR), 0);
    expect(total).toBe((1000 * 30 * 31) / 2);
  });

  it('runs with filters, and as CSV', async () => {
    const result = await client.reports.run({ reportId: 'arr-by-industry', filters: { Industry: 'Retail' } });
    expect(result.records).toEqual([expect.objectContaining({ Industry: 'Retail', companies: 10 })]);
    const csv = await client.reports.runCsv({ reportId: 'arr-by-industry', filters: { Industry: 'Retail' } });
    expect(csv.split(/\r?\n/)[0]).toBe('Industry,companies,totalARR,avgARR');
    expect(csv).toContain('Retail,10,');
  });

  it('saves, lists, gets, runs and deletes a report', async () => {
    const definition = { name: 'Big accounts', object: 'Company' as const, fields: ['Name', 'ARR'], orderBy: [{ field: 'ARR', direction: 'desc' as const }], limit: 2 };
    await client.reports.save('big-accounts', definition);
    expect((await client.reports.list()).records.map((report) => report.id)).toContain('big-accounts');
    expect(await client.reports.get('big-accounts')).toMatchObject({ id: 'big-accounts', builtIn: false, definition: { name: 'Big accounts' } });
    expect((await client.reports.run({ reportId: 'big-accounts' })).records).toEqual([
      { Name: 'Co 29', ARR: 30000 },
      { Name: 'Co 28', ARR: 29000 },
    ]);
    await client.reports.delete('big-accounts');
    const error = await expectApiError(client.reports.run({ reportId: 'big-accounts' }));
    expect(error).toMatchObject({ status: 404, errorCode: 'GSOBJ_1011' });
  });
});
