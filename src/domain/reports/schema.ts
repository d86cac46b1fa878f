/**
 * The report request shapes, declared once, as JSON Schema built with TypeBox: a filter, a
 * report definition, the body of `POST /v1/reports`, and a built-in report's parameters. Each
 * object here is at the same time
 *
 * - the validator that runs: registerRoutes compiles the route bodies from it, the report service
 *   (compileDefinitionParser, for saved definitions read back from the database) the definition,
 *   both with the app's one Ajv;
 * - the TypeScript type the code works with (`Static<typeof ...>` below);
 * - the schema of the served OpenAPI document.
 *
 * What a schema cannot say stays in code: that fields exist on the object and may be grouped
 * (planReport), that a filter value fits its field's type (parseFilter), that a parameter is one
 * of the report's and within its range (the report service).
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { describeValue, errors } from '../errors.js';
import { MAX_CONDITIONS, OPERATORS } from '../filters.js';
import { withErrorMessages } from '../body-validation.js';

export const AGGREGATE_FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export const MAX_REPORT_LIMIT = 10_000;
/** Entries of fields, groupBy and aggregates, each. */
export const MAX_COLUMNS = 50;
export const MAX_ORDER_BY = 10;
export const MAX_REPORT_NAME_LENGTH = 255;
const COLUMN_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/** A string from a fixed list: one `enum` keyword (one clear error), typed as the union. */
function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** `null` means "not given" where the API has always taken it so. */
function Nullable<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  return Type.Union([schema, Type.Null()], options);
}

/** `A`, `A or B`, `A, B or C`. */
function oneOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? 'nothing') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** `objectNames`: the objects a report can run over (every object of the registry). */
export function unknownObjectProblem(name: unknown, objectNames: readonly string[]): string {
  return `unknown object ${describeValue(name)}${objectNames.length > 0 ? `; expected ${oneOf(objectNames)}` : ''}`;
}

// The filter model's own wording (parseFilter says the same).
const VALUE_IS_AN_ARRAY = 'value is always an array (IS_NULL takes [])';

// Operators are taken in any case (`eq`); JSON Schema patterns have no case-insensitive flag.
const anyCase = (word: string) => [...word].map((c) => (/[A-Za-z]/.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');

export const FilterConditionSchema = withErrorMessages(
  Type.Object(
    {
      name: Type.String({ description: 'Field name; may follow a reference: CompanyId.Industry' }),
      alias: Type.Optional(Type.String({ description: 'Name used in expression: a letter, then letters, digits or _' })),
      operator: withErrorMessages(
        Type.String({ pattern: `^(?:${OPERATORS.map(anyCase).join('|')})$`, description: `One of ${OPERATORS.join(', ')} (any case)` }),
        { pattern: `expected one of ${OPERATORS.join(', ')}` },
      ),
      value: withErrorMessages(
        Type.Array(Type.Unknown(), { description: 'Always an array; [] for IS_NULL/IS_NOT_NULL, [low, high] for BTW' }),
        { type: VALUE_IS_AN_ARRAY },
      ),
    },
    { additionalProperties: false },
  ),
  {
    // A missing value is a value that is not an array, as the filter model has always said.
    required: ({ path, params, fallback }) =>
      params.missingProperty === 'value' ? errors.invalidValue(path, `${VALUE_IS_AN_ARRAY}, got nothing`) : fallback(),
  },
);

/**
 * The two filter forms. Shorthand keys are field names, so any other key is allowed here; which
 * fields exist and what values fit them is the filter model's business (parseFilter).
 */
export const FilterSchema = Type.Object(
  {
    conditions: Type.Optional(Type.Array(FilterConditionSchema, { maxItems: MAX_CONDITIONS })),
    expression: Type.Optional(
      Nullable(
        Type.String({ description: 'Aliases combined with AND, OR, NOT and parentheses (NOT binds tightest, then AND, then OR)' }),
      ),
    ),
  },
  {
    additionalProperties: true,
    description:
      'Narrows the rows before grouping and before the limit. Shorthand: {"Industry": "Software"} (equality), ' +
      '{"LifecycleStage": ["Adopting", "Renewing"]} (IN), {"Industry": null} (IS_NULL). Query form: ' +
      '{"conditions": [{"name", "alias", "operator", "value": [...]}], "expression": "A AND (B OR NOT C)"}. ' +
      'Field names may follow a reference: "CompanyId.Industry".',
  },
);
export type Filter = Static<typeof FilterSchema>;

const LimitSchema = Type.Integer({ minimum: 1, maximum: MAX_REPORT_LIMIT });

const fieldList = (description: string) => Type.Array(Type.String(), { maxItems: MAX_COLUMNS, uniqueItems: true, description });

export const AggregateSchema = Type.Object(
  {
    fn: StringEnum(AGGREGATE_FUNCTIONS),
    field: Type.Optional(Type.String({ description: 'Not needed for count' })),
    as: Type.Optional(
      withErrorMessages(Type.String({ pattern: COLUMN_NAME_PATTERN, description: 'Column name (default: fn and field, e.g. sumARR)' }), {
        pattern: 'expected a column name of letters, digits and _ (not starting with a digit, at most 64)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const OrderSchema = Type.Object(
  {
    field: Type.String({ description: 'A column of the report' }),
    direction: Type.Optional(StringEnum(['asc', 'desc'] as const)),
  },
  { additionalProperties: false },
);

/** Values of a built-in report's parameters, by name (`{"days": 30}`). */
export const ParameterValuesSchema = Type.Record(Type.String(), Type.Integer());
export type ParameterValues = Static<typeof ParameterValuesSchema>;

/**
 * The report definition and the run body over the given objects (the registry's names: the
 * object enum is derived from them, so a tenant's object is reportable with nothing written here).
 */
export function reportSchemas(objectNames: readonly string[]) {
  const ReportDefinitionSchema = Type.Object(
    {
      name: withErrorMessages(Type.String({ maxLength: MAX_REPORT_NAME_LENGTH, pattern: '\\S' }), {
        pattern: ({ path }) => errors.requiredValue(path, 'a non-empty name is required'),
      }),
      // Derived from the registry: a new object is reportable without touching this file.
      object: withErrorMessages(Type.Unsafe<string>({ type: 'string', enum: [...objectNames] }), {
        enum: ({ path, value }) => errors.invalidValue(path, unknownObjectProblem(value, objectNames)),
      }),
      fields: Type.Optional(fieldList('Columns; with groupBy or aggregates each must be grouped. May be omitted when there are aggregates')),
      groupBy: Type.Optional(fieldList('Fields to group by')),
      aggregates: Type.Optional(Type.Array(AggregateSchema, { maxItems: MAX_COLUMNS })),
      where: Type.Optional(Nullable(FilterSchema)),
      orderBy: Type.Optional(Type.Array(OrderSchema, { maxItems: MAX_ORDER_BY })),
      limit: Type.Optional(Nullable(LimitSchema)),
    },
    { additionalProperties: false, description: 'A report definition: at least one field or aggregate' },
  );

  const RunReportBodySchema = Type.Object(
    {
      reportId: Type.Optional(Nullable(Type.String(), { description: 'ID of the report to execute' })),
      filters: Type.Optional(Nullable(FilterSchema, { description: 'Optional filters to apply (see the filter schema)' })),
      definition: Type.Optional(Nullable(ReportDefinitionSchema, { description: 'Extension: an ad-hoc report definition instead of reportId' })),
      limit: Type.Optional(Nullable(LimitSchema, { description: "Extension: maximum rows; overrides the definition's" })),
      parameters: Type.Optional(
        Nullable(ParameterValuesSchema, { description: 'Extension: built-in report parameters (upcoming-renewals: days)' }),
      ),
    },
    { additionalProperties: false },
  );
  return { ReportDefinitionSchema, RunReportBodySchema };
}

type ReportSchemas = ReturnType<typeof reportSchemas>;
export type ReportDefinition = Static<ReportSchemas['ReportDefinitionSchema']>;
/** The body of `POST /v1/reports`. */
export type RunReportBody = Static<ReportSchemas['RunReportBodySchema']>;

/** A parameter a built-in report declares (its details list them). */
export const ReportParameterSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  default: Type.Integer(),
  minimum: Type.Integer(),
  maximum: Type.Integer(),
});
export type ReportParameter = Static<typeof ReportParameterSchema>;
