/**
 * The NXT sync page the benchmarks time, written once (bench/nxt-query.ts, the NXT walk of
 * bench/run.ts).
 */

export const NXT_DESCRIBE_PATH = '/v1/meta/services/objects/Company/describe';
export const NXT_QUERY_PATH = '/v1/data/objects/query/Company';
/** Records a page of the NXT query, as Estuary's connector asks for. */
export const NXT_PAGE_LIMIT = 5000;

/** Every field name the describe answer lists, in its order. */
export function describedFieldNames(describe: unknown): string[] {
  return (describe as { data: { fields: { fieldName: string }[] }[] }).data[0]!.fields.map((f) => f.fieldName);
}

/** The body of an NXT sync page: every field, ordered by ModifiedDate then Gsid, 5000 a page from `offset`. */
export function nxtQueryBody(select: readonly string[], offset: number) {
  return { select, orderBy: { ModifiedDate: 'asc', Gsid: 'asc' }, limit: NXT_PAGE_LIMIT, offset };
}

