/**
 * Reads as the NXT surface answers them: a record by Gsid, a query, the users list. Queries are
 * planned here and run by the store's query runner in one SQL statement; records are presented
 * with every field (null when empty) in the configured date format.
 */
import type { ObjectDescription } from '../object-model.js';
import type { RunnablePlan } from '../reports/ports.js';
import type { RecordService } from '../record-service.js';
import { planQuery } from './query.js';
import { presentRecord, presentRow, type DateFormat, type NxtValue } from './present.js';

type Plan = RunnablePlan;
type Row = Record<string, NxtValue>;

export interface NxtReaderOptions {
  /** Runs a planned query (the store's runner). */
  readonly run: (plan: Plan) => Promise<{ records: Record<string, unknown>[]; totalCount: number }>;
  /** The NXT surface's objects by registry name (lookups resolve through it). */
  readonly lookUp: (name: string) => ObjectDescription | undefined;
  readonly dateFormat: DateFormat;
}

export interface NxtReader {
  get(object: ObjectDescription, service: RecordService, gsid: string): Promise<{ records: Row[] }>;
  query(object: ObjectDescription, body: unknown): Promise<{ records: Row[] }>;
  /** The users list: paged by `page`, counted unless `includeTotal` is false. */
  listUsers(object: ObjectDescription, body: unknown): Promise<{ records: Row[]; totalCount: number }>;
  present(object: ObjectDescription, record: Readonly<Record<string, unknown>>): Row;
}

export function createNxtReader({ run, lookUp, dateFormat }: NxtReaderOptions): NxtReader {
  const execute = async (plan: Plan) => {
    const { records, totalCount } = await run(plan);
    return { records: records.map((row) => presentRow(plan.columns, row, dateFormat)), totalCount };
  };
  return {
    async get(object, service, gsid) {
      return { records: [presentRecord(object, await service.get(gsid), dateFormat)] };
    },
    async query(object, body) {
      return { records: (await execute(planQuery(object, body, { lookUp }))).records };
    },
    async listUsers(object, body) {
      const includeTotal = (body as { includeTotal?: unknown } | undefined)?.includeTotal !== false;
      return execute(planQuery(object, body, { lookUp, paging: 'page', countTotal: includeTotal }));
    },
    present: (object, record) => presentRecord(object, record, dateFormat),
  };
}
