/**
 * Defects the fuzz suites (test/fuzz) found, each kept as a focused test on both backends.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

describeEachBackend('fuzz findings', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const ctas = async () => (await t.request('POST', '/v1/data/objects/query/call_to_action', { body: { select: ['Gsid'], limit: 5000 } })).body.data.records.length;

  // Accepted before: SQLite stored the text as sent (out of order with every other value),
  // PostgreSQL answered "0001-12-31 23:00:00+00 BC", "10000-01-01 04:59:59+00" or the next day.
  it('refuses NXT date-times at 24:00 or at an instant outside years 0001-9999, writing nothing', async () => {
    const before = await ctas();
    for (const value of ['2024-02-29T24:00:00Z', '2024-01-01T24:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-05:00', '2024-01-01T00:00:00.1234567890Z']) {
      const response = await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Name: 'Edge', ClosedDate: value }] } });
      expectError(response, 400, 'GSOBJ_1005', 'ClosedDate');
      const query = await t.request('POST', '/v1/data/objects/query/call_to_action', {
        body: { where: { conditions: [{ name: 'ClosedDate', alias: 'A', operator: 'GT', value: [value] }] } },
      });
      expectError(query, 400, 'GSOBJ_1005', 'ClosedDate');
    }
    expect(await ctas()).toBe(before);
  });

  it('stores the edges of the range, and offsets within it, as ISO UTC', async () => {
    const cases = [
      ['0001-01-01T00:00:00-01:00', '0001-01-01T01:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
      ['9999-12-31T23:59:59+01:00', '9999-12-31T22:59:59.000Z'],
      ['2024-02-29T23:59:59.123456789Z', '2024-02-29T23:59:59.123Z'],
    ];
    for (const [sent, stored] of cases) {
      const created = await t.request('POST', '/v1/data/objects/call_to_action', { body: { records: [{ Name: 'Edge', ClosedDate: sent }] } });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const got = await t.request('GET', `/v1/data/objects/call_to_action/${created.body.data.records[0].Gsid}`);
      expect(got.body.data.records[0].ClosedDate, sent).toBe(stored);
    }
  });
});
