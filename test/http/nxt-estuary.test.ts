/**
 * The calls Estuary's Gainsight NXT connector (`source-gainsight-nxt`) makes, as its code makes
 * them, against the demo data: for each object it reads, describe with the connector's flags,
 * then page the query API selecting every described field, filtered with BTW (or GTE) on its
 * cursor field with Python `isoformat()` bounds and ordered by the cursor descending, 5000 a
 * page; `da_picklist` is read whole. Each record must carry the Gsid and a cursor value that
 * Python's `fromisoformat(value.replace("Z", "+00:00"))` reads, and every page must have a
 * requestId (the connector's response model requires it).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadDemoData } from '../../src/seed/demo.js';
import { describeEachBackend } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** Stream -> object and cursor, as the connector's resources declare them. */
const STREAMS: readonly { object: string; cursor?: string }[] = [
  { object: 'Company', cursor: 'ModifiedDate' },
  { object: 'gsuser', cursor: 'ModifiedDate' },
  { object: 'call_to_action', cursor: 'ModifiedDate' },
  { object: 'cs_task', cursor: 'ModifiedDate' },
  { object: 'cta_group', cursor: 'ModifiedDate' },
  { object: 'activity_timeline', cursor: 'LastModifiedDate' },
  { object: 'da_picklist' },
];

const DESCRIBE_FLAGS = '?ic=false&cl=0&idd=false&ihc=false&piec=false';
/** What Python's datetime.isoformat() prints for an aware UTC datetime. */
const PYTHON_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/;

describeEachBackend("Estuary's source-gainsight-nxt", (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await loadDemoData(t.store, new Date('2026-03-01T12:00:00Z'));
  });
  afterAll(() => t.close());

  it.each(STREAMS)('$object: describe, then every record through its cursor window, every field present', async ({ object, cursor }) => {
    const described = await t.request('GET', `/v1/meta/services/objects/${object}/describe${DESCRIBE_FLAGS}`);
    expect(described.status).toBe(200);
    expect(typeof described.body.requestId).toBe('string');
    expect(described.body.data).toHaveLength(1);
    const fields: string[] = described.body.data[0].fields.map((field: { fieldName: string }) => field.fieldName);
    expect(fields).toContain('Gsid');
    if (cursor) expect(fields).toContain(cursor);

    const all = await t.request('POST', `/v1/data/objects/query/${object}`, { body: { select: ['Gsid'], limit: 5000 } });
    const total = all.body.data.records.length;
    expect(total).toBeGreaterThan(0);

    // The connector's window: from a start well before the data to an end after it, isoformat().
    const start = new Date('2000-01-01T00:00:00Z').toISOString().replace('.000Z', '+00:00');
    const end = new Date('2100-01-01T00:00:00Z').toISOString().replace('.000Z', '+00:00');
    expect(start).toMatch(PYTHON_ISO);
    const seen = new Set<string>();
    for (let offset = 0; ; offset += 5000) {
      const body: Record<string, unknown> = { select: fields, limit: 5000, offset };
      if (cursor) {
        body.orderBy = { [cursor]: 'desc' };
        body.where = { conditions: [{ name: cursor, alias: 'A', value: [start, end], operator: 'BTW' }], expression: 'A' };
      }
      const page = await t.request('POST', `/v1/data/objects/query/${object}`, { body });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(typeof page.body.requestId).toBe('string');
      const records: Record<string, unknown>[] = page.body.data.records;
      let previous = Infinity;
      for (const record of records) {
        expect(Object.keys(record)).toEqual(fields);
        expect(record.Gsid).toMatch(/^[0-9A-Z]{36}$/);
        seen.add(record.Gsid as string);
        if (cursor) {
          const value = record[cursor] as string;
          // Python: datetime.fromisoformat(value.replace("Z", "+00:00")).
          const python = value.replace('Z', '+00:00');
          expect(python).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
          const at = Date.parse(python);
          expect(at).toBeLessThanOrEqual(previous);
          previous = at;
        }
      }
      if (records.length < 5000) break;
    }
    expect(seen.size).toBe(total);

    if (cursor) {
      // An incremental run: GTE from the newest cursor value seen returns the newest records only.
      const newest = await t.request('POST', `/v1/data/objects/query/${object}`, {
        body: { select: ['Gsid', cursor], limit: 1, orderBy: { [cursor]: 'desc' } },
      });
      const from = newest.body.data.records[0][cursor].replace('Z', '+00:00');
      const later = await t.request('POST', `/v1/data/objects/query/${object}`, {
        body: { select: ['Gsid', cursor], limit: 5000, where: { conditions: [{ name: cursor, alias: 'A', value: [from], operator: 'GTE' }], expression: 'A' } },
      });
      expect(later.body.data.records.length).toBeGreaterThan(0);
      for (const record of later.body.data.records) expect(Date.parse(record[cursor])).toBeGreaterThanOrEqual(Date.parse(from));
    }
  });
});
