import { errors } from '../../domain/errors.js';
import type { RouteSpec } from '../../server/route-spec.js';
import type { Store } from '../../store/store.js';

/** Health and the OpenAPI document: the only routes that need no access key. */
export function systemRoutes(store: Store, openApiDocument: () => string): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      summary: 'Health check',
      description: 'Answers 200 once the database answers a query; 503 when it does not. Needs no access key.',
      tag: 'System',
      access: 'public',
      extension: true,
      response: {
        description: 'The server and its database are up',
        data: {
          type: 'object',
          properties: { status: { type: 'string', const: 'ok' }, database: { type: 'string', enum: ['sqlite', 'postgres'] } },
          required: ['status', 'database'],
        },
      },
      errorStatuses: [],
      handler: async () => {
        try {
          await store.ping();
        } catch {
          throw errors.unavailable('The database does not answer');
        }
        return { status: 'ok', database: store.dialect };
      },
    },
    {
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This server\'s OpenAPI document',
      description: 'The seed contract plus the documented extensions, as OpenAPI 3.1. Needs no access key.',
      tag: 'System',
      access: 'public',
      extension: true,
      response: { description: 'The OpenAPI document', raw: { type: 'object' } },
      errorStatuses: [],
      handler: async (_request, reply) => reply.type('application/json; charset=utf-8').send(openApiDocument()),
    },
  ];
}
