/**
 * What the benchmark scripts share: medians, timing several pieces of work in alternating rounds,
 * and a store holding at least N seeded companies.
 */
import { Company } from '../src/domain/objects/index.js';
import { seedDatabase } from '../src/seed/generator.js';
import { openStore, type Store } from '../src/store/store.js';

/** The access key the benchmarks' in-process apps take (GS_ACCESS_KEY-style bootstrap key). */
export const BENCH_KEY = 'bench-key-0123456789abcdef';

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times each piece of work `runs` times (milliseconds): one warm-up of each first (page cache,
 * statement cache, JIT), then rounds that run every piece once, in order, so that load on the
 * shared machine hits all of them alike. Returns one list of samples per piece, in `work` order.
 */
export async function timeAlternating(work: readonly (() => Promise<unknown>)[], runs: number): Promise<number[][]> {
  for (const w of work) await w();
  const samples = work.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, w] of work.entries()) {
      const started = performance.now();
      await w();
      samples[j]!.push(performance.now() - started);
    }
  }
  return samples;
}

/**
 * Opens the database and seeds it (deterministically) up to `companies` companies; a database
 * that already holds them is reused, so repeated runs skip the seeding.
 */
export async function openSeededStore(url: string, companies: number): Promise<{ store: Store; total: number }> {
  const store = await openStore({ url, sqliteSynchronous: 'normal' });
  await store.migrate();
  const existing = await store.records(Company).count();
  if (existing < companies) {
    const started = performance.now();
    console.error(`seeding ${companies - existing} companies into ${store.dialect}...`);
    await seedDatabase(store, { companies: companies - existing, people: 0, randomSeed: `bench-${existing}`, baseDate: new Date().toISOString().slice(0, 10) });
    console.error(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { store, total: await store.records(Company).count() };
}
