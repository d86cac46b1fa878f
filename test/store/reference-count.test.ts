/**
 * The reference counts the database keeps (src/store/reference-counter.ts) equal a grouping of
 * the referring table after every kind of write, on both backends: inserts, a bulk seed, updates
 * that move a lookup or clear it, deletes of referring records, a deleted target clearing its
 * referrers, a failed batch, a database whose rows predate the counters, a lookup field added
 * and dropped by a schema (and a lookup not counted dropped), a snapshot restored and a reset,
 * and (PostgreSQL) two nodes writing at once. A
 * report counting records by a lookup answers the same from the counts as from the table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BUILT_IN_REPORTS } from '../../src/domain/reports/builtins.js';
import { planReport } from '../../src/domain/reports/definition.js';
import { loadTenantSchema } from '../../src/schema/files.js';
import { seedDatabase } from '../../src/seed/generator.js';
import { referenceColumnsOf, referenceTriggerName } from '../../src/store/reference-counter.js';
import { createReportRunner } from '../../src/store/report-query.js';
import { createSnapshotStore } from '../../src/store/sandbox-snapshots.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend } from '../helpers/backends.js';

const BASE_DATE = '2026-03-01';

/** Every lookup column's kept counts against a grouping of its table; every lookup column counted. */
async function expectExact(store: Store): Promise<void> {
  const db = store.database.db;
  for (const object of store.registry.all) {
    const columns = referenceColumnsOf(object);
    const counted = await db.selectFrom('reference_counter').select('column_name').where('table_name', '=', object.table).execute();
    expect(counted.map((row) => row.column_name).sort(), `${object.table}: counted columns`).toEqual(columns);
    for (const column of columns) {
      const { rows: kept } = await sql<{ target: string; n: unknown }>`select target, sum(count) as n from reference_count
        where table_name = ${object.table} and column_name = ${column} group by target having sum(count) <> 0`.execute(db);
      const { rows: actual } = await sql<{ target: string; n: unknown }>`select ${sql.ref(column)} as target, count(*) as n
        from ${sql.table(object.table)} where ${sql.ref(column)} is not null group by ${sql.ref(column)}`.execute(db);
      const asMap = (rows: { target: string; n: unknown }[]) => new Map(rows.map((row) => [row.target, Number(row.n)]));
      expect(asMap(kept), `${object.table}.${column}`).toEqual(asMap(actual));
    }
  }
}

describeEachBackend('reference counts kept by the database', (backend) => {
  const opened: Store[] = [];
  const urls: string[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const url of urls.splice(0)) await backend.dispose(url);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function open(url?: string, schema?: ReturnType<typeof loadTenantSchema>): Promise<Store> {
    const target = url ?? (await backend.newDatabaseUrl());
    if (!url) urls.push(target);
    const store = await openStore({ url: target, sqliteSynchronous: 'normal', poolSize: 4, ...(schema ? { schema } : {}) });
    opened.push(store);
    return store;
  }

  /**
   * A new database several stores can open (SQLite: a file, not memory) and a tenant schema that
   * adds one field to Person, declared as `field` (`Name: { ... }` in the schema file's YAML).
   */
  async function databaseWithSchema(field: string) {
    const dir = mkdtempSync(join(tmpdir(), 'gs-refs-'));
    dirs.push(dir);
    const url = backend.name === 'sqlite' ? `sqlite:${join(dir, 'refs.db')}` : await backend.newDatabaseUrl();
    if (backend.name === 'postgres') urls.push(url);
    const file = join(dir, 'schema.yaml');
    writeFileSync(file, `objects:\n  Person:\n    fields:\n      ${field}\n`);
    return { url, schema: loadTenantSchema(file) };
  }

  /** people-by-company as the report engine runs it: from the counts, and (marker removed) from the table. */
  async function peopleByCompanyBothWays(store: Store) {
    const report = BUILT_IN_REPORTS.find((r) => r.id === 'people-by-company')!;
    const plan = planReport(report.definition({}, BASE_DATE), { lookUp: (name) => store.registry.lookUp(name) });
    const fromCounts = await store.reportRunner.run(plan);
    await store.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('reference_counter').where('table_name', '=', 'person').execute();
      const fromTable = await createRunnerIn(store, trx).run(plan);
      expect(fromCounts).toEqual(fromTable);
      // Rolled back: the counts stay kept.
      throw new RollBack();
    }).catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
    return fromCounts;
  }

  it('stay exact through inserts, a bulk seed, moved and cleared lookups, deletes and a failed batch', async () => {
    const store = await open();
    await store.migrate();
    await expectExact(store);
    // The bulk path (non-unique indexes dropped and rebuilt around the load).
    await seedDatabase(store, { companies: 3_000, people: 9_000, randomSeed: 'refs', baseDate: BASE_DATE });
    await expectExact(store);
    const company = store.registry.lookUp('Company')!;
    const person = store.registry.lookUp('Person')!;
    const people = (await store.records(person).list({ offset: 0, limit: 40 })).records;
    const companies = (await store.records(company).list({ offset: 0, limit: 5 })).records;

    // Moved to another company, cleared, set from nothing, rewritten with the same value.
    for (const [i, row] of people.slice(0, 10).entries()) {
      await store.records(person).update(row.Gsid as string, { CompanyId: companies[i % 5]!.Gsid, ModifiedDate: new Date().toISOString() });
    }
    for (const row of people.slice(10, 15)) await store.records(person).update(row.Gsid as string, { CompanyId: null, ModifiedDate: new Date().toISOString() });
    await store.records(person).update(people[10]!.Gsid as string, { CompanyId: companies[0]!.Gsid, ModifiedDate: new Date().toISOString() });
    await store.records(person).update(people[0]!.Gsid as string, { CompanyId: companies[0]!.Gsid, ModifiedDate: new Date().toISOString() });
    await expectExact(store);

    // People deleted; a company deleted with its people detached (their CompanyId cleared).
    for (const row of people.slice(20, 30)) await store.records(person).delete(row.Gsid as string);
    expect(await store.records(company).delete(companies[1]!.Gsid as string, { detach: true })).toBe(true);
    await expectExact(store);

    // A batch that fails (a duplicate Email in it) writes nothing, and counts nothing.
    const email = people[35]!.Email as string;
    const at = new Date().toISOString();
    await expect(
      store.records(person).insertMany([
        { Gsid: 'A'.repeat(36), FirstName: 'New', CompanyId: companies[2]!.Gsid, CreatedDate: at, ModifiedDate: at },
        { Gsid: 'B'.repeat(36), Email: email.toUpperCase(), CompanyId: companies[2]!.Gsid, CreatedDate: at, ModifiedDate: at },
      ]),
    ).rejects.toThrow();
    await expectExact(store);

    const report = await peopleByCompanyBothWays(store);
    expect(report.records.length).toBeGreaterThan(1000 - 1);
  });

  it('start from the rows a table already holds when the counters are installed', async () => {
    const store = await open();
    await store.migrate();
    await seedDatabase(store, { companies: 50, people: 200, randomSeed: 'older', baseDate: BASE_DATE });
    // As before migration 0013: no triggers, no counts.
    for (const operation of ['insert', 'delete', 'update'] as const) {
      const trigger = sql.id(referenceTriggerName('person', operation));
      await sql`drop trigger if exists ${trigger} ${backend.name === 'postgres' ? sql`on person` : sql``}`.execute(store.database.db);
    }
    await sql`delete from reference_count`.execute(store.database.db);
    await sql`delete from reference_counter`.execute(store.database.db);
    // Read the long way meanwhile, and right.
    await peopleByCompanyBothWays(store);
    const { applied } = await store.migrate();
    expect(applied).toContain('count the references of person (company_id) (triggers)');
    await expectExact(store);
    expect((await store.migrate()).applied).toEqual([]);
  });

  it('follow a schema that adds a lookup field and then drops it', async () => {
    const { url, schema } = await databaseWithSchema('ReferredBy__gc: { type: LOOKUP, object: Company, label: Referred by, keepReferrerCounts: true }');
    const first = await open(url, schema);
    const person = first.registry.lookUp('Person')!;
    const columns = referenceColumnsOf(person);
    const added = columns.find((column) => column !== 'company_id')!;
    expect(columns).toHaveLength(2);
    expect((await first.migrate()).applied).toContain(`count the references of person (${columns.join(', ')}) (triggers)`);
    await seedDatabase(first, { companies: 20, people: 60, randomSeed: 'schema', baseDate: BASE_DATE });
    const someone = (await first.records(person).list({ offset: 0, limit: 1 })).records[0]!;
    const company = (await first.records(first.registry.lookUp('Company')!).list({ offset: 0, limit: 1 })).records[0]!;
    await first.records(person).update(someone.Gsid as string, { ReferredBy__gc: company.Gsid, ModifiedDate: new Date().toISOString() });
    await expectExact(first);
    const referred = async () =>
      Number((await sql<{ n: unknown }>`select coalesce(sum(count), 0) as n from reference_count where column_name = ${added}`.execute(first.database.db)).rows[0]!.n);
    expect(await referred()).toBe(1);

    // Dropped again: the column goes (SQLite refuses while a trigger names it) and its counts too.
    const without = await open(url);
    const dropped = await without.migrate({ drop: ['Person.ReferredBy__gc'] });
    expect(dropped.applied).toContain('count the references of person (company_id) (triggers)');
    await expectExact(without);
    expect(await referred()).toBe(0);
  });

  it('are exact again after a snapshot is restored and after a reset', async () => {
    const store = await open();
    await store.migrate();
    await seedDatabase(store, { companies: 200, people: 600, randomSeed: 'restore', baseDate: BASE_DATE });
    const snapshots = createSnapshotStore(store.database, store.registry);
    await snapshots.save('before');
    const person = store.registry.lookUp('Person')!;
    const companies = (await store.records(store.registry.lookUp('Company')!).list({ offset: 0, limit: 3 })).records;
    for (const row of (await store.records(person).list({ offset: 0, limit: 30 })).records) {
      await store.records(person).update(row.Gsid as string, { CompanyId: companies[0]!.Gsid, ModifiedDate: new Date().toISOString() });
    }
    await expectExact(store);
    await snapshots.restore('before');
    await expectExact(store);
    await snapshots.reset();
    await expectExact(store);
    await peopleByCompanyBothWays(store);
  });

  it('a lookup that is not counted can be dropped without touching the counted ones', async () => {
    const { url, schema } = await databaseWithSchema('Mentor__gc: { type: LOOKUP, object: Person, label: Mentor }');
    const first = await open(url, schema);
    await first.migrate();
    await seedDatabase(first, { companies: 20, people: 60, randomSeed: 'uncounted', baseDate: BASE_DATE });
    const without = await open(url);
    const { applied } = await without.migrate({ drop: ['Person.Mentor__gc'] });
    expect(applied.some((change) => change.startsWith('count the references'))).toBe(false);
    await expectExact(without);
  });

  // Two nodes are two processes on SQLite, whose writes take turns anyway: a PostgreSQL scenario.
  if (backend.name === 'postgres') it('stay exact when two nodes insert, move and delete at the same moment', async () => {
    const first = await open();
    await first.migrate();
    const second = await open(urls[0]);
    await second.migrate();
    await seedDatabase(first, { companies: 10, people: 0, randomSeed: 'nodes', baseDate: BASE_DATE });
    const company = first.registry.lookUp('Company')!;
    const person = first.registry.lookUp('Person')!;
    const targets = (await first.records(company).list({ offset: 0, limit: 10 })).records.map((row) => row.Gsid as string);
    const at = () => new Date().toISOString();
    const write = async (store: Store, node: number) => {
      for (let batch = 0; batch < 15; batch++) {
        const rows = Array.from({ length: 20 }, (_, i) => ({
          Gsid: `P${node}B${String(batch).padStart(3, '0')}R${String(i).padStart(3, '0')}`.padEnd(36, '0'),
          FirstName: `Node ${node} ${batch} ${i}`,
          // Every batch refers to the same companies in opposite orders on the two nodes.
          CompanyId: targets[(node % 2 === 0 ? i : 19 - i) % 10]!,
          CreatedDate: at(),
          ModifiedDate: at(),
        }));
        await store.records(person).insertMany(rows);
        await store.records(person).update(rows[1]!.Gsid as string, { CompanyId: targets[(batch + node) % 10]!, ModifiedDate: new Date().toISOString() });
        await store.records(person).update(rows[2]!.Gsid as string, { CompanyId: null, ModifiedDate: new Date().toISOString() });
        await store.records(person).delete(rows[0]!.Gsid as string);
      }
    };
    await Promise.all([write(first, 1), write(second, 2), write(first, 3), write(second, 4)]);
    expect(await first.records(person).count()).toBe(4 * 15 * 19);
    await expectExact(first);
    await peopleByCompanyBothWays(second);
  });
});

class RollBack extends Error {}

/** A report runner on a transaction (so a test can read a state it then rolls back). */
function createRunnerIn(store: Store, trx: Store['database']['db']) {
  return createReportRunner({ ...store.database, db: trx });
}
