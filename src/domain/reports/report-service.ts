/**
 * Reports: built-in and saved definitions, and running them (by id or ad hoc) with runtime
 * filters, limit and parameters.
 */
import { isPlainObject } from '../json.js';
import type { ReportRepository } from '../../store/report-repository.js';
import type { ReportRunner } from '../../store/report-query.js';
import { errors, describeValue } from '../errors.js';
import type { ObjectDescription } from '../object-model.js';
import { BUILT_IN_REPORTS, findBuiltIn, type BuiltInReport } from './builtins.js';
import { parseDefinition, planReport, validateLimit, type ColumnType, type ReportDefinition } from './definition.js';

export const REPORT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface ReportSummary {
  readonly id: string;
  readonly name: string;
  readonly object: string;
  readonly builtIn: boolean;
  readonly description?: string;
}

export interface ReportDetails extends ReportSummary {
  readonly definition: ReportDefinition;
  readonly parameters?: BuiltInReport['parameters'];
  readonly createdDate?: string;
  readonly modifiedDate?: string;
}

export interface ReportResult {
  readonly columns: { name: string; type: ColumnType }[];
  readonly records: Record<string, string | number>[];
  readonly totalCount: number;
}

export interface ReportService {
  list(): Promise<ReportSummary[]>;
  get(id: string): Promise<ReportDetails>;
  save(id: string, definition: unknown): Promise<{ report: ReportDetails; created: boolean }>;
  delete(id: string): Promise<{ id: string }>;
  /** Runs the body of `POST /v1/reports`. */
  run(body: unknown): Promise<ReportResult>;
}

export interface ReportServiceOptions {
  readonly repository: ReportRepository;
  readonly runner: ReportRunner;
  readonly lookUp: (objectName: string) => ObjectDescription | undefined;
  readonly clock?: () => Date;
}


export function assertReportId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !REPORT_ID_PATTERN.test(id)) {
    throw errors.invalidValue('reportId', `expected 1 to 64 letters, digits, - or _ (starting with a letter or digit), got ${describeValue(id)}`);
  }
}

export function createReportService(options: ReportServiceOptions): ReportService {
  const { repository, runner, lookUp } = options;
  const clock = options.clock ?? (() => new Date());
  const today = () => clock().toISOString().slice(0, 10);

  function parameterValues(report: BuiltInReport | undefined, given: unknown): Record<string, number> {
    if (given === undefined || given === null) return {};
    if (!isPlainObject(given)) throw errors.invalidValue('parameters', `expected an object, got ${describeValue(given)}`);
    const values: Record<string, number> = {};
    for (const [name, value] of Object.entries(given)) {
      const parameter = report?.parameters.find((p) => p.name === name);
      if (!parameter) throw errors.unknownField(`parameters.${name}`);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < parameter.minimum || value > parameter.maximum) {
        throw errors.invalidValue(`parameters.${name}`, `expected an integer from ${parameter.minimum} to ${parameter.maximum}, got ${describeValue(value)}`);
      }
      values[name] = value;
    }
    return values;
  }

  async function definitionOf(id: string, parameters: unknown): Promise<ReportDefinition> {
    const builtIn = findBuiltIn(id);
    if (builtIn) return builtIn.definition(parameterValues(builtIn, parameters), today());
    parameterValues(undefined, parameters);
    const saved = await repository.get(id);
    if (!saved) throw errors.notFoundReport(id);
    return parseDefinition(saved.definition);
  }

  return {
    async list() {
      const saved = await repository.list();
      return [
        ...BUILT_IN_REPORTS.map((report) => {
          const definition = report.definition({}, today());
          return { id: report.id, name: definition.name, object: definition.object, builtIn: true, description: report.description };
        }),
        ...saved.map((report) => {
          const definition = report.definition as ReportDefinition;
          return { id: report.id, name: definition.name, object: definition.object, builtIn: false };
        }),
      ];
    },

    async get(id) {
      assertReportId(id);
      const builtIn = findBuiltIn(id);
      if (builtIn) {
        const definition = builtIn.definition({}, today());
        return {
          id,
          name: definition.name,
          object: definition.object,
          builtIn: true,
          description: builtIn.description,
          definition,
          parameters: builtIn.parameters,
        };
      }
      const saved = await repository.get(id);
      if (!saved) throw errors.notFoundReport(id);
      const definition = saved.definition as ReportDefinition;
      return {
        id,
        name: definition.name,
        object: definition.object,
        builtIn: false,
        definition,
        createdDate: saved.createdAt,
        modifiedDate: saved.modifiedAt,
      };
    },

    async save(id, input) {
      assertReportId(id);
      if (findBuiltIn(id)) throw errors.conflict(`Report ${id} is built in and cannot be replaced; save yours under another id`);
      if (input === undefined) throw errors.badRequest('Request body is required: send a report definition');
      const definition = parseDefinition(input, 'body');
      // Validate fully now, so a saved report can always run.
      planReport(definition, { lookUp, at: 'body' });
      const { report, created } = await repository.put(id, definition, clock().toISOString());
      return {
        report: {
          id,
          name: definition.name,
          object: definition.object,
          builtIn: false,
          definition,
          createdDate: report.createdAt,
          modifiedDate: report.modifiedAt,
        },
        created,
      };
    },

    async delete(id) {
      assertReportId(id);
      if (findBuiltIn(id)) throw errors.conflict(`Report ${id} is built in and cannot be deleted`);
      if (!(await repository.delete(id))) throw errors.notFoundReport(id);
      return { id };
    },

    async run(body) {
      if (body === undefined) throw errors.badRequest('Request body is required: send a JSON object');
      if (!isPlainObject(body)) throw errors.badRequest(`Request body must be a JSON object, not ${describeValue(body)}`);
      const unknown = Object.keys(body).find((key) => !['reportId', 'definition', 'filters', 'limit', 'parameters'].includes(key));
      if (unknown) throw errors.unknownField(unknown);
      const { reportId, definition: adHoc } = body;
      if (reportId !== undefined && reportId !== null && adHoc !== undefined && adHoc !== null) {
        throw errors.invalidValue('reportId', 'send either reportId or definition, not both');
      }
      let definition: ReportDefinition;
      let at = 'definition';
      if (adHoc !== undefined && adHoc !== null) {
        if (body.parameters !== undefined) throw errors.invalidValue('parameters', 'parameters apply to built-in reports only');
        definition = parseDefinition(adHoc);
      } else {
        if (reportId === undefined || reportId === null || reportId === '') {
          throw errors.requiredValue('reportId', 'a reportId (or an ad-hoc definition) is required');
        }
        if (typeof reportId !== 'string') throw errors.invalidValue('reportId', `expected a string, got ${describeValue(reportId)}`);
        assertReportId(reportId);
        definition = await definitionOf(reportId, body.parameters);
        at = `report ${reportId}`;
      }
      const plan = planReport(definition, { lookUp, filters: body.filters, limit: validateLimit(body.limit, 'limit'), at });
      const rows = await runner.run(plan);
      return { columns: plan.columns.map(({ name, type }) => ({ name, type })), ...rows };
    },
  };
}
