/**
 * A sync job against the NXT query API: 12,345 companies paged with limit 5000 ordered by
 * {ModifiedDate: asc, Gsid: asc} via offset. Every record must be seen exactly once, in that
 * order, with many ties on ModifiedDate (blocks of 7 share one) so that page boundaries fall
 * inside ties; then the same while another client inserts companies; then an incremental sync
 * (ModifiedDate after a checkpoint).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newGsid } from '../../src/domain/gsid.js';
import { Company } from '../../src/domain/objects/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const TOTAL = 12_345;
const PAGE = 5000;
const TIE_BLOCK = 7;
const BASE_MS = Date.UTC(2020, 0, 1);

type Row = { Gsid: string; ModifiedDate: string };

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describeEachBackend('NXT sync job', (backend) => {
  let t: TestApp;
  let originals: Row[] = [];
  let loadedBy = '';

  beforeAll(async () => {
    t = await createTestApp(backend);
    // Gsids are handed out in a shuffled order, so that the Gsid tie-break is not also creation order.
    const gsids = shuffle(Array.from({ length: TOTAL }, () => newGsid()));
    const rows = gsids.map((Gsid, i) => {
      const at = new Date(BASE_MS + Math.floor(i / TIE_BLOCK) * 1000).toISOString();
      return { Gsid, Name: `Sync ${String(i).padStart(5, '0')}`, Industry: 'Sync', CreatedDate: at, ModifiedDate: at };
    });
    const store = t.store as any;
    const repository = typeof store.records === 'function' ? store.records(Company) : store.companies;
    if (repository && typeof repository.insertMany === 'function') {
      await repository.insertMany(rows);
      loadedBy = 'store.insertMany';
      originals = rows.map(({ Gsid, ModifiedDate }) => ({ Gsid, ModifiedDate }));
    } else {
      // No bulk insert: NXT inserts of 50; the server assigns Gsids and dates.
      loadedBy = 'NXT inserts';
      for (let start = 0; start < TOTAL; start += 50) {
        const res = await t.request('POST', '/v1/data/objects/Company', {
          body: { records: rows.slice(start, start + 50).map(({ Name, Industry }) => ({ Name, Industry })) },
        });
        expect(res.status).toBe(200);
      }
      originals = await fullPass();
    }
  }, 120_000);
  afterAll(() => t.close());

  async function page(offset: number, limit = PAGE): Promise<Row[]> {
    const res = await t.request('POST', '/v1/data/objects/query/Company', {
      body: { select: ['Gsid', 'ModifiedDate'], orderBy: { ModifiedDate: 'asc', Gsid: 'asc' }, limit, offset },
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.data.records.length).toBeLessThanOrEqual(limit);
    return res.body.data.records;
  }

  /** The sync job: pages until a short page. `between` runs after each page (another client's writes). */
  async function fullPass(between?: () => Promise<void>): Promise<Row[]> {
    const seen: Row[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const records = await page(offset);
      seen.push(...records);
      if (between) await between();
      if (records.length < PAGE) return seen;
    }
  }

  const sortedRows = (rows: Row[]) => [...rows].sort((a, b) => byCodePoint(a.ModifiedDate, b.ModifiedDate) || byCodePoint(a.Gsid, b.Gsid));

  it(`sees each of ${TOTAL} companies exactly once, in (ModifiedDate, Gsid) order`, async () => {
    const started = Date.now();
    const seen = await fullPass();
    expect(seen).toHaveLength(TOTAL);
    expect(new Set(seen.map((r) => r.Gsid)).size).toBe(TOTAL);
    expect(seen).toEqual(sortedRows(originals));
    expect(Date.now() - started, `one pass (loaded by ${loadedBy})`).toBeLessThan(30_000);
  }, 120_000);

  it('page boundaries fall inside ties and still split them by Gsid', async () => {
    const first = await page(0);
    const second = await page(PAGE);
    const lastOfFirst = first[first.length - 1]!;
    const firstOfSecond = second[0]!;
    if (loadedBy === 'store.insertMany') expect(lastOfFirst.ModifiedDate).toBe(firstOfSecond.ModifiedDate);
    expect(byCodePoint(lastOfFirst.ModifiedDate, firstOfSecond.ModifiedDate) || byCodePoint(lastOfFirst.Gsid, firstOfSecond.Gsid)).toBe(-1);
  });

  it('while another client inserts companies, every original is still seen exactly once', async () => {
    const inserted: string[] = [];
    let stop = false;
    let batch = 0;
    const insertBatch = async () => {
      const n = batch++;
      const res = await t.request('POST', '/v1/data/objects/Company', {
        body: { records: Array.from({ length: 50 }, (_, i) => ({ Name: `Concurrent ${n}-${i}`, Industry: 'Concurrent' })) },
      });
      expect(res.status).toBe(200);
      inserted.push(...res.body.data.records.map((r: { Gsid: string }) => r.Gsid));
    };
    const writer = (async () => {
      while (!stop) await insertBatch();
    })();
    let seen: Row[];
    try {
      // Besides the background writer, one batch lands between every two pages for certain.
      seen = await fullPass(insertBatch);
    } finally {
      stop = true;
      await writer;
    }
    const counts = new Map<string, number>();
    for (const row of seen) counts.set(row.Gsid, (counts.get(row.Gsid) ?? 0) + 1);
    for (const original of originals) expect(counts.get(original.Gsid), original.Gsid).toBe(1);
    for (const [gsid, count] of counts) expect(count, gsid).toBe(1);
    const originalSet = new Set(originals.map((r) => r.Gsid));
    const insertedSet = new Set(inserted);
    for (const row of seen) expect(originalSet.has(row.Gsid) || insertedSet.has(row.Gsid), row.Gsid).toBe(true);
    expect(inserted.length).toBeGreaterThanOrEqual(150);
    expect(seen.filter((r) => originalSet.has(r.Gsid))).toEqual(sortedRows(originals));
    // Everything acknowledged is there once the writer stopped.
    const after = await fullPass();
    expect(after).toHaveLength(TOTAL + inserted.length);
  }, 120_000);

  it('incremental sync: ModifiedDate after a checkpoint answers exactly the records changed since', async () => {
    const [latest] = await (async () => {
      const res = await t.request('POST', '/v1/data/objects/query/Company', {
        body: { select: ['ModifiedDate'], orderBy: { ModifiedDate: 'desc', Gsid: 'asc' }, limit: 1 },
      });
      return res.body.data.records as Row[];
    })();
    const checkpoint = latest!.ModifiedDate;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const changed = originals.slice(100, 110).map((r) => r.Gsid);
    const res = await t.request('PUT', '/v1/data/objects/Company?keys=Gsid', {
      body: { records: changed.map((Gsid) => ({ Gsid, Status: 'Touched' })) },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.count).toBe(10);
    const since = await t.request('POST', '/v1/data/objects/query/Company', {
      body: {
        select: ['Gsid', 'Status'],
        where: { conditions: [{ name: 'ModifiedDate', alias: 'A', operator: 'GT', value: [checkpoint] }], expression: 'A' },
        orderBy: { ModifiedDate: 'asc', Gsid: 'asc' },
        limit: PAGE,
      },
    });
    expect(since.body.data.records.map((r: { Gsid: string }) => r.Gsid).sort()).toEqual([...changed].sort());
    expect(since.body.data.records.every((r: { Status: string }) => r.Status === 'Touched')).toBe(true);
    // Epoch milliseconds as the checkpoint give the same answer.
    const epoch = await t.request('POST', '/v1/data/objects/query/Company', {
      body: { select: ['Gsid'], where: { conditions: [{ name: 'ModifiedDate', alias: 'A', operator: 'GT', value: [Date.parse(checkpoint)] }] }, limit: PAGE },
    });
    expect(epoch.body.data.records.map((r: { Gsid: string }) => r.Gsid).sort()).toEqual([...changed].sort());
  }, 60_000);

  describe('the seed surface agrees', () => {
    it('totalCount on /v1/companies counts every synced company', async () => {
      const res = await t.request('GET', '/v1/companies?pageSize=1');
      const nxt = await (async () => {
        let count = 0;
        for (let offset = 0; ; offset += PAGE) {
          const records = await page(offset);
          count += records.length;
          if (records.length < PAGE) return count;
        }
      })();
      expect(res.body.data.totalCount).toBe(nxt);
    }, 60_000);
  });
});
