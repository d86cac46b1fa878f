/**
 * "Acknowledged writes survive kill -9 of the server": the real CLI on a real database, writes
 * acknowledged over HTTP, SIGKILL right after the last acknowledgement, restart on the same
 * database, and every acknowledged record must be there exactly as acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropSchema, postgresUrl, withSchema } from '../helpers/backends.js';
import {
  E2E_ACCESS_KEY,
  api,
  listAll,
  removeTempDirs,
  startServer,
  stopAllServers,
  tempSqliteUrl,
  type ApiResponse,
} from '../helpers/cli.js';

const key = E2E_ACCESS_KEY;

afterEach(stopAllServers);
afterAll(removeTempDirs);

function ok(response: ApiResponse, what: string): any {
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data;
}

/** Runs `count` tasks with at most `width` in flight. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function killAndVerify(databaseUrl: string): Promise<void> {
  const env = { DATABASE_URL: databaseUrl, GS_ACCESS_KEY: key };
  const server = await startServer({ env });
  const base = server.url;

  // What the server acknowledged, by Gsid: the last acknowledged state, or null once deleted.
  const companies = new Map<string, any>();
  const people = new Map<string, any>();

  await inParallel(200, 4, async (i) => {
    const created = ok(
      await api(base, 'POST', '/v1/companies', {
        key,
        body: { Name: `Durable ${i}`, ARR: i * 1000.5, Employees: i, Industry: 'Software', RenewalDate: '2027-02-28' },
      }),
      `create company ${i}`,
    );
    companies.set(created.Gsid, created);
  });
  const ids = [...companies.keys()];

  await inParallel(40, 4, async (i) => {
    const Gsid = ids[i * 3]!;
    const person = ok(
      await api(base, 'POST', '/v1/people', {
        key,
        body: { FirstName: `First${i}`, LastName: 'Durable', Email: `p${i}@durable.example.com`, CompanyId: Gsid },
      }),
      `create person ${i}`,
    );
    people.set(person.Gsid, person);
  });

  // Updates, merge patches and deletes, each remembered only once acknowledged.
  for (let i = 1; i < 60; i += 3) {
    const Gsid = ids[i]!;
    companies.set(Gsid, ok(await api(base, 'PUT', `/v1/companies/${Gsid}`, { key, body: { Name: `Renamed ${i}`, ARR: 1 } }), 'PUT'));
  }
  for (let i = 2; i < 60; i += 3) {
    const Gsid = ids[i]!;
    companies.set(
      Gsid,
      ok(await api(base, 'PATCH', `/v1/companies/${Gsid}`, { key, body: { Industry: null, Status: 'Churned' } }), 'PATCH'),
    );
  }
  const personIds = [...people.keys()];
  for (const Gsid of personIds.slice(0, 10)) {
    people.set(Gsid, ok(await api(base, 'PATCH', `/v1/people/${Gsid}`, { key, body: { Role: 'Champion', Email: null } }), 'PATCH person'));
  }
  for (const Gsid of personIds.slice(30)) {
    ok(await api(base, 'DELETE', `/v1/people/${Gsid}`, { key }), 'DELETE person');
    people.set(Gsid, null);
  }
  // Companies no person points at: every 3rd from 1 on is never referenced (people use i*3).
  const deletable = ids.filter((_, i) => i % 3 !== 0 && i >= 150);
  for (const Gsid of deletable) {
    ok(await api(base, 'DELETE', `/v1/companies/${Gsid}`, { key }), 'DELETE company');
    companies.set(Gsid, null);
  }
  // The last acknowledged write, then kill -9 at once.
  const last = ok(await api(base, 'PUT', `/v1/companies/${ids[0]}`, { key, body: { Name: 'The very last write' } }), 'last PUT');
  server.child.kill('SIGKILL');
  companies.set(last.Gsid, last);
  const killed = await server.exited;
  expect(killed.signal).toBe('SIGKILL');

  const restarted = await startServer({ env });
  const expectedCompanies = [...companies.values()].filter((record) => record !== null);
  const expectedPeople = [...people.values()].filter((record) => record !== null);

  // Exactly the acknowledged records, nothing more and nothing less...
  const byGsid = (a: any, b: any) => (a.Gsid < b.Gsid ? -1 : 1);
  expect((await listAll(restarted.url, '/v1/companies', key)).sort(byGsid)).toEqual(expectedCompanies.sort(byGsid));
  expect((await listAll(restarted.url, '/v1/people', key)).sort(byGsid)).toEqual(expectedPeople.sort(byGsid));

  // ...each readable by id as acknowledged, and the deleted ones gone.
  for (const [Gsid, record] of [...companies].slice(0, 60)) {
    const fetched = await api(restarted.url, 'GET', `/v1/companies/${Gsid}`, { key });
    if (record === null) expect(fetched.status, `deleted company ${Gsid}`).toBe(404);
    else expect(fetched.body.data).toEqual(record);
  }
  for (const [Gsid, record] of people) {
    const fetched = await api(restarted.url, 'GET', `/v1/people/${Gsid}`, { key });
    if (record === null) expect(fetched.status, `deleted person ${Gsid}`).toBe(404);
    else expect(fetched.body.data).toEqual(record);
  }
  for (const Gsid of deletable.slice(0, 5)) {
    expect((await api(restarted.url, 'GET', `/v1/companies/${Gsid}`, { key })).status).toBe(404);
  }

  expect(await restarted.stop('SIGTERM')).toEqual({ code: 0, signal: null });
}

describe('acknowledged writes survive kill -9 [sqlite, synchronous=full]', () => {
  it('finds every acknowledged create, update and delete after SIGKILL and restart', async () => {
    await killAndVerify(tempSqliteUrl('durable.db'));
  }, 60_000);
});

describe.skipIf(postgresUrl === undefined)('acknowledged writes survive kill -9 [postgres]', () => {
  const schema = `e2e_durable_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    await stopAllServers();
    await dropSchema(postgresUrl!, schema);
  });

  it('finds every acknowledged create, update and delete after SIGKILL and restart', async () => {
    await killAndVerify(withSchema(postgresUrl!, schema));
  }, 60_000);
});
