/**
 * Regressions found in review: each of these once answered a 500, a raw Fastify body, a wrong
 * count, or different rows on the two backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, expectError, type TestApp } from '../helpers/app.js';

describeEachBackend('hardening', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const run = (body: unknown) => t.request('POST', '/v1/reports', { body });
  const names = (response: { body: any }) => response.body.data.records.map((r: { Name: string }) => r.Name);

  describe('a URL Fastify cannot decode', () => {
    it('is 401 without a key and 400 with one, both as envelopes with a request id', async () => {
      for (const [key, status, code] of [[null, 401, 'GS_APIG_2401'], [BOOTSTRAP_KEY, 400, 'GSAPI_4000']] as const) {
        const response = await t.app.inject({ method: 'GET', url: '/v1/companies/%E0%A4%A', headers: key ? { accesskey: key } : {} });
        expect(response.statusCode).toBe(status);
        const body = response.json();
        expect(body).toMatchObject({ result: false, errorCode: code });
        expect(response.headers['x-request-id']).toBe(body.requestId);
      }
    });
  });

  it('answers 406 when Accept allows nothing a route produces', async () => {
    expectError(await t.request('GET', '/v1/companies', { headers: { accept: 'text/csv' } }), 406, 'GSAPI_4060');
    expect((await t.request('GET', '/v1/companies', { headers: { accept: 'application/json, text/plain, */*' } })).status).toBe(200);
  });

  it('refuses a PATCH or PUT that would leave a person without name and email, changing nothing', async () => {
    const person = (await t.request('POST', '/v1/people', { body: { FirstName: 'Only' } })).body.data;
    expectError(await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { FirstName: null } }), 400, 'GSOBJ_1007', 'FirstName');
    expectError(await t.request('PUT', `/v1/people/${person.Gsid}`, { body: { FirstName: '   ' } }), 400, 'GSOBJ_1007', 'FirstName');
    expect((await t.request('GET', `/v1/people/${person.Gsid}`)).body.data).toEqual(person);
    // Replacing the name with an email in one request is fine.
    const moved = await t.request('PATCH', `/v1/people/${person.Gsid}`, { body: { FirstName: null, Email: 'only@example.com' } });
    expect(moved.status).toBe(200);
  });

  it('bounds ARR so sums stay finite', async () => {
    expectError(await t.request('POST', '/v1/companies', { body: { Name: 'Huge', ARR: 1.7e308 } }), 400, 'GSOBJ_1008', 'ARR');
    expect((await t.request('POST', '/v1/companies', { body: { Name: 'Max', ARR: 1e15 } })).status).toBe(200);
  });

  describe('reports', () => {
    beforeAll(async () => {
      for (const Name of ['ΟΔΟΣ', 'Plain']) await t.request('POST', '/v1/companies', { body: { Name } });
    });

    it('finds a value with its own letters, whatever the case rules of either backend', async () => {
      for (const text of ['Σ', 'ΟΣ', 'οδοσ', 'ΟΔΟΣ']) {
        const response = await run({
          definition: { name: 'x', object: 'Company', fields: ['Name'] },
          filters: { conditions: [{ name: 'Name', operator: 'CONTAINS', value: [text] }] },
        });
        expect(names(response), text).toContain('ΟΔΟΣ');
      }
    });

    it('counts one row for aggregates without groupBy, whatever the limit', async () => {
      const response = await run({ definition: { name: 'x', object: 'Company', fields: [], aggregates: [{ fn: 'count' }], limit: 1 } });
      expect(response.body.data.records).toHaveLength(1);
      expect(response.body.data.totalCount).toBe(1);
    });

    it('refuses a date-time whose offset moves it outside years 0001-9999', async () => {
      for (const value of ['9999-12-31T23:00:00-05:00', '0001-01-01T00:00:00+01:00']) {
        expectError(
          await run({
            definition: { name: 'x', object: 'Company', fields: ['Name'] },
            filters: { conditions: [{ name: 'CreatedDate', operator: 'LT', value: [value] }] },
          }),
          400,
          'GSOBJ_1005',
          'filters.conditions[0].value[0]',
        );
      }
    });

    it('refuses filters with more values in all than one query can bind', async () => {
      const conditions = Array.from({ length: 50 }, () => ({ name: 'ARR', operator: 'IN', value: Array.from({ length: 1000 }, (_, i) => i) }));
      expectError(await run({ reportId: 'largest-customers', filters: { conditions } }), 400, 'GSOBJ_1008', 'filters');
    });

    it('lists saved reports in code point order on every backend', async () => {
      const definition = { name: 'x', object: 'Company', fields: ['Name'] };
      for (const id of ['b-rep', 'B-rep', 'a-rep', 'A_rep']) expect((await t.request('PUT', `/v1/reports/${id}`, { body: definition })).status).toBe(200);
      const saved = (await t.request('GET', '/v1/reports')).body.data.records.filter((r: { builtIn: boolean }) => !r.builtIn);
      expect(saved.map((r: { id: string }) => r.id)).toEqual(['A_rep', 'B-rep', 'a-rep', 'b-rep']);
    });
  });
});
