/**
 * A database that is gone mid-life (here: the store closed under a running app) answers 503
 * GSAPI_5030 on every surface, as the README promises for a database outage, never 500.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';

const MISSING_ID = 'A'.repeat(36);

describeEachBackend('a closed database', (backend) => {
  let broken: TestApp;
  beforeAll(async () => {
    broken = await createTestApp(backend);
    await broken.store.close();
  });
  afterAll(async () => {
    await broken.app.close();
    await backend.dispose(broken.databaseUrl);
  });

  it.each([
    ['GET', '/v1/companies', undefined],
    ['GET', '/v1/people?pageNumber=3', undefined],
    ['POST', '/v1/companies', { Name: 'Nowhere' }],
    ['GET', `/v1/companies/${MISSING_ID}`, undefined],
    ['PATCH', `/v1/companies/${MISSING_ID}`, { Industry: 'Media' }],
    ['DELETE', `/v1/companies/${MISSING_ID}`, undefined],
    ['POST', '/v1/data/objects/query/Company', { select: ['Name'] }],
    ['POST', '/v1/data/objects/Company', { records: [{ Name: 'Nowhere' }] }],
    ['POST', '/v1/reports', { reportId: 'arr-by-industry' }],
  ] as const)('%s %s is 503 GSAPI_5030', async (method, url, body) => {
    const response = await broken.request(method, url, body === undefined ? {} : { body });
    expectError(response, 503, 'GSAPI_5030');
    expect(JSON.stringify(response.body)).not.toMatch(/destroyed|not open|stack/i);
  });
});
