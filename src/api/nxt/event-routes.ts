/**
 * Gainsight's event manager as RudderStack's track call uses it: the event's identity in
 * headers, its properties as the body. Events are stored, and an extension reads them back so
 * an integration test can see what its track calls delivered.
 */
import type { FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import { integerParameter } from '../../domain/nxt/query.js';
import type { JsonSchema } from '../../domain/schemas.js';
import type { RouteSpec } from '../../server/route-spec.js';
import { singleParam, type Query } from '../common/query.js';
import type { ApiContext } from '../context.js';

const TAG = 'NXT events';
const PATH = '/v1.0/api/eventManager/event';
/** Header name (as clients write it) -> required. */
const HEADERS = { sharedSecret: true, topicName: true, tenantId: true, eventName: true, eventVersion: true, contractId: false } as const;
const MAX_HEADER_LENGTH = 255;

const eventSchema: JsonSchema = {
  type: 'object',
  properties: {
    eventId: { type: 'string' },
    topicName: { type: 'string' },
    eventName: { type: 'string' },
    eventVersion: { type: 'string' },
    tenantId: { type: 'string' },
    contractId: { type: ['string', 'null'] },
    properties: { description: 'The body that was posted' },
    receivedDate: { type: 'string', format: 'date-time' },
  },
  required: ['eventId', 'topicName', 'eventName', 'eventVersion', 'tenantId', 'contractId', 'properties', 'receivedDate'],
};

function header(request: FastifyRequest, name: keyof typeof HEADERS): string | undefined {
  const value = request.headers[name.toLowerCase()];
  if (Array.isArray(value)) throw errors.invalidValue(`${name} header`, 'the header is sent more than once');
  if (value === undefined || value.trim() === '') {
    if (HEADERS[name]) throw errors.requiredValue(`${name} header`, `the ${name} header is required`);
    return undefined;
  }
  if (value.length > MAX_HEADER_LENGTH) throw errors.valueTooLong(`${name} header`, MAX_HEADER_LENGTH, value.length);
  return value;
}

export function eventRoutes({ events }: ApiContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: PATH,
      operationId: 'nxtPostEvent',
      summary: 'Post an event',
      description:
        'Headers `sharedSecret`, `topicName`, `tenantId`, `eventName`, `eventVersion` (required) and `contractId` (optional); ' +
        'the body is the event\'s properties (a JSON object). Answers the stored event\'s id. The sharedSecret is checked for ' +
        'presence and never stored.',
      tag: TAG,
      access: 'write',
      extension: true,
      response: { description: 'Stored', data: { type: 'object', properties: { eventId: { type: 'string' } }, required: ['eventId'] } },
      errorStatuses: [400, 403, 413, 415],
      handler: async (request) => {
        // Required, as Gainsight requires it, but never stored: it is a credential.
        header(request, 'sharedSecret');
        return events.post({
          topicName: header(request, 'topicName')!,
          eventName: header(request, 'eventName')!,
          eventVersion: header(request, 'eventVersion')!,
          tenantId: header(request, 'tenantId')!,
          contractId: header(request, 'contractId') ?? null,
          // No body at all is an event without properties; anything but an object is refused.
          properties: request.body === undefined ? {} : request.body,
        });
      },
    },
    {
      method: 'GET',
      path: PATH,
      operationId: 'nxtListEvents',
      summary: 'Read back posted events',
      description: 'Events received, oldest first, optionally of one `topicName` and/or `eventName`; `limit` (1 to 1000, default 100) and `offset`.',
      tag: TAG,
      access: 'read',
      extension: true,
      parameters: [
        { name: 'topicName', in: 'query', description: 'Only events of this topic', schema: { type: 'string' } },
        { name: 'eventName', in: 'query', description: 'Only events of this name', schema: { type: 'string' } },
        { name: 'limit', in: 'query', description: 'At most this many (1 to 1000, default 100)', schema: { type: 'integer' } },
        { name: 'offset', in: 'query', description: 'Skip this many', schema: { type: 'integer' } },
      ],
      response: {
        description: 'The events',
        data: { type: 'object', properties: { records: { type: 'array', items: eventSchema }, totalCount: { type: 'integer' } }, required: ['records', 'totalCount'] },
      },
      errorStatuses: [400],
      handler: async (request) => {
        const query = request.query as Query;
        return events.list({
          topicName: singleParam(query, 'topicName') || undefined,
          eventName: singleParam(query, 'eventName') || undefined,
          limit: integerParameter(singleParam(query, 'limit'), 'limit', 1, 1000, 100),
          offset: integerParameter(singleParam(query, 'offset'), 'offset', 0, 1_000_000_000, 0),
        });
      },
    },
  ];
}
