/** What the benchmark scripts share: medians, and a store holding at least N seeded companies. */
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
