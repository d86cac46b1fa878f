/**
 * Schema files through the command-line program as users run it (`node dist/cli/main.js`, built
 * by `npm run build`), on SQLite files in temp directories: `serve --schema` and `GS_SCHEMA`,
 * `schema diff | apply [--drop] | export | import`, `--schema` on the other commands, and the
 * one-line refusals that leave the database as it was.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantSchema } from '../../src/schema/files.js';
import { openStore, type Store } from '../../src/store/store.js';
import {
  E2E_ACCESS_KEY,
  REPO_ROOT,
  api,
  makeTempDir,
  oneLineFailure,
  removeTempDirs,
  runCli,
  startServer,
  stopAllServers,
  type CliResult,
} from '../helpers/cli.js';

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/schema', name);
const TENANT = fixture('tenant.yaml');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

afterEach(stopAllServers);
afterAll(async () => {
  await stopAllServers();
  removeTempDirs();
});

/** A new temp directory and the `sqlite:` URL of a database file in it (not created yet). */
function newDatabase(): { dir: string; db: string } {
  const dir = makeTempDir('gs-schema-e2e-');
  return { dir, db: `sqlite:${join(dir, 'gainsight.db')}` };
}

/** Every file of a directory and a hash of its bytes. */
function filesIn(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')]));
}

function succeeded(result: CliResult): string {
  expect(result.code, JSON.stringify(result)).toBe(0);
  return result.stdout;
}

/** The change lines `schema diff` and `schema apply` print (indented by two spaces). */
const changeLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());

const NO_CHANGES = '  none: the database matches the schema';

describe('a bad schema file', () => {
  it('stops serve with one line naming the file, object and field, before a database is created', async () => {
    const { dir, db } = newDatabase();
    const file = fixture('bad-lookup.yaml');
    const line = oneLineFailure(await runCli(['serve', '--port', '0', '--db', db, '--schema', file]));
    expect(line).toMatch(new RegExp(`^gainsight-api: ${escapeRegExp(file)}: Company\\.Plan__gc: looks up nosuch__gc`));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops serve without touching an existing database', async () => {
    const { dir, db } = newDatabase();
    const store = await openStore({ url: db, schema: loadTenantSchema(fixture('apply-v1.yaml')) });
    await store.migrate();
    await store.close();
    const before = filesIn(dir);
    const file = fixture('bad-duplicate-case.yaml');
    const line = oneLineFailure(await runCli(['serve', '--port', '0', '--db', db, '--schema', file]));
    expect(line).toBe(`gainsight-api: ${file}: Company.TIER__gc: the same name as Tier__gc ignoring case; field names must differ in more than case`);
    expect(filesIn(dir)).toEqual(before);
  });
});

describe('GS_SCHEMA', () => {
  it('works as --schema: serve applies the file and serves its custom object', async () => {
    const { db } = newDatabase();
    const server = await startServer({ env: { DATABASE_URL: db, GS_SCHEMA: TENANT, GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    const key = E2E_ACCESS_KEY;
    const subscription = {
      Name: 'Gold plan',
      Code__gc: 'GP-1',
      Amount__gc: 1200.5,
      Seats__gc: 25,
      AutoRenew__gc: true,
      StartDate__gc: '2026-02-01',
      Tier__gc: 'Gold',
    };
    const created = await api(server.url, 'POST', '/v1/data/objects/subscription__gc', { key, body: { records: [subscription] } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const subscriptionGsid = created.body.data.records[0].Gsid as string;
    const read = await api(server.url, 'GET', `/v1/data/objects/subscription__gc/${subscriptionGsid}`, { key });
    expect(read.status).toBe(200);
    expect(read.body.data.records[0]).toMatchObject({ Gsid: subscriptionGsid, ...subscription });

    // Company has the file's custom fields, the lookup to the custom object included.
    const company = await api(server.url, 'POST', '/v1/data/objects/Company', {
      key,
      body: { records: [{ Name: 'Acme', Segment__gc: 'SMB', HealthScore__gc: 81, Subscription__gc: subscriptionGsid }] },
    });
    expect(company.status, JSON.stringify(company.body)).toBe(200);
    const companyGsid = company.body.data.records[0].Gsid as string;
    expect((await api(server.url, 'GET', `/v1/data/objects/Company/${companyGsid}`, { key })).body.data.records[0]).toMatchObject({
      Name: 'Acme',
      Segment__gc: 'SMB',
      HealthScore__gc: 81,
      Subscription__gc: subscriptionGsid,
    });
    const objects = await api(server.url, 'GET', '/v1/meta/services/objects/list', { key });
    expect(objects.body.data.map((object: { objectName: string }) => object.objectName)).toContain('subscription__gc');
    expect(await server.stop()).toEqual({ code: 0, signal: null });

    // The database holds exactly that file: a one-shot command given it by GS_SCHEMA finds
    // nothing to change (without it, the file's objects would be refused as removals).
    expect(succeeded(await runCli(['schema', 'diff', '--db', db], { env: { GS_SCHEMA: TENANT } }))).toContain(NO_CHANGES);
  });
});

describe('schema diff | apply | export', () => {
  it('diff says what apply does; a removal needs --drop; the export is the schema in force', async () => {
    const { dir, db } = newDatabase();
    const v1 = fixture('apply-v1.yaml');
    const v2 = fixture('apply-v2.yaml');
    const first = succeeded(await runCli(['schema', 'apply', '--db', db, '--schema', v1]));
    expect(first).toContain(`Schema applied to sqlite from ${v1}:`);
    expect(changeLines(first)).toEqual(
      expect.arrayContaining(['create table plan__gc (object plan__gc, 6 fields)', 'add column company.tier__gc (field Company.Tier__gc, STRING)']),
    );

    // v2 lacks Company.Score__gc: refused without --drop, changing nothing.
    const before = filesIn(dir);
    const line = oneLineFailure(await runCli(['schema', 'apply', '--db', db, '--schema', v2]));
    expect(line).toMatch(new RegExp(`^gainsight-api: ${escapeRegExp(v2)}: Company\\.Score__gc: the database holds this field`));
    expect(line).toContain('gainsight-api schema apply --drop Company.Score__gc');
    expect(filesIn(dir)).toEqual(before);

    const diff = changeLines(succeeded(await runCli(['schema', 'diff', v2, '--drop', 'Company.Score__gc', '--db', db])));
    expect(diff).toContain('drop column company.score__gc (field Company.Score__gc, with its values)');
    expect(diff).toContain('create table addon__gc (object addon__gc, 5 fields)');
    expect(filesIn(dir)).toEqual(before);
    const applied = succeeded(await runCli(['schema', 'apply', '--drop', 'Company.Score__gc', '--db', db, '--schema', v2]));
    expect(changeLines(applied)).toEqual(diff);

    // export -o writes the schema in force; used as the schema file it changes nothing.
    const out = join(dir, 'out.yaml');
    succeeded(await runCli(['schema', 'export', '-o', out, '--db', db]));
    expect(loadTenantSchema(out).document).toEqual(loadTenantSchema(v2).document);
    expect(succeeded(await runCli(['schema', 'diff', '--schema', out, '--db', db]))).toContain(NO_CHANGES);
  });
});

interface DescribedField {
  fieldName: string;
  label: string;
  dataType: string;
  meta: { required: boolean; lookupDetail: unknown; properties: { PICKLIST_CATEGORY_ID?: string } };
}

describe('schema import of describe responses', () => {
  /** Per object: the fields as described, with the option labels of each picklist. */
  type Described = Record<string, { field: DescribedField; options?: string[] }[]>;
  const OBJECTS = ['subscription__gc', 'Company'];
  let original: Described;
  let imported: Described;
  let importResult: CliResult;

  async function describeAll(url: string): Promise<Described> {
    const described: Described = {};
    for (const name of OBJECTS) {
      const response = await api(url, 'GET', `/v1/meta/services/objects/${name}/describe`, { key: E2E_ACCESS_KEY });
      expect(response.status).toBe(200);
      described[name] = await Promise.all(
        (response.body.data[0].fields as DescribedField[]).map(async (field) => {
          const category = field.meta.properties.PICKLIST_CATEGORY_ID;
          if (!category) return { field };
          const dropdown = await api(url, 'GET', `/v1/meta/services/dropdowns/${category}`, { key: E2E_ACCESS_KEY });
          return { field, options: (dropdown.body.data.childItems as { name: string }[]).map((item) => item.name) };
        }),
      );
    }
    return described;
  }

  beforeAll(async () => {
    const dir = makeTempDir('gs-schema-import-');
    const server = await startServer({ args: ['--db', `sqlite:${join(dir, 'original.db')}`, '--schema', TENANT], env: { GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    original = await describeAll(server.url);
    const saved = [];
    for (const name of OBJECTS) {
      const response = await fetch(`${server.url}/v1/meta/services/objects/${name}/describe`, { headers: { accessKey: E2E_ACCESS_KEY } });
      const file = join(dir, `${name}.describe.json`);
      writeFileSync(file, await response.text());
      saved.push(file);
    }
    await server.stop();

    const schemaFile = join(dir, 'schema.yaml');
    importResult = await runCli(['schema', 'import', ...saved, '-o', schemaFile]);
    expect(importResult.code, JSON.stringify(importResult)).toBe(0);
    const db = `sqlite:${join(dir, 'imported.db')}`;
    const apply = succeeded(await runCli(['schema', 'apply', '--db', db, '--schema', schemaFile]));
    expect(changeLines(apply)).toContain('create table subscription__gc (object subscription__gc, 19 fields)');
    const served = await startServer({ args: ['--db', db, '--schema', schemaFile], env: { GS_ACCESS_KEY: E2E_ACCESS_KEY } });
    imported = await describeAll(served.url);
  }, 60_000);

  const isPicklist = (field: DescribedField) => field.meta.properties.PICKLIST_CATEGORY_ID !== undefined;
  const essentials = ({ field }: { field: DescribedField }, withType: boolean) => ({
    fieldName: field.fieldName,
    label: field.label,
    required: field.meta.required,
    lookupDetail: field.meta.lookupDetail,
    ...(withType ? { dataType: field.dataType } : {}),
  });

  it('gives a schema whose server describes the same fields: names, labels, types, required, lookups', () => {
    for (const name of OBJECTS) {
      const picklists = new Set(original[name]!.filter(({ field }) => isPicklist(field)).map(({ field }) => field.fieldName));
      const withTypes = (described: Described) =>
        described[name]!.map((entry) => essentials(entry, !picklists.has(entry.field.fieldName)));
      expect(withTypes(imported), name).toEqual(withTypes(original));
    }
    expect(original.subscription__gc!.find(({ field }) => field.fieldName === 'Company__gc')!.field.meta.lookupDetail).toMatchObject({
      lookupObjects: [{ objectName: 'Company' }],
    });
  });

  it('keeps picklists and multi-selects as such, with their options', () => {
    const picklists = (described: Described) =>
      OBJECTS.flatMap((name) =>
        described[name]!.filter(({ field }) => isPicklist(field) || field.dataType === 'PICKLIST' || field.dataType === 'MULTISELECTDROPDOWNLIST').map(
          ({ field, options }) => ({ object: name, fieldName: field.fieldName, dataType: field.dataType, options }),
        ),
      );
    const expected = picklists(original);
    expect(expected).toEqual(
      expect.arrayContaining([
        { object: 'subscription__gc', fieldName: 'Tier__gc', dataType: 'PICKLIST', options: ['Gold', 'Silver', 'Bronze'] },
        { object: 'subscription__gc', fieldName: 'Modules__gc', dataType: 'MULTISELECTDROPDOWNLIST', options: ['Analytics', 'Cockpit', 'Journeys'] },
        { object: 'Company', fieldName: 'Segment__gc', dataType: 'PICKLIST', options: ['Enterprise', 'Mid-Market', 'SMB'] },
      ]),
    );
    expect(importResult.stderr).not.toMatch(/without options/);
    expect(picklists(imported)).toEqual(expected);
  });
});

describe('--schema on the other commands', () => {
  it('keys create and seed take --schema; seed applies a good file and refuses a bad one', async () => {
    const { db } = newDatabase();
    const inspect = async <T>(work: (store: Store) => Promise<T>): Promise<T> => {
      const store = await openStore({ url: db, schema: loadTenantSchema(TENANT) });
      try {
        return await work(store);
      } finally {
        await store.close();
      }
    };
    const created = succeeded(await runCli(['keys', 'create', '--name', 'ci', '--db', db, '--schema', TENANT]));
    expect(created).toMatch(/gsk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/);
    await inspect(async (store) => expect(await store.keys.countActive()).toBe(1));

    const bad = fixture('bad-lookup.yaml');
    expect(oneLineFailure(await runCli(['seed', '--companies', '1', '--db', db, '--schema', bad]))).toMatch(
      new RegExp(`^gainsight-api: ${escapeRegExp(bad)}: Company\\.Plan__gc: `),
    );
    const seeded = succeeded(
      await runCli(['seed', '--companies', '25', '--people', '10', '--random-seed', 'e2e', '--base-date', '2026-01-01', '--db', db, '--schema', TENANT]),
    );
    expect(seeded).toMatch(/^Seeded 25 companies and 10 people into sqlite/);
    // seed applied the file before seeding: the database is at tenant.yaml.
    await inspect(async (store) => {
      expect(await store.diffSchema()).toEqual([]);
      expect((await store.appliedSchema())!.document).toEqual(loadTenantSchema(TENANT).document);
      expect(await store.records(store.registry.lookUp('Company')!).count()).toBe(25);
    });
  });
});

describe('a field removed from the schema file', () => {
  it('stops the next start with one line naming Object.Field and --drop; the data stays', async () => {
    const { db } = newDatabase();
    const key = E2E_ACCESS_KEY;
    const first = await startServer({ args: ['--db', db, '--schema', TENANT], env: { GS_ACCESS_KEY: key } });
    const created = await api(first.url, 'POST', '/v1/data/objects/Company', { key, body: { records: [{ Name: 'Kept', HealthScore__gc: 64 }] } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const gsid = created.body.data.records[0].Gsid as string;
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const lacking = fixture('apply-tenant-without-field.yaml');
    const line = oneLineFailure(await runCli(['serve', '--port', '0', '--db', db, '--schema', lacking], { env: { GS_ACCESS_KEY: key } }));
    expect(line).toMatch(new RegExp(`^gainsight-api: ${escapeRegExp(lacking)}: Company\\.HealthScore__gc: the database holds this field`));
    expect(line).toContain('--drop Company.HealthScore__gc');

    const store = await openStore({ url: db, schema: loadTenantSchema(TENANT) });
    try {
      expect(await store.diffSchema()).toEqual([]);
      expect(await store.records(store.registry.lookUp('Company')!).get(gsid)).toMatchObject({ Name: 'Kept', HealthScore__gc: 64 });
    } finally {
      await store.close();
    }
  });
});
