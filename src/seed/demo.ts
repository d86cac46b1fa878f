/**
 * The `serve --demo` data set: 50 named companies across industries and stages, 200 people, and
 * the standard objects' records that go with them (demo-standard.ts).
 */
import { Company, Person } from '../domain/objects/index.js';
import type { Store } from '../store/store.js';
import { loadStandardDemoData, type StandardDemoResult } from './demo-standard.js';
import { seedDatabase, type SeedResult } from './generator.js';
import { DEMO_COMPANY_NAMES } from './vocabulary.js';

export const DEMO_COMPANIES = DEMO_COMPANY_NAMES.length;
export const DEMO_PEOPLE = 200;

/** Loads the demo data into an empty database; returns undefined (and writes nothing) otherwise. */
export async function loadDemoData(store: Store, today: Date = new Date()): Promise<(SeedResult & StandardDemoResult) | undefined> {
  const [companies, people] = await Promise.all([store.records(Company).count(), store.records(Person).count()]);
  if (companies > 0 || people > 0) return undefined;
  // Several nodes started with --demo at once: exactly one loads it.
  if (!(await store.claimOnce('demo_data_loaded'))) return undefined;
  return writeDemoData(store, today.toISOString().slice(0, 10));
}

/** Writes the demo data whatever the database holds (the sandbox's reset empties it first). */
export async function writeDemoData(store: Store, baseDate: string): Promise<SeedResult & StandardDemoResult> {
  const seeded = await seedDatabase(store, {
    companies: DEMO_COMPANIES,
    people: DEMO_PEOPLE,
    randomSeed: 'demo',
    baseDate,
    companyNames: DEMO_COMPANY_NAMES,
  });
  return { ...seeded, ...(await loadStandardDemoData(store, baseDate)) };
}
