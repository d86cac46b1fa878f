/**
 * The report service and planner without a database: the service over an in-memory repository
 * and a runner that answers canned rows, and the rules the reports share with the NXT query
 * planner (filters.ts: NULL placement, the bound-values cap, field keys).
 */
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import {
  assertFilterValues,
  fieldKey,
  MAX_FILTER_VALUES,
  needsNullPlacement,
  NXT_DIALECT,
  parseFilter,
  resolveFieldRef,
  type Predicate,
} from '../../src/domain/filters.js';
import { viewOf } from '../../src/domain/object-model.js';
import { Company, objects, builtinRegistry } from '../../src/domain/objects/index.js';
import { compileDefinitionParser, planReport, type ReportPlan } from '../../src/domain/reports/definition.js';
import type { ReportRepository, ReportRows, RunnablePlan, SavedReport } from '../../src/domain/reports/ports.js';
import { createReportService, reportValue } from '../../src/domain/reports/report-service.js';
import { reportSchemas, type ReportDefinition } from '../../src/domain/reports/schema.js';
import { compileValidator } from '../../src/domain/body-validation.js';
import { createAjv } from '../../src/domain/validation.js';
import { thrown } from '../helpers/thrown.js';

const { ReportDefinitionSchema, RunReportBodySchema } = reportSchemas([...objects.keys()]);

const lookUp = builtinRegistry.surfaceLookUp(undefined);
const nxtLookUp = builtinRegistry.surfaceLookUp('nxt');


async function rejected(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError, the promise resolved');
}

function memoryRepository(initial: Record<string, unknown> = {}): ReportRepository {
  const at = '2024-01-01T00:00:00.000Z';
  const saved = new Map<string, SavedReport>(
    Object.entries(initial).map(([id, definition]) => [id, { id, definition, createdAt: at, modifiedAt: at }]),
  );
  return {
    list: async () => [...saved.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    get: async (id) => saved.get(id),
    put: async (id, definition, when) => {
      const created = !saved.has(id);
      const report = { id, definition, createdAt: saved.get(id)?.createdAt ?? when, modifiedAt: when };
      saved.set(id, report);
      return { report, created };
    },
    delete: async (id) => saved.delete(id),
  };
}

/** A runner answering the given rows (as stored: booleans 1/0), remembering the plans it ran. */
function cannedRunner(rows: ReportRows['records']) {
  const plans: RunnablePlan[] = [];
  return {
    plans,
    run: async (plan: RunnablePlan): Promise<ReportRows> => {
      plans.push(plan);
      return { records: rows.map((row) => ({ ...row })), totalCount: rows.length };
    },
  };
}

describe('report service: the shared Ajv', () => {
  it('compiles the definition validator once, on the Ajv it is given, however many saved reports it reads', async () => {
    const ajv = createAjv();
    const compile = vi.spyOn(ajv, 'compile');
    const repository = memoryRepository({ a: { name: 'A', object: 'Company', fields: ['Name'] } });
    const service = createReportService({ repository, runner: cannedRunner([]), lookUp, objectNames: [...objects.keys()], ajv });
    expect(compile).toHaveBeenCalledTimes(1);
    expect(compile).toHaveBeenCalledWith(service.schemas.ReportDefinitionSchema);
    for (let i = 0; i < 3; i++) {
      await service.get('a');
      await service.run({ reportId: 'a' });
      await service.list();
    }
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('shares the Ajv with the routes: they compile the same schemas on it after the service', () => {
    const ajv = createAjv();
    createReportService({ repository: memoryRepository(), runner: cannedRunner([]), lookUp, objectNames: [...objects.keys()], ajv });
    const definition = compileValidator(ajv, ReportDefinitionSchema);
    const body = compileValidator(ajv, RunReportBodySchema);
    expect(() => definition({ name: 'x', object: 'Company', fields: ['Name'] })).not.toThrow();
    expect(() => body({ definition: { name: 'x', object: 'Company', fields: ['Name'] } })).not.toThrow();
  });

  it('without an Ajv (tests and benches) makes its own', async () => {
    const repository = memoryRepository({ a: { name: 'A', object: 'Company', fields: ['Name'] } });
    const service = createReportService({ repository, runner: cannedRunner([]), lookUp, objectNames: [...objects.keys()] });
    expect((await service.get('a')).definition).toEqual({ name: 'A', object: 'Company', fields: ['Name'] });
  });

  it('the parser names the place of the stored definition at fault', () => {
    const parse = compileDefinitionParser(createAjv(), ReportDefinitionSchema);
    expect(thrown(() => parse({ name: 'x', object: 'Company', fields: [1] }, 'report r')).message).toContain('report r.fields[0]');
    expect(thrown(() => parse({ name: 'x', object: 'Company', fields: [1] })).message).toContain('definition.fields[0]');
  });
});

describe('report service: values by column type', () => {
  it('reportValue turns stored booleans into true/false and leaves every other type alone', () => {
    expect(reportValue('boolean', 1)).toBe(true);
    expect(reportValue('boolean', 0)).toBe(false);
    expect(reportValue('integer', 1)).toBe(1);
    expect(reportValue('number', 0)).toBe(0);
    expect(reportValue('string', '1')).toBe('1');
  });

  it('answers boolean columns as true/false, leaves empty ones out and other columns as read', async () => {
    const runner = cannedRunner([
      { Email: 'a@example.com', IsActiveUser: 1 },
      { Email: 'b@example.com', IsActiveUser: 0 },
      { Email: 'c@example.com' },
    ]);
    const service = createReportService({ repository: memoryRepository(), runner, lookUp, objectNames: [...objects.keys()] });
    const result = await service.run({ definition: { name: 'x', object: 'gsuser', fields: ['Email', 'IsActiveUser'] } });
    expect(result.columns).toEqual([
      { name: 'Email', type: 'email' },
      { name: 'IsActiveUser', type: 'boolean' },
    ]);
    expect(result.records).toEqual([
      { Email: 'a@example.com', IsActiveUser: true },
      { Email: 'b@example.com', IsActiveUser: false },
      { Email: 'c@example.com' },
    ]);
  });

  it('does not touch a count over a boolean field (its column is an integer)', async () => {
    const runner = cannedRunner([{ active: 1 }]);
    const service = createReportService({ repository: memoryRepository(), runner, lookUp, objectNames: [...objects.keys()] });
    const result = await service.run({
      definition: { name: 'x', object: 'gsuser', aggregates: [{ fn: 'count', field: 'IsActiveUser', as: 'active' }] },
    });
    expect(result.records).toEqual([{ active: 1 }]);
  });
});

describe('report service: saved definitions that no longer validate', () => {
  const repository = () =>
    memoryRepository({
      good: { name: 'Good', object: 'Company', fields: ['Name'] },
      shape: { name: 'Shape', object: 'Company', fields: ['Name'], extra: true },
      types: { name: 1, object: null },
      text: 'not even an object',
      gone: { name: 'Gone', object: 'Company', fields: ['Gone'] },
    });

  it('lists every saved report, with name and object as far as the stored JSON has them as strings', async () => {
    const service = createReportService({ repository: repository(), runner: cannedRunner([]), lookUp, objectNames: [...objects.keys()] });
    const saved = (await service.list()).filter((report) => !report.builtIn);
    expect(saved).toEqual([
      { id: 'gone', name: 'Gone', object: 'Company', builtIn: false },
      { id: 'good', name: 'Good', object: 'Company', builtIn: false },
      { id: 'shape', name: 'Shape', object: 'Company', builtIn: false },
      { id: 'text', builtIn: false },
      { id: 'types', builtIn: false },
    ]);
  });

  it.each(['shape', 'types', 'text'])('get and run of %s: 409 naming the report, the problem and the remedy', async (id) => {
    const runner = cannedRunner([]);
    const service = createReportService({ repository: repository(), runner, lookUp, objectNames: [...objects.keys()] });
    for (const error of [await rejected(service.get(id)), await rejected(service.run({ reportId: id }))]) {
      expect(error.statusCode).toBe(409);
      expect(error.code).toBe('GSAPI_4090');
      expect(error.message).toMatch(new RegExp(`^Saved report ${id} has a stored definition that is no longer valid \\(.*report ${id}.*\\); replace it with PUT /v1/reports/${id} or delete it$`));
    }
    expect(runner.plans).toEqual([]);
  });

  it('a stored definition that no longer plans: get shows it, run answers 409; the run\'s own mistakes stay 400', async () => {
    const service = createReportService({ repository: repository(), runner: cannedRunner([]), lookUp, objectNames: [...objects.keys()] });
    expect((await service.get('gone')).definition).toEqual({ name: 'Gone', object: 'Company', fields: ['Gone'] });
    const error = await rejected(service.run({ reportId: 'gone' }));
    expect(error.statusCode).toBe(409);
    expect(error.message).toContain('report gone.fields[0] = Gone');
    const own = await rejected(service.run({ reportId: 'good', filters: { conditions: [{ name: 'Nope', operator: 'EQ', value: [1] }] } }));
    expect(own.statusCode).toBe(400);
    expect(own.field).toContain('filters.conditions[0].name = Nope');
  });
});

describe('the rules reports and NXT queries share (filters.ts)', () => {
  const company = objects.get('Company')!;
  const nxtCompany = viewOf(Company, 'nxt');
  const ref = (path: string) => resolveFieldRef(company, path, 'x', lookUp);
  const nxtRef = (path: string) => resolveFieldRef(nxtCompany, path, 'x', nxtLookUp, NXT_DIALECT);

  it('fieldKey names the field reached, whatever the spelling', () => {
    expect(fieldKey(nxtRef('csm__GR.email'))).toBe('Csm.Email');
    expect(fieldKey(nxtRef('Csm__gr.Email'))).toBe('Csm.Email');
    expect(fieldKey(nxtRef('arr'))).toBe('ARR');
    expect(fieldKey(resolveFieldRef(objects.get('Person')!, 'CompanyId.Name', 'x', lookUp))).toBe('CompanyId.Name');
  });

  it('needsNullPlacement: not for own fields that always hold a value, nor for fields the filter makes non-empty', () => {
    const none = new Set<string>();
    expect(needsNullPlacement(ref('Gsid'), none)).toBe(false);
    expect(needsNullPlacement(ref('CreatedDate'), none)).toBe(false);
    expect(needsNullPlacement(ref('Name'), none)).toBe(false); // required
    expect(needsNullPlacement(ref('ARR'), none)).toBe(true);
    expect(needsNullPlacement(ref('ARR'), new Set(['ARR']))).toBe(false);
    // Through a lookup even a required field is empty when the lookup is.
    expect(needsNullPlacement(nxtRef('Csm__gr.Email'), none)).toBe(true);
    expect(needsNullPlacement(nxtRef('Csm__gr.Email'), new Set(['Csm.Email']))).toBe(false);
  });

  it('reports place NULLs by the same rule (counts never)', () => {
    const plan: ReportPlan = planReport(
      {
        name: 'x',
        object: 'Company',
        fields: ['Industry'],
        groupBy: ['Industry'],
        aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'ARR', as: 'total' }],
        orderBy: [{ field: 'n' }, { field: 'total' }],
      } satisfies ReportDefinition,
      { lookUp },
    );
    expect(plan.orderBy.map((order) => order.placeNulls)).toEqual([false, true, true]);
    const filtered = planReport(
      { name: 'x', object: 'Company', fields: ['Name', 'ARR'], orderBy: [{ field: 'ARR' }] },
      { lookUp, filters: { conditions: [{ name: 'ARR', operator: 'GT', value: [0] }] } },
    );
    // ARR (non-empty by the filter), then the Gsid tie-breaker.
    expect(filtered.orderBy.map((order) => order.placeNulls)).toEqual([false, false]);
  });

  it('assertFilterValues refuses more than MAX_FILTER_VALUES bound values, naming where it is told', () => {
    const filter = (count: number): Predicate | undefined =>
      parseFilter(
        {
          conditions: Array.from({ length: Math.ceil(count / 1000) }, (_, i) => ({
            name: 'ARR',
            operator: 'IN',
            value: Array.from({ length: Math.min(1000, count - i * 1000) }, (_, j) => j),
          })),
        },
        { object: company, lookUp, where: 'filters' },
      );
    expect(() => assertFilterValues(filter(MAX_FILTER_VALUES), 'filters', 'the filters', 'split them')).not.toThrow();
    const error = thrown(() => assertFilterValues(filter(MAX_FILTER_VALUES + 1), 'filters', 'the filters', 'split them'));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.field).toBe('filters');
    expect(error.message).toContain(`the filters hold more than ${MAX_FILTER_VALUES} values in all; split them`);
    // planReport checks the definition's where and the run's filters together.
    const conditions = Array.from({ length: 6 }, () => ({ name: 'ARR', operator: 'IN', value: Array.from({ length: 1000 }, (_, j) => j) }));
    const report = thrown(() => planReport({ name: 'x', object: 'Company', fields: ['Name'] }, { lookUp, filters: { conditions } }));
    expect(report.field).toBe('filters');
    expect(report.message).toContain('narrow them or split the report');
  });
});
