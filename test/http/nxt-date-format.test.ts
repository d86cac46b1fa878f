/**
 * `--nxt-date-format epoch` (buildApp's nxtDateFormat): the NXT surface writes DATE and DATETIME
 * values as epoch milliseconds; the seed surface is unchanged. The app is built here (the shared
 * helper builds the default, ISO one), and every response is still checked against the specs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { buildApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend } from '../helpers/backends.js';
import { ResponseChecker } from '../helpers/spec-validator.js';

const KEY = 'nxt-date-format-test-key-0123456789';

describeEachBackend('NXT dates as epoch milliseconds', (backend) => {
  let store: Store;
  let url: string;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let checker: ResponseChecker;

  beforeAll(async () => {
    url = await backend.newDatabaseUrl();
    store = await openStore({ url, sqliteSynchronous: 'normal', poolSize: 5 });
    await store.migrate();
    app = await buildApp({ store, accessKeys: createAccessKeyService(store.keys, { bootstrapKey: KEY }), nxtDateFormat: 'epoch' });
    checker = new ResponseChecker((await app.inject({ method: 'GET', url: '/openapi.json' })).json());
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await backend.dispose(url);
  });

  async function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await app.inject({
      method: method as 'GET',
      url: path,
      headers: { accesskey: KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.statusCode, body: checker.check(method, path, res.statusCode, res.headers, res.body) };
  }

  it('get, query, people upsert and users list write DATE and DATETIME as epoch ms; the seed surface keeps strings', async () => {
    const before = Date.now();
    const inserted = await request('POST', '/v1/data/objects/Company', {
      records: [{ Name: 'Epoch Co', RenewalDate: '2027-03-31', OriginalContractDate: '2020-02-29' }],
    });
    expect(inserted.status).toBe(200);
    const gsid = inserted.body.data.records[0].Gsid;

    const got = (await request('GET', `/v1/data/objects/Company/${gsid}`)).body.data.records[0];
    expect(got.RenewalDate).toBe(Date.UTC(2027, 2, 31));
    expect(got.OriginalContractDate).toBe(Date.UTC(2020, 1, 29));
    expect(typeof got.CreatedDate).toBe('number');
    expect(got.CreatedDate).toBeGreaterThanOrEqual(before - 1000);
    expect(got.CreatedDate).toBeLessThanOrEqual(Date.now() + 1000);
    expect(typeof got.ModifiedDate).toBe('number');

    const queried = await request('POST', '/v1/data/objects/query/Company', {
      select: ['RenewalDate', 'CreatedDate'],
      where: { conditions: [{ name: 'CreatedDate', alias: 'A', operator: 'EQ', value: [got.CreatedDate] }], expression: 'A' },
    });
    expect(queried.body.data.records).toEqual([{ RenewalDate: Date.UTC(2027, 2, 31), CreatedDate: got.CreatedDate }]);

    const person = await request('PUT', '/v1/peoplemgmt/v1.0/people', { Email: 'epoch@example.com', FirstName: 'Epoch' });
    expect(person.status).toBe(200);
    expect(typeof person.body.data.CreatedDate).toBe('number');

    await request('POST', '/v1/users/services', { records: [{ FirstName: 'Epoch', Email: 'epoch.user@example.com' }] });
    const users = await request('POST', '/v1/users/services/list', { select: ['CreatedDate'], limit: 1, page: 0, includeTotal: true });
    expect(typeof users.body.data.records[0].CreatedDate).toBe('number');

    const seed = await request('GET', `/v1/companies/${gsid}`);
    expect(seed.body.data.RenewalDate).toBe('2027-03-31');
    expect(seed.body.data.CreatedDate).toBe(new Date(got.CreatedDate).toISOString());
  });

  it('a null DATE stays null', async () => {
    const inserted = await request('POST', '/v1/data/objects/Company', { records: [{ Name: 'No dates' }] });
    const got = (await request('GET', `/v1/data/objects/Company/${inserted.body.data.records[0].Gsid}`)).body.data.records[0];
    expect(got.RenewalDate).toBeNull();
  });
});
