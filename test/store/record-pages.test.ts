/**
 * Pages and records as JSON text built by the database (src/store/record-pages.ts,
 * src/store/record-json.ts) against the reference, the repository's `list` and `get` (plain
 * offset query, row objects serialized by JSON.stringify), on both backends:
 *
 * - the text is JSON.stringify's, byte for byte (PostgreSQL: numbers may differ in their text,
 *   never in their value), for seeded data and for odd values;
 * - cursors (keyset seeks) and the page-text cache answer what the offset query answers, also
 *   when another node writes between two pages of a walk; the fast paths are really taken (the
 *   statements run are watched);
 * - the counters they rely on (record_count.changes, .version) only grow, and grow when they must.
 */
import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import type { FieldDescription, FieldValues, ObjectDescription } from '../../src/domain/object-model.js';
import type { Equals, Page, RecordRepository, StoredRecord } from '../../src/domain/persistence.js';
import { createRecordService } from '../../src/domain/record-service.js';
import { seedDatabase } from '../../src/seed/generator.js';
import { recordJsonSql } from '../../src/store/record-json.js';
import { fieldsInRecordOrder } from '../../src/domain/schemas.js';
import { createPageReader, type PageReader } from '../../src/store/record-pages.js';
import type { Store } from '../../src/store/store.js';
import { describeEachBackend, type Backend } from '../helpers/backends.js';
import { recording } from '../helpers/recording-db.js';
import { twoNodesPerSuite } from '../helpers/two-nodes.js';


const BASE_DATE = '2026-03-01';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A small seeded generator (mulberry32): every run makes the same choices. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return { next, int, gsid: () => Array.from({ length: 36 }, () => ALPHABET[int(36)]).join('') };
}

/** What JSON.stringify writes for list's page. */
const pageText = (page: Page) => JSON.stringify({ records: page.records, totalCount: page.totalCount });

/** JSON text with every number written as JavaScript writes it (strings untouched). */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const numbersAsJavaScript = (text: string) => text.replace(JSON_TOKEN, (token) => (token.startsWith('"') ? token : JSON.stringify(Number(token))));

/**
 * The database's text against JSON.stringify's: identical on SQLite; on PostgreSQL identical
 * unless `numbersMayDiffer`, where numbers need only be the same numbers.
 */
function expectSameText(actual: string, expected: string, backend: Backend, numbersMayDiffer: boolean, label: string): void {
  if (actual === expected) return;
  if (backend.name === 'postgres' && numbersMayDiffer) expect(numbersAsJavaScript(actual), label).toBe(expected);
  else expect(actual, label).toBe(expected);
}

/** A FIFO lock: whoever asks first gets it next. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => released);
    await before;
    return release;
  }
}

type StatementKind = 'version' | 'seek' | 'skipInIndex' | 'offset' | 'other';
/** Which of the page reader's statements a statement is. */
function kindOf(text: string): StatementKind {
  if (/\) > \(/.test(text)) return 'seek';
  if (/ in \(select /i.test(text)) return 'skipInIndex';
  if (/\blimit\b/i.test(text)) return 'offset';
  if (/sum\(version\)/i.test(text)) return 'version';
  return 'other';
}

/** A page reader over `store`'s database that tells which statements each page ran. */
function watchedReader(store: Store, object: ObjectDescription) {
  const log: string[] = [];
  const reader: PageReader = createPageReader(recording(store.database.db, log), store.dialect, object, fieldsInRecordOrder(object.fields));
  return {
    async page(offset: number, limit: number, terms: Parameters<PageReader['page']>[0] = []) {
      log.length = 0;
      const { json } = await reader.page(terms, offset, limit);
      return { json, statements: log.map(kindOf) };
    },
  };
}

async function counters(store: Store, table: string) {
  const { rows } = await sql<{ count: unknown; changes: unknown; version: unknown }>`
    select coalesce(sum(count), 0) as count, coalesce(sum(changes), 0) as changes, coalesce(sum(version), 0) as version
    from record_count where table_name = ${table}`.execute(store.database.db);
  return { count: Number(rows[0]!.count), changes: Number(rows[0]!.changes), version: Number(rows[0]!.version) };
}

describeEachBackend('record pages as JSON text', (backend) => {
  // One database for the suite, and two nodes on it (on SQLite, a file: two connections); each
  // test starts from empty tables (deleted row by row: the counters go on, as they must).
  const suite = twoNodesPerSuite(backend, 'record-pages');
  beforeEach(async () => {
    const db = suite.nodes[0].database.db;
    // In whatever order the references allow.
    let pending = suite.nodes[0].registry.all.map((object) => object.table);
    for (let pass = 0; pending.length > 0 && pass < 10; pass++) {
      const refused: string[] = [];
      for (const table of pending) await sql`delete from ${sql.table(table)}`.execute(db).catch(() => refused.push(table));
      pending = refused;
    }
    expect(pending, 'tables left with rows').toEqual([]);
  });

  /**
   * Every page of a list (those numbered in [from, to) when given), in `order`: listJson's text
   * against list's page.
   */
  async function expectEveryPage(
    repository: RecordRepository,
    equals: Equals | undefined,
    limit: number,
    order: 'forward' | 'backward',
    [from, to]: [number, number] = [0, Infinity],
  ) {
    const total = await repository.count(equals);
    // One page past the end, too: an empty page with the count.
    const pages = Array.from({ length: Math.ceil(total / limit) + 1 }, (_, n) => n).filter((n) => n >= from && n < to);
    expect(pages.length).toBeGreaterThan(0);
    if (order === 'backward') pages.reverse();
    for (const n of pages) {
      const query = { equals, offset: n * limit, limit };
      const text = (await repository.listJson(query)).text;
      const expected = pageText(await repository.list(query));
      if (text !== expected) expect(text, `${repository.object.name} ${JSON.stringify(equals)} page ${n} of size ${limit} (${order})`).toBe(expected);
    }
  }

  it('answers list and get byte for byte, on every page of a seeded database', async () => {
    const [store] = suite.nodes;
    await seedDatabase(store, { companies: 1200, people: 2000, randomSeed: 'pages', baseDate: BASE_DATE });
    const company = store.records(store.registry.lookUp('Company')!);
    const person = store.records(store.registry.lookUp('Person')!);

    // Forward walks: after the first page, each page seeks from the cursor the one before left.
    // (Pages of one record: the first 120 and the last 100, to keep the suite fast.)
    await expectEveryPage(company, undefined, 1, 'forward', [0, 120]);
    await expectEveryPage(company, undefined, 1, 'forward', [1100, Infinity]);
    for (const limit of [7, 25, 100]) await expectEveryPage(company, undefined, limit, 'forward');
    await expectEveryPage(person, undefined, 100, 'forward');
    // Backward walks: no cursor for the page asked; offsets, deep ones skipped in the index.
    await expectEveryPage(company, undefined, 30, 'backward');
    await expectEveryPage(person, undefined, 50, 'backward');
    // And again: the same pages, now answered from the page cache.
    await expectEveryPage(company, undefined, 30, 'forward');

    // Filtered lists: people of the companies with the most people, and of one with none.
    const { rows } = await sql<{ company_id: string }>`
      select company_id from person where company_id is not null group by company_id order by count(*) desc, company_id limit 4`.execute(store.database.db);
    expect(rows.length).toBe(4);
    for (const { company_id: id } of rows) {
      for (const limit of [1, 2, 7]) {
        await expectEveryPage(person, { CompanyId: id }, limit, 'forward');
        await expectEveryPage(person, { CompanyId: id }, limit, 'backward');
      }
    }
    await expectEveryPage(person, { CompanyId: 'X'.repeat(36) }, 5, 'forward');

    // get: a sample of records, and one that does not exist.
    for (const [repository, limit] of [
      [company, 1200],
      [person, 2000],
    ] as const) {
      const { records } = await repository.list({ offset: 0, limit });
      for (const record of records.filter((_, i) => i % 37 === 0)) {
        expect((await repository.getJson(record.Gsid))!.text).toBe(JSON.stringify(await repository.get(record.Gsid)));
      }
      expect(await repository.getJson('Z'.repeat(36))).toBeUndefined();
    }
  });

  it('writes odd values as JSON.stringify does: strings, numbers, booleans, absent fields', async () => {
    const [store] = suite.nodes;
    const Company = store.registry.lookUp('Company')!;
    const Person = store.registry.lookUp('Person')!;
    const Picklist = store.registry.lookUp('da_picklist')!;
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const random = randomFrom(7);
    /** Inserted as the service would: the server's Gsid and timestamps. */
    const insert = async (object: ObjectDescription, values: FieldValues) => {
      const at = new Date(clock++).toISOString();
      const record = { Gsid: random.gsid(), ...values, CreatedDate: at, ModifiedDate: at };
      await store.records(object).insert(record);
      return record.Gsid as string;
    };

    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
      // PostgreSQL's text cannot hold U+0000.
      .slice(backend.name === 'postgres' ? 1 : 0)
      .join('');
    const strings = [
      'say "hi"',
      'back\\slash\\ and \\u0041 and \\"',
      controls,
      'tab\there, new\nline, return\r, form\ffeed, back\bspace',
      '\u007f delete, \u0080 and \u009f (C1), \u00a0 no-break',
      '😀 emoji, 𝄞 clef, \u{10ffff} last, 👩‍👩‍👧 joined',
      '</script><script>alert(1)</script> <!-- & \' \u003c',
      'line\u2028separator\u2029paragraph',
      'e\u0301 combining, ﬁ ligature, İ dotted, ß',
      '',
      '   ',
      '/slash/',
      'x'.repeat(20_000),
      // A lone surrogate cannot be stored as UTF-8: both sides see what was stored.
      'lone \ud800 surrogate',
    ];
    if (backend.name === 'sqlite') strings.push('nul \u0000 inside');
    const sameEverywhere = [0.1 + 0.2, 123456789.125, -0, 0, 5e-324, 1e21, -1e300, 1.7976931348623157e308, 64000, -64000.5, 0.0001, 999999999999999];
    // PostgreSQL writes these with an exponent (1e-07, 1e+15) where JavaScript does not.
    const exponentOnPostgres = [1e-7, 1e-5, 1e-6, 1e15, 2 ** 53 + 2, 1e-300];
    const integers = [0, -1, 1, 2_147_483_647, -2_147_483_648, ...(backend.name === 'sqlite' ? [2 ** 53 - 1, -(2 ** 53 - 1)] : [])];

    const plain: string[] = [];
    const exponent: string[] = [];
    for (const text of strings) plain.push(await insert(Company, { Name: `text ${plain.length}`, Summary: text, Tags: text }));
    for (const value of sameEverywhere) plain.push(await insert(Company, { Name: `number ${value}`, ARR: value, Mrr: value }));
    for (const value of exponentOnPostgres) exponent.push(await insert(Company, { Name: `number ${value}`, ARR: value }));
    for (const value of integers) plain.push(await insert(Company, { Name: `integer ${value}`, Employees: value, Users: value }));
    plain.push(await insert(Company, { Name: 'dates', OriginalContractDate: '2024-02-29', RenewalDate: '9999-12-31' }));
    plain.push(await insert(Company, { Name: 'required alone' }));
    // The last field set, the first ones absent (no stray commas).
    plain.push(await insert(Company, { Name: 'last fields', IndustryNew: 'Last', Summary: 'x' }));
    const company = store.records(Company);

    const service = createRecordService(store.records(Person), { clock: () => new Date(clock++) });
    const people = [
      await service.create({ FirstName: 'Opted', LastName: 'Out "quoted"', EmailOptOut: true, CompanyId: plain[0]! }),
      await service.create({ FirstName: 'Opted', LastName: 'In \u2028', EmailOptOut: false, CompanyId: plain[0]! }),
      await service.create({ FirstName: 'Nothing', CompanyId: plain[1]! }),
      await service.create({ Email: 'ÉMILE@Example.COM' }),
    ].map((record) => record.Gsid);
    const person = store.records(Person);

    const picklist = store.records(Picklist);
    const picks = [
      await insert(Picklist, { Name: 'active', IsActive: true, SystemDefined: false, DisplayOrder: 1.5, Deleted: false }),
      await insert(Picklist, { Name: 'inactive', IsActive: false, IsDefault: true, DisplayOrder: -0 }),
      await insert(Picklist, { Name: 'bare' }),
    ];

    // Each field written as given (the reference really holds the odd values).
    expect((await company.get(plain[1]!))!.Summary).toBe(strings[1]);
    expect((await person.get(people[0]!))!.EmailOptOut).toBe(true);
    expect((await person.get(people[1]!))!.EmailOptOut).toBe(false);
    expect((await picklist.get(picks[0]!))!).toMatchObject({ IsActive: true, SystemDefined: false, Deleted: false });

    for (const [repository, gsids, numbersMayDiffer] of [
      [company, plain, false],
      [company, exponent, true],
      [person, people, false],
      [picklist, picks, false],
    ] as const) {
      for (const gsid of gsids) {
        const expected = JSON.stringify(await repository.get(gsid));
        expectSameText((await repository.getJson(gsid))!.text, expected, backend, numbersMayDiffer, `get ${gsid}`);
      }
    }
    // Pages: the odd records side by side (PostgreSQL: the exponent numbers among them).
    for (const [repository, equals] of [
      [company, undefined],
      [person, undefined],
      [person, { CompanyId: plain[0]! }],
      [picklist, undefined],
    ] as const) {
      const total = await repository.count(equals);
      for (const limit of [1, 3, 50]) {
        for (let offset = 0; offset <= total; offset += limit) {
          const query = { equals, offset, limit };
          expectSameText((await repository.listJson(query)).text, pageText(await repository.list(query)), backend, true, `${repository.object.name} at ${offset}`);
        }
      }
    }
  });

  it('writes the JSON of objects wider than one concat_ws call, whichever chunks are empty', async () => {
    const [store] = suite.nodes;
    const db = store.database.db;
    const types = ['string', 'number', 'integer', 'boolean', 'date'] as const;
    const columnType = { string: 'text', number: backend.name === 'sqlite' ? 'real' : 'double precision', integer: 'integer', boolean: 'integer', date: backend.name === 'sqlite' ? 'text' : 'date' };
    const fields = Array.from({ length: 200 }, (_, i) => ({
      name: i === 1 ? `it's "F1"\\` : `F${i}`,
      column: `c${i}`,
      type: types[i % types.length]!,
    })) as unknown as FieldDescription[];
    await sql`create table wide_json (id integer primary key, ${sql.join(fields.map((f) => sql`${sql.id(f.column)} ${sql.raw(columnType[f.type as keyof typeof columnType])}`))})`.execute(db);
    const value = (field: FieldDescription, i: number) =>
      ({ string: `s${i}`, number: i + 0.5, integer: i * 1000, boolean: i % 2 === 0, date: '2026-01-31' })[field.type as (typeof types)[number]];
    const rowsOfFieldIndexes: number[][] = [
      [],
      [0],
      [1],
      [199],
      [89],
      [90],
      [89, 90],
      [179, 180],
      fields.map((_, i) => i).filter((i) => i % 7 === 3),
      fields.map((_, i) => i).filter((i) => i < 90 || i >= 180),
      fields.map((_, i) => i).filter((i) => i >= 90),
      fields.map((_, i) => i),
    ];
    for (const [id, indexes] of rowsOfFieldIndexes.entries()) {
      const row: Record<string, unknown> = { id };
      for (const i of indexes) row[fields[i]!.column] = fields[i]!.type === 'boolean' ? (value(fields[i]!, i) ? 1 : 0) : value(fields[i]!, i);
      await db.insertInto('wide_json').values(row).execute();
    }
    const { rows } = await sql<{ id: number; json: string }>`select t.id, ${recordJsonSql(fields, store.dialect, 't')} as json from wide_json as t order by t.id`.execute(db);
    expect(rows.length).toBe(rowsOfFieldIndexes.length);
    await sql`drop table wide_json`.execute(db);
    for (const { id, json } of rows) {
      const indexes = new Set(rowsOfFieldIndexes[Number(id)]);
      const expected = Object.fromEntries(fields.flatMap((field, i) => (indexes.has(i) ? [[field.name, value(field, i)]] : [])));
      expect(json, `row ${id}`).toBe(JSON.stringify(expected));
    }
  });

  it('keyset pages equal offset pages while another node inserts, deletes and reorders between pages', async () => {
    const [nodeA, nodeB] = suite.nodes;
    await seedDatabase(nodeB, { companies: 640, people: 0, randomSeed: 'two nodes', baseDate: BASE_DATE });
    const Company = nodeA.registry.lookUp('Company')!;
    const a = nodeA.records(Company);
    const b = nodeB.records(Company);
    const watched = watchedReader(nodeA, Company);
    const random = randomFrom(2026);
    const limit = 8;
    const lock = new Lock();
    let position = 0;
    let done = false;
    const actions: Record<string, number> = {};
    const paths: Record<string, number> = {};

    /** One of node B's writes, around A's position: before the cursor, after it, or none. */
    async function write(): Promise<void> {
      const total = await b.count();
      const at = async (offset: number) => (await b.list({ offset: Math.max(0, Math.min(total - 1, offset)), limit: 1 })).records[0]!;
      const before = async () => at(random.int(Math.max(1, position)));
      const after = async () => at(position + random.int(Math.max(1, total - position)));
      const insertNear = async (record: StoredRecord) => {
        // Half the time the same CreatedDate (the Gsid decides), else one millisecond off.
        const created = Date.parse(String(record.CreatedDate)) + (random.next() < 0.5 ? 0 : random.next() < 0.5 ? -1 : 1);
        const iso = new Date(created).toISOString();
        await b.insert({ Gsid: random.gsid(), Name: `inserted ${random.int(1e6)}`, CreatedDate: iso, ModifiedDate: iso });
      };
      const roll = random.next();
      const action =
        roll < 0.28 ? 'nothing'
        : roll < 0.42 ? 'insert before'
        : roll < 0.54 ? 'insert after'
        : roll < 0.63 ? 'delete before'
        : roll < 0.72 ? 'delete after'
        : roll < 0.8 ? 'rename'
        : roll < 0.9 ? 'move before'
        : 'move after';
      actions[action] = (actions[action] ?? 0) + 1;
      switch (action) {
        case 'insert before':
          return insertNear(await before());
        case 'insert after':
          return insertNear(await after());
        case 'delete before':
          return void (await b.delete((await before()).Gsid));
        case 'delete after':
          return void (await b.delete((await after()).Gsid));
        case 'rename':
          return void (await b.update((await at(random.int(total))).Gsid, { Name: `renamed ${random.int(1e6)}`, ModifiedDate: new Date().toISOString() }));
        case 'move before':
        case 'move after': {
          // Raw SQL (the API never writes CreatedDate): a record changes place in the order.
          const [moved, near] = [await at(random.int(total)), action === 'move before' ? await before() : await after()];
          await sql`update company set created_date = ${String(near.CreatedDate)} where gsid = ${moved.Gsid}`.execute(nodeB.database.db);
        }
      }
    }

    const writer = (async () => {
      while (!done) {
        const release = await lock.acquire();
        try {
          if (!done) await write();
        } finally {
          release();
        }
      }
    })();

    let pages = 0;
    try {
      for (;;) {
        const release = await lock.acquire();
        let texts: string[];
        let expected: string;
        let empty: boolean;
        try {
          const query = { offset: position, limit };
          const viaRepository = (await a.listJson(query)).text;
          const viaReader = await watched.page(position, limit);
          const page = await a.list(query);
          expected = pageText(page);
          empty = page.records.length === 0;
          texts = [viaRepository, viaReader.json];
          const path = viaReader.statements.join('+');
          paths[path] = (paths[path] ?? 0) + 1;
        } finally {
          release();
        }
        expect(texts[0], `page ${pages} at ${position} (repository)`).toBe(expected);
        expect(texts[1], `page ${pages} at ${position} (page reader)`).toBe(expected);
        pages++;
        if (empty || pages > 1000) break;
        position += limit;
      }
    } finally {
      done = true;
      await writer;
    }
    expect(pages).toBeGreaterThan(70);
    expect(pages).toBeLessThan(1000);
    // Every kind of write happened, and both outcomes of a seek: kept, and thrown away for the offset.
    for (const action of ['nothing', 'insert before', 'insert after', 'delete before', 'delete after', 'rename', 'move before', 'move after']) {
      expect(actions[action] ?? 0, action).toBeGreaterThan(3);
    }
    expect(paths['seek'] ?? 0, JSON.stringify(paths)).toBeGreaterThan(20);
    expect((paths['seek+offset'] ?? 0) + (paths['seek+skipInIndex'] ?? 0), JSON.stringify(paths)).toBeGreaterThan(20);
  });

  it('a walk while another node appends concurrently returns every record once, in order', async () => {
    // Offset paging is sound under appends alone (records created later than all others): no
    // record before the walk's position moves. Deletes or inserts in the middle shift positions,
    // and offset paging itself would skip or repeat; they are left out here.
    const [nodeA, nodeB] = suite.nodes;
    await seedDatabase(nodeB, { companies: 600, people: 0, randomSeed: 'appends', baseDate: BASE_DATE });
    const Company = nodeA.registry.lookUp('Company')!;
    const a = nodeA.records(Company);
    const b = nodeB.records(Company);
    const initial = (await a.list({ offset: 0, limit: 10_000 })).records.map((record) => record.Gsid);
    let done = false;
    let appended = 0;
    const writer = (async () => {
      const random = randomFrom(11);
      let clock = Date.parse('2027-01-01T00:00:00.000Z');
      while (!done) {
        const rows = Array.from({ length: 1 + random.int(3) }, () => {
          const at = new Date(clock++).toISOString();
          return { Gsid: random.gsid(), Name: 'appended', CreatedDate: at, ModifiedDate: at };
        });
        await b.insertMany(rows);
        appended += rows.length;
        // A write that moves nothing (version only), now and then.
        if (random.next() < 0.3) await b.update(initial[random.int(initial.length)]!, { Name: 'renamed', ModifiedDate: new Date().toISOString() });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const seen: string[] = [];
    try {
      for (let offset = 0; offset < 10_000; offset += 10) {
        const page = JSON.parse((await a.listJson({ offset, limit: 10 })).text) as Page;
        seen.push(...page.records.map((record) => record.Gsid));
        // The walk ends at the initial records' end (appends could go on for ever).
        if (seen.length >= initial.length && page.records.length < 10) break;
        if (seen.length >= initial.length + 200) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      done = true;
      await writer;
    }
    expect(appended).toBeGreaterThan(10);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, initial.length)).toEqual(initial);
  });

  it('takes the fast paths: seeks along a walk, the cache for a page asked again, and neither when stale', async () => {
    const [nodeA, nodeB] = suite.nodes;
    await seedDatabase(nodeB, { companies: 1000, people: 0, randomSeed: 'paths', baseDate: BASE_DATE });
    const Company = nodeA.registry.lookUp('Company')!;
    const reference = nodeA.records(Company);
    const b = nodeB.records(Company);
    const reader = watchedReader(nodeA, Company);
    const expectPage = async (offset: number, statements: StatementKind[], limit = 25) => {
      const { json, statements: ran } = await reader.page(offset, limit);
      expect(ran, `statements of the page at ${offset}`).toEqual(statements);
      expect(json, `page at ${offset}`).toBe(pageText(await reference.list({ offset, limit })));
      return JSON.parse(json) as Page;
    };

    // A walk with no writes: the first page reads by offset, every later one seeks.
    await expectPage(0, ['offset']);
    for (let offset = 25; offset <= 1000; offset += 25) await expectPage(offset, ['seek']);
    // Asked again: one read of the version, the text from memory.
    await expectPage(0, ['version']);
    await expectPage(500, ['version']);

    // Another node renames a record of page 500: the version moved, the order did not (seek).
    const renamed = (await expectPage(500, ['version'])).records[3]!.Gsid;
    await b.update(renamed, { Name: 'changed by B', ModifiedDate: new Date().toISOString() });
    const page = await expectPage(500, ['version', 'seek']);
    expect(page.records[3]).toMatchObject({ Gsid: renamed, Name: 'changed by B' });

    // Another node inserts: cursors no longer hold; the seek's answer is thrown away for the offset.
    const at = new Date(Date.parse(`${BASE_DATE}T00:00:00.000Z`) - 1).toISOString();
    await b.insert({ Gsid: '0'.repeat(36), Name: 'first of all', CreatedDate: at, ModifiedDate: at });
    expect((await expectPage(0, ['version', 'offset'])).records[0]!.Name).toBe('first of all');
    await expectPage(525, ['version', 'seek', 'skipInIndex']);
    // ... which leaves new cursors behind.
    await expectPage(550, ['version', 'seek']);

    // A page never served, deep, with no cursor: skipped in the index; near the start, offset.
    await expectPage(777, ['skipInIndex'], 7);
    await expectPage(100, ['offset'], 7);
    // Past the end: an empty page with the count.
    expect((await expectPage(5000, ['skipInIndex'])).records).toEqual([]);
  });

  it('never serves a stale page: updates, deletes, inserts and reorderings by another node', async () => {
    const [nodeA, nodeB] = suite.nodes;
    await seedDatabase(nodeB, { companies: 200, people: 0, randomSeed: 'stale', baseDate: BASE_DATE });
    const Company = nodeA.registry.lookUp('Company')!;
    const a = nodeA.records(Company);
    const b = nodeB.records(Company);
    const limit = 20;
    const expectPages = async (offsets: number[]) => {
      for (const offset of offsets) expect((await a.listJson({ offset, limit })).text, `page at ${offset}`).toBe(pageText(await a.list({ offset, limit })));
    };
    const first = async () => JSON.parse((await a.listJson({ offset: 0, limit })).text) as Page;
    const third = async () => JSON.parse((await a.listJson({ offset: 40, limit })).text) as Page;

    // Pages 0 and 2 served (and kept); B renames a record on each.
    const [page0, page2] = [await first(), await third()];
    const now = () => new Date().toISOString();
    await b.update(page0.records[5]!.Gsid, { Name: 'changed', ModifiedDate: now() });
    expect((await first()).records[5]).toMatchObject({ Gsid: page0.records[5]!.Gsid, Name: 'changed' });
    await b.update(page2.records[0]!.Gsid, { Name: 'changed too', ModifiedDate: now() });
    expect((await third()).records[0]!.Name).toBe('changed too');
    // A field cleared: left out of the text.
    await b.update(page0.records[6]!.Gsid, { Industry: null, ARR: null, ModifiedDate: now() });
    const cleared = (await first()).records[6]!;
    expect(cleared).not.toHaveProperty('Industry');
    expect(cleared).not.toHaveProperty('ARR');

    // B deletes a record of page 0: it is gone, the next one moves up, the count drops.
    await b.delete(page0.records[2]!.Gsid);
    const afterDelete = await first();
    expect(afterDelete.records.map((r) => r.Gsid)).not.toContain(page0.records[2]!.Gsid);
    expect(afterDelete.records[2]!.Gsid).toBe(page0.records[3]!.Gsid);
    expect(afterDelete.totalCount).toBe(199);
    await expectPages([0, 20, 40, 60]);

    // B inserts a record that sorts first.
    const early = '2020-01-01T00:00:00.000Z';
    await b.insert({ Gsid: 'A'.repeat(36), Name: 'earliest', CreatedDate: early, ModifiedDate: early });
    expect((await first()).records[0]!.Gsid).toBe('A'.repeat(36));
    await expectPages([20, 40, 60]);

    // Raw SQL on B reorders: the last record becomes the first. Every page had been served, so
    // every page has a cursor and a text, both from before; asked from the end backwards, each
    // page is one no page after the reordering has refreshed.
    const offsets = Array.from({ length: 12 }, (_, n) => n * limit);
    await expectPages(offsets);
    const all = (await b.list({ offset: 0, limit: 1000 })).records;
    await sql`update company set created_date = ${'2019-01-01T00:00:00.000Z'} where gsid = ${all.at(-1)!.Gsid}`.execute(nodeB.database.db);
    await expectPages([...offsets].reverse());
    expect((await first()).records[0]!.Gsid).toBe(all.at(-1)!.Gsid);
    // The first record becomes the last.
    await sql`update company set created_date = ${'2030-01-01T00:00:00.000Z'} where gsid = ${all[0]!.Gsid}`.execute(nodeB.database.db);
    await expectPages([...offsets].reverse());
    await expectPages(offsets);
    // Two records with equal timestamps trade places: only the Gsids tell them apart.
    const [x, y] = [all[100]!, all[101]!];
    await sql`update company set created_date = ${String(y.CreatedDate)} where gsid = ${x.Gsid}`.execute(nodeB.database.db);
    await sql`update company set created_date = ${String(x.CreatedDate)} where gsid = ${y.Gsid}`.execute(nodeB.database.db);
    await expectPages([...offsets].reverse());
  });

  it('counts changes and versions that only grow: inserts and deletes both, updates the version, reorderings the changes', async () => {
    const [store] = suite.nodes;
    const Company = store.registry.lookUp('Company')!;
    const repository = store.records(Company);
    const now = () => new Date().toISOString();
    const row = (n: number) => ({ Gsid: `C${String(n).padStart(35, '0')}`, Name: `Co ${n}`, CreatedDate: now(), ModifiedDate: now() });
    let last = await counters(store, 'company');
    // The version counts every write; on PostgreSQL also statements that change no row (the
    // foreign-key action `set null` of ParentCompany when a company is deleted): at least.
    const expectDelta = async (delta: { count: number; changes: number; version: number }, what: string) => {
      const current = await counters(store, 'company');
      const version = current.version - last.version;
      expect({ count: current.count - last.count, changes: current.changes - last.changes }, what).toEqual({ count: delta.count, changes: delta.changes });
      if (backend.name === 'sqlite' || delta.version === 0) expect(version, what).toBe(delta.version);
      else expect(version, what).toBeGreaterThanOrEqual(delta.version);
      last = current;
    };

    await repository.insert(row(1));
    await expectDelta({ count: 1, changes: 1, version: 1 }, 'insert');
    await repository.insertMany([row(2), row(3), row(4)]);
    await expectDelta({ count: 3, changes: 3, version: 3 }, 'insert of three');
    await repository.update(row(1).Gsid, { Name: 'renamed', ModifiedDate: now() });
    await expectDelta({ count: 0, changes: 0, version: 1 }, 'update');
    await repository.delete(row(2).Gsid);
    await expectDelta({ count: -1, changes: 1, version: 1 }, 'delete');
    await sql`update company set created_date = ${'2020-01-01T00:00:00.000Z'} where gsid = ${row(3).Gsid}`.execute(store.database.db);
    const moved = await counters(store, 'company');
    expect(moved.changes, 'a reordering is a change').toBeGreaterThan(last.changes);
    expect(moved.version, 'a reordering is a write').toBeGreaterThan(last.version);
    expect(moved.count).toBe(last.count);
    last = moved;
    // A failed write (a duplicate Gsid) counts nothing.
    await expect(repository.insert(row(1))).rejects.toThrow();
    await expectDelta({ count: 0, changes: 0, version: 0 }, 'failed insert');
    // Another table's writes are not this one's.
    await store.records(store.registry.lookUp('Person')!).insert({ Gsid: 'P'.repeat(36), FirstName: 'P', CreatedDate: now(), ModifiedDate: now() });
    await expectDelta({ count: 0, changes: 0, version: 0 }, 'a person inserted');
    // A schema apply that installs the triggers again (a table counted before `changes` existed)
    // goes on from where the numbers were, never back.
    const trigger = sql.id('company__count_update');
    await (store.dialect === 'sqlite' ? sql`drop trigger ${trigger}` : sql`drop trigger ${trigger} on company`).execute(store.database.db);
    expect((await store.migrate()).applied).toContain('count the records of company (triggers)');
    const reinstalled = await counters(store, 'company');
    expect(reinstalled.changes).toBeGreaterThan(last.changes);
    expect(reinstalled.version).toBeGreaterThan(last.version);
    expect(reinstalled.count).toBe(3);
    last = reinstalled;
    await repository.update(row(1).Gsid, { Name: 'renamed again', ModifiedDate: now() });
    await expectDelta({ count: 0, changes: 0, version: 1 }, 'update after the triggers were installed again');
  });

  if (backend.name === 'postgres') {
    it('counts changes and versions exactly, never going back, while two nodes write at once', async () => {
      // The first node also watches (its pool has connections to spare).
      const [first, second] = suite.nodes;
      const observer = first;
      const Company = first.registry.lookUp('Company')!;
      const start = await counters(observer, 'company');
      const write = async (store: Store, node: number) => {
        const repository = store.records(Company);
        for (let batch = 0; batch < 15; batch++) {
          const at = new Date().toISOString();
          const rows = Array.from({ length: 10 }, (_, i) => ({
            Gsid: `N${node}B${String(batch).padStart(3, '0')}R${String(i).padStart(3, '0')}`.padEnd(36, '0'),
            Name: `Node ${node}`,
            CreatedDate: at,
            ModifiedDate: at,
          }));
          await repository.insertMany(rows);
          await repository.update(rows[1]!.Gsid, { Name: 'renamed', ModifiedDate: at });
          await repository.delete(rows[0]!.Gsid);
        }
      };
      const seen: { changes: number; version: number }[] = [];
      let writing = true;
      const watching = (async () => {
        while (writing) seen.push(await counters(observer, 'company'));
      })();
      await Promise.all([write(first, 1), write(second, 2), write(first, 3), write(second, 4)]);
      writing = false;
      await watching;
      seen.push(await counters(observer, 'company'));
      expect(seen.length).toBeGreaterThan(5);
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.changes, `changes at ${i}`).toBeGreaterThanOrEqual(seen[i - 1]!.changes);
        expect(seen[i]!.version, `version at ${i}`).toBeGreaterThanOrEqual(seen[i - 1]!.version);
      }
      const end = seen.at(-1)!;
      // 4 writers x 15 batches: 10 inserted, 1 deleted (changes); and 1 update (version; a
      // delete also runs the foreign-key action of ParentCompany, a statement that counts too).
      expect(end.changes - start.changes).toBe(4 * 15 * 11);
      expect(end.version - start.version).toBeGreaterThanOrEqual(4 * 15 * 12);
    });
  }

  // `changes` does not count updates of a filtered column: a filtered list's cursors are checked
  // against `version`, or a person moving into the company before the cursor would be missed.
  it('keyset pages of a filtered list equal offset pages after a record moves into the filter', async () => {
    const [store] = suite.nodes;
    const Company = store.registry.lookUp('Company')!;
    const Person = store.registry.lookUp('Person')!;
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
    const gsid = (prefix: string, n: number) => `${prefix}${String(n).padStart(4, '0')}`.padEnd(36, '0');
    for (const name of ['A', 'B']) await store.records(Company).insert({ Gsid: gsid(name, 0), Name: name, CreatedDate: at(0), ModifiedDate: at(0) });
    const people = store.records(Person);
    for (let n = 1; n <= 6; n++) {
      await people.insert({ Gsid: gsid('P', n), FirstName: `p${n}`, CompanyId: gsid(n === 1 ? 'B' : 'A', 0), CreatedDate: at(n), ModifiedDate: at(n) });
    }
    const equals = { CompanyId: gsid('A', 0) };
    expect((await people.listJson({ equals, offset: 0, limit: 2 })).text).toBe(pageText(await people.list({ equals, offset: 0, limit: 2 })));
    // p1, created before the cursor, joins company A (PUT /v1/people/{id} with CompanyId).
    await people.update(gsid('P', 1), { CompanyId: gsid('A', 0), ModifiedDate: at(99) });
    expect((await people.listJson({ equals, offset: 2, limit: 2 })).text).toBe(pageText(await people.list({ equals, offset: 2, limit: 2 })));
  });
});
