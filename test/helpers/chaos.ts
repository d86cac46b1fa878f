/**
 * A write storm whose clients retry with Idempotency-Key, for the kill -9 suites
 * (test/e2e/chaos.test.ts on SQLite, test/pg/chaos.test.ts on two PostgreSQL nodes).
 *
 * Each client performs a fixed list of logical writes (create a company, then patch it), each
 * under its own key. A write is retried (same key, same body) after a network error or a 5xx,
 * against whichever node is up, until a 2xx acknowledges it; any 4xx fails the storm. What was
 * acknowledged is remembered, so the suite can check afterwards that the database holds every
 * acknowledged write exactly once, and that each key replays its acknowledged answer.
 */
import { expect } from 'vitest';
import { E2E_ACCESS_KEY, sleep } from './cli.js';

export interface Acknowledged {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** The acknowledged answer's exact text. */
  readonly text: string;
  readonly data: { Gsid: string; Name: string; Industry?: string };
}

export interface StormResult {
  readonly acknowledged: Acknowledged[];
  /** Attempts that got no answer or a 5xx, and were retried. */
  readonly retries: number;
  /** Acknowledgements that were replays: the first attempt had committed, its answer was lost. */
  readonly replayedAcknowledgements: number;
}

export interface StormOptions {
  readonly clients: number;
  /** Companies each client creates (each followed by a patch: two writes). */
  readonly companiesPerClient: number;
  /** The nodes' base URLs, read on every attempt (a killed node's is retried until it is back, or dropped). */
  readonly targets: () => readonly string[];
  /** Called once, when this many writes have been acknowledged: kill a node here. */
  readonly killAfter: number;
  readonly onKill: () => Promise<void>;
  readonly tag: string;
}

export async function sendWithKey(base: string, method: string, path: string, key: string, body: unknown): Promise<Response> {
  return fetch(base + path, {
    method,
    headers: { accessKey: E2E_ACCESS_KEY, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
}

export async function runStorm(options: StormOptions): Promise<StormResult> {
  const acknowledged: Acknowledged[] = [];
  let retries = 0;
  let replayedAcknowledgements = 0;
  let killing: Promise<void> | undefined;

  async function write(client: number, key: string, method: string, path: string, body: unknown): Promise<Acknowledged> {
    for (let attempt = 0; ; attempt++) {
      const targets = options.targets();
      const base = targets[(client + attempt) % targets.length]!;
      let response: Response | undefined;
      let text = '';
      try {
        response = await sendWithKey(base, method, path, key, body);
        text = await response.text();
      } catch {
        response = undefined;
      }
      if (response && response.status < 300) {
        const ack: Acknowledged = { key, method, path, body, text, data: JSON.parse(text).data };
        acknowledged.push(ack);
        if (response.headers.get('idempotent-replayed') === 'true') replayedAcknowledgements++;
        if (acknowledged.length === options.killAfter) killing = options.onKill();
        return ack;
      }
      if (response && response.status < 500) throw new Error(`${method} ${path} (key ${key}): ${response.status} ${text}`);
      retries++;
      if (attempt > 600) throw new Error(`${method} ${path} (key ${key}) never succeeded`);
      await sleep(50);
    }
  }

  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      for (let i = 0; i < options.companiesPerClient; i++) {
        const name = `${options.tag}-${client}-${i}`;
        const created = await write(client, `${name}-create`, 'POST', '/v1/companies', { Name: name, Employees: i });
        await write(client, `${name}-patch`, 'PATCH', `/v1/companies/${created.data.Gsid}`, { Industry: `Patched ${i}` });
      }
    }),
  );
  await killing;
  return { acknowledged, retries, replayedAcknowledgements };
}

/** Every company whose Name starts with `tag`, through the list API of a live node. */
export async function companiesTagged(base: string, tag: string): Promise<{ Gsid: string; Name: string; Industry?: string }[]> {
  const found: { Gsid: string; Name: string; Industry?: string }[] = [];
  for (let pageNumber = 0; ; pageNumber++) {
    const response = await fetch(`${base}/v1/companies?pageNumber=${pageNumber}&pageSize=100`, { headers: { accessKey: E2E_ACCESS_KEY } });
    const records = ((await response.json()) as { data: { records: { Gsid: string; Name: string; Industry?: string }[] } }).data.records;
    found.push(...records.filter((record) => record.Name.startsWith(`${tag}-`)));
    if (records.length < 100) return found;
  }
}

export interface StormCheck {
  readonly acknowledgedWrites: number;
  readonly companiesFound: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly replaysChecked: number;
}

/**
 * After the storm, against a live node: every acknowledged create is there once, with its
 * acknowledged patch; nothing else carries the tag; every key replays its acknowledged answer.
 */
export async function checkStorm(base: string, tag: string, result: StormResult, expectedCompanies: number): Promise<StormCheck> {
  const found = await companiesTagged(base, tag);
  const byName = new Map<string, number>();
  for (const record of found) byName.set(record.Name, (byName.get(record.Name) ?? 0) + 1);
  const duplicates = [...byName.values()].reduce((sum, count) => sum + count - 1, 0);
  const foundByGsid = new Map(found.map((record) => [record.Gsid, record]));
  let lost = 0;
  for (const ack of result.acknowledged) {
    const record = foundByGsid.get(ack.data.Gsid);
    if (!record) lost++;
    else if (ack.method === 'PATCH' && record.Industry !== ack.data.Industry) lost++;
  }
  let replaysChecked = 0;
  for (const ack of result.acknowledged) {
    const response = await sendWithKey(base, ack.method, ack.path, ack.key, ack.body);
    const text = await response.text();
    if (response.headers.get('idempotent-replayed') !== 'true' || text !== ack.text) {
      throw new Error(`key ${ack.key} did not replay its acknowledged answer: ${response.status} ${text}\nacknowledged: ${ack.text}`);
    }
    replaysChecked++;
  }
  if (found.length !== expectedCompanies) throw new Error(`expected ${expectedCompanies} companies, found ${found.length} (${duplicates} duplicates)`);
  return { acknowledgedWrites: result.acknowledged.length, companiesFound: found.length, duplicates, lost, replaysChecked };
}

/** The storm both kill -9 suites run: 8 clients of 25 companies each, the kill after 120 acknowledged writes. */
export const STORM = { clients: 8, companiesPerClient: 25, killAfter: 120 } as const;

/**
 * The verdict on a STORM-sized storm, against a live node: every acknowledged write (two per
 * company) is there, none lost, none duplicated, and every key replayed. Logs the numbers under `label`.
 */
export async function expectStormSurvived(base: string, tag: string, result: StormResult, label: string): Promise<void> {
  const companies = STORM.clients * STORM.companiesPerClient;
  const check = await checkStorm(base, tag, result, companies);
  console.log(`[${label}] ${JSON.stringify({ ...check, retries: result.retries, replayedAcknowledgements: result.replayedAcknowledgements })}`);
  expect(check.acknowledgedWrites).toBe(companies * 2);
  expect(check.lost).toBe(0);
  expect(check.duplicates).toBe(0);
  expect(check.replaysChecked).toBe(check.acknowledgedWrites);
}
