/**
 * Reports: built-in and saved definitions, and running them (by id or ad hoc) with runtime
 * filters, limit and parameters.
 *
 * The service takes bodies of the types declared in schema.ts: the routes have validated them
 * against those very schemas. What it checks itself is what no schema can say (a report id's
 * meaning, reportId or definition, parameters of the report at hand), then planReport checks the
 * definition against the object model. Saved definitions are validated again when read back
 * (see storedDefinitionError for what a stored one that no longer validates answers).
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ApiError, errors, describeValue } from '../errors.js';
import { isPlainObject } from '../json.js';
import type { ObjectDescription } from '../object-model.js';
import { createAjv } from '../validation.js';
import { BUILT_IN_REPORTS, findBuiltIn, type BuiltInReport } from './builtins.js';
import { compileDefinitionParser, planReport, type ColumnType, type ReportPlan } from './definition.js';
import type { ReportRepository, ReportRunner, SavedReport, StoredValue } from './ports.js';
import { reportSchemas, type ParameterValues, type ReportDefinition, type RunReportBody } from './schema.js';

export const REPORT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface ReportSummary {
  readonly id: string;
  /**
   * Always present for a built-in or a valid saved report. A saved report is listed as stored,
   * without validation, so one whose stored definition lacks a string name or object shows
   * without it.
   */
  readonly name?: string;
  readonly object?: string;
  readonly builtIn: boolean;
  readonly description?: string;
}

export interface ReportDetails extends ReportSummary {
  readonly name: string;
  readonly object: string;
  readonly definition: ReportDefinition;
  readonly parameters?: BuiltInReport['parameters'];
  readonly createdDate?: string;
  readonly modifiedDate?: string;
}

/** A value as a report answers it (JSON and CSV): booleans as true/false, not as stored. */
export type ReportValue = string | number | boolean;

export interface ReportResult {
  readonly columns: { name: string; type: ColumnType }[];
  readonly records: Record<string, ReportValue>[];
  readonly totalCount: number;
}

export interface ReportService {
  /** The request shapes over this service's objects (the routes validate and document with them). */
  readonly schemas: ReturnType<typeof reportSchemas>;
  list(): Promise<ReportSummary[]>;
  get(id: string): Promise<ReportDetails>;
  save(id: string, definition: ReportDefinition): Promise<{ report: ReportDetails; created: boolean }>;
  delete(id: string): Promise<{ id: string }>;
  /** Runs the body of `POST /v1/reports`. */
  run(body: RunReportBody): Promise<ReportResult>;
}

export interface ReportServiceOptions {
  readonly repository: ReportRepository;
  /** Reports are grouped and aggregated: they run as rows of values, never as JSON text. */
  readonly runner: Pick<ReportRunner, 'run'>;
  readonly lookUp: (objectName: string) => ObjectDescription | undefined;
  /** The objects reports may run over (the registry's names). */
  readonly objectNames: readonly string[];
  /**
   * The app's one Ajv (ApiContext.ajv), which compiles the validator of saved definitions. Left
   * out only by tests and benches that build a service on its own: the service then makes its own
   * with createAjv().
   */
  readonly ajv?: Ajv2020;
  readonly clock?: () => Date;
}

/** A stored value as the column's type says it: booleans are stored as 1 and 0. */
export function reportValue(type: ColumnType, value: StoredValue): ReportValue {
  return type === 'boolean' ? Number(value) === 1 : value;
}

/**
 * A saved report whose stored definition no longer validates (saved by an older version, or
 * written into the database by other means) cannot be shown (GET) or run; one of the right shape
 * that no longer fits the object model (a field since removed) can be shown but not run.
 *
 * The status is 409 Conflict. Not 400: the request is fine, the stored data is not, and a 400
 * naming "report <id>" as if the client had sent it would be wrong. Not 500: the server works,
 * and the remedy is the client's. 409 is a request that conflicts with the current state of the
 * resource, which the client can resolve and then retry (RFC 9110), as it does here by replacing
 * the report (PUT) or deleting it; the API already answers 409 where stored state stands in the
 * way. The message names the problem found, so that the client knows what to change.
 */
function storedDefinitionError(id: string, problem: ApiError): ApiError {
  return errors.conflict(
    `Saved report ${id} has a stored definition that is no longer valid (${problem.message}); ` +
      `replace it with PUT /v1/reports/${id} or delete it`,
  );
}

/** Runs `check`, turning its ApiError (a 400 about the stored definition) into storedDefinitionError. */
function asStoredDefinition<T>(id: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ApiError) throw storedDefinitionError(id, error);
    throw error;
  }
}

/** What the list shows of a saved report: what the stored JSON holds, not validated. */
function savedSummary(saved: SavedReport): ReportSummary {
  const stored = isPlainObject(saved.definition) ? saved.definition : {};
  return {
    id: saved.id,
    ...(typeof stored.name === 'string' ? { name: stored.name } : {}),
    ...(typeof stored.object === 'string' ? { object: stored.object } : {}),
    builtIn: false,
  };
}

export function assertReportId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !REPORT_ID_PATTERN.test(id)) {
    throw errors.invalidValue('reportId', `expected 1 to 64 letters, digits, - or _ (starting with a letter or digit), got ${describeValue(id)}`);
  }
}

export function createReportService(options: ReportServiceOptions): ReportService {
  const { repository, runner, lookUp, objectNames } = options;
  const schemas = reportSchemas(objectNames);
  // Compiled once per service (the routes compile the same schema object on the same Ajv, which
  // caches it).
  const parseDefinition = compileDefinitionParser(options.ajv ?? createAjv(), schemas.ReportDefinitionSchema);
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

  /** A saved definition as read back: validated by the same schema as when it was saved (else 409). */
  const definitionOfSaved = (saved: SavedReport): ReportDefinition =>
    asStoredDefinition(saved.id, () => parseDefinition(saved.definition, `report ${saved.id}`));

  async function definitionOf(id: string, parameters: ParameterValues | undefined): Promise<ReportDefinition> {
    const builtIn = findBuiltIn(id);
    if (builtIn) return builtIn.definition(parameterValues(builtIn, parameters), today());
    parameterValues(undefined, parameters);
    const saved = await repository.get(id);
    if (!saved) throw errors.notFoundReport(id);
    const definition = definitionOfSaved(saved);
    // Planned alone first, so that what no longer fits the object model (a field since removed)
    // is the stored definition's fault (409); planned again below with the run's filters and
    // limit, whose mistakes are the client's (400).
    asStoredDefinition(id, () => planReport(definition, { lookUp, objectNames, at: `report ${id}` }));
    return definition;
  }

  /** The rows of a plan, each value as its column's type says (booleans true/false). */
  async function rowsOf(plan: ReportPlan): Promise<ReportResult> {
    const { records, totalCount } = await runner.run(plan);
    const columns = plan.columns.map(({ name, type }) => ({ name, type }));
    // Only booleans are stored otherwise than they are answered (see reportValue); most reports
    // have none, and their rows go out as the runner read them.
    const converted = columns.filter((column) => column.type === 'boolean');
    if (converted.length === 0) return { columns, records, totalCount };
    return {
      columns,
      records: records.map((stored) => {
        const record: Record<string, ReportValue> = { ...stored };
        for (const { name, type } of converted) if (stored[name] !== undefined) record[name] = reportValue(type, stored[name]);
        return record;
      }),
      totalCount,
    };
  }

  return {
    schemas,
    async list() {
      const saved = await repository.list();
      return [
        ...BUILT_IN_REPORTS.map((report) => {
          const definition = report.definition({}, today());
          return { id: report.id, name: definition.name, object: definition.object, builtIn: true, description: report.description };
        }),
        // As stored, not validated: one saved report that no longer validates must not hide the
        // others (GET or running it answers why it cannot be used).
        ...saved.map(savedSummary),
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
      planReport(definition, { lookUp, objectNames, at: '' });
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
      const plan = planReport(definition, { lookUp, objectNames, filters: body.filters, limit: body.limit ?? undefined, at });
      return rowsOf(plan);
    },
  };
}
