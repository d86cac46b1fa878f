/**
 * `/v1/_sandbox/...`: the sandbox controls (served only with `serve --sandbox`, to admin keys).
 * Declared like every route, so they are validated by their schemas and documented in the
 * OpenAPI document.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import { FaultRuleInputSchema, FaultRuleSchema, normalizeRule, type RuleContext } from '../../domain/sandbox/faults.js';
import { JOURNAL_FILTERS, JournalRecordSchema, parseJournalFilter } from '../../domain/sandbox/journal.js';
import type { FaultStore, SnapshotStore } from '../../domain/sandbox/ports.js';
import {
  ResetInputSchema,
  ResetResultSchema,
  SNAPSHOT_NAME_PATTERN,
  SnapshotInputSchema,
  SnapshotSummarySchema,
  type ResetInput,
  type ResetResult,
} from '../../domain/sandbox/snapshots.js';
import { withBody, type ParameterSpec, type RouteSpec } from '../../server/route-spec.js';
import type { FaultInjector } from './fault-injector.js';
import type { JournalRecorder } from './journal-recorder.js';
import type { Journal } from './journal-thread.js';

const TAG = 'Sandbox';
const ADMIN_NOTE = ' Served only when the server runs with --sandbox; needs an admin key.';

export interface SandboxRouteDependencies {
  readonly journal: Pick<Journal, 'list' | 'clear'>;
  readonly recorder: JournalRecorder;
  readonly faults: FaultStore;
  readonly injector: FaultInjector;
  readonly snapshots: SnapshotStore;
  readonly ruleContext: RuleContext;
  readonly reset: (input: ResetInput) => Promise<ResetResult>;
  readonly newRuleId: () => string;
}

const snapshotNameParameter: ParameterSpec = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'Snapshot name',
  schema: { type: 'string', pattern: SNAPSHOT_NAME_PATTERN },
};

const faultIdParameter: ParameterSpec = { name: 'id', in: 'path', required: true, description: 'Fault rule id', schema: { type: 'string' } };

const snapshotNameOf = (request: FastifyRequest) => {
  const { name } = request.params as { name: string };
  if (!new RegExp(SNAPSHOT_NAME_PATTERN).test(name)) {
    throw errors.badRequest(`name: a snapshot name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  return name;
};

const DeletedSchema = Type.Object({ deleted: Type.Integer({ description: 'How many were removed' }) });

export function sandboxRoutes(deps: SandboxRouteDependencies): RouteSpec[] {
  const { journal, recorder, faults, injector, snapshots } = deps;
  const admin = { tag: TAG, access: 'admin' as const, extension: true };
  return [
    {
      ...admin,
      method: 'GET',
      path: '/v1/_sandbox/requests',
      operationId: 'sandboxListRequests',
      summary: 'Read the request journal',
      description:
        'The requests this server answered (every node), newest first: method, path, query, headers and bodies ' +
        '(credentials redacted, bodies cut at the configured size), status, duration, key name, request id, node. ' +
        'The sandbox routes themselves are not journaled. Records reach the journal in batches (within about a ' +
        'quarter second; at once for requests answered by the node that serves this listing).' +
        ADMIN_NOTE,
      parameters: Object.entries(JOURNAL_FILTERS).map(([name, spec]) => ({ name, in: 'query' as const, description: spec.description, schema: spec.schema })),
      response: { description: 'Journal records', data: Type.Object({ records: Type.Array(JournalRecordSchema) }) },
      errorStatuses: [400],
      handler: async (request) => {
        const filter = parseJournalFilter(request.query as Record<string, unknown>);
        await recorder.flush();
        return { records: await journal.list(filter) };
      },
    },
    {
      ...admin,
      method: 'DELETE',
      path: '/v1/_sandbox/requests',
      operationId: 'sandboxClearRequests',
      summary: 'Clear the request journal',
      description: 'Removes every journal record.' + ADMIN_NOTE,
      response: { description: 'Records removed', data: DeletedSchema },
      errorStatuses: [],
      handler: async () => {
        await recorder.flush();
        return { deleted: await journal.clear() };
      },
    },
    {
      ...admin,
      method: 'POST',
      path: '/v1/_sandbox/reset',
      operationId: 'sandboxReset',
      summary: 'Reset the records',
      description:
        'Replaces every record of every object (and saved reports and posted events) with nothing, the demo data set, ' +
        'or generated records, in one transaction: requests see the old records or the new ones, never a mix. ' +
        'Access keys, the journal, fault rules and snapshots are kept.' +
        ADMIN_NOTE,
      response: { description: 'What the tables hold now', data: ResetResultSchema },
      errorStatuses: [400, 413, 415],
      ...withBody(ResetInputSchema, async (body) => deps.reset(body)),
    },
    {
      ...admin,
      method: 'GET',
      path: '/v1/_sandbox/snapshots',
      operationId: 'sandboxListSnapshots',
      summary: 'List snapshots',
      description: 'The named snapshots, oldest first.' + ADMIN_NOTE,
      response: { description: 'Snapshots', data: Type.Object({ records: Type.Array(SnapshotSummarySchema) }) },
      errorStatuses: [],
      handler: async () => ({ records: await snapshots.list() }),
    },
    {
      ...admin,
      method: 'POST',
      path: '/v1/_sandbox/snapshots',
      operationId: 'sandboxSaveSnapshot',
      summary: 'Save a snapshot',
      description:
        'Saves every record of every object (and saved reports and posted events) under a name, replacing a snapshot of ' +
        'that name. Access keys, the journal and fault rules are not part of it.' +
        ADMIN_NOTE,
      response: { description: 'The snapshot', data: SnapshotSummarySchema },
      errorStatuses: [400, 413, 415],
      ...withBody(SnapshotInputSchema, async (body) => snapshots.save(body.name)),
    },
    {
      ...admin,
      method: 'POST',
      path: '/v1/_sandbox/snapshots/{name}/restore',
      operationId: 'sandboxRestoreSnapshot',
      summary: 'Restore a snapshot',
      description:
        'Puts every record back as the snapshot saved it, in one transaction: requests see the records before or after, ' +
        'never a mix. Records written since are gone; access keys, the journal and fault rules are untouched.' +
        ADMIN_NOTE,
      parameters: [snapshotNameParameter],
      response: {
        description: 'The snapshot restored, and how long it took',
        data: Type.Composite([SnapshotSummarySchema, Type.Object({ ms: Type.Number() })]),
      },
      errorStatuses: [400, 404],
      handler: async (request) => {
        const name = snapshotNameOf(request);
        const started = performance.now();
        const restored = await snapshots.restore(name);
        if (!restored) throw errors.sandboxNotFound('snapshot', name);
        return { ...restored, ms: Math.round((performance.now() - started) * 10) / 10 };
      },
    },
    {
      ...admin,
      method: 'DELETE',
      path: '/v1/_sandbox/snapshots/{name}',
      operationId: 'sandboxDeleteSnapshot',
      summary: 'Delete a snapshot',
      description: 'Removes a snapshot (the records are not touched).' + ADMIN_NOTE,
      parameters: [snapshotNameParameter],
      response: { description: 'Removed', data: DeletedSchema },
      errorStatuses: [400, 404],
      handler: async (request) => {
        const name = snapshotNameOf(request);
        if (!(await snapshots.remove(name))) throw errors.sandboxNotFound('snapshot', name);
        return { deleted: 1 };
      },
    },
    {
      ...admin,
      method: 'POST',
      path: '/v1/_sandbox/faults',
      operationId: 'sandboxAddFault',
      summary: 'Add a fault rule',
      description:
        'Makes matching requests fail on purpose before their handler runs (so they write nothing): a status with ' +
        "Gainsight's body for it (429 GU_2400 \"Too many request\" with Retry-After, 500 GU_1101, 503) or the rule's own " +
        'body, a delay, or a dropped connection. With `probability` and `seed` the same requests fail on every run; ' +
        'after `times` hits the rule expires. Rules apply on every node; sandbox routes are never faulted. A rule that ' +
        'contradicts itself or could match no request is refused (400 naming the field).' +
        ADMIN_NOTE,
      response: { description: 'The rule, with its id', data: FaultRuleSchema },
      errorStatuses: [400, 413, 415],
      ...withBody(FaultRuleInputSchema, async (body) => {
        const rule = await normalizeRule(body, deps.ruleContext);
        const stored = await faults.insert({ id: deps.newRuleId(), createdAt: new Date().toISOString(), ...rule });
        injector.invalidate();
        return stored;
      }),
    },
    {
      ...admin,
      method: 'GET',
      path: '/v1/_sandbox/faults',
      operationId: 'sandboxListFaults',
      summary: 'List fault rules',
      description: 'Every rule, oldest first, with how many requests it matched and fired on; expired rules too.' + ADMIN_NOTE,
      response: { description: 'Fault rules', data: Type.Object({ records: Type.Array(FaultRuleSchema) }) },
      errorStatuses: [],
      handler: async () => ({ records: await faults.list() }),
    },
    {
      ...admin,
      method: 'DELETE',
      path: '/v1/_sandbox/faults',
      operationId: 'sandboxClearFaults',
      summary: 'Remove every fault rule',
      description: 'Removes every rule, at once on every node.' + ADMIN_NOTE,
      response: { description: 'Rules removed', data: DeletedSchema },
      errorStatuses: [],
      handler: async () => {
        const deleted = await faults.removeAll();
        injector.invalidate();
        return { deleted };
      },
    },
    {
      ...admin,
      method: 'DELETE',
      path: '/v1/_sandbox/faults/{id}',
      operationId: 'sandboxDeleteFault',
      summary: 'Remove a fault rule',
      description: 'Removes one rule, at once on every node.' + ADMIN_NOTE,
      parameters: [faultIdParameter],
      response: { description: 'Removed', data: DeletedSchema },
      errorStatuses: [404],
      handler: async (request) => {
        const { id } = request.params as { id: string };
        if (!(await faults.remove(id))) throw errors.sandboxNotFound('fault rule', id);
        injector.invalidate();
        return { deleted: 1 };
      },
    },
  ];
}
