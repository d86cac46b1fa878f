/**
 * Report timings over a large seeded data set, with a baseline in the same run: the same
 * question asked with hand-written SQL straight through the driver. The ratio shows what the
 * report engine (validation, planning, query building, serialization) adds on top of the database.
 *
 *   npm run bench:reports -- --db sqlite:/tmp/bench.db --companies 1000000 --runs 7
 *   npm run bench:reports -- --db 'postgres://postgres@127.0.0.1:5432/test?schema=bench' --companies 1000000
 *
 * The database is seeded (deterministically) only when it holds fewer companies than asked for.
 * Timings are wall-clock medians; the machine is shared, so compare ratios, not absolutes.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { BENCH_KEY, median, openSeededStore } from './common.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite:./data/bench.db' },
    companies: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '7' },
  },
});
const companies = Number(values.companies);
const runs = Number(values.runs);
const KEY = BENCH_KEY;


async function time(work: () => Promise<unknown>): Promise<number[]> {
  await work(); // warm-up: page cache, statement cache, JIT
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

const { store, total } = await openSeededStore(values.db!, companies);
const app = await buildApp({ store, bootstrapKey: KEY });
const db = store.database.db;
const today = new Date().toISOString().slice(0, 10);
const in90 = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);

const run = (body: unknown) => async () => {
  const response = await app.inject({ method: 'POST', url: '/v1/reports', headers: { accesskey: KEY }, payload: body as object });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json();
};

const cases = [
  {
    report: 'arr-by-industry',
    engine: run({ reportId: 'arr-by-industry' }),
    baseline: () =>
      sql`select industry, count(*) as companies, sum(arr) as total, avg(arr) as average
          from company group by industry order by sum(arr) desc`.execute(db),
  },
  {
    report: 'upcoming-renewals',
    engine: run({ reportId: 'upcoming-renewals' }),
    baseline: () =>
      Promise.all([
        sql`select gsid, name, renewal_date, arr, csm_name, lifecycle_stage from company
            where renewal_date between ${today} and ${in90} order by renewal_date, gsid limit 1000`.execute(db),
        sql`select count(*) from company where renewal_date between ${today} and ${in90}`.execute(db),
      ]),
  },
];

console.log(`\n${store.dialect}, ${total} companies, median of ${runs} runs after one warm-up (ms)\n`);
console.log('| report | engine median | min | max | hand-written SQL median | ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const c of cases) {
  const engine = await time(c.engine);
  const baseline = await time(c.baseline);
  const result = (await c.engine()) as { data: { totalCount: number } };
  console.log(
    `| ${c.report} (${result.data.totalCount} rows before limit) | ${median(engine).toFixed(1)} | ${Math.min(...engine).toFixed(1)} | ` +
      `${Math.max(...engine).toFixed(1)} | ${median(baseline).toFixed(1)} | ${(median(engine) / median(baseline)).toFixed(2)} |`,
  );
}
await app.close();
await store.close();
