/**
 * Pages of an NXT query walked by offset seek from where the previous page ended
 * (src/store/report-query.ts, Cursor) and answer exactly what the offset query answers, on both
 * backends: while another node inserts, deletes and reorders records between pages, descending,
 * filtered, and in orders that cannot seek. The seeks are really taken (the statements run are
 * watched), and only when nothing was written since the cursor was left.
 */
import { sql, type KyselyPlugin } from 'kysely';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { planQuery } from '../../src/domain/nxt/query.js';
import type { ObjectDescription } from '../../src/domain/object-model.js';
import { seedDatabase } from '../../src/seed/generator.js';
import { createReportRunner } from '../../src/store/report-query.js';
import type { Store } from '../../src/store/store.js';
import { describeEachBackend } from '../helpers/backends.js';
import { twoNodesPerSuite } from '../helpers/two-nodes.js';

const BASE_DATE = '2026-03-01';
const LIMIT = 25;

describeEachBackend('NXT query pages seek from the previous page', (backend) => {
  // Two nodes on one database: one reads, the other writes between its pages.
  const suite = twoNodesPerSuite(backend, 'nxt-cursor');
  let reader: Store;
  let writer: Store;
  let company: ObjectDescription;
  beforeAll(() => {
    [reader, writer] = suite.nodes;
    company = reader.registry.lookUp('Company')!;
  });
  beforeEach(async () => {
    for (const table of ['company_person', 'person', 'company']) await sql`delete from ${sql.table(table)}`.execute(writer.database.db);
    await seedDatabase(writer, { companies: 300, people: 0, randomSeed: 'cursor', baseDate: BASE_DATE });
  });

  /** The runner under test, on the reader, and the statements it runs. */
  function watchedRunner() {
    const log: string[] = [];
    const db = reader.database.db;
    const watch: KyselyPlugin = {
      transformQuery: ({ node, queryId }) => {
        log.push(db.getExecutor().compileQuery(node, queryId).sql);
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    return { runner: createReportRunner({ ...reader.database, db: db.withPlugin(watch) }), log };
  }

  const plan = (body: Record<string, unknown>, offset: number) =>
    planQuery(company, { select: ['Gsid', 'Name', 'ModifiedDate', 'Industry'], limit: LIMIT, ...body, offset }, { lookUp: (name) => reader.registry.lookUp(name) });
  /** What the offset query answers now: a runner that has left no cursor. */
  const byOffset = async (body: Record<string, unknown>, offset: number) => (await createReportRunner(reader.database).runJson(plan(body, offset))).json;
  const isSeek = (text: string) => /\) [<>] \(/.test(text);
  /** The page statements among those compiled (a list's cursor key compiles one without a limit). */
  const pageStatements = (log: readonly string[]) => log.filter((text) => /\blimit\b/i.test(text));

  const at = (minute: number) => new Date(Date.parse(`${BASE_DATE}T00:00:00.000Z`) - 86_400_000 * 30 + minute * 60_000).toISOString();
  let made = 0;
  /** Another node's writes between two pages: inserts anywhere in the order, deletes, and updates that move records. */
  async function writeElsewhere(round: number): Promise<void> {
    const records = writer.records(company);
    const rows = Array.from({ length: 3 }, (_, i) => ({
      Gsid: `W${String(made++).padStart(5, '0')}`.padEnd(36, 'X'),
      Name: `Written ${round} ${i}`,
      Industry: 'Software',
      CreatedDate: at(round * 7 + i),
      ModifiedDate: at((round * 7919 + i * 104_729) % 60_000),
    }));
    await records.insertMany(rows);
    const present = (await records.list({ offset: (round * 37) % 250, limit: 3 })).records;
    await records.delete(present[0]!.Gsid as string);
    await records.update(present[1]!.Gsid as string, { Name: `Moved ${round}`, ModifiedDate: at(59_000 + round) });
  }

  for (const [label, body] of [
    ['by ModifiedDate then Gsid', { orderBy: { ModifiedDate: 'asc', Gsid: 'asc' } }],
    ['descending', { orderBy: { ModifiedDate: 'desc', Gsid: 'desc' } }],
    ['filtered on the object\'s own field', { orderBy: { ModifiedDate: 'asc' }, where: { conditions: [{ name: 'Industry', alias: 'A', operator: 'NE', value: ['Media'] }], expression: 'A' } }],
  ] as const) {
    it(`${label}: every page equals the offset's, while another node writes between pages`, async () => {
      const { runner, log } = watchedRunner();
      let seeks = 0;
      let refusedSeeks = 0;
      for (let page = 0; ; page++) {
        const wrote = page % 3 === 2;
        if (wrote) await writeElsewhere(page);
        log.length = 0;
        const { json } = await runner.runJson(plan(body, page * LIMIT));
        expect(json, `page ${page}`).toEqual(await byOffset(body, page * LIMIT));
        const statements = pageStatements(log);
        const sought = statements.some(isSeek);
        if (sought) seeks++;
        // A seek after a write is read, found stale, and the offset asked.
        if (sought && statements.length > 1) refusedSeeks++;
        if (page > 0 && !wrote) expect(sought && statements.length === 1, `page ${page} sought from the cursor alone`).toBe(true);
        if (json.length < LIMIT) break;
      }
      expect(seeks).toBeGreaterThan(3);
      expect(refusedSeeks).toBeGreaterThan(0);
    });
  }

  it('orders that cannot seek (mixed directions, a field that may be empty) page by offset, exactly', async () => {
    const { runner, log } = watchedRunner();
    // Descending by a field then ascending by Gsid (the tie-breaker a query without Gsid gets).
    for (const body of [{ orderBy: { ModifiedDate: 'desc' } }, { orderBy: { ModifiedDate: 'asc', Name: 'desc' } }, { orderBy: { Industry: 'asc' } }]) {
      for (let page = 0; page < 4; page++) {
        log.length = 0;
        const { json } = await runner.runJson(plan(body, page * LIMIT));
        expect(json).toEqual(await byOffset(body, page * LIMIT));
        expect(log.some(isSeek)).toBe(false);
      }
    }
  });
});
