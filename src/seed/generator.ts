/**
 * Deterministic data for `gainsight-api seed` and the `--demo` data set. The same
 * `--random-seed` and `--base-date` give the same records (Gsids included) on every run, which
 * also means seeding the same seed twice into one database collides on purpose.
 *
 * Rows are generated and written in chunks, so a million companies never sit in memory at once.
 */
import { addDays } from '../domain/dates.js';
import { seededGsid } from '../domain/gsid.js';
import type { FieldValues } from '../domain/object-model.js';
import { Company, Person } from '../domain/objects/index.js';
import type { Store } from '../store/store.js';
import { createRandom, type Random } from './random.js';
import {
  CSM_NAMES,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  LIFECYCLE_STAGES,
  LOCATIONS,
  NAME_PARTS_A,
  NAME_PARTS_B,
  ROLES,
} from './vocabulary.js';

export interface SeedOptions {
  readonly companies: number;
  readonly people: number;
  readonly randomSeed: string;
  /** `YYYY-MM-DD`; renewal and contract dates are spread around it. */
  readonly baseDate: string;
  /** Names for the first companies (the demo set); later ones are generated. */
  readonly companyNames?: readonly string[];
  readonly chunkSize?: number;
  readonly onProgress?: (message: string) => void;
}

export interface SeedResult {
  readonly companies: number;
  readonly people: number;
}


function weightedPick(random: Random, items: readonly (readonly [string, number])[]): string {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Log-normal around a median: revenue is skewed, with a few very large customers. */
function logNormal(random: Random, median: number, sigma: number): number {
  const u = 1 - random.next();
  const v = random.next();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(sigma * normal);
}

function slug(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function generateCompany(random: Random, name: string, baseDate: string, createdMs: number): FieldValues {
  const stage = weightedPick(random, LIFECYCLE_STAGES);
  const isCustomer = stage !== 'Prospect';
  const arr = isCustomer ? Math.max(1000, Math.round(logNormal(random, 60_000, 1.1) / 100) * 100) : null;
  const createdDate = new Date(createdMs).toISOString();
  return {
    Gsid: seededGsid(createdMs, () => random.int(0, 35)),
    Name: name,
    Industry: random.chance(0.96) ? random.pick(INDUSTRIES) : null,
    ARR: arr,
    LifecycleStage: stage,
    Status: stage === 'Churned' ? 'Churned' : stage === 'Prospect' ? 'Prospect' : random.chance(0.93) ? 'Active' : 'Inactive',
    CSMName: isCustomer ? random.pick(CSM_NAMES) : null,
    Employees: random.chance(0.95) ? Math.round(logNormal(random, 250, 1.4)) + 1 : null,
    OriginalContractDate: isCustomer ? addDays(baseDate, -random.int(30, 2500)) : null,
    RenewalDate: isCustomer && stage !== 'Churned' ? addDays(baseDate, random.int(-20, 365)) : null,
    CreatedDate: createdDate,
    ModifiedDate: createdDate,
  };
}

export function generatePerson(
  random: Random,
  index: number,
  seedTag: string,
  company: { Gsid: string; domain: string } | undefined,
  createdMs: number,
): FieldValues {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const createdDate = new Date(createdMs).toISOString();
  const domain = company?.domain ?? 'example.com';
  return {
    Gsid: seededGsid(createdMs, () => random.int(0, 35)),
    FirstName: first,
    LastName: last,
    // The index makes every address unique within a run; the seed tag across runs.
    Email: `${first}.${last}.${index}.${seedTag}@${domain}`.toLowerCase(),
    CompanyId: company?.Gsid ?? null,
    Role: random.pick(ROLES),
    Location: random.pick(LOCATIONS),
    CreatedDate: createdDate,
    ModifiedDate: createdDate,
  };
}

/** From this many rows on, indexes are rebuilt once at the end instead of row by row. */
const BULK_THRESHOLD = 50_000;

export async function seedDatabase(store: Store, options: SeedOptions): Promise<SeedResult> {
  if (options.companies + options.people >= BULK_THRESHOLD) {
    options.onProgress?.('large seed: non-unique indexes are rebuilt at the end');
    return store.bulkLoad([Company.table, Person.table], () => generateAndInsert(store, options));
  }
  return generateAndInsert(store, options);
}

async function generateAndInsert(store: Store, options: SeedOptions): Promise<SeedResult> {
  const random = createRandom(options.randomSeed);
  const chunkSize = options.chunkSize ?? 5000;
  const baseMs = Date.parse(`${options.baseDate}T00:00:00.000Z`);
  if (Number.isNaN(baseMs)) throw new Error(`Invalid base date ${JSON.stringify(options.baseDate)}: use YYYY-MM-DD`);
  const seedTag = slug(options.randomSeed).slice(0, 12) || 'seed';
  // Seeded rows are spaced 1 ms apart from the base date's midnight, in creation order.
  let clock = baseMs;

  const companies: { Gsid: string; domain: string }[] = [];
  for (let start = 0; start < options.companies; start += chunkSize) {
    const rows: FieldValues[] = [];
    for (let i = start; i < Math.min(options.companies, start + chunkSize); i++) {
      const name =
        options.companyNames?.[i] ?? `${random.pick(NAME_PARTS_A)} ${random.pick(NAME_PARTS_B)} ${i + 1}`;
      const row = generateCompany(random, name, options.baseDate, clock++);
      rows.push(row);
      // Only a sample of companies is kept for people to point at, to bound memory.
      if (companies.length < 100_000) companies.push({ Gsid: row.Gsid as string, domain: `${slug(name)}.example.com` });
    }
    await store.records(Company).insertMany(rows);
    options.onProgress?.(`companies: ${Math.min(options.companies, start + chunkSize)}/${options.companies}`);
  }

  if (options.people > 0 && companies.length === 0) {
    const existing = await store.records(Company).list({ offset: 0, limit: 100 });
    for (const record of existing.records) companies.push({ Gsid: record.Gsid, domain: `${slug(String(record.Name))}.example.com` });
  }

  for (let start = 0; start < options.people; start += chunkSize) {
    const rows: FieldValues[] = [];
    for (let i = start; i < Math.min(options.people, start + chunkSize); i++) {
      const company = companies.length > 0 && random.chance(0.97) ? random.pick(companies) : undefined;
      rows.push(generatePerson(random, i, seedTag, company, clock++));
    }
    await store.records(Person).insertMany(rows);
    options.onProgress?.(`people: ${Math.min(options.people, start + chunkSize)}/${options.people}`);
  }
  return { companies: options.companies, people: options.people };
}
