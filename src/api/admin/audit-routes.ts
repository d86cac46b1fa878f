/**
 * `GET /v1/_admin/audit`: the audit trail of writes (server/audit.ts), newest first, for admin
 * keys only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import type { AuditTrail } from '../../server/audit.js';
import type { ParameterSpec, RouteSpec } from '../../server/route-spec.js';
import type { AuditQuery } from '../../store/audit-repository.js';

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
// ISO 8601 with a date, optionally a time and an offset: what Date.parse reads the same everywhere.
const DATE_TIME = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d))?$/;

const AuditEntrySchema = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When the answer was sent (UTC)' }),
  requestId: Type.String({ description: 'The request id (X-Request-Id) of the write' }),
  keyId: Type.String({ description: 'The public id of the key (`gsk_` + this is its prefix); GS_ACCESS_KEY for the bootstrap key' }),
  keyName: Type.String({ description: 'The name of the key that made the write' }),
  method: Type.String(),
  route: Type.String({ description: 'The route template, e.g. /v1/companies/{companyId}' }),
  object: Type.Optional(Type.String({ description: 'The object written (Company, Person, report, …), when the route names one' })),
  recordIds: Type.Array(Type.String(), { description: 'Gsids (or ids) of the records written: from the path and the answer, at most 100' }),
  status: Type.Integer({ description: 'The HTTP status of the answer' }),
});

const parameters: ParameterSpec[] = [
  { name: 'since', in: 'query', description: 'Entries at or after this time (ISO 8601: 2026-01-31 or 2026-01-31T12:00:00Z)', schema: { type: 'string' } },
  { name: 'until', in: 'query', description: 'Entries before this time (ISO 8601); to page back, pass the last entry’s `at`', schema: { type: 'string' } },
  { name: 'key', in: 'query', description: 'Entries of one key: its name, or its prefix gsk_XXXXXXXXXXXX', schema: { type: 'string' } },
  { name: 'object', in: 'query', description: 'Entries that wrote this object (Company, Person, report, any object name ignoring case)', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: `At most this many entries (1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT})`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT } },
];

export function auditRoutes(trail: AuditTrail, canonicalObject: (name: string) => string = (name) => name): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/v1/_admin/audit',
      operationId: 'adminAuditTrail',
      summary: 'Read the audit trail of writes',
      description:
        'Every successful write (POST, PUT, PATCH, DELETE answered 2xx, Idempotency-Key replays excepted) on every ' +
        'surface, newest first: time, request id, key name and id (never the key), method, route, object, Gsids ' +
        'written, status. Entries reach the trail within about a second (at once for writes answered by the node ' +
        'that serves this listing); they are kept for the retention period (default 90 days) and at most the newest ' +
        '1,000,000. Needs an admin key.',
      tag: 'Admin',
      access: 'admin',
      extension: true,
      parameters,
      response: { description: 'Audit entries, newest first', data: Type.Object({ records: Type.Array(AuditEntrySchema) }) },
      errorStatuses: [400],
      handler: async (request) => ({ records: await trail.list(auditQueryOf(request, canonicalObject)) }),
    },
  ];
}

function auditQueryOf(request: FastifyRequest, canonicalObject: (name: string) => string): AuditQuery {
  const query = request.query as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw errors.badRequest(`${name}: give it once, not empty`);
    return value;
  };
  const time = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = DATE_TIME.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(parsed)) throw errors.badRequest(`${name}: expected an ISO 8601 date or date-time such as 2026-01-31T12:00:00Z, got ${JSON.stringify(value.slice(0, 40))}`);
    return new Date(parsed).toISOString();
  };
  const rawLimit = text('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== undefined) {
    if (!/^\d{1,5}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_LIMIT) {
      throw errors.badRequest(`limit: expected an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(rawLimit.slice(0, 20))}`);
    }
    limit = Number(rawLimit);
  }
  const since = time('since');
  const until = time('until');
  const key = text('key');
  const object = text('object');
  return {
    limit,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(object !== undefined ? { object: canonicalObject(object) } : {}),
  };
}
