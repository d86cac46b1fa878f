/**
 * A server built in-process for one suite, on one backend, with a request helper that checks
 * every response against the specs (see spec-validator.ts).
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { SandboxOptions } from '../../src/api/sandbox/index.js';
import { createAccessKeyService, type AccessKeyService } from '../../src/domain/access-keys.js';
import type { PicklistValues } from '../../src/domain/nxt/present.js';
import { loadTenantSchema } from '../../src/schema/files.js';
import { buildApp } from '../../src/server/app.js';
import type { IdempotencyOptions } from '../../src/server/idempotency.js';
import { openStore, type Store } from '../../src/store/store.js';
import type { Backend } from './backends.js';
import { ResponseChecker } from './spec-validator.js';

export const BOOTSTRAP_KEY = 'test-bootstrap-key-0123456789abcdef';

export interface TestResponse {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  /** The parsed JSON body (already checked against the specs). */
  readonly body: any;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Raw payload, sent as is (for malformed JSON and the like). */
  readonly payload?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** The access key to send; defaults to the bootstrap key; `null` sends none. */
  readonly key?: string | null;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly accessKeys: AccessKeyService;
  readonly databaseUrl: string;
  request(method: string, url: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly cacheTtlMs?: number;
  /** A tenant schema file to serve (as --schema). */
  readonly schemaFile?: string;
  /** As --picklist-values. */
  readonly picklistValues?: PicklistValues;
  /** Idempotency-Key's clock and lifetime. */
  readonly idempotency?: IdempotencyOptions;
  /** As --sandbox (the sandbox controls under /v1/_sandbox/). */
  readonly sandbox?: Omit<SandboxOptions, 'databaseUrl'>;
}

export async function createTestApp(backend: Backend, options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = await backend.newDatabaseUrl();
  const schema = loadTenantSchema(options.schemaFile);
  const store = await openStore({ url: databaseUrl, sqliteSynchronous: 'normal', poolSize: 10, schema });
  await store.migrate();
  const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP_KEY, cacheTtlMs: options.cacheTtlMs });
  // The journal's worker thread connects to the same database (sqlite::memory: keeps it on this thread).
  const sandbox = options.sandbox && { ...options.sandbox, databaseUrl };
  const app = await buildApp({ store, accessKeys, picklistValues: options.picklistValues, idempotency: options.idempotency, sandbox });
  const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
  const checker = new ResponseChecker(openapi.json());

  return {
    app,
    store,
    accessKeys,
    databaseUrl,
    async request(method, url, { body, payload, headers = {}, key = BOOTSTRAP_KEY } = {}) {
      const inject: InjectOptions = { method: method as InjectOptions['method'], url, headers: { ...headers } };
      if (key !== null) inject.headers!.accesskey = key;
      if (body !== undefined) {
        inject.payload = JSON.stringify(body);
        inject.headers!['content-type'] ??= 'application/json';
      } else if (payload !== undefined) {
        inject.payload = payload;
      }
      const response = await app.inject(inject);
      const parsed =
        method === 'HEAD' ? undefined : checker.check(method, url, response.statusCode, response.headers, response.body);
      return { status: response.statusCode, headers: response.headers, body: parsed };
    },
    async close() {
      await app.close();
      await store.close();
      await backend.dispose(databaseUrl);
    },
  };
}

/** Asserts a failure: status, error code, and that errorDesc names `field` (when given). */
export function expectError(response: TestResponse, status: number, code: string, field?: string): void {
  const context = JSON.stringify(response.body);
  if (response.status !== status || response.body.errorCode !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status} ${context}`);
  }
  if (field !== undefined && !String(response.body.errorDesc).includes(field)) {
    throw new Error(`expected errorDesc to name ${field}: ${context}`);
  }
}
