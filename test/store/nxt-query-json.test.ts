/**
 * NXT query pages as JSON text written by the database (ReportRunner.runJson, rowJsonSql in
 * src/store/record-json.ts) against the reference: the runner's rows presented by presentRow and
 * serialized by JSON.stringify. On both backends, for the demo data set (lookups, picklists,
 * booleans, dates, empty fields) and for odd values; byte for byte on SQLite, numbers the same
 * numbers on PostgreSQL (which writes some in exponent form).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ObjectDescription } from '../../src/domain/object-model.js';
import { DEFAULT_PRESENT_FORMAT, presentRow } from '../../src/domain/nxt/present.js';
import { planQuery } from '../../src/domain/nxt/query.js';
import { sqlPresents } from '../../src/domain/nxt/reads.js';
import type { RunnablePlan } from '../../src/domain/reports/ports.js';
import { writeDemoData } from '../../src/seed/demo.js';
import { openStore, type Store } from '../../src/store/store.js';
import { describeEachBackend, type Backend } from '../helpers/backends.js';

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const numbersAsJavaScript = (text: string) => text.replace(JSON_TOKEN, (token) => (token.startsWith('"') ? token : JSON.stringify(Number(token))));

const ODD_STRINGS = [
  'quote " and backslash \\ and slash /',
  'new\nline, tab\t, return\r, bell \u0007, unit separator \u001f, delete \u007f',
  'unicode: déjà vu, 日本語, emoji 👩‍💻, RTL ‏עברית‏, zero width \u200b, line sep \u2028 para sep \u2029',
  "it's",
  '',
  ' ',
];
const ODD_NUMBERS = [0, -1, 0.1, 1e-7, 123456789.125, 1e15, 1234567890123456, 2.5e-5, -99999.99, 1e20];

describeEachBackend('NXT query rows as JSON written by the database', (backend: Backend) => {
  let url: string;
  let store: Store;
  let Company: ObjectDescription;
  const lookUp = (name: string) => store.registry.surfaceLookUp('nxt')(name);

  beforeAll(async () => {
    url = await backend.newDatabaseUrl();
    store = await openStore({ url });
    await store.migrate();
    await writeDemoData(store, '2026-03-01');
    Company = lookUp('Company')!;
    const companies = store.records(store.registry.lookUp('Company')!);
    const now = '2026-03-01T10:00:00.000Z';
    for (const [i, name] of ODD_STRINGS.entries()) {
      await companies.insert({
        Gsid: `ODD${String(i).padStart(33, '0')}`,
        Name: `odd ${i}`,
        Industry: name,
        ARR: ODD_NUMBERS[i % ODD_NUMBERS.length]!,
        CreatedDate: now,
        ModifiedDate: now,
      });
    }
    for (const [i, arr] of ODD_NUMBERS.entries()) {
      await companies.insert({ Gsid: `NUM${String(i).padStart(33, '0')}`, Name: `number ${i}`, ARR: arr, CreatedDate: now, ModifiedDate: now });
    }
  });
  afterAll(async () => {
    await store?.close();
    await backend.dispose(url);
  });

  /** Runs the plan both ways and compares every row's text. */
  async function expectSameRows(plan: RunnablePlan, label: string): Promise<number> {
    expect(sqlPresents(plan, DEFAULT_PRESENT_FORMAT), label).toBe(true);
    const { records } = await store.reportRunner.run(plan);
    const { json } = await store.reportRunner.runJson(plan);
    expect(json.length, label).toBe(records.length);
    const columns = plan.columns.map((column) => ({ name: column.name, type: column.type }));
    records.forEach((record, i) => {
      const expected = JSON.stringify(presentRow(columns, record, DEFAULT_PRESENT_FORMAT));
      const actual = json[i]!;
      if (backend.name === 'postgres') expect(numbersAsJavaScript(actual), `${label}, row ${i}`).toBe(expected);
      else expect(actual, `${label}, row ${i}`).toBe(expected);
    });
    return records.length;
  }

  it('writes every field of every company as presentRow and JSON.stringify do, empty fields as null', async () => {
    const rows = await expectSameRows(planQuery(Company, { limit: 5000, orderBy: { ModifiedDate: 'asc' } }, { lookUp }), 'every field');
    expect(rows).toBe(50 + ODD_STRINGS.length + ODD_NUMBERS.length);
  });

  it('writes every field of every object of the demo data set (booleans true and false, dates, lookups, picklists)', async () => {
    let total = 0;
    for (const object of store.registry.all) {
      total += await expectSameRows(planQuery(lookUp(object.name)!, { limit: 5000 }, { lookUp }), object.name);
    }
    expect(total).toBeGreaterThan(400);
  });

  it('writes looked-up fields (one and two hops), under the select strings as sent, null when the lookup is empty', async () => {
    const plan = planQuery(
      Company,
      { select: ['Name', 'Csm__gr.Name', 'csm__gr.Email', 'Csm__gr.ModifiedDate', 'ARR', 'Gsid'], orderBy: { Name: 'desc' }, limit: 100 },
      { lookUp },
    );
    await expectSameRows(plan, 'lookups');
    const people = planQuery(lookUp('company_person')!, { select: ['Gsid', 'Company_ID__gr.Name', 'Company_ID__gr.Csm__gr.Email', 'Person_ID__gr.Email'], limit: 300 }, { lookUp });
    expect(await expectSameRows(people, 'two hops')).toBeGreaterThan(0);
  });

  it('pages filtered and deep queries the same way (offset, skip in the index)', async () => {
    const where = { conditions: [{ name: 'ARR', alias: 'A', value: [0], operator: 'GT' }], expression: 'A' };
    await expectSameRows(planQuery(Company, { where, orderBy: { ARR: 'desc' }, limit: 7, offset: 3 }, { lookUp }), 'filtered page');
    await expectSameRows(planQuery(Company, { orderBy: { ModifiedDate: 'asc', Gsid: 'asc' }, limit: 10, offset: 1000 }, { lookUp }), 'past the end');
  });

  it('leaves epoch dates and picklist Gsids to JavaScript', () => {
    const plan = planQuery(Company, { limit: 1 }, { lookUp });
    expect(sqlPresents(plan, { dateFormat: 'epoch', picklistValues: 'label' })).toBe(false);
    const picklists = plan.columns.some((column) => column.source.kind === 'field' && column.source.ref.field.options);
    expect(sqlPresents(plan, { dateFormat: 'iso', picklistValues: 'gsid' })).toBe(!picklists);
    const noPicklist = planQuery(Company, { select: ['Name', 'ARR'], limit: 1 }, { lookUp });
    expect(sqlPresents(noPicklist, { dateFormat: 'iso', picklistValues: 'gsid' })).toBe(true);
  });
});
