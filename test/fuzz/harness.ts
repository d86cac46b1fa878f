/**
 * The fuzz harness: one in-process app per suite with a few records of every kind, the operations
 * it serves (read from its own `/openapi.json`, so a route added later is fuzzed without a line
 * here), and `send`, which sends one generated request and checks the properties every request
 * must have:
 *
 * - never a 5xx;
 * - a well-formed envelope of the path's surface (seed or NXT; test/helpers/spec-validator.ts,
 *   which also checks X-Request-Id equals the body's requestId, and the operation's response
 *   schema on success);
 * - a rejected request (4xx) changes nothing: every table's rows are the same before and after;
 * - an accepted one changes exactly what it says (effects.ts).
 *
 * Runs: FUZZ_RUNS cases per property (default: a bounded number that keeps CI fast), from seed
 * FUZZ_SEED (default fixed, so CI is reproducible); fast-check prints the seed and path of a
 * failure, and FUZZ_SEED=<seed> FUZZ_PATH=<path> replays exactly that case.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { createHash } from 'node:crypto';
import { BOOTSTRAP_KEY, createTestApp, type TestApp } from '../helpers/app.js';
import type { Backend } from '../helpers/backends.js';
import { ResponseChecker } from '../helpers/spec-validator.js';
import { applyMutation, percentEncode, type FuzzField, type KeyChoice, type Mutation, type Ref, type UrlPart } from './arbitraries.js';
import { checkEffect } from './effects.js';
import { describeDiff, diff, keysOf, snapshot, type Snapshot } from './store-digest.js';

// ---------------------------------------------------------------------------------------------
// Run settings

const DEFAULT_SEED = 20_110_611;

/** Cases per property: FUZZ_RUNS, else `ciRuns`; PostgreSQL runs a fifth (each case costs more there). */
export function runsFor(backend: Backend, ciRuns: number): number {
  const runs = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : ciRuns;
  return backend.name === 'postgres' ? Math.max(10, Math.ceil(runs / 5)) : runs;
}

/** fast-check parameters: a seed per property (FUZZ_SEED + the property's name), replayable. */
export function fuzzParameters(name: string, numRuns: number): fc.Parameters<unknown> {
  const base = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
  const offset = createHash('sha256').update(name).digest().readUInt16BE(0);
  // With FUZZ_PATH, the seed given is the one fast-check printed (already offset).
  const seed = process.env.FUZZ_PATH ? base : (base + offset) | 0;
  return {
    numRuns,
    seed,
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    // Shrinking replays requests against a store the earlier ones changed; keep it bounded.
    interruptAfterTimeLimit: Number(process.env.FUZZ_TIME_LIMIT_MS ?? 600_000),
    markInterruptAsFailure: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Operations, as served

export interface OperationParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly schema?: Record<string, unknown>;
}

export interface Operation {
  readonly method: string;
  /** `/v1/companies/{companyId}` */
  readonly template: string;
  readonly operationId: string;
  readonly parameters: readonly OperationParameter[];
  readonly bodyTypes: readonly string[];
}

export function operationsOf(document: any): Operation[] {
  const result: Operation[] = [];
  for (const [template, methods] of Object.entries<any>(document.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      result.push({
        method: method.toUpperCase(),
        template,
        operationId: op.operationId ?? `${method} ${template}`,
        parameters: (op.parameters ?? []).filter((p: any) => p.in !== 'cookie'),
        bodyTypes: Object.keys(op.requestBody?.content ?? {}),
      });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Requests, symbolic until sent

export interface FuzzRequest {
  readonly operationId: string;
  readonly method: string;
  /** Literal segments and parameter parts, joined with `/` (the first is the leading ''). */
  readonly path: readonly (string | UrlPart)[];
  readonly query: readonly (readonly [UrlPart, UrlPart])[];
  readonly key: KeyChoice;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** A JSON value (with references) and how its text is mangled; undefined: no body. */
  readonly body?: { readonly value: unknown; readonly mutation: Mutation };
}

/** A request as sent. */
export interface SentRequest {
  readonly operationId: string;
  readonly method: string;
  readonly url: string;
  /** Path parameters as the server decodes them (references resolved). */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
  /** The body the server parses from `payload`, when it is JSON text (duplicates resolved as JSON.parse does). */
  readonly parsedBody?: unknown;
}

export interface Stats {
  cases: number;
  byStatus: Map<number, number>;
  byOperation: Map<string, { accepted: number; rejected: number }>;
  serverErrors: number;
}

export interface FuzzTarget {
  readonly t: TestApp;
  readonly operations: readonly Operation[];
  /** NXT object names (from the served list). */
  readonly nxtObjects: readonly string[];
  /** The fields of an object as one surface takes them. */
  fields(surface: 'seed' | 'nxt', object: string): readonly FuzzField[];
  /** Dropdown category ids (from describe). */
  readonly categoryIds: readonly string[];
  readonly builtInReports: readonly string[];
  readonly stats: Stats;
  send(request: FuzzRequest): Promise<void>;
  close(): Promise<void>;
  /** One line per operation: accepted / rejected counts. */
  summary(): string;
}

/** `Company` -> seed schema names: the seed surface's record shapes in components. */
function seedFields(document: any, nxtFields: (object: string) => readonly FuzzField[], object: string): FuzzField[] {
  const schema = document.components?.schemas?.[`${object}Input`];
  if (!schema) return [];
  const byName = new Map(nxtFields(object).map((f) => [f.name, f]));
  return Object.entries<any>(schema.properties ?? {}).map(([name, property]) => {
    const type = Array.isArray(property.type) ? property.type.find((t: string) => t !== 'null') : property.type;
    const kind: FuzzField['kind'] =
      property.format === 'date'
        ? 'date'
        : property.format === 'date-time'
          ? 'datetime'
          : property.format === 'email'
            ? 'email'
            : typeof property.pattern === 'string' && property.pattern.includes('36')
              ? 'gsid'
              : type === 'number' || type === 'integer' || type === 'boolean'
                ? type
                : 'string';
    return { name, kind, target: byName.get(name)?.target, maxLength: property.maxLength, required: (schema.required ?? []).includes(name) };
  });
}

function kindOfDataType(dataType: string, meta: any): FuzzField['kind'] {
  const type = dataType.toUpperCase();
  if (meta?.hasLookup || type === 'GSID' || type === 'LOOKUP') return 'gsid';
  if (type === 'DATETIME') return 'datetime';
  if (type === 'DATE') return 'date';
  if (type === 'BOOLEAN') return 'boolean';
  if (['NUMBER', 'CURRENCY', 'PERCENTAGE', 'DOUBLE'].includes(type)) return 'number';
  if (type === 'INTEGER') return 'integer';
  if (type === 'EMAIL') return 'email';
  if (type.includes('PICKLIST') || type.includes('DROPDOWN')) return 'picklist';
  return 'string';
}

const READ_ONLY_KEY_NAME = 'fuzz-read-only';

export async function createFuzzTarget(backend: Backend): Promise<FuzzTarget> {
  const t = await createTestApp(backend);
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const checker = new ResponseChecker(document);
  const readOnlyKey = (await t.accessKeys.create(READ_ONLY_KEY_NAME, { readOnly: true })).key;
  const operations = operationsOf(document);

  const call = async (method: string, url: string, body?: unknown) => {
    const response = await t.app.inject({
      method: method as InjectOptions['method'],
      url,
      headers: { accesskey: BOOTSTRAP_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (response.statusCode !== 200) throw new Error(`fixture ${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json().data;
  };

  const nxtObjects: string[] = (await call('GET', '/v1/meta/services/objects/list')).map((o: any) => o.objectName);
  const nxtFieldsByObject = new Map<string, FuzzField[]>();
  const categoryIds: string[] = [];
  for (const object of nxtObjects) {
    const [described] = await call('GET', `/v1/meta/services/objects/${object}/describe`);
    nxtFieldsByObject.set(
      object,
      described.fields.map((f: any): FuzzField => {
        const category = f.meta?.properties?.PICKLIST_CATEGORY_ID;
        if (typeof category === 'string') categoryIds.push(category);
        return {
          name: f.fieldName,
          kind: kindOfDataType(f.dataType, f.meta),
          target: f.meta?.lookupDetail?.lookupObjects?.[0]?.objectName,
          options: Array.isArray(f.options) ? f.options.flatMap((o: any) => [o.label, o.value].filter((v) => typeof v === 'string')) : undefined,
          maxLength: typeof f.meta?.length === 'number' ? f.meta.length : undefined,
          required: f.meta?.required === true && f.meta?.createable !== false,
        };
      }),
    );
  }
  const nxtFields = (object: string) => nxtFieldsByObject.get(object) ?? [];
  const builtInReports: string[] = (await call('GET', '/v1/reports')).records.filter((r: any) => r.builtIn).map((r: any) => r.id);

  // A few records of every kind, related to one another, so ids resolve and lookups have targets.
  const users = await call('POST', '/v1/users/services', {
    records: [1, 2, 3].map((i) => ({ Name: `User ${i}`, FirstName: 'User', LastName: String(i), Email: `user${i}@example.com` })),
  });
  const companies = [];
  for (const [i, name] of ['Acme', 'Globex', 'Initech'].entries()) {
    companies.push(await call('POST', '/v1/companies', { Name: name, Industry: 'Software', ARR: 1000 * (i + 1), Employees: 10, RenewalDate: '2027-03-31' }));
  }
  for (const [i, company] of companies.entries()) {
    await call('POST', '/v1/people', { FirstName: 'Ada', LastName: `L${i}`, Email: `ada${i}@example.com`, CompanyId: company.Gsid });
  }
  await call('POST', '/v1/people', { FirstName: 'Solo', Email: 'solo@example.com' });
  await call('POST', '/v1/data/objects/call_to_action', {
    records: [{ Name: 'Renewal risk', CompanyId: companies[0].Gsid, OwnerId: users.records[0].Gsid, DueDate: '2027-01-01' }],
  });
  await call('POST', '/v1/data/objects/cta_group', { records: [{ Name: 'Plan', CompanyId: companies[1].Gsid }] });
  await call('PUT', '/v1/reports/fuzz-saved', { name: 'Saved', object: 'Company', fields: ['Name', 'ARR'], orderBy: [{ field: 'ARR', direction: 'desc' }] });

  const stats: Stats = { cases: 0, byStatus: new Map(), byOperation: new Map(), serverErrors: 0 };
  let current = await snapshot(t.store);

  function tableOf(object: string): string | undefined {
    if (object === 'report') return 'report_definition';
    return t.store.registry.find(object)?.table;
  }

  function resolve(ref: Ref, shot: Snapshot): string {
    const keys = keysOf(shot, tableOf(ref.$ref) ?? '');
    // Nothing of that kind exists any more: a valid-looking id that names nothing.
    return keys.length === 0 ? '0'.repeat(36) : keys[ref.i % keys.length]!;
  }

  function materialize(value: unknown, shot: Snapshot, depth = 0): unknown {
    if (value === null || typeof value !== 'object' || depth > 40) return value;
    if (!Array.isArray(value) && typeof (value as Ref).$ref === 'string' && Object.keys(value).length === 2 && 'i' in value) {
      return resolve(value as Ref, shot);
    }
    if (Array.isArray(value)) return value.map((item) => materialize(item, shot, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: materialize(v, shot, depth + 1), enumerable: true, configurable: true, writable: true });
    }
    return out;
  }

  function partText(part: UrlPart | string, shot: Snapshot): { encoded: string; decoded?: string } {
    if (typeof part === 'string') return { encoded: part, decoded: part };
    if ('raw' in part) return { encoded: part.raw };
    const text = typeof part.text === 'string' ? part.text : resolve(part.text, shot);
    return { encoded: percentEncode(text), decoded: Buffer.from(text, 'utf8').toString('utf8') };
  }

  function build(request: FuzzRequest, shot: Snapshot): SentRequest {
    const params: Record<string, string> = {};
    const names = [...(operations.find((o) => o.operationId === request.operationId)?.template ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    let paramIndex = 0;
    const segments = request.path.map((part) => {
      const { encoded, decoded } = partText(part, shot);
      if (typeof part !== 'string' && decoded !== undefined && names[paramIndex] !== undefined) params[names[paramIndex]!] = decoded;
      if (typeof part !== 'string') paramIndex++;
      return encoded;
    });
    const query = request.query.map(([name, value]) => `${partText(name, shot).encoded}=${partText(value, shot).encoded}`).join('&');
    const url = (segments.join('/') || '/') + (query ? `?${query}` : '');
    const headers: Record<string, string> = { ...request.headers };
    const key = { valid: BOOTSTRAP_KEY, readOnly: readOnlyKey, none: undefined, empty: '', wrong: 'gsk_wrong_0123456789', long: 'k'.repeat(10_000) }[request.key];
    if (key !== undefined) headers.accesskey = key;
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    if (!request.body) return { operationId: request.operationId, method: request.method, url, params, headers };
    const value = materialize(request.body.value, shot);
    const payload = applyMutation(JSON.stringify(value) ?? '', request.body.mutation);
    let parsedBody: unknown;
    if (typeof payload === 'string') {
      try {
        parsedBody = JSON.parse(payload);
      } catch {
        parsedBody = undefined;
      }
    }
    return { operationId: request.operationId, method: request.method, url, params, headers, payload, parsedBody };
  }

  function describeRequest(sent: SentRequest): string {
    const payload =
      sent.payload === undefined ? '' : typeof sent.payload === 'string' ? sent.payload.slice(0, 600) : `<bytes ${sent.payload.toString('hex').slice(0, 600)}>`;
    return `${sent.method} ${sent.url.slice(0, 400)}\nheaders: ${JSON.stringify(sent.headers).slice(0, 400)}\nbody: ${payload}`;
  }

  return {
    t,
    operations,
    nxtObjects,
    categoryIds: [...new Set(categoryIds)],
    builtInReports,
    stats,
    fields: (surface, object) => (surface === 'nxt' ? nxtFields(object) : seedFields(document, nxtFields, object)),
    async send(request) {
      const before = current;
      const sent = build(request, before);
      const response = await t.app.inject({
        method: sent.method as InjectOptions['method'],
        url: sent.url,
        headers: sent.headers,
        ...(sent.payload === undefined ? {} : { payload: sent.payload }),
      });
      const after = await snapshot(t.store);
      current = after;
      const status = response.statusCode;
      stats.cases++;
      stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
      const counts = stats.byOperation.get(request.operationId) ?? { accepted: 0, rejected: 0 };
      counts[status < 400 ? 'accepted' : 'rejected']++;
      stats.byOperation.set(request.operationId, counts);
      const where = () => `\n${describeRequest(sent)}\n-> ${status} ${response.body.slice(0, 600)}`;
      if (status >= 500) {
        stats.serverErrors++;
        throw new Error(`5xx answer${where()}`);
      }
      // Envelope (HEAD has no body; CSV only when asked for).
      let body: any;
      if (sent.method !== 'HEAD') {
        const type = String(response.headers['content-type'] ?? '');
        if (type.startsWith('text/csv')) {
          if (status !== 200 || !/text\/csv/.test(sent.headers.accept ?? '')) throw new Error(`unexpected CSV${where()}`);
          if (typeof response.headers['x-request-id'] !== 'string') throw new Error(`CSV without X-Request-Id${where()}`);
        } else {
          try {
            // As routed: dot segments (`.`, `%2e%2e`) are resolved before the request is sent.
            const routed = new URL(`http://localhost${sent.url}`);
            body = checker.check(sent.method, routed.pathname + routed.search, status, response.headers, response.body);
          } catch (error) {
            throw new Error(`malformed envelope: ${(error as Error).message.slice(0, 800)}${where()}`);
          }
        }
      }
      const changes = diff(before, after);
      if (status >= 400) {
        if (changes.size > 0) throw new Error(`a rejected request changed the store: ${describeDiff(changes)}${where()}`);
        return;
      }
      const problem = await checkEffect({ t, sent, status, body, before, after, changes, tableOf, nxtFields });
      if (problem) throw new Error(`accepted request, wrong effect: ${problem}\nchanges: ${describeDiff(changes)}${where()}`);
    },
    async close() {
      await t.close();
    },
    summary() {
      // Requests sent with a method the path does not serve count together.
      const grouped = new Map<string, { accepted: number; rejected: number }>();
      for (const [op, c] of stats.byOperation) {
        const name = op.includes(' ') ? 'other methods' : op;
        const sum = grouped.get(name) ?? { accepted: 0, rejected: 0 };
        grouped.set(name, { accepted: sum.accepted + c.accepted, rejected: sum.rejected + c.rejected });
      }
      const lines = [...grouped].sort(([a], [b]) => a.localeCompare(b)).map(([op, c]) => `  ${op}: ${c.accepted} accepted, ${c.rejected} rejected`);
      const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}x${n}`).join(' ');
      return `${stats.cases} cases, ${stats.serverErrors} 5xx; statuses ${statuses}\n${lines.join('\n')}`;
    },
  };
}
