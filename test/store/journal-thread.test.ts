/**
 * The request journal's worker thread (src/api/sandbox/journal-thread.ts): batches handed over
 * are stored and readable in order, and when the worker dies the journal carries on on the
 * calling thread, the batch in flight included, with the failure reported once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { JournalThread } from '../../src/api/sandbox/journal-thread.js';
import type { JournalEntry } from '../../src/api/sandbox/journal-writer.js';
import { DEFAULT_JOURNAL_OPTIONS } from '../../src/domain/sandbox/journal.js';

let thread: JournalThread | undefined;
afterEach(async () => {
  await thread?.close();
  thread = undefined;
});

const KEY = 'journal-thread-key-0123456789';
const entry = (i: number): JournalEntry => ({
  at: Date.now(),
  requestId: `req-${i}`,
  method: 'POST',
  url: `/v1/companies?key=${KEY}`,
  query: { key: KEY },
  headers: { host: 'localhost', accesskey: KEY },
  keyName: 'ci',
  status: 200,
  durationMs: 1.234,
  requestBody: `{"Name":"n${i}","note":"${KEY}"}`,
  responseBody: '{"result":true}',
  faultId: undefined,
});
const settings = { databaseUrl: 'sqlite::memory:', node: 'n1', options: DEFAULT_JOURNAL_OPTIONS };

it('stores the batches it is handed, redacted, and reads them back newest first', async () => {
  const errors: unknown[] = [];
  thread = new JournalThread(settings, (error) => errors.push(error));
  await thread.write([entry(1), entry(2)]);
  await thread.write([entry(3)]);
  const records = await thread.list({ limit: 10 });
  expect(records.map((record) => record.requestId)).toEqual(['req-3', 'req-2', 'req-1']);
  expect(records[0]).toMatchObject({ node: 'n1', path: '/v1/companies', status: 200, durationMs: 1.23, keyName: 'ci', headers: { accesskey: '[REDACTED]' } });
  expect(JSON.stringify(records)).not.toContain(KEY);
  expect(await thread.clear()).toBe(3);
  expect(await thread.list({ limit: 10 })).toEqual([]);
  expect(errors).toEqual([]);
});

it('carries on on this thread when its worker dies, losing nothing handed over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-journal-thread-'));
  try {
    const errors: unknown[] = [];
    thread = new JournalThread({ ...settings, databaseUrl: `sqlite:${join(dir, 'test.db')}` }, (error) => errors.push(error));
    await thread.write([entry(1)]);
    const worker = (thread as unknown as { worker: Worker }).worker;
    // Handed over while the worker is being stopped: written here instead (or by the worker
    // before it stopped, and then here again: at least once).
    const stopped = worker.terminate();
    const inFlight = thread.write([entry(2), entry(3)]);
    await stopped;
    await inFlight;
    await thread.write([entry(4)]);
    // Both threads wrote to the same journal file.
    const ids = (await thread.list({ limit: 10 })).map((record) => record.requestId);
    expect(ids[0]).toBe('req-4');
    expect(new Set(ids)).toEqual(new Set(['req-1', 'req-2', 'req-3', 'req-4']));
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/worker thread stopped/);
    await thread.close();
    thread = undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
