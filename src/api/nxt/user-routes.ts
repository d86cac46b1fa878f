/** `/v1/users/services/...`: gsuser as Gainsight's user-management clients list and create it. */
import { surfaceLookUp } from '../../domain/objects/index.js';
import { planQuery } from '../../domain/nxt/query.js';
import { presentRow } from '../../domain/nxt/present.js';
import type { NxtWriter } from '../../domain/nxt/writes.js';
import type { RouteSpec } from '../../server/route-spec.js';
import type { ApiContext } from '../context.js';
import { batchRequestSchema, batchResultSchema, looseObjectSchema, nxtRecordSchema } from './shared.js';

const TAG = 'NXT users';

export function userRoutes(context: ApiContext, writer: NxtWriter): RouteSpec[] {
  const users = context.nxt.get('gsuser')!;
  return [
    {
      method: 'POST',
      path: '/v1/users/services/list',
      operationId: 'nxtListUsers',
      summary: 'List users',
      description:
        '`{select, where, orderBy, limit, page, includeTotal}` as a data query on gsuser, paged by `page` (0-based). ' +
        'Answers the page and `totalCount`, the number of matching users over all pages.',
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
        const plan = planQuery(users.view, request.body, { lookUp: surfaceLookUp('nxt'), paging: 'page', countTotal: true });
        const { records, totalCount } = await context.store.reportRunner.run(plan);
        return { records: records.map((row) => presentRow(plan.columns, row, context.nxtDateFormat)), totalCount };
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
