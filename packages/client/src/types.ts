/**
 * The client's public types, all derived from the generated OpenAPI types (generated/openapi.ts,
 * written by `npm run client:types`): nothing here restates a shape the server declares.
 */
import type { components, operations } from './generated/openapi.js';

export type { components, operations, paths } from './generated/openapi.js';

type Schemas = components['schemas'];

export type Company = Schemas['Company'];
export type CompanyInput = Schemas['CompanyInput'];
export type CompanyPatch = Schemas['CompanyPatch'];
export type Person = Schemas['Person'];
export type PersonInput = Schemas['PersonInput'];
export type PersonPatch = Schemas['PersonPatch'];
/** The seed surface's failure envelope. */
export type ErrorResponse = Schemas['ErrorResponse'];
/** The NXT surface's failure envelope (six keys; `data` may carry per-record errors). */
export type NxtErrorResponse = Schemas['NxtErrorResponse'];

export type OperationId = keyof operations;

/** The JSON request body of an operation. */
export type RequestBody<O extends OperationId> = operations[O] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : operations[O] extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body
    : never;

/** The query parameters of an operation. */
export type QueryParameters<O extends OperationId> = NonNullable<operations[O]['parameters']['query']>;

/** The envelope's `data` of an operation's 200 JSON answer. */
export type ResponseData<O extends OperationId> = operations[O]['responses'] extends {
  200: { content: { 'application/json': { data: infer Data } } };
}
  ? Data
  : never;

/** One page of `GET /v1/companies` or `GET /v1/people`. */
export type CompanyPage = ResponseData<'listCompanies'>;
export type PersonPage = ResponseData<'listPeople'>;
export type ListCompaniesQuery = QueryParameters<'listCompanies'>;
export type ListPeopleQuery = QueryParameters<'listPeople'>;
export type Deleted = ResponseData<'deleteCompany'>;

export type ReportRunRequest = RequestBody<'runReport'>;
export type ReportResult = ResponseData<'runReport'>;
export type ReportSummary = ResponseData<'listReports'>;
export type SavedReport = ResponseData<'getReport'>;
export type SaveReportRequest = RequestBody<'saveReport'>;

/**
 * The NXT query body. The server declares it as an open object (its parts are read leniently, as
 * Gainsight reads them); `limit` and `offset` are named here because `data.iterate` pages with them.
 */
export type NxtQueryRequest = RequestBody<'nxtQuery'> & { limit?: number; offset?: number };
/**
 * An NXT record: keys are the select strings as sent, values null when empty. The document leaves
 * records untyped; callers may narrow with `data.query<MyRow>(...)`.
 */
export type NxtRecord = Record<string, unknown>;
export type NxtQueryResult<R = NxtRecord> = Omit<ResponseData<'nxtQuery'>, 'records'> & { records: R[] };
