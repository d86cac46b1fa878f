/**
 * Reports: built-in and saved definitions, and running them (by id or ad hoc) with runtime
 * filters, limit and parameters.
 *
 * The service takes bodies of the types declared in schema.ts: the routes have validated them
 * against those very schemas. What it checks itself is what no schema can say (a report id's
 * meaning, reportId or definition, parameters of the report at hand), then planReport checks the
 * definition against the object model. Saved definitions are validated again when read back.
 */
import type { ReportRepository, SavedReport } from '../../store/report-repository.js';
import type { ReportRunner } from '../../store/report-query.js';
import { errors, describeValue } from '../errors.js';
import type { ObjectDescription } from '../object-model.js';
import { BUILT_IN_REPORTS, findBuiltIn, type BuiltInReport } from './builtins.js';
import { parseDefinition, planReport, type ColumnType } from './definition.js';
import type { ParameterValues, ReportDefinition, RunReportBody } from './schema.js';

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
  save(id: string, definition: ReportDefinition): Promise<{ report: ReportDetails; created: boolean }>;
  delete(id: string): Promise<{ id: string }>;
  /** Runs the body of `POST /v1/reports`. */
  run(body: RunReportBody): Promise<ReportResult>;
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

  /** The given parameters, each one the report declares and within its range (integers already). */
  function parameterValues(report: BuiltInReport | undefined, given: ParameterValues | undefined): ParameterValues {
    for (const [name, value] of Object.entries(given ?? {})) {
      const parameter = report?.parameters.find((p) => p.name === name);
      if (!parameter) throw errors.unknownField(`parameters.${name}`);
      if (value < parameter.minimum || value > parameter.maximum) {
        throw errors.invalidValue(`parameters.${name}`, `expected an integer from ${parameter.minimum} to ${parameter.maximum}, got ${describeValue(value)}`);
      }
    }
    return given ?? {};
  }

  /** A saved definition as read back: validated by the same schema as when it was saved. */
  const definitionOfSaved = (saved: SavedReport): ReportDefinition => parseDefinition(saved.definition, `report ${saved.id}`);

  async function definitionOf(id: string, parameters: ParameterValues | undefined): Promise<ReportDefinition> {
    const builtIn = findBuiltIn(id);
    if (builtIn) return builtIn.definition(parameterValues(builtIn, parameters), today());
    parameterValues(undefined, parameters);
    const saved = await repository.get(id);
    if (!saved) throw errors.notFoundReport(id);
    return definitionOfSaved(saved);
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
          const definition = definitionOfSaved(report);
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
      const definition = definitionOfSaved(saved);
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

    async save(id, definition) {
      assertReportId(id);
      if (findBuiltIn(id)) throw errors.conflict(`Report ${id} is built in and cannot be replaced; save yours under another id`);
      // Validate fully now, so a saved report can always run. The definition is the whole body.
      planReport(definition, { lookUp, at: '' });
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
      // `null` means "not given", as it always has.
      const reportId = body.reportId ?? undefined;
      const adHoc = body.definition ?? undefined;
      const parameters = body.parameters ?? undefined;
      if (reportId !== undefined && adHoc !== undefined) throw errors.invalidValue('reportId', 'send either reportId or definition, not both');
      let definition: ReportDefinition;
      let at = 'definition';
      if (adHoc !== undefined) {
        if (parameters !== undefined) throw errors.invalidValue('parameters', 'parameters apply to built-in reports only');
        definition = adHoc;
      } else {
        if (!reportId) throw errors.requiredValue('reportId', 'a reportId (or an ad-hoc definition) is required');
        assertReportId(reportId);
        definition = await definitionOf(reportId, parameters);
        at = `report ${reportId}`;
      }
      const plan = planReport(definition, { lookUp, filters: body.filters, limit: body.limit ?? undefined, at });
      const rows = await runner.run(plan);
      return { columns: plan.columns.map(({ name, type }) => ({ name, type })), ...rows };
    },
  };
}
