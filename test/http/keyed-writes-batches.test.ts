/**
 * Keyed writes (Idempotency-Key) run in a request transaction that holds SQLite's one
 * connection. The audit trail writes its entries in batches of 100, started from inside a
 * request's answer: that write must not join the request's transaction context, or it waits for
 * the connection the request holds and every later request waits behind it (the server hung at
 * the 100th keyed write). Concurrent keyed writes well past the batch size all answer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describeEachBackend('keyed writes past the audit batch', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('answers 8 clients x 30 keyed creates and patches (480 writes) without stalling', async () => {
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let i = 0; i < 30; i++) {
          const created = await t.request('POST', '/v1/companies', { body: { Name: `batch-${client}-${i}` }, headers: { 'idempotency-key': `c-${client}-${i}` } });
          statuses.push(created.status);
          const patched = await t.request('PATCH', `/v1/companies/${created.body.data.Gsid}`, {
            body: { Industry: `P${i}` },
            headers: { 'idempotency-key': `p-${client}-${i}` },
          });
          statuses.push(patched.status);
        }
      }),
    );
    expect(statuses.length).toBe(480);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const audit = await t.request('GET', '/v1/_admin/audit?limit=1000');
    expect(audit.status).toBe(200);
    expect(audit.body.data.records.length).toBe(480);
  }, 60_000);
});
