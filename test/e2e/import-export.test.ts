/**
 * `gainsight-api export` and `import` through the real command-line program (dist/cli/main.js):
 * every object of a tenant schema exported, imported into fresh databases and exported again,
 * byte for byte, in both formats, with awkward values; bad input as one-line errors or rejects;
 * batches all or nothing; and progress on a pipe as plain newline-terminated lines.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordService } from '../../src/domain/record-service.js';
import { compileRecordValidators, createAjv } from '../../src/domain/validation.js';
import type { FieldValues, ObjectDescription } from '../../src/domain/object-model.js';
import { loadTenantSchema } from '../../src/schema/files.js';
import { openStore, type Store } from '../../src/store/store.js';
import { REPO_ROOT, makeTempDir, oneLineFailure, removeTempDirs, runCli, type CliResult } from '../helpers/cli.js';

const TENANT = join(REPO_ROOT, 'test/fixtures/schema/tenant.yaml');
const LONG = 180_000;

afterAll(removeTempDirs);

function ok(result: CliResult): CliResult {
  expect(result.code, JSON.stringify(result)).toBe(0);
  return result;
}

/** The rejects file's entries, by line (rows refused by the database's checks come after the batch's others). */
const rejectsOf = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { line: number; field: string | null; errorCode: string; problem: string; row: unknown })
    .sort((a, b) => a.line - b.line);

/** Objects in an order where every lookup's target comes first (a lookup back to an earlier one aside). */
function importOrder(objects: readonly ObjectDescription[]): ObjectDescription[] {
  const done = new Set<string>();
  const order: ObjectDescription[] = [];
  while (order.length < objects.length) {
    const next =
      objects.find((o) => !done.has(o.name) && o.fields.every((f) => !f.references || f.references === o.name || done.has(f.references))) ??
      // A cycle (Company <-> subscription__gc): the object whose lookups into it are left empty.
      objects.find((o) => !done.has(o.name) && o.name === 'Company')!;
    done.add(next.name);
    order.push(next);
  }
  return order;
}

describe('export, import into a fresh database, export again: the same bytes', () => {
  const dir = makeTempDir('gs-import-export-');
  const source = `sqlite:${join(dir, 'source.db')}`;
  const objects = loadTenantSchema(TENANT).registry.all;

  beforeAll(async () => {
    const run = async (args: string[]) => ok(await runCli([...args, '--db', source, '--schema', TENANT], { timeoutMs: LONG }));
    await run(['seed', '--companies', '40', '--people', '80']);
    for (const object of ['gsuser', 'subscription__gc', 'da_picklist', 'cta_group', 'call_to_action', 'cs_task', 'activity_timeline']) {
      await run(['seed', '--object', object, '--count', '15']);
    }
    // Awkward values, written as the API writes them (its validator, its create and update).
    const store = await openStore({ url: source, schema: loadTenantSchema(TENANT) });
    try {
      await addAwkwardRecords(store);
    } finally {
      await store.close();
    }
  }, LONG * 3);

  async function addAwkwardRecords(store: Store): Promise<void> {
    const service = (name: string) => {
      const object = store.registry.lookUp(name)!;
      const validate = compileRecordValidators(createAjv(), object);
      const records = createRecordService(store.records(object));
      return {
        create: (body: FieldValues) => records.create(validate.create(body)),
        update: (gsid: string, body: FieldValues) => records.update(gsid, validate.patch(body)),
      };
    };
    const companies = service('Company');
    const child = await companies.create({
      Name: 'Comma, "Quoted" & Co\nsecond line\r\nthird line',
      Industry: '',
      Tags: 'Ünïcødé 🚀 日本語 עברית',
      ARR: 0.1,
      Employees: 0,
      Mrr: -1234.5678,
      HealthScore__gc: 1e-7,
      Segment__gc: 'smb',
      Summary: '"" ,, \'\' \t tab',
    });
    const parent = await companies.create({ Name: '  padded  ', Industry: '00123', ARR: 1e15, TickerSymbol: 'true', CompanyType: '=1+2' });
    // The child is older (a smaller Gsid, earlier in the file) than the parent it looks up.
    await companies.update(child.Gsid, { ParentCompany: parent.Gsid });
    const user = await service('gsuser').create({ Email: 'Zoe.Unicode@Example.com', IsActiveUser: false, FirstName: 'Zoë' });
    await companies.update(parent.Gsid, { Csm: user.Gsid });
    const person = await service('Person').create({ FirstName: '', LastName: 'Ø', Email: 'MiXeD@Example.COM', CompanyId: child.Gsid, Champion__gc: true });
    // A link changed after it was made: its dates and values differ from the one the import of
    // the person derives.
    const link = (await store.records(store.registry.lookUp('company_person')!).findGsids({ Person_ID: person.Gsid }, 1))[0]!;
    await service('company_person').update(link, { Role: 'Exec, "sponsor"', Active: false });
    await service('subscription__gc').create({
      Name: 'Sub "A", line\nbreak',
      Amount__gc: 99.99,
      Discount__gc: 12.5,
      AutoRenew__gc: false,
      StartDate__gc: '2026-02-28',
      SignedAt__gc: '2026-01-31T12:00:00+05:30',
      Modules__gc: 'Journeys;Analytics',
      Company__gc: parent.Gsid,
      Notes__gc: '',
    });
  }

  for (const format of ['csv', 'jsonl'] as const) {
    it(
      `${format}: every object of the schema comes back byte for byte`,
      async () => {
        const target = `sqlite:${join(dir, `target-${format}.db`)}`;
        const exported: Record<string, string> = {};
        for (const object of objects) {
          const file = join(dir, `${object.name}.${format}`);
          ok(await runCli(['export', object.name, '--out', file, '--db', source, '--schema', TENANT], { timeoutMs: LONG }));
          exported[object.name] = readFileSync(file, 'utf8');
        }
        // The awkward values are in the files, so the comparison covers them.
        expect(exported.Company).toContain('🚀');
        expect(exported.Company).toContain(format === 'csv' ? '"Comma, ""Quoted"" & Co\nsecond line\r\nthird line"' : '\\r\\n');
        expect(exported.company_person).toContain('sponsor');
        expect(exported.subscription__gc).toContain('2026-01-31T12:00:00+05:30');

        for (const object of importOrder(objects)) {
          const file = join(dir, `${object.name}.${format}`);
          const result = ok(await runCli(['import', object.name, file, '--db', target, '--schema', TENANT], { timeoutMs: LONG }));
          expect(result.stdout).toMatch(/, 0 rejected, /);
          expect(existsSync(`${file}.rejects.jsonl`)).toBe(false);
        }
        for (const object of objects) {
          const again = join(dir, `${object.name}.again.${format}`);
          ok(await runCli(['export', object.name, '--out', again, '--db', target, '--schema', TENANT], { timeoutMs: LONG }));
          expect(readFileSync(again, 'utf8'), object.name).toBe(exported[object.name]);
        }
      },
      LONG * 6,
    );
  }
});

describe('bad input', () => {
  const dir = makeTempDir('gs-import-bad-');
  const db = `sqlite:${join(dir, 'bad.db')}`;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const importFile = (args: string[]) => runCli(['import', ...args, '--db', db], { timeoutMs: LONG });
  const count = (table: string) => {
    const raw = new BetterSqlite3(join(dir, 'bad.db'), { readonly: true });
    try {
      return (raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    } finally {
      raw.close();
    }
  };

  it('an unknown object, an unknown column, a missing file, an unknown format: one line, exit 1, nothing written', async () => {
    const good = file('good.csv', 'Name\nAcme\n');
    expect(oneLineFailure(await importFile(['Compnay', good]))).toMatch(/^gainsight-api: Compnay: no such object; the schema has .*Company/);
    expect(oneLineFailure(await importFile(['Company', file('col.csv', 'Name,arr\nAcme,1\n')]))).toBe(
      `gainsight-api: ${join(dir, 'col.csv')}: line 1 (the header): column "arr" is not a field of Company; did you mean ARR?`,
    );
    expect(oneLineFailure(await importFile(['Company', join(dir, 'missing.csv')]))).toBe(`gainsight-api: ${join(dir, 'missing.csv')}: cannot read it (ENOENT)`);
    expect(oneLineFailure(await importFile(['Company', file('data.txt', 'Name\nAcme\n')]))).toMatch(/cannot tell the format from the name; use a \.csv or \.jsonl file, or --format csv\|jsonl$/);
    expect(oneLineFailure(await runCli(['export', 'nope', '--db', db]))).toMatch(/^gainsight-api: nope: no such object/);
    expect(count('company')).toBe(0);
  }, LONG);

  it('bad rows go to the rejects file with line, field and problem; the other rows are imported (exit 2)', async () => {
    const csv = file(
      'rows.csv',
      [
        'Name,ARR,Employees,RenewalDate',
        'Fine One,100,5,2027-01-31', // line 2
        'Bad Number,12k,5,', // 3: wrong type
        ',100,,', // 4: required Name missing
        '"Broken "quote",1,2,', // 5: malformed CSV
        'Too,many,cells,here,extra', // 6: malformed CSV
        '"Multi\nline, fine",1.5,,', // 7-8
        'Bad Date,,,2027-02-30', // 9
      ].join('\n') + '\n',
    );
    const result = await importFile(['Company', csv]);
    expect(result.code, JSON.stringify(result)).toBe(2);
    expect(result.stdout).toContain('Read 7 rows');
    expect(result.stdout).toContain('2 imported into Company (sqlite), 5 rejected');
    const rejects = rejectsOf(`${csv}.rejects.jsonl`);
    expect(rejects.map((r) => [r.line, r.field, r.errorCode])).toEqual([
      [3, 'ARR', 'GSOBJ_1008'],
      [4, 'Name', 'GSOBJ_1007'],
      [5, null, 'GSAPI_4000'],
      [6, null, 'GSAPI_4000'],
      [9, 'RenewalDate', 'GSOBJ_1006'],
    ]);
    expect(rejects[0]!.problem).toBe('Invalid field value (ARR): expected a number, got "12k"');
    expect(rejects[0]!.row).toEqual({ Name: 'Bad Number', ARR: '12k', Employees: '5' });
    expect(rejects[3]!.problem).toMatch(/^Malformed CSV: /);
    expect(count('company')).toBe(2);
  }, LONG);

  it('JSON Lines: a malformed line, a wrong type, an unknown field, a lookup to no record, a duplicate Gsid', async () => {
    const gsid = '0MX3XKAO02R3VN6BO69Y9D33623HFCO74728';
    const jsonl = file(
      'rows.jsonl',
      [
        JSON.stringify({ Gsid: gsid, Name: 'Kept' }),
        '{"Name": "no closing brace"',
        JSON.stringify({ Name: 'Typed', ARR: '100' }),
        '',
        JSON.stringify({ Name: 'Unknown', Revenue: 1 }),
        JSON.stringify({ Name: 'Orphan', Csm: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ' }),
        JSON.stringify({ Gsid: gsid, Name: 'Same Gsid' }),
        '[1,2]',
      ].join('\n'),
    );
    const result = await importFile(['Company', jsonl, '--rejects', join(dir, 'my-rejects.jsonl')]);
    expect(result.code, JSON.stringify(result)).toBe(2);
    const rejects = rejectsOf(join(dir, 'my-rejects.jsonl'));
    expect(rejects.map((r) => [r.line, r.field, r.errorCode])).toEqual([
      [2, null, 'GSAPI_4000'],
      [3, 'ARR', 'GSOBJ_1008'],
      [5, 'Revenue', 'GSOBJ_1002'],
      [6, 'Csm', 'GSOBJ_PEOPLE1001'],
      [7, 'Gsid', 'GSAPI_4090'],
      [8, null, 'GSAPI_4000'],
    ]);
    expect(rejects[1]!.problem).toBe('Invalid field value (ARR): expected a number, got "100"');
    expect(rejects[3]!.problem).toContain('no gsuser with Gsid ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ exists');
    expect(rejects[4]!.problem).toContain('an earlier row of the file has it');
    // Importing the same row again: the Gsid is taken now.
    const again = await importFile(['Company', file('again.jsonl', JSON.stringify({ Gsid: gsid, Name: 'Again' }) + '\n')]);
    expect(again.code).toBe(2);
    expect(rejectsOf(join(dir, 'again.jsonl.rejects.jsonl'))[0]!.problem).toContain('another Company already has it');
  }, LONG);

  it('--dry-run checks every row and writes nothing', async () => {
    const before = count('company');
    const csv = file('dry.csv', 'Name,ARR\nDry One,1\nDry Two,x\n');
    const result = await importFile(['Company', csv, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('1 would be imported (dry run: nothing was written), 1 rejected');
    expect(count('company')).toBe(before);
  }, LONG);

  it('a batch the database refuses is rolled back whole and the import stops, naming the committed lines', async () => {
    const raw = new BetterSqlite3(join(dir, 'bad.db'));
    raw.exec(`create trigger refuse_boom before insert on company when new.name = 'Boom' begin select raise(abort, 'boom refused'); end`);
    raw.close();
    const before = count('company');
    const csv = file('boom.csv', 'Name\nB1\nB2\nB3\nBoom\nB5\n');
    const result = await importFile(['Company', csv, '--batch-size', '2']);
    expect(oneLineFailure(result)).toMatch(
      /^gainsight-api: the database refused the batch of lines 4-5 \(.*boom refused.*\); nothing of that batch was written\. Lines up to 3 are committed \(2 records/,
    );
    // Lines 2-3 (one batch) are in, B3 and Boom (the refused batch) and B5 (never reached) are not.
    expect(count('company')).toBe(before + 2);
  }, LONG);
});

describe('progress when the output is not a terminal', () => {
  it('seed, export and import write plain newline-terminated lines, never \\r', async () => {
    const dir = makeTempDir('gs-progress-');
    const db = `sqlite:${join(dir, 'progress.db')}`;
    const env = { GS_PROGRESS_INTERVAL_MS: '100' };
    const seed = ok(await runCli(['seed', '--companies', '30000', '--people', '30000', '--db', db], { env, timeoutMs: LONG }));
    const out = join(dir, 'companies.csv');
    const exported = ok(await runCli(['export', 'Company', '--out', out, '--db', db], { env, timeoutMs: LONG }));
    const imported = ok(await runCli(['import', 'Company', out, '--db', `sqlite:${join(dir, 'copy.db')}`], { env, timeoutMs: LONG }));
    for (const [command, result] of [['seed', seed], ['export', exported], ['import', imported]] as const) {
      expect(result.stderr, command).not.toContain('\r');
      expect(result.stderr.endsWith('\n'), command).toBe(true);
      const lines = result.stderr.trimEnd().split('\n');
      const progress = lines.filter((line) => line.startsWith(`${command}: `) && /\d+\/s/.test(line));
      expect(progress.length, result.stderr).toBeGreaterThan(0);
      for (const line of progress) expect(line).toMatch(new RegExp(`^${command}: \\d+(/\\d+)? [a-z ]+( \\(\\d+%\\))?, \\d+/s(, ETA [0-9.]+ (s|min|h)|, done in [0-9.]+ (s|min|h))?$`));
    }
    // Periodic lines with an ETA, and the last line of each phase.
    expect(seed.stderr).toMatch(/^seed: \d+\/30000 companies \(\d+%\), \d+\/s, ETA /m);
    expect(seed.stderr).toMatch(/^seed: 30000\/30000 companies \(100%\), \d+\/s, done in /m);
    expect(seed.stderr).toMatch(/^seed: 30000\/30000 people \(100%\), \d+\/s, done in /m);
    expect(exported.stderr).toMatch(/^export: 30000\/30000 companies \(100%\), \d+\/s, done in /m);
    expect(imported.stderr).toMatch(/^import: 30000 rows \(100%\), \d+\/s, done in /m);
  }, LONG * 2);
});
