/**
 * Every path that answers a record writes the same bytes for it: a create's answer (serialized
 * by Fastify from the record's response schema), a get by id and a page of a list (JSON the
 * database builds, spliced into the envelope). Key order included.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { BOOTSTRAP_KEY, createTestApp, type TestApp } from '../helpers/app.js';

describeEachBackend('record bytes', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const raw = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const response = await t.app.inject({ method, url, headers: { accesskey: BOOTSTRAP_KEY }, ...(body ? { payload: body } : {}) });
    expect(response.statusCode, response.payload).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    return response.payload;
  };
  /** The text of the envelope's `data`: everything after `"data":` but the closing brace. */
  const dataText = (payload: string) => payload.slice(payload.indexOf('"data":') + '"data":'.length, -1);

  it('is the same for a create, a get and a list, for companies and people', async () => {
    const company = { Name: 'Bytes "Inc" \\ 😀', Industry: 'Media', ARR: 64000.25, Employees: 12, RenewalDate: '2027-01-31' };
    const created = dataText(await raw('POST', '/v1/companies', company));
    const { Gsid } = JSON.parse(created) as { Gsid: string };
    expect(created.startsWith(`{"Gsid":"${Gsid}","CreatedDate":`)).toBe(true);
    expect(dataText(await raw('GET', `/v1/companies/${Gsid}`))).toBe(created);
    expect(dataText(await raw('GET', '/v1/companies?pageSize=5'))).toBe(`{"records":[${created}],"totalCount":1}`);

    const person = dataText(await raw('POST', '/v1/people', { FirstName: 'Ann', LastName: 'Lee', Email: 'ann@example.com', CompanyId: Gsid }));
    const personId = (JSON.parse(person) as { Gsid: string }).Gsid;
    expect(dataText(await raw('GET', `/v1/people/${personId}`))).toBe(person);
    expect(dataText(await raw('GET', `/v1/people?CompanyId=${Gsid}`))).toBe(`{"records":[${person}],"totalCount":1}`);
  });
});
