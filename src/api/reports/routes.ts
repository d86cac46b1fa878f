/**
 * `/v1/reports`: running reports (seed) and the saved-definition extensions. Running is a read,
 * so read-only keys may run reports; saving and deleting definitions are writes.
 */
import type { FastifyRequest } from 'fastify';
import { AGGREGATE_FUNCTIONS, MAX_REPORT_LIMIT } from '../../domain/reports/definition.js';
import { OPERATORS } from '../../domain/filters.js';
import { assertReportId, REPORT_ID_PATTERN, type ReportService } from '../../domain/reports/report-service.js';
import type { JsonSchema } from '../../domain/schemas.js';
import { negotiate } from '../../server/negotiate.js';
import type { ParameterSpec, RouteSpec } from '../../server/route-spec.js';
import { toCsv } from './csv.js';

const filterSchema: JsonSchema = {
  type: 'object',
  description:
    'Narrows the rows before grouping and before the limit. Shorthand: {"Industry": "Software"} (equality), ' +
    '{"LifecycleStage": ["Adopting", "Renewing"]} (IN). Query form: {"conditions": [{"name", "alias", "operator", "value": [...]}], ' +
    '"expression": "A AND (B OR NOT C)"}. Field names may follow a reference: "CompanyId.Industry".',
  properties: {
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'Field name' },
          alias: { type: 'string', description: 'Name used in expression' },
          operator: { type: 'string', enum: [...OPERATORS] },
          value: { type: 'array', description: 'Always an array; [] for IS_NULL/IS_NOT_NULL, [low, high] for BTW' },
        },
        required: ['name', 'operator', 'value'],
      },
    },
    expression: { type: 'string', description: 'Aliases combined with AND, OR, NOT and parentheses (NOT binds tightest, then AND, then OR)' },
  },
  additionalProperties: true,
};

const definitionSchema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 255 },
    object: { type: 'string', enum: ['Company', 'Person'] },
    fields: { type: 'array', items: { type: 'string' }, description: 'Columns; with groupBy or aggregates each must be grouped' },
    groupBy: { type: 'array', items: { type: 'string' } },
    aggregates: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          fn: { type: 'string', enum: [...AGGREGATE_FUNCTIONS] },
          field: { type: 'string', description: 'Not needed for count' },
          as: { type: 'string', description: 'Column name' },
        },
        required: ['fn'],
      },
    },
    where: filterSchema,
    orderBy: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, direction: { type: 'string', enum: ['asc', 'desc'] } },
        required: ['field'],
      },
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_REPORT_LIMIT },
  },
  required: ['name', 'object', 'fields'],
};

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

const summarySchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    object: { type: 'string' },
    builtIn: { type: 'boolean' },
    description: { type: 'string' },
  },
  required: ['id', 'name', 'object', 'builtIn'],
};

const detailsSchema: JsonSchema = {
  type: 'object',
  properties: {
    ...(summarySchema.properties as Record<string, JsonSchema>),
    definition: { type: 'object', additionalProperties: true },
    parameters: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          default: { type: 'integer' },
          minimum: { type: 'integer' },
          maximum: { type: 'integer' },
        },
      },
    },
    createdDate: { type: 'string', format: 'date-time' },
    modifiedDate: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'object', 'builtIn', 'definition'],
};

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
  return [
    {
      method: 'POST',
      path: '/v1/reports',
      operationId: 'runReport',
      summary: 'Gainsight Run a report',
      description:
        'Execute a report query against Gainsight data: a built-in or saved report by `reportId`, or an ad-hoc ' +
        '`definition` (extension). `filters` narrow the rows; `limit` overrides the definition\'s; `parameters` ' +
        'set a built-in report\'s parameters (upcoming-renewals: days). `Accept: text/csv` answers CSV.',
      tag: 'Reports',
      access: 'read',
      requestBody: {
        schema: {
          type: 'object',
          properties: {
            reportId: { type: 'string', description: 'ID of the report to execute' },
            filters: { ...filterSchema, description: 'Optional filters to apply. ' + (filterSchema.description as string) },
            definition: { ...definitionSchema, description: 'Extension: an ad-hoc report definition instead of reportId' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_REPORT_LIMIT, description: 'Extension: maximum rows' },
            parameters: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Extension: built-in report parameters' },
          },
        },
      },
      response: {
        description: 'Report data returned',
        data: resultSchema,
        alternatives: { [CSV_TYPE]: { type: 'string', description: 'The same rows as CSV with a header row' } },
      },
      errorStatuses: [400, 404, 406, 413, 415],
      handler: async (request, reply) => {
        // The route wrapper has already answered 406 when neither type is acceptable.
        const type = negotiate(request.headers.accept, [JSON_TYPE, CSV_TYPE]);
        const result = await reports.run(request.body);
        if (type === CSV_TYPE) return reply.type('text/csv; charset=utf-8').send(toCsv(result.columns, result.records));
        return result;
      },
    },
    {
      method: 'GET',
      path: '/v1/reports',
      operationId: 'listReports',
      summary: 'List reports',
      description: 'The built-in reports and the saved ones.',
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
      description: 'A built-in report (its definition with default parameters, and its parameters) or a saved one.',
      tag: 'Reports',
      access: 'read',
      extension: true,
      parameters: [reportIdParameter],
      response: { description: 'The report', data: detailsSchema },
      errorStatuses: [400, 404],
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
      requestBody: { schema: definitionSchema },
      response: { description: 'The saved report', data: detailsSchema },
      errorStatuses: [400, 403, 409, 413, 415],
      handler: async (request) => (await reports.save(reportIdOf(request), request.body)).report,
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
