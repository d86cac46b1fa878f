/**
 * People upsert as RudderStack's identify call and Gainsight's people-management clients send it
 * (`PUT /v1/peoplemgmt/v1.0/people`, `PUT /v1.0/api/people`: one handler), and the connectivity
 * ping some clients send first.
 */
import type { RouteSpec } from '../../server/route-spec.js';
import type { ApiContext } from '../context.js';
import { looseObjectSchema, nxtRecordSchema } from './shared.js';

const TAG = 'NXT people';

export function peopleRoutes(context: ApiContext): RouteSpec[] {
  const { reader, writer } = context;
  const person = context.nxt.get('Person')!.view;
  const upsert = (path: string, operationId: string): RouteSpec => ({
    method: 'PUT',
    path,
    operationId,
    summary: 'Upsert a person',
    description:
      'A flat person (no `records` wrapper), matched by Email ignoring case: updated when it exists, created otherwise ' +
      '(Name defaults to FirstName LastName). `companies: [{"Company_ID": "..."}]` links the person to each company, once. ' +
      'Answers the stored person.',
    tag: TAG,
    access: 'write',
    extension: true,
    requestBody: { schema: looseObjectSchema },
    response: { description: 'The stored person', data: nxtRecordSchema },
    errorStatuses: [400, 403, 409, 413, 415],
    handler: async (request) => reader.present(person, await writer.upsertPerson(request.body)),
  });
  return [
    upsert('/v1/peoplemgmt/v1.0/people', 'nxtPeopleUpsert'),
    upsert('/v1.0/api/people', 'nxtPeopleUpsertV1'),
    {
      method: 'GET',
      path: '/v1.0/api/people',
      operationId: 'nxtPeoplePing',
      summary: 'Connectivity check',
      description: 'Answers 200 `result: true` for a valid key (clients call it to test their credentials).',
      tag: TAG,
      access: 'read',
      extension: true,
      response: { description: 'The key works', data: { type: 'object', properties: { status: { type: 'string' } } } },
      errorStatuses: [],
      handler: async () => ({ status: 'ok' }),
    },
  ];
}
