/**
 * The record counts the database keeps (src/store/record-counter.ts) equal `count(*)` after every
 * kind of write, on both backends: single and batch inserts, a bulk seed (the path that drops and
 * rebuilds indexes), deletes and the cascades they cause, a batch that fails and rolls back, a
 * database whose rows predate the counters, and (PostgreSQL) two nodes writing at once.
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { seedDatabase } from '../../src/seed/generator.js';
import { openStore, type Store } from '../../src/store/store.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { describeEachBackend } from '../helpers/backends.js';

const BASE_DATE = '2026-03-01';

/** Every object table's kept count against count(*). */
async function expectExact(store: Store): Promise<void> {
  for (const object of store.registry.all) {
    const { rows } = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(object.table)}`.execute(store.database.db);
    expect(await store.records(object).count(), object.table).toBe(Number(rows[0]!.n));
  }
}

describeEachBackend('record counts kept by the database', (backend) => {
  const opened: Store[] = [];
  const urls: string[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const url of urls.splice(0)) await backend.dispose(url);
  });

  async function open(url?: string): Promise<Store> {
    const target = url ?? (await backend.newDatabaseUrl());
    if (!url) urls.push(target);
    const store = await openStore({ url: target, sqliteSynchronous: 'normal', poolSize: 4 });
    opened.push(store);
    return store;
  }

  it('stay exact through inserts, a bulk seed, deletes with their cascades, and a failed batch', async () => {
    const store = await open();
    await store.migrate();
    await expectExact(store);
    // 60,000 records: the bulk path (non-unique indexes dropped and rebuilt around the load).
    await seedDatabase(store, { companies: 40_000, people: 20_000, randomSeed: 'count', baseDate: BASE_DATE });
    await expectExact(store);
    const company = store.registry.lookUp('Company')!;
    const person = store.registry.lookUp('Person')!;
    expect(await store.records(company).count()).toBe(40_000);

    // Deleting a company with people (NXT's detach) clears their CompanyId and cascades to links.
    const { records } = await store.records(person).list({ offset: 0, limit: 1 });
    const owner = records[0]!.CompanyId as string;
    expect(await store.records(company).delete(owner, { detach: true })).toBe(true);
    await expectExact(store);

    // A batch that fails (a duplicate Email in it) writes nothing, and counts nothing.
    const before = await store.records(person).count();
    const email = (await store.records(person).list({ offset: 0, limit: 1 })).records[0]!.Email as string;
    const at = new Date().toISOString();
    await expect(
      store.records(person).insertMany([
        { Gsid: 'A'.repeat(36), FirstName: 'New', CreatedDate: at, ModifiedDate: at },
        { Gsid: 'B'.repeat(36), Email: email.toUpperCase(), CreatedDate: at, ModifiedDate: at },
      ]),
    ).rejects.toThrow();
    expect(await store.records(person).count()).toBe(before);
    await expectExact(store);
  });

  it('start from the rows a table already holds when the counters are installed', async () => {
    const store = await open();
    await migrateToLatest(store.database);
    // Rows written before the schema apply installed any counter (an older database).
    const at = '2026-01-01T00:00:00.000Z';
    await store.database.db
      .insertInto('company')
      .values([1, 2, 3].map((n) => ({ gsid: `C${String(n).padStart(35, '0')}`, name: `Co ${n}`, created_date: at, modified_date: at })))
      .execute();
    await sql`delete from record_count`.execute(store.database.db);
    const { applied } = await store.migrate();
    expect(applied).toContain('count the records of company (triggers)');
    expect(await store.records(store.registry.lookUp('Company')!).count()).toBe(3);
    await expectExact(store);
    // A later start installs nothing more.
    expect((await store.migrate()).applied).toEqual([]);
  });

  // Two nodes are two processes on SQLite, whose writes take turns anyway: a PostgreSQL scenario.
  if (backend.name === 'postgres') it('stay exact when two nodes insert and delete at the same moment', async () => {
    const first = await open();
    await first.migrate();
    const second = await open(urls[0]);
    await second.migrate();
    const company = first.registry.lookUp('Company')!;
    const at = () => new Date().toISOString();
    const write = async (store: Store, node: number) => {
      for (let batch = 0; batch < 20; batch++) {
        const rows = Array.from({ length: 25 }, (_, i) => ({
          Gsid: `N${node}B${String(batch).padStart(3, '0')}R${String(i).padStart(3, '0')}`.padEnd(36, '0'),
          Name: `Node ${node} ${batch} ${i}`,
          CreatedDate: at(),
          ModifiedDate: at(),
        }));
        await store.records(company).insertMany(rows);
        await store.records(company).delete(rows[0]!.Gsid as string);
      }
    };
    await Promise.all([write(first, 1), write(second, 2), write(first, 3), write(second, 4)]);
    expect(await first.records(company).count()).toBe(4 * 20 * 24);
    await expectExact(first);
    await expectExact(second);
  });
});
