/**
 * `/v1/reports`: running reports (seed) and the saved-definition extensions. Running is a read,
 * so read-only keys may run reports; saving and deleting definitions are writes.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { assertReportId, REPORT_ID_PATTERN, type ReportService } from '../../domain/reports/report-service.js';
import { ReportParameterSchema } from '../../domain/reports/schema.js';
import type { JsonSchema } from '../../domain/schemas.js';
import { negotiate } from '../../server/negotiate.js';
import { withBody, type ParameterSpec, type RouteSpec } from '../../server/route-spec.js';
import { toCsv } from './csv.js';

const resultSchema: JsonSchema = {
  type: 'object',
  properties: {
    records: {
      type: 'array',
      items: { type: 'object', additionalProperties: true, description: 'One row, keyed by column name; empty values omitted' },
    },
    columns: {
      type: 'array',
      description: 'Extension: column names and types, in order',
      items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' } }, required: ['name', 'type'] },
    },
    totalCount: { type: 'integer', description: 'Extension: rows (or groups) before the limit' },
  },
  required: ['records', 'columns', 'totalCount'],
};

// The list shows saved reports as stored, without validating them, so that one whose stored
// definition no longer validates does not hide the others: `name` and `object` are then shown as
// far as they are strings (always, for built-in and valid saved reports).
const summarySchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string', description: "The definition's name (absent only for a saved report whose stored definition has none)" },
    object: { type: 'string', description: "The definition's object (absent only for a saved report whose stored definition has none)" },
    builtIn: { type: 'boolean' },
    description: { type: 'string' },
  },
  required: ['id', 'builtIn'],
};

const detailsSchema = (definition: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    ...(summarySchema.properties as Record<string, JsonSchema>),
    definition,
    parameters: Type.Array(ReportParameterSchema),
    createdDate: { type: 'string', format: 'date-time' },
    modifiedDate: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'object', 'builtIn', 'definition'],
});

const reportIdParameter: ParameterSpec = {
  name: 'reportId',
  in: 'path',
  required: true,
  description: 'Report id: a built-in id or a saved report\'s id (1 to 64 letters, digits, - or _)',
  schema: { type: 'string', pattern: REPORT_ID_PATTERN.source },
};

function reportIdOf(request: FastifyRequest): string {
  const id = (request.params as { reportId: string }).reportId;
  assertReportId(id);
  return id;
}

const JSON_TYPE = 'application/json';
const CSV_TYPE = 'text/csv';

export function reportRoutes(reports: ReportService): RouteSpec[] {
  const { ReportDefinitionSchema, RunReportBodySchema } = reports.schemas;
  const details = detailsSchema(ReportDefinitionSchema);
  return [
    {
      method: 'POST',
      path: '/v1/reports',
      operationId: 'runReport',
      summary: 'Gainsight Run a report',
      description:
        'Execute a report query against Gainsight data: a built-in or saved report by `reportId`, or an ad-hoc ' +
        '`definition` (extension). `filters` narrow the rows; `limit` overrides the definition\'s; `parameters` ' +
        'set a built-in report\'s parameters (upcoming-renewals: days). `Accept: text/csv` answers CSV. Values follow ' +
        'their column\'s type (booleans are true/false, in CSV too). 409 when a saved report\'s stored definition is ' +
        'no longer valid.',
      tag: 'Reports',
      access: 'read',
      heavy: true,
      response: {
        description: 'Report data returned',
        data: resultSchema,
        alternatives: { [CSV_TYPE]: { type: 'string', description: 'The same rows as CSV with a header row' } },
      },
      // 409: a saved report whose stored definition is no longer valid (see the report service).
      errorStatuses: [400, 404, 406, 409, 413, 415],
      ...withBody(RunReportBodySchema, async (body, request, reply) => {
        // The route wrapper has already answered 406 when neither type is acceptable.
        const type = negotiate(request.headers.accept, [JSON_TYPE, CSV_TYPE]);
        const result = await reports.run(body);
        if (type === CSV_TYPE) return reply.type('text/csv; charset=utf-8').send(toCsv(result.columns, result.records));
        return result;
      }),
    },
    {
      method: 'GET',
      path: '/v1/reports',
      operationId: 'listReports',
      summary: 'List reports',
      description:
        'The built-in reports and the saved ones. Saved ones are listed as stored, without validation: ' +
        'one whose definition is no longer valid still shows (getting or running it answers 409).',
      tag: 'Reports',
      access: 'read',
      extension: true,
      response: {
        description: 'Reports',
        data: { type: 'object', properties: { records: { type: 'array', items: summarySchema } }, required: ['records'] },
      },
      errorStatuses: [],
      handler: async () => ({ records: await reports.list() }),
    },
    {
      method: 'GET',
      path: '/v1/reports/{reportId}',
      operationId: 'getReport',
      summary: 'Get a report definition',
      description:
        'A built-in report (its definition with default parameters, and its parameters) or a saved one. ' +
        '409 when a saved report\'s stored definition is no longer valid: replace it (PUT) or delete it.',
      tag: 'Reports',
      access: 'read',
      extension: true,
      parameters: [reportIdParameter],
      response: { description: 'The report', data: details },
      errorStatuses: [400, 404, 409],
      handler: async (request) => reports.get(reportIdOf(request)),
    },
    {
      method: 'PUT',
      path: '/v1/reports/{reportId}',
      operationId: 'saveReport',
      summary: 'Create or replace a saved report',
      description: 'The body is a report definition; it is validated as if it were run. Built-in ids cannot be used (409).',
      tag: 'Reports',
      access: 'write',
      extension: true,
      parameters: [reportIdParameter],
      response: { description: 'The saved report', data: details },
      errorStatuses: [400, 403, 409, 413, 415],
      ...withBody(ReportDefinitionSchema, async (definition, request) => (await reports.save(reportIdOf(request), definition)).report),
    },
    {
      method: 'DELETE',
      path: '/v1/reports/{reportId}',
      operationId: 'deleteReport',
      summary: 'Delete a saved report',
      description: 'Built-in reports cannot be deleted (409).',
      tag: 'Reports',
      access: 'write',
      extension: true,
      parameters: [reportIdParameter],
      response: {
        description: 'Deleted',
        data: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
      errorStatuses: [400, 403, 404, 409],
      handler: async (request) => reports.delete(reportIdOf(request)),
    },
  ];
}
