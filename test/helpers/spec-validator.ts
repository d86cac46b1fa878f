/**
 * Checks every response the tests see: against the seed spec's response schema when the
 * operation is a seed operation, against this server's own OpenAPI document always, and against
 * the failure envelope for every error. Built from the documents themselves, not re-typed.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { loadSeedSpec } from '../../src/spec.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Operation = { method: string; template: string; pattern: RegExp };

/**
 * Path prefixes of the Gainsight NXT data API. Its envelope differs from the seed's: always exactly
 * six keys, `errorCode`, `errorDesc` and `message` null on success, `data` null or an object on
 * failure, `message` repeating `errorDesc`.
 */
export const NXT_PREFIXES = ['/v1/data', '/v1/meta', '/v1/users', '/v1.0/api', '/v1/peoplemgmt'] as const;
const NXT_ENVELOPE_KEYS = ['data', 'errorCode', 'errorDesc', 'message', 'requestId', 'result'];

export function isNxtPath(path: string): boolean {
  return NXT_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix + '/'));
}

function pointer(...segments: string[]): string {
  return '#/' + segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function operationsOf(doc: Record<string, unknown>): Operation[] {
  const result: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    const pattern = new RegExp('^' + template.replace(/\{\w+\}/g, '[^/]+') + '/?$');
    for (const method of Object.keys(methods)) result.push({ method: method.toUpperCase(), template, pattern });
  }
  return result;
}

export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly seedOps: Operation[];
  private readonly ownOps: Operation[];
  private readonly cache = new Map<string, ValidateFunction | undefined>();

  constructor(ownDocument: Record<string, unknown>) {
    addFormats(this.ajv);
    const seed = loadSeedSpec();
    this.ajv.addSchema(seed, 'seed');
    this.ajv.addSchema(ownDocument, 'own');
    this.seedOps = operationsOf(seed);
    this.ownOps = operationsOf(ownDocument);
  }

  private validator(docId: 'seed' | 'own', op: Operation, status: string): ValidateFunction | undefined {
    const key = `${docId} ${op.method} ${op.template} ${status}`;
    if (!this.cache.has(key)) {
      const doc = this.ajv.getSchema(docId)!.schema as Record<string, any>;
      const response = doc.paths[op.template][op.method.toLowerCase()].responses[status];
      const hasSchema = response?.content?.['application/json']?.schema !== undefined;
      const ref = pointer('paths', op.template, op.method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema');
      this.cache.set(key, hasSchema ? this.ajv.compile({ $ref: `${docId}${ref}` }) : undefined);
    }
    return this.cache.get(key);
  }

  /** Asserts the response conforms; returns the parsed body. */
  check(method: string, url: string, status: number, headers: Record<string, unknown>, text: string): any {
    const path = url.split('?')[0]!;
    expect(headers['content-type'], `${method} ${url}: content type`).toMatch(/^application\/json/);
    const body = JSON.parse(text);
    expect(text, 'no stack traces in responses').not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
    if (path === '/openapi.json') return body;
    expect(typeof body.requestId, `${method} ${url}: requestId`).toBe('string');
    expect(headers['x-request-id'], 'X-Request-Id equals the body requestId').toBe(body.requestId);
    if (isNxtPath(path)) return this.checkNxt(method, url, path, status, body);
    if (status >= 400) {
      const failure = this.ajv.getSchema('own#/components/schemas/ErrorResponse')!;
      expect(failure(body), `${method} ${url} ${status}: failure envelope ${JSON.stringify(failure.errors)}`).toBe(true);
      expect(Object.keys(body).sort()).toEqual(['errorCode', 'errorDesc', 'requestId', 'result']);
      expect(body.result).toBe(false);
      return body;
    }
    expect(body.result).toBe(true);
    expect(body).not.toHaveProperty('errorCode');
    expect(body).not.toHaveProperty('errorDesc');
    for (const [docId, ops] of [['seed', this.seedOps], ['own', this.ownOps]] as const) {
      const op = ops.find((o) => o.method === method && o.pattern.test(path));
      if (!op) {
        expect(docId, `${method} ${path} is not in our own OpenAPI document`).toBe('seed');
        continue;
      }
      const validate = this.validator(docId, op, String(status));
      if (!validate) continue;
      expect(validate(body), `${method} ${url} ${status} vs ${docId} spec: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    return body;
  }

  /** The NXT surface: the six-key envelope, then the server's own document where it has the path. */
  private checkNxt(method: string, url: string, path: string, status: number, body: any): any {
    const where = `${method} ${url} ${status}`;
    expect(body !== null && typeof body === 'object' && !Array.isArray(body), `${where}: envelope is an object`).toBe(true);
    expect(Object.keys(body).sort(), `${where}: six-key envelope ${JSON.stringify(body).slice(0, 300)}`).toEqual(
      NXT_ENVELOPE_KEYS,
    );
    if (status >= 400) {
      expect(body.result, `${where}: result`).toBe(false);
      expect(typeof body.errorCode, `${where}: errorCode`).toBe('string');
      expect(body.errorCode, `${where}: errorCode`).not.toBe('');
      expect(typeof body.errorDesc, `${where}: errorDesc`).toBe('string');
      expect(body.errorDesc, `${where}: errorDesc`).not.toBe('');
      expect(body.message, `${where}: message repeats errorDesc`).toBe(body.errorDesc);
      expect(
        body.data === null || (typeof body.data === 'object' && !Array.isArray(body.data)),
        `${where}: failure data is null or an object`,
      ).toBe(true);
      return body;
    }
    expect(status, `${where}: NXT successes are 200 exactly`).toBe(200);
    expect(body.result, `${where}: result`).toBe(true);
    expect(body.errorCode, `${where}: errorCode`).toBeNull();
    expect(body.errorDesc, `${where}: errorDesc`).toBeNull();
    expect(body.message, `${where}: message`).toBeNull();
    const op = this.ownOps
      .filter((o) => o.method === method && o.pattern.test(path))
      // The most literal template wins (`/objects/describe` over `/objects/{object}`).
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
    if (op) {
      const validate = this.validator('own', op, String(status));
      if (validate) expect(validate(body), `${where} vs own spec: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    return body;
  }
}
