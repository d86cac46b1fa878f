/**
 * The NXT people upsert (PUT /v1/peoplemgmt/v1.0/people and PUT /v1.0/api/people), the event
 * manager (POST/GET /v1.0/api/eventManager/event) and the users API (/v1/users/services).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, expectError, type TestApp, type TestResponse } from '../helpers/app.js';

const GSID = /^[0-9A-Z]{36}$/;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MISSING_ID = 'Z'.repeat(36);
const PEOPLE_ROUTES = ['/v1/peoplemgmt/v1.0/people', '/v1.0/api/people'];
const EVENT_URL = '/v1.0/api/eventManager/event';

function expectFailure(res: TestResponse, status: number, field?: string): void {
  const context = JSON.stringify(res.body);
  if (res.status !== status || res.body.result !== false) throw new Error(`expected ${status}, got ${res.status} ${context}`);
  if (field !== undefined && !String(res.body.errorDesc).toLowerCase().includes(field.toLowerCase())) {
    throw new Error(`expected errorDesc to name ${field}: ${context}`);
  }
}

describeEachBackend('NXT people upsert', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  let sequence = 0;
  const email = (prefix = 'up') => `${prefix}.${++sequence}@example.com`;

  async function insert(object: string, records: unknown[]): Promise<string[]> {
    const res = await t.request('POST', `/v1/data/objects/${object}`, { body: { records } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
  }

  async function query(object: string, conditions: { name: string; operator: string; value: unknown[] }[]): Promise<any[]> {
    const res = await t.request('POST', `/v1/data/objects/query/${object}`, {
      body: { where: { conditions: conditions.map((c, i) => ({ alias: String.fromCharCode(65 + i), ...c })) }, limit: 5000 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.records;
  }

  const peopleByEmail = (address: string) => query('Person', [{ name: 'Email', operator: 'EQ', value: [address] }]);
  const linksOf = (person: string) => query('company_person', [{ name: 'Person_ID', operator: 'EQ', value: [person] }]);

  async function upsert(url: string, body: unknown): Promise<any> {
    const res = await t.request('PUT', url, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  it.each(PEOPLE_ROUTES)('PUT %s creates a person from a flat body; data is the stored NXT record', async (url) => {
    const address = email('create');
    const res = await t.request('PUT', url, { body: { Email: address, FirstName: 'Ada', LastName: 'Lovelace', Location: 'London' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, errorCode: null, errorDesc: null, message: null });
    const person = res.body.data;
    expect(person).toMatchObject({ Email: address, FirstName: 'Ada', LastName: 'Lovelace', Name: 'Ada Lovelace', Location: 'London', Role: null, EmailOptOut: null });
    expect(person.Gsid).toMatch(GSID);
    expect(person.CreatedDate).toMatch(ISO_DATE_TIME);
    const stored = await t.request('GET', `/v1/data/objects/Person/${person.Gsid}`);
    expect(stored.body.data.records[0]).toEqual(person);
    expect(person).not.toHaveProperty('companies');
  });

  it('upserts by Email ignoring case, through both routes, into one person', async () => {
    const address = email('Upsert');
    const first = await upsert(PEOPLE_ROUTES[0]!, { Email: address, FirstName: 'Grace', LastName: 'Hopper' });
    const second = await upsert(PEOPLE_ROUTES[1]!, { Email: address.toUpperCase(), Role: 'Admiral' });
    const third = await upsert(PEOPLE_ROUTES[0]!, { Email: address.toLowerCase(), EmailOptOut: 'true', Timezone: 'America/New_York' });
    expect(second.Gsid).toBe(first.Gsid);
    expect(third.Gsid).toBe(first.Gsid);
    expect(third).toMatchObject({ FirstName: 'Grace', LastName: 'Hopper', Role: 'Admiral', EmailOptOut: true, Timezone: 'America/New_York' });
    const matching = (await query('Person', [{ name: 'Email', operator: 'CONTAINS', value: [address] }])).map((p) => p.Gsid);
    expect(matching).toEqual([first.Gsid]);
  });

  it('RudderStack identify: a flat person with companies:[{Company_ID}] links once, however often it is sent', async () => {
    const [acme, globex] = await insert('Company', [{ Name: 'Acme Upsert' }, { Name: 'Globex Upsert' }]);
    const address = email('rudder');
    const body = { Email: address, FirstName: 'Rudder', LastName: 'Stack', Name: 'Rudder Stack', companies: [{ Company_ID: acme }] };
    const person = await upsert(PEOPLE_ROUTES[0]!, body);
    await upsert(PEOPLE_ROUTES[0]!, body);
    await upsert(PEOPLE_ROUTES[1]!, body);
    let links = await linksOf(person.Gsid);
    expect(links.map((l) => l.Company_ID)).toEqual([acme]);
    await upsert(PEOPLE_ROUTES[0]!, { Email: address, companies: [{ Company_ID: acme }, { Company_ID: globex }] });
    links = await linksOf(person.Gsid);
    expect(links.map((l) => l.Company_ID).sort()).toEqual([acme, globex].sort());
    expect(await peopleByEmail(address)).toHaveLength(1);
  });

  it('without companies (or an empty list), existing links are kept', async () => {
    const [company] = await insert('Company', [{ Name: 'Kept Link Co' }]);
    const address = email('kept');
    const person = await upsert(PEOPLE_ROUTES[0]!, { Email: address, companies: [{ Company_ID: company }] });
    await upsert(PEOPLE_ROUTES[0]!, { Email: address, Role: 'Changed' });
    await upsert(PEOPLE_ROUTES[1]!, { Email: address, companies: [] });
    expect((await linksOf(person.Gsid)).map((l) => l.Company_ID)).toEqual([company]);
  });

  it.each(PEOPLE_ROUTES)('PUT %s without Email, or with Email null: 400 GSOBJ_1007 naming Email', async (url) => {
    expectError(await t.request('PUT', url, { body: { FirstName: 'No', LastName: 'Email' } }), 400, 'GSOBJ_1007', 'Email');
    expectError(await t.request('PUT', url, { body: { Email: null, FirstName: 'Null' } }), 400, 'GSOBJ_1007', 'Email');
  });

  it('an unknown Company_ID: 400, and the person is not created', async () => {
    const address = email('orphan');
    expectFailure(await t.request('PUT', PEOPLE_ROUTES[0]!, { body: { Email: address, companies: [{ Company_ID: MISSING_ID }] } }), 400, 'Company_ID');
    expect(await peopleByEmail(address)).toEqual([]);
    expectFailure(await t.request('PUT', PEOPLE_ROUTES[1]!, { body: { Email: address, companies: [{ Company_ID: 'not-a-gsid' }] } }), 400, 'Company_ID');
    expect(await peopleByEmail(address)).toEqual([]);
  });

  it('bad values and unknown fields: 400 naming the field, nothing written', async () => {
    const address = email('bad');
    expectError(await t.request('PUT', PEOPLE_ROUTES[0]!, { body: { Email: address, EmailOptOut: 'yes' } }), 400, 'GSOBJ_1008', 'EmailOptOut');
    expectError(await t.request('PUT', PEOPLE_ROUTES[0]!, { body: { Email: address, Shoe: 42 } }), 400, 'GSOBJ_1002', 'Shoe');
    expectError(await t.request('PUT', PEOPLE_ROUTES[1]!, { body: { Email: address, CompanyId: MISSING_ID } }), 400, 'GSOBJ_1002', 'CompanyId');
    expect(await peopleByEmail(address)).toEqual([]);
  });

  it('field names follow the case rule (email, firstname)', async () => {
    const address = email('cased');
    const person = await upsert(PEOPLE_ROUTES[1]!, { email: address, firstname: 'Lower', LASTNAME: 'Case' });
    expect(person).toMatchObject({ Email: address, FirstName: 'Lower', LastName: 'Case' });
  });

  it('concurrent upserts of one new Email (RudderStack sends in parallel): all 200, one person, one link', async () => {
    const [company] = await insert('Company', [{ Name: 'Race Co' }]);
    const address = email('race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.request('PUT', PEOPLE_ROUTES[i % 2]!, { body: { Email: i % 3 === 0 ? address.toUpperCase() : address, Role: `r${i}`, companies: [{ Company_ID: company }] } }),
      ),
    );
    for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(new Set(results.map((r) => r.body.data.Gsid)).size).toBe(1);
    const matching = await query('Person', [{ name: 'Email', operator: 'CONTAINS', value: [address] }]);
    expect(matching).toHaveLength(1);
    expect(await linksOf(matching[0].Gsid)).toHaveLength(1);
  });

  it('GET /v1.0/api/people is a connectivity ping: 200 result true', async () => {
    const res = await t.request('GET', '/v1.0/api/people');
    expect(res.status).toBe(200);
    expect(res.body.result).toBe(true);
  });
});

describeEachBackend('NXT events', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const headers = (overrides: Record<string, string | undefined> = {}) => {
    const all: Record<string, string | undefined> = {
      sharedSecret: 'secret-123',
      topicName: 'Usage',
      tenantId: 'tenant-1',
      eventName: 'Login',
      eventVersion: '1.0',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
  };

  async function post(properties: unknown, extra: Record<string, string | undefined> = {}): Promise<string> {
    const res = await t.request('POST', EVENT_URL, { body: properties, headers: headers(extra) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ result: true, errorCode: null, errorDesc: null, requestId: expect.any(String), data: { eventId: expect.any(String) }, message: null });
    return res.body.data.eventId;
  }

  async function read(query: string): Promise<any> {
    const res = await t.request('GET', `${EVENT_URL}?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  it('posts with every header and reads it back by topicName and eventName; sharedSecret is not echoed', async () => {
    const properties = { userId: 'u-1', count: 3, nested: { ok: true }, list: [1, 'two'] };
    const eventId = await post(properties, { topicName: 'Billing', eventName: 'Invoice', contractId: 'contract-9' });
    const data = await read('topicName=Billing&eventName=Invoice');
    expect(data).toEqual({
      records: [
        {
          eventId,
          topicName: 'Billing',
          eventName: 'Invoice',
          eventVersion: '1.0',
          tenantId: 'tenant-1',
          contractId: 'contract-9',
          properties,
          receivedDate: expect.stringMatching(ISO_DATE_TIME),
        },
      ],
      totalCount: 1,
    });
    expect(JSON.stringify(data)).not.toContain('secret-123');
  });

  it('contractId is optional (null when absent); events come oldest first; filters narrow by topic and name', async () => {
    const first = await post({ n: 1 }, { topicName: 'Adoption', eventName: 'Click' });
    const second = await post({ n: 2 }, { topicName: 'Adoption', eventName: 'View' });
    const third = await post({ n: 3 }, { topicName: 'Adoption', eventName: 'Click' });
    const clicks = await read('topicName=Adoption&eventName=Click');
    expect(clicks.records.map((r: { eventId: string }) => r.eventId)).toEqual([first, third]);
    expect(clicks.totalCount).toBe(2);
    expect(clicks.records[0].contractId).toBeNull();
    expect(clicks.records.map((r: { properties: unknown }) => r.properties)).toEqual([{ n: 1 }, { n: 3 }]);
    const topic = await read('topicName=Adoption');
    expect(topic.records.map((r: { eventId: string }) => r.eventId)).toEqual([first, second, third]);
    expect(topic.totalCount).toBe(3);
    expect(await read('topicName=Nothing&eventName=Click')).toEqual({ records: [], totalCount: 0 });
    expect(new Set([first, second, third]).size).toBe(3);
  });

  it('header names are case-insensitive (as HTTP headers are)', async () => {
    const res = await t.request('POST', EVENT_URL, {
      body: { cased: true },
      headers: { SHAREDSECRET: 's', TopicName: 'Cased', tenantid: 't', EVENTNAME: 'E', EventVersion: '2' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await read('topicName=Cased&eventName=E')).records[0]).toMatchObject({ eventVersion: '2', tenantId: 't' });
  });

  it.each(['sharedSecret', 'topicName', 'tenantId', 'eventName', 'eventVersion'])(
    'without the %s header: 400 naming it, nothing stored',
    async (missing) => {
      const res = await t.request('POST', EVENT_URL, { body: { x: 1 }, headers: headers({ [missing]: undefined, topicName: missing === 'topicName' ? undefined : `Missing-${missing}` }) });
      expectFailure(res, 400, missing);
      expect((await read(`topicName=Missing-${missing}`)).records).toEqual([]);
    },
  );

  it('a body that is not a JSON object is a 400, never a 5xx', async () => {
    for (const payload of ['[]', '"text"', 'null', '5']) {
      const res = await t.request('POST', EVENT_URL, { payload, headers: { ...headers({ topicName: 'NotObject' }), 'content-type': 'application/json' } });
      expect(res.status, payload).toBe(400);
    }
    expect((await read('topicName=NotObject')).records).toEqual([]);
  });

  it('without a key: the exact 401 body, nothing stored', async () => {
    const res = await t.request('POST', EVENT_URL, { body: { x: 1 }, headers: headers({ topicName: 'Unauth' }), key: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ result: false, errorCode: 'GS_APIG_2401', errorDesc: 'Unauthorized', requestId: expect.any(String), data: null, message: 'Unauthorized' });
    expect((await read('topicName=Unauth')).records).toEqual([]);
  });
});

describeEachBackend('NXT users', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const users = [
    { FirstName: 'Casey', LastName: 'Morgan', Email: 'casey.morgan@example.com', Title: 'CSM', IsActiveUser: true },
    { FirstName: 'Avery', LastName: 'Chen', Email: 'avery.chen@example.com', Title: 'CSM', IsActiveUser: true },
    { FirstName: 'Blake', LastName: 'Diaz', Email: 'blake.diaz@example.com', Title: 'Manager', IsActiveUser: false },
    { FirstName: 'Drew', LastName: 'Evans', Email: 'drew.evans@example.com', Title: 'CSM', LicenseType: 'Full' },
  ];
  const names = users.map((u) => `${u.FirstName} ${u.LastName}`).sort();
  let gsids: string[] = [];

  beforeAll(async () => {
    const res = await t.request('POST', '/v1/users/services', { body: { records: users } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ count: users.length, errors: null });
    gsids = res.body.data.records.map((r: { Gsid: string }) => r.Gsid);
  });

  async function list(body: Record<string, unknown>): Promise<any> {
    const res = await t.request('POST', '/v1/users/services/list', { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }

  it('POST /v1/users/services answers as an insert: {count, errors:null, records:[{Gsid}]} in input order', async () => {
    expect(gsids).toHaveLength(users.length);
    for (const [i, gsid] of gsids.entries()) {
      expect(gsid).toMatch(GSID);
      const record = (await t.request('GET', `/v1/data/objects/gsuser/${gsid}`)).body.data.records[0];
      expect(record).toMatchObject({ ...users[i], Name: `${users[i]!.FirstName} ${users[i]!.LastName}` });
    }
  });

  it('list with select, limit, page, orderBy and includeTotal pages 0-based', async () => {
    const seen: string[] = [];
    for (let page = 0; page < users.length + 1; page++) {
      const data = await list({ select: ['Gsid', 'Name', 'Email'], limit: 1, page, orderBy: { Name: 'asc' }, includeTotal: true });
      expect(data.totalCount).toBe(users.length);
      if (page < users.length) {
        expect(data.records).toHaveLength(1);
        expect(Object.keys(data.records[0]).sort()).toEqual(['Email', 'Gsid', 'Name']);
        seen.push(data.records[0].Name);
      } else {
        expect(data.records).toEqual([]);
      }
    }
    expect(seen).toEqual(names);
  });

  it('page size 2: page 1 is records 2 and 3', async () => {
    const data = await list({ select: ['Name'], limit: 2, page: 1, orderBy: { Name: 'desc' }, includeTotal: true });
    expect(data.records.map((r: { Name: string }) => r.Name)).toEqual([...names].reverse().slice(2, 4));
  });

  it('where filters the list and the total', async () => {
    const data = await list({
      select: ['Email'],
      limit: 10,
      page: 0,
      orderBy: { Email: 'asc' },
      includeTotal: true,
      where: { conditions: [{ name: 'Title', alias: 'A', operator: 'EQ', value: ['CSM'] }, { name: 'IsActiveUser', alias: 'B', operator: 'EQ', value: [true] }], expression: 'A AND B' },
    });
    expect(data.records).toEqual([{ Email: 'avery.chen@example.com' }, { Email: 'casey.morgan@example.com' }]);
    expect(data.totalCount).toBe(2);
  });

  it('orderBy several keys: Title desc, then FirstName asc', async () => {
    const data = await list({ select: ['FirstName'], limit: 10, page: 0, orderBy: { Title: 'desc', FirstName: 'asc' }, includeTotal: true });
    expect(data.records.map((r: { FirstName: string }) => r.FirstName)).toEqual(['Blake', 'Avery', 'Casey', 'Drew']);
  });

  it('users created here are gsuser records in the data API, and the reverse', async () => {
    const res = await t.request('POST', '/v1/data/objects/query/gsuser', { body: { select: ['Gsid'], limit: 100 } });
    expect(res.body.data.records.map((r: { Gsid: string }) => r.Gsid).sort()).toEqual([...gsids].sort());
    const local = await t.request('POST', '/v1/data/objects/gsuser', { body: { records: [{ FirstName: 'Zed', Email: 'zed@example.com' }] } });
    expect(local.status).toBe(200);
    const data = await list({ select: ['Email'], limit: 10, page: 0, includeTotal: true, where: { conditions: [{ name: 'Email', alias: 'A', operator: 'EQ', value: ['zed@example.com'] }] } });
    expect(data.records).toEqual([{ Email: 'zed@example.com' }]);
    expect(data.totalCount).toBe(1);
    await t.request('DELETE', `/v1/data/objects/gsuser/${local.body.data.records[0].Gsid}`);
  });

  it('a duplicate Email (any case): 409 GSAPI_4090, nothing of the batch written', async () => {
    const res = await t.request('POST', '/v1/users/services', {
      body: { records: [{ FirstName: 'New', Email: 'new.user@example.com' }, { FirstName: 'Dup', Email: 'CASEY.MORGAN@example.com' }] },
    });
    expectError(res, 409, 'GSAPI_4090', 'Email');
    expect((await list({ select: ['Gsid'], limit: 100, page: 0, includeTotal: true })).totalCount).toBe(users.length);
  });

  it('a user without Email: 400 GSOBJ_1007 naming records[0] and Email', async () => {
    const res = await t.request('POST', '/v1/users/services', { body: { records: [{ FirstName: 'NoMail' }] } });
    expectError(res, 400, 'GSOBJ_1007', 'Email');
    expect(res.body.errorDesc).toContain('records[0]');
    expect(res.body.data).toMatchObject({ count: 0, records: null, errors: [{ index: 0, success: false }] });
  });

  it('list: unknown field 400 GSOBJ_1002 naming it; limit over 5000 is a 400', async () => {
    expectError(await t.request('POST', '/v1/users/services/list', { body: { select: ['Shoe'], limit: 1, page: 0 } }), 400, 'GSOBJ_1002', 'Shoe');
    expectFailure(await t.request('POST', '/v1/users/services/list', { body: { select: ['Name'], limit: 5001, page: 0 } }), 400, 'limit');
  });
});
