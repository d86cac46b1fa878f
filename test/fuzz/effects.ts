/**
 * "An accepted request changes exactly what it says", operation by operation: reads change
 * nothing; a create adds the records it answers and nothing else, with the values sent; an update
 * changes only the records it names, only in the fields sent; a delete removes only its record.
 * Rows that mention the written records may change with them (a person's company link, a lookup
 * cleared when its target is deleted), and the record counters always do; nothing else may.
 */
import type { InjectOptions } from 'fastify';
import { parseLenientBoolean, parseLenientDate, parseLenientDateTime, parseLenientNumber } from '../../src/domain/lenient-values.js';
import { matchFieldName, type ObjectDescription } from '../../src/domain/object-model.js';
import type { FuzzField } from './arbitraries.js';
import { BOOTSTRAP_KEY, type TestApp } from '../helpers/app.js';
import type { SentRequest } from './harness.js';
import { rowOf, type Diff, type Snapshot } from './store-digest.js';

export interface EffectContext {
  readonly t: TestApp;
  readonly sent: SentRequest;
  readonly status: number;
  /** The parsed response body (undefined for CSV). */
  readonly body: any;
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly changes: Diff;
  readonly tableOf: (object: string) => string | undefined;
  /** An NXT object's fields, as described. */
  readonly nxtFields: (object: string) => readonly FuzzField[];
}

/** Operations that read, whatever their method. */
const READS = new Set(['nxtQuery', 'nxtDescribeMany', 'nxtListObjectsPost', 'nxtListUsers', 'runReport']);

/** Tables every write may touch: the counters the triggers keep. */
const COUNTERS = new Set(['record_count', 'reference_count']);

interface Expected {
  readonly table: string;
  readonly keys: readonly string[];
  /** Which change the keys undergo in `table`. */
  readonly change: 'added' | 'removed' | 'modified' | 'addedOrModified' | 'modifiedAtMost';
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Returns a description of what is wrong, or undefined. */
export async function checkEffect(ctx: EffectContext): Promise<string | undefined> {
  const { sent, changes } = ctx;
  if (sent.method === 'GET' || sent.method === 'HEAD' || READS.has(sent.operationId)) {
    return changes.size === 0 ? undefined : 'a read changed the store';
  }
  const expected = expectedChange(ctx);
  if (typeof expected === 'string') return expected;
  if (!expected) return undefined; // An operation this file does not know (yet): the generic properties still hold.

  const inTable = changes.get(expected.table) ?? { added: [], removed: [], modified: [] };
  const { added, removed, modified } = inTable;
  const ok = {
    added: sameSet(added, expected.keys) && removed.length === 0 && modified.length === 0,
    removed: sameSet(removed, expected.keys) && added.length === 0 && modified.length === 0,
    modified: sameSet(modified, expected.keys) && added.length === 0 && removed.length === 0,
    addedOrModified: sameSet([...added, ...modified], expected.keys) && removed.length === 0,
    modifiedAtMost: modified.every((key) => expected.keys.includes(key)) && added.length === 0 && removed.length === 0,
  }[expected.change];
  if (!ok) return `expected ${expected.change} [${expected.keys}] in ${expected.table}`;

  // Anything else that changed must mention a record written, or be one a written record
  // mentions (links, cleared lookups, cascades, a link's person losing its CompanyId).
  const related = new Set(expected.keys);
  for (const key of expected.keys) {
    const text = (ctx.before.get(expected.table)?.get(key) ?? '') + (ctx.after.get(expected.table)?.get(key) ?? '');
    for (const id of text.match(/\b[0-9A-Z]{36}\b/g) ?? []) related.add(id);
  }
  for (const [table, d] of changes) {
    if (table === expected.table || COUNTERS.has(table)) continue;
    for (const key of [...d.added, ...d.removed, ...d.modified]) {
      const text = (ctx.before.get(table)?.get(key) ?? '') + (ctx.after.get(table)?.get(key) ?? '');
      if (!related.has(key) && !expected.keys.some((id) => text.includes(id))) return `${table} row ${key} changed, and it has nothing to do with [${expected.keys}]`;
    }
  }
  return (await checkSeedValues(ctx, expected)) ?? checkUnchangedColumns(ctx, expected) ?? (await checkNxtValues(ctx, expected));
}

function expectedChange(ctx: EffectContext): Expected | string | undefined {
  const { sent, body, t, tableOf } = ctx;
  const data = body?.data;
  const seed = /^(create|update|patch|delete)([A-Z]\w*)$/.exec(sent.operationId);
  const seedObject = seed ? t.store.registry.find(seed[2]!) : undefined;
  if (seed && seedObject) {
    const id = seed[1] === 'create' ? data?.Gsid : Object.values(sent.params)[0];
    if (typeof id !== 'string') return 'no Gsid';
    // An update that sets nothing new may leave the record as it was (ModifiedDate included).
    const change = ({ create: 'added', update: 'modifiedAtMost', patch: 'modifiedAtMost', delete: 'removed' } as const)[seed[1] as 'create'];
    if (seed[1] === 'delete' && data?.Gsid !== id) return `answered Gsid ${data?.Gsid}, not ${id}`;
    return { table: seedObject.table, keys: [id], change };
  }
  switch (sent.operationId) {
    case 'nxtInsert':
    case 'nxtCreateUsers':
    case 'nxtUpdate': {
      const table = sent.operationId === 'nxtCreateUsers' ? tableOf('gsuser') : tableOf(sent.params.object ?? '');
      const gsids: string[] = (data?.records ?? []).map((r: { Gsid: string }) => r.Gsid);
      if (!table) return `no table for ${sent.params.object}`;
      if (data?.count !== gsids.length) return `count ${data?.count} but ${gsids.length} records answered`;
      if (new Set(gsids).size !== gsids.length) return 'a Gsid answered twice';
      return { table, keys: gsids, change: sent.operationId === 'nxtUpdate' ? 'modifiedAtMost' : 'added' };
    }
    case 'nxtDelete': {
      const table = tableOf(sent.params.object ?? '');
      if (!table) return `no table for ${sent.params.object}`;
      if (data?.Gsid !== sent.params.gsid) return `answered Gsid ${data?.Gsid}, not ${sent.params.gsid}`;
      return { table, keys: [sent.params.gsid!], change: 'removed' };
    }
    case 'nxtPeopleUpsert':
    case 'nxtPeopleUpsertV1':
      return { table: tableOf('Person')!, keys: [data?.Gsid], change: 'addedOrModified' };
    case 'nxtPostEvent':
      return { table: 'nxt_event', keys: [data?.eventId], change: 'added' };
    case 'saveReport':
      if (data?.id !== sent.params.reportId) return `saved as ${data?.id}, not ${sent.params.reportId}`;
      return { table: 'report_definition', keys: [sent.params.reportId!], change: 'addedOrModified' };
    case 'deleteReport':
      return { table: 'report_definition', keys: [sent.params.reportId!], change: 'removed' };
  }
  return undefined;
}

function objectOfTable(ctx: EffectContext, table: string): ObjectDescription | undefined {
  return ctx.t.store.registry.all.find((object) => object.table === table);
}

async function inject(ctx: EffectContext, url: string): Promise<any> {
  const response = await ctx.t.app.inject({ method: 'GET' as InjectOptions['method'], url, headers: { accesskey: BOOTSTRAP_KEY } });
  return { status: response.statusCode, body: response.json() };
}

/**
 * Seed creates and updates: the answer holds each scalar sent, `null` cleared the field, and a
 * GET answers the same record.
 */
async function checkSeedValues(ctx: EffectContext, expected: Expected): Promise<string | undefined> {
  const { sent, body } = ctx;
  if (!/^(create|update|patch)[A-Z]/.test(sent.operationId) || expected.change === 'removed') return undefined;
  const record = body.data;
  const sentBody = sent.parsedBody;
  if (sentBody && typeof sentBody === 'object' && !Array.isArray(sentBody)) {
    for (const [name, value] of Object.entries(sentBody)) {
      if (value === null) {
        if (record[name] !== undefined && record[name] !== null) return `${name} was sent null but answered ${JSON.stringify(record[name])}`;
      } else if (['string', 'number', 'boolean'].includes(typeof value) && !Object.is(record[name], value)) {
        // -0 is stored as 0 (JSON has no way to tell them apart after a round trip).
        if (!(value === 0 && record[name] === 0)) return `${name} was sent ${JSON.stringify(value)} but answered ${JSON.stringify(record[name])}`;
      }
    }
  }
  const collection = sent.url.split('?')[0]!.split('/').slice(0, 3).join('/');
  const got = await inject(ctx, `${collection}/${record.Gsid}`);
  if (got.status !== 200 || JSON.stringify(got.body.data) !== JSON.stringify(record)) {
    return `GET answers ${got.status} ${JSON.stringify(got.body.data).slice(0, 300)}, not the record answered`;
  }
  return undefined;
}

/** Seed updates: only the columns of the fields sent (and ModifiedDate) differ. */
function checkUnchangedColumns(ctx: EffectContext, expected: Expected): string | undefined {
  const { sent } = ctx;
  if (!/^(update|patch)[A-Z]/.test(sent.operationId)) return undefined;
  const object = objectOfTable(ctx, expected.table);
  const sentBody = sent.parsedBody as Record<string, unknown>;
  if (!object || !sentBody) return undefined;
  const allowed = new Set<string>();
  for (const name of [...Object.keys(sentBody), 'ModifiedDate']) {
    const field = matchFieldName(object, name);
    if (field?.column) allowed.add(field.column).add(`${field.column}_key`);
  }
  const id = expected.keys[0]!;
  const old = rowOf(ctx.before, expected.table, id) ?? {};
  const now = rowOf(ctx.after, expected.table, id) ?? {};
  for (const column of new Set([...Object.keys(old), ...Object.keys(now)])) {
    if (!allowed.has(column) && JSON.stringify(old[column]) !== JSON.stringify(now[column])) {
      return `column ${column} changed (${JSON.stringify(old[column])} -> ${JSON.stringify(now[column])}) though no field of it was sent`;
    }
  }
  return undefined;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DATE = /^\d{4}-\d\d-\d\d$/;

/** What an answered value of a field must look like (null: no value). */
function wellFormed(field: FuzzField, value: unknown): boolean {
  if (value === null) return true;
  switch (field.kind) {
    case 'datetime':
      return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
    case 'date':
      return typeof value === 'string' && DATE.test(value);
    case 'number':
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return typeof value === 'string';
  }
}

/** The value a field holds after `sent` was written to it, as the NXT surface reads values. */
function readAs(field: FuzzField, sent: unknown): unknown {
  switch (field.kind) {
    case 'datetime':
      return parseLenientDateTime(sent);
    case 'date':
      return parseLenientDate(sent);
    case 'number':
    case 'integer':
      return parseLenientNumber(sent);
    case 'boolean':
      return parseLenientBoolean(sent);
    case 'string':
    case 'email':
    case 'gsid':
      return sent;
    default:
      return undefined; // Picklists answer their label, whatever was sent.
  }
}

/**
 * NXT writes: every record written answers well-formed values (ISO UTC date-times, calendar
 * dates, finite numbers), and an insert's record holds each value sent under a field's own name,
 * as the surface reads it (`"12"` is 12, `2024-01-01T00:00+02:00` is 2023-12-31T22:00:00.000Z).
 */
async function checkNxtValues(ctx: EffectContext, expected: Expected): Promise<string | undefined> {
  const { sent } = ctx;
  const object = { nxtInsert: sent.params.object, nxtUpdate: sent.params.object, nxtCreateUsers: 'gsuser', nxtPeopleUpsert: 'Person', nxtPeopleUpsertV1: 'Person' }[
    sent.operationId
  ];
  const name = object === undefined ? undefined : ctx.t.store.registry.find(object)?.name;
  if (!name) return undefined;
  const fields = ctx.nxtFields(name);
  const records: unknown[] | undefined = sent.operationId === 'nxtInsert' || sent.operationId === 'nxtCreateUsers' ? (sent.parsedBody as { records?: unknown[] })?.records : undefined;
  for (const [index, gsid] of expected.keys.entries()) {
    const got = await inject(ctx, `/v1/data/objects/${name}/${gsid}`);
    const record = got.body?.data?.records?.[0];
    if (got.status !== 200 || !record) return `GET ${name}/${gsid} answers ${got.status}`;
    for (const field of fields) {
      if (!wellFormed(field, record[field.name])) return `${name}.${field.name} answers ${JSON.stringify(record[field.name])}, not a ${field.kind}`;
    }
    const values = records?.[index];
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) {
      const field = fields.find((f) => f.name === key);
      if (!field || value === null || (typeof value === 'string' && value.trim() === '' && field.kind !== 'string')) continue;
      const wanted = readAs(field, value);
      if (wanted === undefined) {
        if (field.kind !== 'picklist') return `${name}.${key}: the value ${JSON.stringify(value)} was accepted, but the surface cannot read it`;
        continue;
      }
      if (!Object.is(record[key], wanted) && !(wanted === 0 && record[key] === 0)) {
        return `${name}.${key} was sent ${JSON.stringify(value)} and answers ${JSON.stringify(record[key])}, not ${JSON.stringify(wanted)}`;
      }
    }
  }
  return undefined;
}
