/**
 * Time to apply a new custom field to a populated Company table (`gainsight-api schema apply`, or
 * a start with a schema file that adds it), for three kinds of field:
 *
 * - plain: a STRING (one column);
 * - lookup: a LOOKUP to gsuser (a column with a foreign key, and its index);
 * - unique: a STRING unique ignoring case (a column, its lower-cased key column and a unique index).
 *
 * The baseline, in the same run on the same table, is the same DDL written by hand and run
 * straight through the driver (`alter table ... add column`, `create index`). The ratio is what
 * the server adds: reading what was applied, planning, the lock, recording the schema in force.
 * After each run the field is dropped again (`--drop`, not timed), so every run starts alike.
 *
 *   npm run bench:schema -- --db sqlite:/tmp/bench-schema.db --companies 1000000 --runs 3
 *   npm run bench:schema -- --db 'postgres://postgres@127.0.0.1:5432/test?schema=bench_schema' --companies 1000000
 *
 * Timings are wall-clock medians; the machine is shared, so compare ratios, not absolutes.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { SchemaDocument, SchemaField } from '../src/domain/tenant-schema/format.js';
import { tenantSchemaOf } from '../src/schema/files.js';
import { createStore, openStore } from '../src/store/store.js';
import { median, openSeededStore } from './common.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite:./data/bench-schema.db' },
    companies: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
  },
});
const runs = Number(values.runs);

const KINDS: Record<string, { field: SchemaField; ddl: (t: { text: string }) => string[] }> = {
  plain: {
    field: { type: 'STRING' },
    ddl: (t) => [`alter table company add column bench_field__gc ${t.text}`],
  },
  lookup: {
    field: { type: 'LOOKUP', object: 'gsuser' },
    ddl: (t) => [
      `alter table company add column bench_field__gc ${t.text} references gsuser (gsid) on delete set null`,
      'create index company_bench_field__gc_idx on company (bench_field__gc)',
    ],
  },
  unique: {
    field: { type: 'STRING', unique: true },
    ddl: (t) => [
      `alter table company add column bench_field__gc ${t.text}`,
      `alter table company add column bench_field__gc_key ${t.text}`,
      'create unique index company_bench_field__gc_key_unique on company (bench_field__gc_key)',
    ],
  },
};

const schemaWith = (field?: SchemaField) => {
  const document: SchemaDocument = { objects: field ? { Company: { fields: { BenchField__gc: field } } } : {} };
  return tenantSchemaOf(document, 'bench.yaml');
};

// A run cut short leaves its field applied: drop it first.
const probe = await openStore({ url: values.db!, schema: schemaWith() });
if ((await probe.appliedSchema())?.objects.Company?.fields.BenchField__gc) await probe.migrate({ drop: ['Company.BenchField__gc'] });
await probe.close();

const { store, total } = await openSeededStore(values.db!, Number(values.companies));
const database = store.database;
const base = createStore(database, schemaWith());
await base.migrate();

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

console.log(`${total} companies on ${store.dialect}; median of ${runs} runs (ms)`);
console.log('| field | schema apply | hand-written DDL | ratio |');
console.log('|---|---|---|---|');
for (const [kind, { field, ddl }] of Object.entries(KINDS)) {
  const server: number[] = [];
  const hand: number[] = [];
  for (let run = 0; run < runs; run++) {
    const withField = createStore(database, schemaWith(field));
    server.push(await timed(() => withField.migrate()));
    await base.migrate({ drop: ['Company.BenchField__gc'] });
    hand.push(
      await timed(() =>
        database.maintenance((db) =>
          db.transaction().execute(async (trx) => {
            for (const statement of ddl(database.columnTypes)) await sql.raw(statement).execute(trx);
          }),
        ),
      ),
    );
    await database.maintenance(async (db) => {
      for (const column of ['bench_field__gc_key', 'bench_field__gc']) {
        if ((await database.columnsOf(db, 'company'))?.has(column)) await database.dropColumn(db, 'company', column);
      }
    });
  }
  const s = median(server);
  const h = median(hand);
  console.log(`| ${kind} | ${s.toFixed(1)} | ${h.toFixed(1)} | ${(s / h).toFixed(2)} |`);
}
await store.close();
