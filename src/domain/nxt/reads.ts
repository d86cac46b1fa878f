/**
 * Reads as the NXT surface answers them: a record by Gsid, a query, the users list. Queries are
 * planned here and run by the store's query runner in one SQL statement; records are presented
 * with every field (null when empty) in the configured date format.
 */
import type { ObjectDescription } from '../object-model.js';
import { JsonText } from '../persistence.js';
import type { JsonRows, RunnablePlan } from '../reports/ports.js';
import type { RecordService } from '../record-service.js';
import { planQuery } from './query.js';
import { presentRecord, presentRow, type NxtValue, type PresentedColumn, type PresentFormat } from './present.js';

type Plan = RunnablePlan;
type Row = Record<string, NxtValue>;

export interface NxtReaderOptions {
  /** Runs a planned query (the store's runner). */
  readonly run: (plan: Plan) => Promise<{ records: Record<string, unknown>[]; totalCount: number }>;
  /** Runs a planned query of records with each row as JSON text, written as `sqlPresents` allows. */
  readonly runJson: (plan: Plan) => Promise<JsonRows>;
  /** The NXT surface's objects by registry name (lookups resolve through it). */
  readonly lookUp: (name: string) => ObjectDescription | undefined;
  readonly format: PresentFormat;
}

export interface NxtReader {
  get(object: ObjectDescription, service: RecordService, gsid: string): Promise<{ records: Row[] }>;
  /** The records (as JSON text `{"records":[…]}` when the database can write them as presented). */
  query(object: ObjectDescription, body: unknown): Promise<{ records: Row[] } | JsonText>;
  /** The users list: paged by `page`, counted unless `includeTotal` is false. */
  listUsers(object: ObjectDescription, body: unknown): Promise<{ records: Row[]; totalCount: number }>;
  present(object: ObjectDescription, record: Readonly<Record<string, unknown>>): Row;
}

/** A plan's columns as presented: a column of a picklist field carries its options. */
function presentedColumns(plan: Plan): PresentedColumn[] {
  return plan.columns.map((column) => {
    const options = column.source.kind === 'field' ? column.source.ref.field.options : undefined;
    return options ? { name: column.name, type: column.type, options } : { name: column.name, type: column.type };
  });
}

/**
 * Whether the database can write the plan's rows exactly as presentRow presents them (the
 * runner's JSON: ISO dates as stored, picklist labels as stored). Epoch dates and picklist Gsids
 * are presented in JavaScript.
 */
export function sqlPresents(plan: Plan, format: PresentFormat): boolean {
  if (format.dateFormat !== 'iso') return false;
  return format.picklistValues === 'label' || presentedColumns(plan).every((column) => !column.options);
}

export function createNxtReader({ run, runJson, lookUp, format }: NxtReaderOptions): NxtReader {
  const execute = async (plan: Plan) => {
    const { records, totalCount } = await run(plan);
    const columns = presentedColumns(plan);
    return { records: records.map((row) => presentRow(columns, row, format)), totalCount };
  };
  return {
    async get(object, service, gsid) {
      return { records: [presentRecord(object, await service.get(gsid), format)] };
    },
    async query(object, body) {
      const plan = planQuery(object, body, { lookUp });
      // A sync job's page of 5000 records: one string per record from the database, instead of
      // an object per record built by the driver, presented, then serialized again.
      if (sqlPresents(plan, format)) return new JsonText(`{"records":[${(await runJson(plan)).json.join(',')}]}`);
      return { records: (await execute(plan)).records };
    },
    async listUsers(object, body) {
      const includeTotal = (body as { includeTotal?: unknown } | undefined)?.includeTotal !== false;
      return execute(planQuery(object, body, { lookUp, paging: 'page', countTotal: includeTotal }));
    },
    present: (object, record) => presentRecord(object, record, format),
  };
}
