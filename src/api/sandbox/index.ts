/**
 * The sandbox (`serve --sandbox`): a request journal, resets and snapshots of the records, and
 * fault injection, for people testing an integration against this server. Without the option
 * none of it exists: no hooks run and every `/v1/_sandbox/` path is an unknown path (404).
 *
 * Hooks, in request order:
 * - onRequest (after authentication): fault rules (fault-injector.ts);
 * - onSend: keeps a reference to the response body;
 * - onResponse: hands the finished request to the journal recorder (journal-recorder.ts), which
 *   buffers it for the journal's worker thread (journal-thread.ts) to redact and write.
 * Requests to `/v1/_sandbox/` are neither faulted (a client can always remove a rule) nor
 * journaled (following the journal would otherwise fill it with its own polling).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessKeyService } from '../../domain/access-keys.js';
import type { RouteShape } from '../../domain/sandbox/faults.js';
import type { ResetInput, ResetResult } from '../../domain/sandbox/snapshots.js';
import { writeDemoData } from '../../seed/demo.js';
import { seedDatabase } from '../../seed/generator.js';
import type { RouteSpec } from '../../server/route-spec.js';
import { createFaultStore } from '../../store/sandbox-faults.js';
import { createSnapshotStore } from '../../store/sandbox-snapshots.js';
import type { Store } from '../../store/store.js';
import { applyEffect, FaultInjector } from './fault-injector.js';
import { JournalRecorder } from './journal-recorder.js';
import { JournalThread } from './journal-thread.js';
import type { JournalOptions } from '../../domain/sandbox/journal.js';
import { isSandboxUrl } from './paths.js';
import { sandboxRoutes } from './routes.js';

export interface SandboxOptions {
  readonly journal: JournalOptions;
  /** Names this process in journal records (default: host name and process id). */
  readonly nodeId?: string;
  /** How long a node uses the fault rules it read before reading them again (default 200 ms). */
  readonly faultCacheMs?: number;
  /**
   * The database's URL: the journal's worker thread opens its own connection to it (PostgreSQL),
   * or to the SQLite journal file beside it (store/sandbox-journal.ts).
   */
  readonly databaseUrl: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The response body as sent (sandbox journal). */
    sandboxPayload?: unknown;
    /** The fault rule that fired on the request. */
    sandboxFaultId?: string;
    /** The body of a request a fault answered, as received (up to the journal's limit). */
    sandboxRawBody?: string;
    /** Already handed to the journal (a dropped connection is recorded when it is dropped). */
    sandboxJournaled?: boolean;
  }
}

export interface SandboxSetup {
  readonly store: Store;
  readonly accessKeys: AccessKeyService;
  readonly options: SandboxOptions;
  /** Every route of the app (read when a fault rule is checked: it must match one of them). */
  readonly routes: () => readonly RouteShape[];
}

/** Registers the sandbox's hooks on `app` and answers its routes (to be registered with the others). */
export function createSandbox(app: FastifyInstance, setup: SandboxSetup): RouteSpec[] {
  const { store, options } = setup;
  const database = store.database;
  const faults = createFaultStore(database);
  const snapshots = createSnapshotStore(database, store.registry);
  const node = options.nodeId ?? `${hostname()}:${process.pid}`;
  const journal = new JournalThread({ databaseUrl: options.databaseUrl, node, options: options.journal }, (error) =>
    app.log.warn({ err: error }, 'request journal: a write or its worker thread failed'),
  );
  const recorder = new JournalRecorder(journal, options.journal);
  const injector = new FaultInjector(faults, store.registry, options.faultCacheMs ?? 200);

  const finished = (request: FastifyRequest, status: number, durationMs: number) => {
    request.sandboxJournaled = true;
    recorder.record({
      at: Date.now() - durationMs,
      requestId: request.id,
      method: request.method,
      url: request.url,
      query: request.query,
      headers: request.headers,
      keyName: request.principal?.name,
      status,
      durationMs,
      requestBody: request.body ?? request.sandboxRawBody,
      responseBody: request.sandboxPayload,
      faultId: request.sandboxFaultId,
    });
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isSandboxUrl(request.url)) return;
    const rule = await injector.firing(request);
    if (!rule) return;
    request.sandboxFaultId = rule.id;
    // The handler will not run, so the body is never parsed: the journal keeps it as received.
    if (rule.effect.status !== undefined) request.sandboxRawBody = await readBody(request, options.journal.bodyLimit);
    if (applyEffect(rule, request, reply, () => finished(request, 0, reply.elapsedTime))) return reply;
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    request.sandboxPayload = payload;
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.sandboxJournaled && !isSandboxUrl(request.url)) finished(request, reply.statusCode, reply.elapsedTime);
    done();
  });
  app.addHook('onClose', async () => recorder.close());

  return sandboxRoutes({
    journal,
    recorder,
    faults,
    injector,
    snapshots,
    ruleContext: {
      registry: store.registry,
      routes: () => setup.routes().filter((route) => !isSandboxUrl(route.path)),
      keyNames: async () => new Set(['GS_ACCESS_KEY', ...(await setup.accessKeys.list()).filter((key) => !key.revokedAt).map((key) => key.name)]),
      randomSeed: () => randomInt(0, 2 ** 32),
    },
    reset: (input) => reset(store, snapshots, input),
    newRuleId: () => `fault_${randomBytes(6).toString('hex')}`,
  });
}

async function reset(store: Store, snapshots: ReturnType<typeof createSnapshotStore>, input: ResetInput): Promise<ResetResult> {
  const started = performance.now();
  const today = new Date().toISOString().slice(0, 10);
  const target = input.to;
  const tables = await snapshots.reset(
    target === 'empty'
      ? undefined
      : async (records) => {
          // The seed generators write through a Store; this one writes in the reset's transaction
          // (indexes stay: a bulk load's index rebuild cannot happen inside it).
          const inTransaction: Store = { ...store, records, bulkLoad: (_tables, work) => work() };
          if (target === 'demo') await writeDemoData(inTransaction, today);
          else {
            const { seed } = target;
            await seedDatabase(inTransaction, { companies: seed.companies, people: seed.people, randomSeed: seed.randomSeed ?? 'sandbox', baseDate: seed.baseDate ?? today });
          }
        },
  );
  return {
    to: typeof target === 'string' ? target : 'seed',
    records: Object.values(tables).reduce((sum, rows) => sum + rows, 0),
    tables,
    ms: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** Up to `limit` characters of a request's body, read from the socket (the rest is drained unread). */
async function readBody(request: FastifyRequest, limit: number): Promise<string | undefined> {
  if (request.raw.readableEnded || !request.headers['content-length'] && !request.headers['transfer-encoding']) return undefined;
  let text = '';
  for await (const chunk of request.raw) {
    if (text.length <= limit) text += String(chunk);
  }
  return text === '' ? undefined : text;
}
