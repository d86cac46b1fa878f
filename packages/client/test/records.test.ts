/**
 * The seed surface through the client, against a real server over HTTP: CRUD on companies and
 * people, paging with iterate/pages, and failures as typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Company, type GainsightClient } from '../src/index.js';
import { expectApiError, startLiveClient } from './helpers/live-client.js';
import { ACCESS_KEY, type LiveServer } from './helpers/live-server.js';

let server: LiveServer;
let client: GainsightClient;
/** URLs the client fetched (through the real fetch), to count the requests paging makes. */
let fetched: string[];

beforeAll(async () => {
  ({ server, client, fetched } = await startLiveClient());
});
afterAll(async () => {
  await server?.close();
});

describe('companies', () => {
  it('creates, reads, updates, patches and deletes', async () => {
    const created = await client.companies.create({ Name: 'Acme Corp', Industry: 'Software', ARR: 120000, RenewalDate: '2027-03-31' });
    expect(created.Gsid).toMatch(/^[0-9A-Z]{36}$/);
    expect(created).toMatchObject({ Name: 'Acme Corp', Industry: 'Software', ARR: 120000, RenewalDate: '2027-03-31' });

    expect(await client.companies.get(created.Gsid)).toEqual(created);

    const updated = await client.companies.update(created.Gsid, { Name: 'Acme Corporation', LifecycleStage: 'Adopting' });
    // PUT keeps the fields it does not send.
    expect(updated).toMatchObject({ Name: 'Acme Corporation', LifecycleStage: 'Adopting', Industry: 'Software' });

    const patched = await client.companies.patch(created.Gsid, { Industry: null, Employees: 250 });
    expect(patched.Industry).toBeUndefined();
    expect(patched).toMatchObject({ Name: 'Acme Corporation', Employees: 250 });

    expect(await client.companies.delete(created.Gsid)).toEqual({ Gsid: created.Gsid });
    const gone = await expectApiError(client.companies.get(created.Gsid));
    expect(gone.status).toBe(404);
  });

  it('iterates over every page, and the records equal the full list', async () => {
    for (let i = 0; i < 23; i++) await client.companies.create({ Name: `Paged ${String(i).padStart(2, '0')}` });
    const all = await client.companies.list({ pageSize: 100 });
    expect(all.totalCount).toBe(23);

    fetched.length = 0;
    const iterated: Company[] = [];
    for await (const company of client.companies.iterate({ pageSize: 5 })) iterated.push(company);
    expect(iterated).toEqual(all.records);
    // 5 + 5 + 5 + 5 + 3: the short page ends it.
    expect(fetched).toHaveLength(5);
    expect(fetched.map((url) => new URL(url).searchParams.get('pageNumber'))).toEqual(['0', '1', '2', '3', '4']);
  });

  it('stops at totalCount without asking for an empty page, and pages can start later', async () => {
    await client.companies.create({ Name: 'Paged 23' });
    await client.companies.create({ Name: 'Paged 24' });
    fetched.length = 0;
    const pages = [];
    for await (const page of client.companies.pages({ pageSize: 5 })) pages.push(page);
    expect(pages.map((page) => [page.pageNumber, page.records.length])).toEqual([[0, 5], [1, 5], [2, 5], [3, 5], [4, 5]]);
    expect(fetched).toHaveLength(5);

    const fromPage3 = [];
    for await (const page of client.companies.pages({ pageNumber: 3, pageSize: 5 })) fromPage3.push(page.pageNumber);
    expect(fromPage3).toEqual([3, 4]);
  });
});

describe('people', () => {
  it('CRUD, and iterate with the CompanyId filter', async () => {
    const company = await client.companies.create({ Name: 'People Inc' });
    const ada = await client.people.create({ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', CompanyId: company.Gsid });
    const grace = await client.people.create({ FirstName: 'Grace', Email: 'grace@example.com', CompanyId: company.Gsid });
    await client.people.create({ FirstName: 'Nobody' });

    expect(await client.people.get(ada.Gsid)).toEqual(ada);
    expect(await client.people.update(ada.Gsid, { Role: 'Engineer' })).toMatchObject({ Role: 'Engineer', Email: 'ada@example.com' });
    expect((await client.people.patch(grace.Gsid, { Email: null })).Email).toBeUndefined();

    const ofCompany = [];
    for await (const person of client.people.iterate({ CompanyId: company.Gsid, pageSize: 1 })) ofCompany.push(person.Gsid);
    expect(ofCompany).toEqual([ada.Gsid, grace.Gsid]);

    expect(await client.people.delete(grace.Gsid)).toEqual({ Gsid: grace.Gsid });
    expect((await client.people.list({ CompanyId: company.Gsid })).totalCount).toBe(1);
  });
});

describe('errors', () => {
  it('401 with a wrong key: status, code, description and request id', async () => {
    const stranger = createClient({ baseUrl: server.url, accessKey: 'not-a-key' });
    const error = await expectApiError(stranger.companies.list());
    expect(error.status).toBe(401);
    expect(error.errorCode).toBe('GS_APIG_2401');
    expect(error.errorDesc).toMatch(/access key/i);
    expect(error.requestId).toMatch(/\S/);
    expect(error.attempts).toBe(1);
  });

  it('404 GSOBJ_1011 for a record that does not exist, carrying the request id the caller chose', async () => {
    const error = await expectApiError(client.companies.get('0'.repeat(36), { requestId: 'trace-404-abc' }));
    expect(error).toMatchObject({ status: 404, errorCode: 'GSOBJ_1011', requestId: 'trace-404-abc', method: 'GET' });
    expect(error.url).toBe(`${server.url}/v1/companies/${'0'.repeat(36)}`);
    expect(error.message).toContain('404 GSOBJ_1011');
  });

  it('400 naming the field for an invalid value, and nothing is written', async () => {
    const before = (await client.companies.list()).totalCount;
    // The type says number; a caller outside TypeScript (or casting) can still send a string.
    const error = await expectApiError(client.companies.create({ Name: 'Bad', ARR: '100' as unknown as number }));
    expect(error).toMatchObject({ status: 400, errorCode: 'GSOBJ_1008' });
    expect(error.errorDesc).toContain('ARR');
    expect(error.details).toBeUndefined();
    expect((await client.companies.list()).totalCount).toBe(before);
  });

  it('400 naming an unknown field on patch', async () => {
    const company = await client.companies.create({ Name: 'Strict' });
    const error = await expectApiError(client.companies.patch(company.Gsid, { Nmae: 'x' } as never));
    expect(error).toMatchObject({ status: 400, errorCode: 'GSOBJ_1002' });
    expect(error.errorDesc).toContain('Nmae');
  });

  it('an id is sent as one path segment, whatever it holds', async () => {
    const error = await expectApiError(client.companies.get('../people'));
    expect(error).toMatchObject({ status: 400, errorCode: 'GSOBJ_1004' });
  });

  it('a bad baseUrl or a missing key fails at createClient', () => {
    expect(() => createClient({ baseUrl: 'not a url', accessKey: ACCESS_KEY })).toThrow(TypeError);
    expect(() => createClient({ baseUrl: 'ftp://example.com', accessKey: ACCESS_KEY })).toThrow(/http/);
    expect(() => createClient({ baseUrl: server.url, accessKey: '' })).toThrow(/accessKey/);
  });
});
