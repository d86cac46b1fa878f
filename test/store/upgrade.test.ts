/**
 * A database from before the object registry drove the tables (only the versioned migrations
 * applied, seed columns only, people with a CompanyId and no company_person table) comes up to
 * date at the next start: new columns and tables appear, existing records keep their values, and
 * every person's CompanyId gets its company_person link.
 */
import { afterEach, expect, it } from 'vitest';
import { Company, CompanyPerson, Person } from '../../src/domain/objects/index.js';
import { createRegistry } from '../../src/domain/registry.js';
import { EMPTY_SCHEMA_DOCUMENT } from '../../src/schema/files.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { defineObject } from '../../src/domain/object-model.js';
import { createStore, openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend } from '../helpers/backends.js';

describeEachBackend('upgrade of an existing database', (backend) => {
  let store: Store | undefined;
  let url: string | undefined;
  afterEach(async () => {
    await store?.close();
    if (url) await backend.dispose(url);
  });

  it('adds the new columns and tables, keeps the records, and links every CompanyId', async () => {
    url = await backend.newDatabaseUrl();
    store = await openStore({ url, sqliteSynchronous: 'normal' });
    await migrateToLatest(store.database);
    const { db } = store.database;
    const at = '2026-01-01T00:00:00.000Z';
    const company = (n: number) => `C${String(n).padStart(35, '0')}`;
    const person = (n: number) => `P${String(n).padStart(35, '0')}`;
    await db.insertInto('company').values([1, 2].map((n) => ({ gsid: company(n), name: `Co ${n}`, lifecycle_stage: 'Adopting', created_date: at, modified_date: at }))).execute();
    await db
      .insertInto('person')
      .values([1, 2, 3].map((n) => ({ gsid: person(n), first_name: `P${n}`, company_id: n === 3 ? null : company(n), created_date: at, modified_date: at })))
      .execute();

    const { applied } = await store.migrate();
    expect(applied).toEqual(
      expect.arrayContaining([
        'create table company_person (object company_person, 8 fields)',
        'add column company.csm (field Company.Csm, LOOKUP to gsuser)',
        'record the company_person links of Person.CompanyId',
      ]),
    );
    const links = await store.records(CompanyPerson).list({ offset: 0, limit: 10 });
    expect(links.records.map((link) => [link.Person_ID, link.Company_ID]).sort()).toEqual([
      [person(1), company(1)],
      [person(2), company(2)],
    ]);
    expect(await store.records(Company).get(company(1))).toMatchObject({ Name: 'Co 1', LifecycleStage: 'Adopting' });
    expect(await store.records(Person).get(person(3))).toMatchObject({ FirstName: 'P3' });
    // A second start finds nothing to do.
    expect((await store.migrate()).applied).toEqual([]);
  });
});

describeEachBackend('a field made unique ignoring case later', (backend) => {
  it('fills its key column from the stored values, so the rule holds for old rows too', async () => {
    const url = await backend.newDatabaseUrl();
    const before = defineObject({
      name: 'Member',
      plural: 'members',
      description: 'x',
      table: 'member',
      fields: { Gsid: { type: 'gsid', readOnly: true, description: 'x' }, Handle: { type: 'string', description: 'x' } },
    });
    const after = defineObject({
      name: 'Member',
      plural: 'members',
      description: 'x',
      table: 'member',
      fields: { Gsid: { type: 'gsid', readOnly: true, description: 'x' }, Handle: { type: 'string', uniqueIgnoringCase: true, description: 'x' } },
    });
    const schema = (object: typeof before) => ({ registry: createRegistry([object]), document: EMPTY_SCHEMA_DOCUMENT });
    const first = await openStore({ url, sqliteSynchronous: 'normal', schema: schema(before) });
    try {
      await first.migrate();
      await first.records(before).insert({ Gsid: 'M'.repeat(36), Handle: 'MiXeD' });
      // The same database under the new description (a second store over the same connection).
      const upgraded = createStore(first.database, schema(after));
      expect((await upgraded.migrate()).applied).toContain('add column member.handle_key (lower-cased key of Member.Handle)');
      expect(await upgraded.records(after).findGsids({ Handle: 'mixed' }, 2)).toEqual(['M'.repeat(36)]);
    } finally {
      await first.close();
      await backend.dispose(url);
    }
  });
});
