/**
 * Snapshots and resets: the shapes `/v1/_sandbox/snapshots` and `/v1/_sandbox/reset` take and
 * answer. A snapshot holds every record of every object table, saved reports and posted events;
 * never the access keys, the journal or the fault rules.
 */
import { Type, type Static } from '@sinclair/typebox';

export const SNAPSHOT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

export const SnapshotNameSchema = Type.String({
  pattern: SNAPSHOT_NAME_PATTERN,
  description: 'Snapshot name: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit',
});

export const SnapshotInputSchema = Type.Object({ name: SnapshotNameSchema }, { additionalProperties: false });

export const SnapshotSummarySchema = Type.Object({
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  records: Type.Integer({ description: 'Rows saved, all tables together' }),
  tables: Type.Record(Type.String(), Type.Integer(), { description: 'Rows saved per table' }),
});
export type SnapshotSummary = Static<typeof SnapshotSummarySchema>;

/** The largest data set a reset may generate (a request must finish in reasonable time). */
export const MAX_RESET_COMPANIES = 100_000;
export const MAX_RESET_PEOPLE = 300_000;

export const SeedRequestSchema = Type.Object(
  {
    companies: Type.Integer({ minimum: 0, maximum: MAX_RESET_COMPANIES, description: 'Companies to generate' }),
    people: Type.Integer({ minimum: 0, maximum: MAX_RESET_PEOPLE, description: 'People to generate (about 97% linked to a company)' }),
    randomSeed: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The same seed gives the same records (default "sandbox")' })),
    baseDate: Type.Optional(Type.String({ format: 'date', description: 'Dates are spread around this day (default: today)' })),
  },
  { additionalProperties: false, description: 'Generated records, as `gainsight-api seed` makes them' },
);

export const ResetInputSchema = Type.Object(
  {
    to: Type.Union([Type.Literal('empty'), Type.Literal('demo'), Type.Object({ seed: SeedRequestSchema }, { additionalProperties: false })], {
      description: '`empty`: no records; `demo`: the --demo data set; `{"seed":{...}}`: generated records',
    }),
  },
  { additionalProperties: false },
);
export type ResetInput = Static<typeof ResetInputSchema>;

export const ResetResultSchema = Type.Object({
  to: Type.String({ description: 'empty, demo or seed' }),
  records: Type.Integer({ description: 'Records the tables hold now' }),
  tables: Type.Record(Type.String(), Type.Integer()),
  ms: Type.Number({ description: 'How long the reset took' }),
});
export type ResetResult = Static<typeof ResetResultSchema>;
