/**
 * The built-in reports. Each is an ordinary definition (so it runs through the same validation
 * and SQL as a saved one), built per run from its parameters and today's date (UTC).
 */
import { addDays } from '../dates.js';
import type { ReportDefinition, ReportParameter } from './schema.js';

export type { ReportParameter };

export interface BuiltInReport {
  readonly id: string;
  readonly description: string;
  readonly parameters: readonly ReportParameter[];
  definition(parameters: Readonly<Record<string, number>>, today: string): ReportDefinition;
}


export const BUILT_IN_REPORTS: readonly BuiltInReport[] = [
  {
    id: 'companies-by-lifecycle-stage',
    description:
      'One row per LifecycleStage (companies without a stage form one row without LifecycleStage): ' +
      'companies = number of companies, totalARR = sum of their ARR (omitted when none has an ARR). Ordered by LifecycleStage.',
    parameters: [],
    definition: () => ({
      name: 'Companies by lifecycle stage',
      object: 'Company',
      fields: ['LifecycleStage'],
      groupBy: ['LifecycleStage'],
      aggregates: [
        { fn: 'count', as: 'companies' },
        { fn: 'sum', field: 'ARR', as: 'totalARR' },
      ],
      orderBy: [{ field: 'LifecycleStage', direction: 'asc' }],
    }),
  },
  {
    id: 'arr-by-industry',
    description:
      'One row per Industry (companies without one form one row without Industry): companies = number of companies, ' +
      'totalARR = sum of ARR, avgARR = average ARR over the companies that have one. Ordered by totalARR, largest first.',
    parameters: [],
    definition: () => ({
      name: 'ARR by industry',
      object: 'Company',
      fields: ['Industry'],
      groupBy: ['Industry'],
      aggregates: [
        { fn: 'count', as: 'companies' },
        { fn: 'sum', field: 'ARR', as: 'totalARR' },
        { fn: 'avg', field: 'ARR', as: 'avgARR' },
      ],
      orderBy: [{ field: 'totalARR', direction: 'desc' }],
    }),
  },
  {
    id: 'upcoming-renewals',
    description:
      'Companies whose RenewalDate is from today through today + days (UTC dates, both ends included), soonest first: ' +
      'Gsid, Name, RenewalDate, ARR, CSMName, LifecycleStage.',
    parameters: [{ name: 'days', description: 'How many days ahead to look', default: 90, minimum: 0, maximum: 3650 }],
    definition: ({ days = 90 }, today) => ({
      name: `Renewals in the next ${days} days`,
      object: 'Company',
      fields: ['Gsid', 'Name', 'RenewalDate', 'ARR', 'CSMName', 'LifecycleStage'],
      where: { conditions: [{ name: 'RenewalDate', alias: 'A', operator: 'BTW', value: [today, addDays(today, days)] }], expression: 'A' },
      orderBy: [{ field: 'RenewalDate', direction: 'asc' }],
    }),
  },
  {
    id: 'people-by-company',
    description:
      'One row per company that has people: CompanyId, CompanyId.Name (the company name) and people = number of people ' +
      'with that CompanyId; people without a company form one row without CompanyId. Ordered by people, most first, then by name.',
    parameters: [],
    definition: () => ({
      name: 'People by company',
      object: 'Person',
      fields: ['CompanyId', 'CompanyId.Name'],
      groupBy: ['CompanyId', 'CompanyId.Name'],
      aggregates: [{ fn: 'count', as: 'people' }],
      orderBy: [
        { field: 'people', direction: 'desc' },
        { field: 'CompanyId.Name', direction: 'asc' },
      ],
    }),
  },
  {
    id: 'largest-customers',
    description:
      'Companies with an ARR, largest ARR first (default 10 rows; a run may pass limit): Gsid, Name, ARR, Industry, LifecycleStage, CSMName.',
    parameters: [],
    definition: () => ({
      name: 'Largest customers',
      object: 'Company',
      fields: ['Gsid', 'Name', 'ARR', 'Industry', 'LifecycleStage', 'CSMName'],
      where: { conditions: [{ name: 'ARR', alias: 'A', operator: 'IS_NOT_NULL', value: [] }], expression: 'A' },
      orderBy: [{ field: 'ARR', direction: 'desc' }],
      limit: 10,
    }),
  },
];

export function findBuiltIn(id: string): BuiltInReport | undefined {
  return BUILT_IN_REPORTS.find((report) => report.id === id);
}
