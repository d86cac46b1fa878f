/**
 * Seeding any object (`seed --object`, src/seed/any-object.ts) and the standard objects' part of
 * `--demo` (src/seed/demo-standard.ts), on both backends: every generated record is one the NXT
 * surface itself would accept (checked with its own insert validator), lookups point at records
 * that exist, and the demo's records hang together with the demo companies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { viewOf, type ObjectDescription } from '../../src/domain/object-model.js';
import { compileRecordValidators, createAjv } from '../../src/domain/validation.js';
import { loadTenantSchema } from '../../src/schema/files.js';
import { seedObject } from '../../src/seed/any-object.js';
import { loadDemoData } from '../../src/seed/demo.js';
import { seedDatabase } from '../../src/seed/generator.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend } from '../helpers/backends.js';
import { makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';

const TENANT = 'test/fixtures/schema/tenant.yaml';
const BASE_DATE = '2026-03-01';

/** Every record of an object, as stored (page by page). */
async function all(store: Store, object: ObjectDescription): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await store.records(object).list({ offset, limit: 500 });
    records.push(...page.records);
    if (page.records.length < 500) return records;
  }
}

describeEachBackend('seed --object', (backend) => {
  let store: Store | undefined;
  let url: string | undefined;
  afterEach(async () => {
    await store?.close();
    if (url) await backend.dispose(url);
  });

  async function open(schemaFile?: string): Promise<Store> {
    url = await backend.newDatabaseUrl();
    store = await openStore({ url, sqliteSynchronous: 'normal', schema: loadTenantSchema(schemaFile) });
    await store.migrate();
    return store;
  }

  it('seeds records of any object that the NXT surface would accept, with lookups to existing records', async () => {
    const s = await open(TENANT);
    await seedDatabase(s, { companies: 30, people: 0, randomSeed: 'base', baseDate: BASE_DATE });
    const object = (name: string) => s.registry.lookUp(name)!;
    await seedObject(s, object('gsuser'), { count: 10, randomSeed: 'u', baseDate: BASE_DATE });
    for (const name of ['subscription__gc', 'call_to_action']) {
      await seedObject(s, object(name), { count: 120, randomSeed: 'x', baseDate: BASE_DATE });
    }
    const ajv = createAjv();
    const gsids = async (name: string) => new Set((await all(s, object(name))).map((record) => record.Gsid));
    const companies = await gsids('Company');
    const users = await gsids('gsuser');
    for (const name of ['subscription__gc', 'call_to_action']) {
      const view = viewOf(object(name), 'nxt');
      const insert = compileRecordValidators(ajv, view).insert;
      const records = await all(s, object(name));
      expect(records, name).toHaveLength(120);
      for (const record of records) {
        const writable = Object.fromEntries(Object.entries(record).filter(([field]) => !view.fieldByName.get(field)?.readOnly));
        expect(() => insert(writable), `${name} ${JSON.stringify(record)}`).not.toThrow();
        // Lookups point at records that exist (the database's foreign keys say so too).
        if (record.Company__gc !== null && record.Company__gc !== undefined) expect(companies.has(record.Company__gc)).toBe(true);
        if (record.Owner__gc !== null && record.Owner__gc !== undefined) expect(users.has(record.Owner__gc)).toBe(true);
        if (record.CompanyId !== null && record.CompanyId !== undefined) expect(companies.has(record.CompanyId)).toBe(true);
      }
    }
    const subscriptions = await all(s, object('subscription__gc'));
    // Unique fields are unique; required ones always set; picklists hold their labels.
    expect(new Set(subscriptions.map((r) => String(r.Name).toLowerCase())).size).toBe(120);
    expect(new Set(subscriptions.map((r) => String(r.Code__gc).toLowerCase())).size).toBe(120);
    expect(subscriptions.every((r) => typeof r.Amount__gc === 'number')).toBe(true);
    expect(new Set(subscriptions.map((r) => r.Tier__gc).filter(Boolean))).toEqual(new Set(['Gold', 'Silver', 'Bronze']));
    expect(subscriptions.some((r) => r.Company__gc)).toBe(true);
  });

  it('gives the same records for the same random seed, and refuses to seed a required lookup with nothing to look up', async () => {
    const s = await open(TENANT);
    const subscription = s.registry.lookUp('subscription__gc')!;
    // Company__gc is optional: without companies, the records have none.
    await seedObject(s, subscription, { count: 5, randomSeed: 'same', baseDate: BASE_DATE });
    const first = await all(s, subscription);
    expect(first.every((record) => (record.Company__gc ?? null) === null)).toBe(true);
    const otherUrl = await backend.newDatabaseUrl();
    const other = await openStore({ url: otherUrl, sqliteSynchronous: 'normal', schema: s.schema });
    try {
      await other.migrate();
      await seedObject(other, subscription, { count: 5, randomSeed: 'same', baseDate: BASE_DATE });
      expect(await all(other, subscription)).toEqual(first);
    } finally {
      await other.close();
      await backend.dispose(otherUrl);
    }
    const required = { ...subscription.fieldByName.get('Company__gc')!, required: true };
    const strict = { ...subscription, writableFields: subscription.writableFields.map((field) => (field.name === 'Company__gc' ? required : field)) };
    await expect(seedObject(s, strict, { count: 1, randomSeed: 'r', baseDate: BASE_DATE })).rejects.toThrow(
      /subscription__gc\.Company__gc needs a Company to look up, and there is none: seed Company first/,
    );
  });
});

describeEachBackend('--demo: the standard objects', (backend) => {
  let stores: Store[] = [];
  const urls: string[] = [];
  afterEach(async () => {
    for (const store of stores) await store.close();
    for (const url of urls.splice(0)) await backend.dispose(url);
    stores = [];
  });

  async function demo(): Promise<Store> {
    const url = await backend.newDatabaseUrl();
    urls.push(url);
    const store = await openStore({ url, sqliteSynchronous: 'normal' });
    stores.push(store);
    await store.migrate();
    expect(await loadDemoData(store, new Date(`${BASE_DATE}T12:00:00Z`))).toBeDefined();
    return store;
  }

  it('adds CSMs, Cockpit picklist items, and a plan, a CTA with tasks and an activity for each company that needs attention', async () => {
    const store = await demo();
    const records = (name: string) => all(store, store.registry.lookUp(name)!);
    const companies = await records('Company');
    const users = await records('gsuser');
    const items = new Map((await records('da_picklist')).map((item) => [item.Gsid, item]));
    const ctas = await records('call_to_action');
    const tasks = await records('cs_task');
    const plans = await records('cta_group');
    const activities = await records('activity_timeline');

    const needing = companies.filter((company) => ['At Risk', 'Renewing', 'Onboarding'].includes(company.LifecycleStage as string));
    expect(needing.length).toBeGreaterThan(0);
    expect(ctas).toHaveLength(needing.length);
    expect(plans).toHaveLength(needing.length);
    expect(activities).toHaveLength(needing.length);
    const userName = new Map(users.map((user) => [user.Gsid, user.Name]));
    const companyById = new Map(companies.map((company) => [company.Gsid, company]));
    for (const cta of ctas) {
      const company = companyById.get(cta.CompanyId)!;
      expect(needing).toContain(company);
      // Owned by the company's CSM; status, priority and type are items of their categories.
      expect(userName.get(cta.OwnerId)).toBe(company.CSMName);
      expect(items.get(cta.StatusId)?.Category).toBe('CTA Status');
      expect(items.get(cta.PriorityId)?.Category).toBe('CTA Priority');
      expect(items.get(cta.TypeId)?.Category).toBe('CTA Type');
      expect(company.LifecycleStage === 'At Risk' ? 'Risk' : 'Lifecycle').toBe(items.get(cta.TypeId)?.Name);
      const own = tasks.filter((task) => task.CtaId === cta.Gsid);
      expect(own.length).toBe(cta.TotalTaskCount);
      for (const task of own) expect(task).toMatchObject({ CompanyId: cta.CompanyId, CtaGroupId: cta.CtaGroupId, OwnerId: cta.OwnerId });
      expect(plans.find((plan) => plan.Gsid === cta.CtaGroupId)).toMatchObject({ CompanyId: cta.CompanyId });
    }
    for (const activity of activities) expect(activity.LastModifiedDate).toBe(activity.ModifiedDate);
  });

  it('is the same data set on every run for the same date', async () => {
    const [a, b] = [await demo(), await demo()];
    for (const name of ['gsuser', 'da_picklist', 'call_to_action', 'cs_task', 'cta_group', 'activity_timeline']) {
      expect(await all(b, b.registry.lookUp(name)!), name).toEqual(await all(a, a.registry.lookUp(name)!));
    }
  });
});

describe('gainsight-api seed --object (command line)', () => {
  afterEach(() => removeTempDirs());

  it('seeds any object, and says what to do for Company, Person and unknown names', async () => {
    const db = `sqlite:${makeTempDir()}/seed.db`;
    expect((await runCli(['seed', '--companies', '10', '--db', db])).code).toBe(0);
    const seeded = await runCli(['seed', '--object', 'call_to_action', '--count', '25', '--db', db]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/^Seeded 25 call_to_action records into sqlite in \d+\.\d s\.$/m);
    const company = await runCli(['seed', '--object', 'company', '--count', '5', '--db', db]);
    expect(company).toMatchObject({ code: 1 });
    expect(company.stderr.trim()).toBe('gainsight-api: --object Company: use --companies 5, which makes realistic ones');
    const unknown = await runCli(['seed', '--object', 'nothing', '--count', '5', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^gainsight-api: --object nothing: no such object; the schema has gsuser, Company, .*call_to_action/);
  });
});
