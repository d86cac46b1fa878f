/**
 * Applying a tenant schema file to a database that already holds data, on SQLite and PostgreSQL:
 * fields added to a populated table keep every existing value, nodes starting together apply
 * each change once, every refusal leaves the database exactly as it was, `drop` drops on purpose,
 * diffSchema says what migrate will do, and appliedSchema answers the document applied.
 *
 * Each database is opened the way `serve` and the CLI open it (src/cli/common.ts): the file is
 * loaded first, then a store over the database URL, then migrate. Several stores over one
 * database stand for several nodes (SQLite: one file in a temp directory).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ObjectDescription } from '../../src/domain/object-model.js';
import { StoreError } from '../../src/domain/persistence.js';
import { Company } from '../../src/domain/objects/index.js';
import { loadTenantSchema, SchemaFileError } from '../../src/schema/files.js';
import { seedDatabase } from '../../src/seed/generator.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend, type Backend } from '../helpers/backends.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/schema', name);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const NOW = '2026-01-01T00:00:00.000Z';
const gsid = (prefix: string, n: number) => `${prefix}${String(n).padStart(36 - prefix.length, '0')}`;

// ---------------------------------------------------------------------------------------------
// Databases and stores

const tempDirs: string[] = [];

/** A new, empty database that several stores can open (SQLite: a file, not :memory:). */
async function newDatabase(backend: Backend): Promise<string> {
  if (backend.name === 'postgres') return backend.newDatabaseUrl();
  const dir = mkdtempSync(join(tmpdir(), 'gs-schema-apply-'));
  tempDirs.push(dir);
  return `sqlite:${join(dir, 'test.db')}`;
}

async function disposeDatabase(backend: Backend, url: string): Promise<void> {
  if (backend.name === 'postgres') await backend.dispose(url);
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const open: Store[] = [];

/** A store over `url` with the schema file `file` (none: the standard objects only), not migrated. */
async function openNode(url: string, file?: string): Promise<Store> {
  const schema = loadTenantSchema(file);
  const store = await openStore({ url, schema, sqliteSynchronous: 'normal', poolSize: 3 });
  open.push(store);
  return store;
}

/** What serve does at start: load the file, open the store, migrate. */
async function startNode(url: string, file?: string, drop?: readonly string[]): Promise<{ store: Store; applied: string[] }> {
  const store = await openNode(url, file);
  const { applied } = await store.migrate(drop ? { drop } : undefined);
  return { store, applied };
}

async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((store) => store.close()));
}

/** The object of a store's schema (the standard Company plus the file's custom fields, ...). */
const objectOf = (store: Store, name: string): ObjectDescription => store.registry.lookUp(name)!;

// ---------------------------------------------------------------------------------------------
// Dumps: what a refusal or a diff must leave exactly as it was

type Row = Record<string, unknown>;

async function rows(store: Store, query: ReturnType<typeof sql>): Promise<Row[]> {
  return (await query.execute(store.database.db)).rows as Row[];
}

/**
 * The database's structure (tables, columns, indexes, constraints), the row count of every table
 * and the recorded schema state.
 */
async function dump(store: Store): Promise<Row> {
  let structure: Row;
  let tables: string[];
  if (store.dialect === 'sqlite') {
    const master = await rows(store, sql`select type, name, tbl_name, sql from sqlite_master order by name`);
    structure = { master };
    tables = master.filter((row) => row.type === 'table' && !String(row.name).startsWith('sqlite_')).map((row) => String(row.name));
  } else {
    structure = {
      columns: await rows(
        store,
        sql`select table_name, column_name, ordinal_position, data_type, is_nullable, column_default
            from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position`,
      ),
      indexes: await rows(store, sql`select tablename, indexname, indexdef from pg_indexes where schemaname = current_schema() order by indexname`),
      constraints: await rows(
        store,
        sql`select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
            from pg_constraint where connamespace = current_schema()::regnamespace order by conname`,
      ),
    };
    tables = (
      await rows(store, sql`select table_name from information_schema.tables where table_schema = current_schema() order by table_name`)
    ).map((row) => String(row.table_name));
  }
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number((await rows(store, sql`select count(*) as n from ${sql.table(table)}`))[0]!.n);
  }
  const schemaState = await rows(store, sql`select name, state, applied_date from schema_state order by name`);
  return { structure, counts, schemaState };
}

async function columnsOf(store: Store, table: string): Promise<Set<string>> {
  return (await store.database.columnsOf(store.database.db, table)) ?? new Set();
}

// ---------------------------------------------------------------------------------------------
// Two nodes as two processes (SQLite)

/**
 * better-sqlite3 is synchronous: two connections to one file in one process block each other's
 * event loop (the second waits for the write lock that the first can then never release). Nodes
 * are processes, so on SQLite each node here is a child process, released at the same moment.
 */
const NODE_SCRIPT = `
import { createInterface } from 'node:readline';
import { loadTenantSchema } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/schema/files.ts')).href)};
import { openStore } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'src/store/store.ts')).href)};
const store = await openStore({ url: process.env.NODE_DATABASE_URL, schema: loadTenantSchema(process.env.NODE_SCHEMA_FILE) });
process.stdout.write('ready\\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
try {
  const { applied } = await store.migrate();
  process.stdout.write(JSON.stringify({ applied }) + '\\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error) }) + '\\n');
} finally {
  await store.close();
}
`;

async function migrateInProcesses(url: string, file: string, count: number): Promise<{ applied?: string[]; error?: string }[]> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_DATABASE_URL: url, NODE_SCHEMA_FILE: file };
  delete env.NODE_OPTIONS;
  const nodes = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', NODE_SCRIPT], {
      cwd: REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    const ready = new Promise<void>((done, fail) => {
      const poll = setInterval(() => {
        if (out.includes('ready\n')) {
          clearInterval(poll);
          done();
        }
      }, 10);
      void exited.then(() => {
        clearInterval(poll);
        fail(new Error(`node exited before it was ready:\n${out}\n${err}`));
      });
    });
    return { child, ready, exited, output: () => out, errors: () => err };
  });
  try {
    await Promise.all(nodes.map((node) => node.ready));
    for (const node of nodes) node.child.stdin.end('go\n');
    await Promise.all(nodes.map((node) => node.exited));
  } finally {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGKILL');
  }
  return nodes.map((node) => {
    const last = node.output().trim().split('\n').at(-1)!;
    try {
      return JSON.parse(last) as { applied?: string[]; error?: string };
    } catch {
      return { error: `no result: ${node.output()}\n${node.errors()}` };
    }
  });
}

// ---------------------------------------------------------------------------------------------

describeEachBackend('schema apply on a populated database', (backend) => {
  let url: string | undefined;
  afterEach(async () => {
    await closeAll();
    if (url) await disposeDatabase(backend, url);
    url = undefined;
  });

  it('adds fields to a table of 100,000 records: every value kept, the new fields empty, and writable', { timeout: 90_000 }, async () => {
    url = await newDatabase(backend);
    const { store: before } = await startNode(url);
    await seedDatabase(before, { companies: 100_000, people: 0, randomSeed: 'schema-apply', baseDate: '2026-01-01', chunkSize: 10_000 });

    const checksum = (store: Store) =>
      rows(
        store,
        sql`select count(*) as n, sum(arr) as arr, sum(employees) as employees, count(renewal_date) as renewals,
                   sum(length(name)) as name_chars, min(created_date) as first_created, max(modified_date) as last_modified
            from company`,
      );
    const checksumBefore = await checksum(before);
    expect(Number(checksumBefore[0]!.n)).toBe(100_000);
    const allGsids = (await rows(before, sql`select gsid from company order by gsid`)).map((row) => String(row.gsid));
    const sample = allGsids.filter((_, index) => index % 1000 === 0);
    expect(sample).toHaveLength(100);
    const sampleBefore = await Promise.all(sample.map((id) => before.records(Company).get(id)));

    const file = fixture('apply-company-fields.yaml');
    const store = await openNode(url, file);
    const started = performance.now();
    const { applied } = await store.migrate();
    const elapsed = performance.now() - started;
    console.log(`[${backend.name}] schema apply adding 3 fields to 100,000 companies: ${elapsed.toFixed(0)} ms`);

    expect(applied).toEqual(
      expect.arrayContaining([
        'add column company.tier__gc (field Company.Tier__gc, PICKLIST)',
        'add column company.score__gc (field Company.Score__gc, NUMBER)',
        'add column company.parent__gc (field Company.Parent__gc, LOOKUP to Company)',
        'create unique index company_score__gc_unique on company (score__gc)',
        'create index company_parent__gc_idx on company (parent__gc)',
      ]),
    );
    // Every existing value is kept ...
    expect(await checksum(store)).toEqual(checksumBefore);
    const company = objectOf(store, 'Company');
    const sampleAfter = await Promise.all(sample.map((id) => store.records(company).get(id)));
    // (A record leaves out the fields it has no value for: the new ones, here.)
    expect(sampleAfter).toEqual(sampleBefore);
    // ... and the new fields are empty on every row.
    const empty = await rows(store, sql`select count(*) as n from company where tier__gc is null and score__gc is null and parent__gc is null`);
    expect(Number(empty[0]!.n)).toBe(100_000);

    // The new fields take writes, with the rules the file declares.
    const [parent, child, other] = sample as [string, string, string];
    await store.records(company).insert({ Gsid: gsid('NEW', 1), Name: 'New Co', Tier__gc: 'Gold', Score__gc: 42, Parent__gc: parent, CreatedDate: NOW, ModifiedDate: NOW });
    expect(await store.records(company).get(gsid('NEW', 1))).toMatchObject({ Name: 'New Co', Tier__gc: 'Gold', Score__gc: 42, Parent__gc: parent });
    await store.records(company).update(child, { Tier__gc: 'Silver', Score__gc: 7, Parent__gc: parent });
    expect(await store.records(company).get(child)).toMatchObject({ ...sampleBefore[1], Tier__gc: 'Silver', Score__gc: 7, Parent__gc: parent, ModifiedDate: expect.any(String) });
    const unique = await store.records(company).update(other, { Score__gc: 42 }).catch((error: unknown) => error);
    expect(unique).toBeInstanceOf(StoreError);
    expect((unique as StoreError).failure.kind).toBe('unique');
    const missing = await store.records(company).update(other, { Parent__gc: gsid('NOPE', 1) }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(StoreError);
    expect((missing as StoreError).failure.kind).toBe('foreignKey');
    expect(await store.records(company).count()).toBe(100_001);
    // A node starting later finds nothing to do.
    expect((await store.migrate()).applied).toEqual([]);
  });
});

describeEachBackend('two nodes starting together with a new schema', (backend) => {
  let url: string | undefined;
  afterEach(async () => {
    await closeAll();
    if (url) await disposeDatabase(backend, url);
    url = undefined;
  });

  it('make each change exactly once, without an error', { timeout: 60_000 }, async () => {
    url = await newDatabase(backend);
    const { store: first } = await startNode(url);
    await first.records(Company).insertMany(Array.from({ length: 50 }, (_, i) => ({ Gsid: gsid('C', i), Name: `Co ${i}`, CreatedDate: NOW, ModifiedDate: NOW })));
    const file = fixture('apply-company-fields.yaml');
    const planned = await (await openNode(url, file)).diffSchema();
    expect(planned).toContain('add column company.tier__gc (field Company.Tier__gc, PICKLIST)');
    await closeAll();

    let results: { applied?: string[]; error?: string }[];
    if (backend.name === 'sqlite') {
      results = await migrateInProcesses(url, file, 2);
    } else {
      const [a, b] = await Promise.all([openNode(url, file), openNode(url, file)]);
      const settled = await Promise.allSettled([a!.migrate(), b!.migrate()]);
      results = settled.map((result) => (result.status === 'fulfilled' ? { applied: result.value.applied } : { error: String(result.reason) }));
    }
    expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
    const applied = results.flatMap((result) => result.applied!);
    // Each change was made by one node, and together they made exactly the planned changes.
    expect(new Set(applied).size).toBe(applied.length);
    expect([...applied].sort()).toEqual([...planned].sort());
    for (const column of ['tier__gc', 'score__gc', 'parent__gc']) {
      expect(applied.filter((step) => step.startsWith(`add column company.${column} `))).toHaveLength(1);
    }
    const after = await openNode(url, file);
    for (const column of ['tier__gc', 'score__gc', 'parent__gc']) expect((await columnsOf(after, 'company')).has(column)).toBe(true);
    expect(await after.records(objectOf(after, 'Company')).count()).toBe(50);
    expect((await after.migrate()).applied).toEqual([]);
  });
});

describeEachBackend('schema files refused before the database is touched', (backend) => {
  let url: string;
  let inspector: Store;
  beforeAll(async () => {
    url = await newDatabase(backend);
    ({ store: inspector } = await startNode(url, fixture('apply-v1.yaml')));
    await inspector.records(objectOf(inspector, 'Company')).insert({ Gsid: gsid('C', 1), Name: 'Acme', Tier__gc: 'Gold', CreatedDate: NOW, ModifiedDate: NOW });
  });
  afterAll(async () => {
    await closeAll();
    await disposeDatabase(backend, url);
  });

  // [title, file, the object or Object.Field the one-line message names after "FILE: "]
  const cases: [string, string, string][] = [
    ['(a) an unknown type', 'bad-type.yaml', 'Company.Tier__gc'],
    ['(b) a lookup to a missing object', 'bad-lookup.yaml', 'Company.Plan__gc'],
    ['(c) a field declared twice', 'bad-duplicate-key.yaml', 'Company.Tier__gc'],
    ['(c) two fields equal ignoring case', 'bad-duplicate-case.yaml', 'Company.TIER__gc'],
    ['(d) a field name that is not an identifier', 'bad-name-hyphen.yaml', 'Company.Tier-gc'],
    ['(d) a field name ending in __gc that is not an identifier', 'bad-name-hyphen-suffix.yaml', 'Company.Tier-x__gc'],
    ['(d) an object name starting with a digit', 'bad-name-digit.yaml', '1abc'],
    ['(d) a custom field on Company without __gc', 'bad-no-suffix.yaml', 'Company.Tier'],
  ];

  it.each(cases)('%s: one line naming the file, object and field; the database unchanged', async (_title, name, where) => {
    const file = fixture(name);
    let error: unknown;
    try {
      loadTenantSchema(file);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SchemaFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^${escapeRegExp(file)}: (.*\\W)?${escapeRegExp(where)}\\b`));

    // Started the way serve starts, the file stops the start and nothing changes.
    const before = await dump(inspector);
    await expect(startNode(url, file)).rejects.toThrow(message);
    expect(await dump(inspector)).toEqual(before);
  });
});

describeEachBackend('changes that would lose data', (backend) => {
  let url: string | undefined;
  afterEach(async () => {
    await closeAll();
    if (url) await disposeDatabase(backend, url);
    url = undefined;
  });

  /** A database with apply-v1.yaml applied, a company with a Tier and a plan. */
  async function v1Database(): Promise<Store> {
    url = await newDatabase(backend);
    const { store } = await startNode(url, fixture('apply-v1.yaml'));
    await store.records(objectOf(store, 'Company')).insert({ Gsid: gsid('C', 1), Name: 'Acme', Tier__gc: 'Gold', Score__gc: 3, CreatedDate: NOW, ModifiedDate: NOW });
    await store.records(objectOf(store, 'plan__gc')).insert({ Gsid: gsid('P', 1), Name: 'Pro', Seats__gc: 5, Company__gc: gsid('C', 1), CreatedDate: NOW, ModifiedDate: NOW });
    return store;
  }

  /** Company C1's row as stored (a record leaves out empty fields; the row says null). */
  async function companyRow(store: Store): Promise<Row | undefined> {
    return (await rows(store, sql`select name, tier__gc, score__gc from company where gsid = ${gsid('C', 1)}`))[0];
  }

  /** migrate with `file` fails with one line naming `where` and suggesting `--drop where`; nothing changes. */
  async function expectRefused(inspector: Store, file: string, where: string): Promise<void> {
    const before = await dump(inspector);
    const store = await openNode(url!, file);
    for (const attempt of [() => store.migrate(), () => store.diffSchema()]) {
      const error = await attempt().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(SchemaFileError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(new RegExp(`^${escapeRegExp(file)}: ${escapeRegExp(where)}: `));
      expect(message).toContain(`--drop ${where}`);
    }
    expect(await dump(inspector)).toEqual(before);
    expect(await inspector.records(objectOf(inspector, 'Company')).get(gsid('C', 1))).toMatchObject({ Tier__gc: 'Gold', Score__gc: 3 });
  }

  it('(e) a field removed from the file is refused; drop removes it with its values', async () => {
    const v1 = await v1Database();
    const file = fixture('apply-v1-without-field.yaml');
    await expectRefused(v1, file, 'Company.Tier__gc');

    // A drop of something the file still has is refused too, changing nothing.
    const before = await dump(v1);
    await expect((await openNode(url!, file)).migrate({ drop: ['Company.Score__gc'] })).rejects.toThrow(
      /--drop Company\.Score__gc: no such object or field that the schema no longer has/,
    );
    expect(await dump(v1)).toEqual(before);

    const { store, applied } = await startNode(url!, file, ['Company.Tier__gc']);
    expect(applied).toEqual(['drop column company.tier__gc (field Company.Tier__gc, with its values)']);
    expect((await columnsOf(store, 'company')).has('tier__gc')).toBe(false);
    expect(await store.records(objectOf(store, 'Company')).get(gsid('C', 1))).toMatchObject({ Name: 'Acme', Score__gc: 3 });
    expect((await store.appliedSchema())!.objects.Company!.fields.Tier__gc).toBeUndefined();

    // Added again, the field starts empty: the values went with the column.
    const { store: readded, applied: again } = await startNode(url!, fixture('apply-v1.yaml'));
    expect(again).toEqual(['add column company.tier__gc (field Company.Tier__gc, STRING)']);
    expect(await companyRow(readded)).toEqual({ name: 'Acme', tier__gc: null, score__gc: 3 });
  });

  it('(e) an object removed from the file is refused; drop removes its table and records', async () => {
    const v1 = await v1Database();
    const file = fixture('apply-v1-without-object.yaml');
    await expectRefused(v1, file, 'plan__gc');

    const { store, applied } = await startNode(url!, file, ['plan__gc']);
    expect(applied).toEqual(['drop table plan__gc (object plan__gc, with its records)']);
    expect(await columnsOf(store, 'plan__gc')).toEqual(new Set());
    expect(Object.keys((await store.appliedSchema())!.objects)).not.toContain('plan__gc');
    expect(await store.records(objectOf(store, 'Company')).count()).toBe(1);

    const { store: readded } = await startNode(url!, fixture('apply-v1.yaml'));
    expect(await readded.records(objectOf(readded, 'plan__gc')).count()).toBe(0);
  });

  it('(e) a type change is refused; drop and add it again changes the type', async () => {
    const v1 = await v1Database();
    const file = fixture('apply-v1-type-changed.yaml');
    await expectRefused(v1, file, 'Company.Tier__gc');
    const refusal = await (await openNode(url!, file)).migrate().catch((error: Error) => error.message);
    expect(refusal).toContain('its type changed (string in the database, number in the schema)');

    const { store, applied } = await startNode(url!, file, ['Company.Tier__gc']);
    expect(applied).toEqual([
      'drop column company.tier__gc (field Company.Tier__gc, with its values), to add it again as number',
      'add column company.tier__gc (field Company.Tier__gc, NUMBER)',
    ]);
    const company = objectOf(store, 'Company');
    expect(await companyRow(store)).toEqual({ name: 'Acme', tier__gc: null, score__gc: 3 });
    await store.records(company).update(gsid('C', 1), { Tier__gc: 2.5 });
    expect(await store.records(company).get(gsid('C', 1))).toMatchObject({ Tier__gc: 2.5 });
    expect((await store.appliedSchema())!.objects.Company!.fields.Tier__gc).toEqual({ column: 'tier__gc', type: 'number' });
    expect((await store.migrate()).applied).toEqual([]);
  });
});

describeEachBackend('diffSchema and appliedSchema', (backend) => {
  let url: string | undefined;
  afterEach(async () => {
    await closeAll();
    if (url) await disposeDatabase(backend, url);
    url = undefined;
  });

  it('diffSchema lists exactly the changes migrate then makes, and makes none itself', async () => {
    url = await newDatabase(backend);
    const { store: v1 } = await startNode(url, fixture('apply-v1.yaml'));
    await v1.records(objectOf(v1, 'Company')).insert({ Gsid: gsid('C', 1), Name: 'Acme', Tier__gc: 'Gold', Score__gc: 3, CreatedDate: NOW, ModifiedDate: NOW });
    await v1.records(objectOf(v1, 'plan__gc')).insertMany([
      { Gsid: gsid('P', 1), Name: 'Pro', Company__gc: gsid('C', 1), CreatedDate: NOW, ModifiedDate: NOW },
      { Gsid: gsid('P', 2), Name: 'Basic', Company__gc: gsid('C', 1), CreatedDate: NOW, ModifiedDate: NOW },
    ]);

    const store = await openNode(url, fixture('apply-v2.yaml'));
    const drop = ['Company.Score__gc'];
    const before = await dump(v1);
    const diff = await store.diffSchema({ drop });
    expect(await store.diffSchema({ drop })).toEqual(diff);
    expect(await dump(v1)).toEqual(before);
    // A change of every kind: a drop, a new table, new columns (a lookup, a picklist, a key
    // column filled from existing rows), their indexes, the picklist's options.
    expect(diff).toEqual(
      expect.arrayContaining([
        'drop column company.score__gc (field Company.Score__gc, with its values)',
        'create table addon__gc (object addon__gc, 5 fields)',
        'add column company.region__gc (field Company.Region__gc, PICKLIST)',
        'add column company.plan__gc (field Company.Plan__gc, LOOKUP to plan__gc)',
        'add column plan__gc.code__gc (field plan__gc.Code__gc, STRING)',
        'add column plan__gc.code__gc_key (lower-cased key of plan__gc.Code__gc)',
        'create unique index plan__gc_code__gc_key_unique on plan__gc (code__gc_key)',
        'insert 3 picklist options into da_picklist',
      ]),
    );

    const { applied } = await store.migrate({ drop });
    expect(applied).toEqual(diff);
    expect(await store.diffSchema()).toEqual([]);
    expect((await store.migrate()).applied).toEqual([]);
    expect(await dump(v1)).not.toEqual(before);
  });

  it('appliedSchema answers the document last applied, whatever schema the store was opened with', async () => {
    url = await newDatabase(backend);
    const fresh = await openNode(url, fixture('apply-v1.yaml'));
    expect(await fresh.appliedSchema()).toBeUndefined();
    await fresh.migrate();
    const v1 = loadTenantSchema(fixture('apply-v1.yaml')).document;
    const applied = (await fresh.appliedSchema())!;
    expect(applied.document).toEqual(v1);
    expect(applied.objects.Company!.fields.Tier__gc).toEqual({ column: 'tier__gc', type: 'string' });
    expect(applied.objects.plan__gc).toEqual({
      table: 'plan__gc',
      fields: {
        Gsid: { column: 'gsid', type: 'gsid' },
        Name: { column: 'name', type: 'string' },
        Seats__gc: { column: 'seats__gc', type: 'number' },
        Company__gc: { column: 'company__gc', type: 'gsid', references: 'Company' },
        CreatedDate: { column: 'created_date', type: 'datetime' },
        ModifiedDate: { column: 'modified_date', type: 'datetime' },
      },
    });

    // A store opened with another file (not applied yet, or refused) still answers v1.
    const other = await openNode(url, fixture('apply-v2.yaml'));
    expect((await other.appliedSchema())!.document).toEqual(v1);
    await expect(other.migrate()).rejects.toThrow(SchemaFileError);
    expect((await other.appliedSchema())!.document).toEqual(v1);
    // Once applied, the new document.
    await other.migrate({ drop: ['Company.Score__gc'] });
    expect((await fresh.appliedSchema())!.document).toEqual(loadTenantSchema(fixture('apply-v2.yaml')).document);
  });

  it('drop removes an object together with the object that looks it up, in one apply', async () => {
    url = await newDatabase(backend);
    await startNode(url, fixture('apply-v1.yaml'));
    const { store } = await startNode(url, fixture('apply-v2.yaml'), ['Company.Score__gc']);
    await store.records(objectOf(store, 'plan__gc')).insert({ Gsid: gsid('P', 1), Name: 'Pro', CreatedDate: NOW, ModifiedDate: NOW });
    await store.records(objectOf(store, 'addon__gc')).insert({ Gsid: gsid('A', 1), Name: 'Extra', Plan__gc: gsid('P', 1), CreatedDate: NOW, ModifiedDate: NOW });

    // Back to no schema file: both objects (addon__gc looks up plan__gc) and Company's fields go.
    const { store: none, applied } = await startNode(url, undefined, ['plan__gc', 'addon__gc', 'Company.Tier__gc', 'Company.Region__gc', 'Company.Plan__gc']);
    expect(applied).toEqual(
      expect.arrayContaining(['drop table plan__gc (object plan__gc, with its records)', 'drop table addon__gc (object addon__gc, with its records)']),
    );
    expect(await columnsOf(none, 'plan__gc')).toEqual(new Set());
    expect(await columnsOf(none, 'addon__gc')).toEqual(new Set());
    expect((await none.appliedSchema())!.document).toEqual({ objects: {} });
  });
});
