/** `/v1/users/services/...`: gsuser as Gainsight's user-management clients list and create it. */
import type { RouteSpec } from '../../server/route-spec.js';
import type { ApiContext } from '../context.js';
import { batchRequestSchema, batchResultSchema, looseObjectSchema, nxtRecordSchema } from './shared.js';

const TAG = 'NXT users';

export function userRoutes(context: ApiContext): RouteSpec[] {
  const { reader, writer } = context;
  const users = context.nxt.get('gsuser')!;
  return [
    {
      method: 'POST',
      path: '/v1/users/services/list',
      operationId: 'nxtListUsers',
      summary: 'List users',
      description:
        '`{select, where, orderBy, limit, page, includeTotal}` as a data query on gsuser, paged by `page` (0-based). ' +
        'Answers the page and `totalCount`: the number of matching users over all pages (with `includeTotal: false`, ' +
        'the number on this page, and no count is run).',
      tag: TAG,
      access: 'read',
      extension: true,
      requestBody: { schema: looseObjectSchema },
      response: {
        description: 'A page of users',
        data: {
          type: 'object',
          properties: { records: { type: 'array', items: nxtRecordSchema }, totalCount: { type: 'integer' } },
          required: ['records', 'totalCount'],
        },
      },
      errorStatuses: [400, 413, 415],
      handler: async (request) => {
        return reader.listUsers(users.view, request.body);
      },
    },
    {
      method: 'POST',
      path: '/v1/users/services',
      operationId: 'nxtCreateUsers',
      summary: 'Create users',
      description: '`{"records": [...]}`: 1 to 50 users, all or none, answered as a data insert.',
      tag: TAG,
      access: 'write',
      extension: true,
      requestBody: { schema: batchRequestSchema },
      response: { description: 'Users created', data: batchResultSchema },
      errorStatuses: [400, 403, 409, 413, 415],
      handler: async (request) => writer.insert(users, request.body),
    },
  ];
}
