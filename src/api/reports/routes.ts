import { errors } from '../../domain/errors.js';
import type { RouteSpec } from '../../server/route-spec.js';

/**
 * `POST /v1/reports` (seed). No reports are defined yet, so every well-formed request names an
 * unknown report and answers 404 GSOBJ_1011; the reports engine replaces this.
 */
export function reportRoutes(): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/v1/reports',
      operationId: 'runReport',
      summary: 'Gainsight Run a report',
      description: 'Execute a report query against Gainsight data.',
      tag: 'Reports',
      access: 'read',
      requestBody: {
        schema: {
          type: 'object',
          properties: {
            reportId: { type: 'string', description: 'ID of the report to execute' },
            filters: { type: 'object', description: 'Optional filters to apply' },
          },
          required: ['reportId'],
        },
      },
      response: {
        description: 'Report data returned',
        data: {
          type: 'object',
          properties: { records: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          required: ['records'],
        },
      },
      errorStatuses: [400, 404, 413, 415],
      handler: async (request) => {
        const body = request.body;
        if (body === undefined) throw errors.badRequest('Request body is required: send a JSON object');
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw errors.badRequest('Request body must be a JSON object');
        }
        const { reportId } = body as { reportId?: unknown };
        if (reportId === undefined || reportId === null || reportId === '') {
          throw errors.requiredValue('reportId', 'a value is required');
        }
        if (typeof reportId !== 'string') throw errors.invalidValue('reportId', 'expected a string');
        throw errors.notFoundReport(reportId);
      },
    },
  ];
}
