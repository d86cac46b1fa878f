/**
 * `createClient`: the API's resources as typed methods. Every request and answer type comes from
 * the generated OpenAPI types (types.ts); this file only says which operation each method is and
 * whether sending it twice is safe.
 */
import { Transport, type CallOptions, type QueryValue, type TransportOptions } from './transport.js';
import type { NxtQueryRequest, NxtQueryResult, NxtRecord, OperationId, QueryParameters, RequestBody, ResponseData } from './types.js';

export type ClientOptions = TransportOptions;

/**
 * What every seed list answers. Only a constraint: the actual page types are the generated ones
 * (`ResponseData<'listCompanies'>`), which must satisfy it.
 */
interface ListPage {
  records: unknown[];
  totalCount: number;
}

/** Create, read, update, patch, delete and page through one seed-surface object. */
export interface RecordResource<
  Page extends ListPage,
  ListQuery extends { pageNumber?: number; pageSize?: number },
  CreateBody,
  ReplaceBody,
  PatchBody,
  Deleted,
> {
  /** One page (`pageNumber` 0-based, `pageSize` 1 to 100), oldest first. */
  list(query?: ListQuery, options?: CallOptions): Promise<Page>;
  get(id: string, options?: CallOptions): Promise<Page['records'][number]>;
  /** Not retried unless `options.idempotencyKey` is given (a retry could create it twice). */
  create(body: CreateBody, options?: CallOptions): Promise<Page['records'][number]>;
  /** PUT: sets the fields sent, keeps the others. */
  update(id: string, body: ReplaceBody, options?: CallOptions): Promise<Page['records'][number]>;
  /** JSON merge patch: `null` clears a field. Retried only with `options.idempotencyKey`. */
  patch(id: string, body: PatchBody, options?: CallOptions): Promise<Page['records'][number]>;
  delete(id: string, options?: CallOptions): Promise<Deleted>;
  /**
   * Every record, page after page (`pageSize` default 100), oldest first. Records created while
   * iterating are reached (they sort last); a record deleted meanwhile from a page already read
   * shifts the later ones back by one, so one of them is missed.
   */
  iterate(query?: Omit<ListQuery, 'pageNumber'>, options?: CallOptions): AsyncGenerator<Page['records'][number], void>;
  /** The pages `iterate` reads, from `query.pageNumber` (default 0) to the last. */
  pages(query?: ListQuery, options?: CallOptions): AsyncGenerator<Page & { pageNumber: number }, void>;
}

type ResourceOf<Entity extends 'Company' | 'Person', List extends OperationId> = RecordResource<
  ResponseData<List> extends ListPage ? ResponseData<List> : never,
  QueryParameters<List>,
  RequestBody<`create${Entity}`>,
  RequestBody<`update${Entity}`>,
  RequestBody<`patch${Entity}`>,
  ResponseData<`delete${Entity}`>
>;

export type Companies = ResourceOf<'Company', 'listCompanies'>;
export type People = ResourceOf<'Person', 'listPeople'>;

export interface Reports {
  /** Runs a built-in or saved report (`reportId`) or an ad-hoc `definition`. A read: retried. */
  run(body: RequestBody<'runReport'>, options?: CallOptions): Promise<ResponseData<'runReport'>>;
  /** The same run answered as CSV text (header row first). */
  runCsv(body: RequestBody<'runReport'>, options?: CallOptions): Promise<string>;
  list(options?: CallOptions): Promise<ResponseData<'listReports'>>;
  get(reportId: string, options?: CallOptions): Promise<ResponseData<'getReport'>>;
  /** Creates or replaces a saved report (PUT). */
  save(reportId: string, definition: RequestBody<'saveReport'>, options?: CallOptions): Promise<ResponseData<'saveReport'>>;
  delete(reportId: string, options?: CallOptions): Promise<ResponseData<'deleteReport'>>;
}

export interface Data {
  /**
   * `POST /v1/data/objects/query/{object}`: `{select, where, orderBy, limit, offset}` as Gainsight's
   * NXT query API takes it. `R` narrows the records' type (keys are the select strings as sent).
   */
  query<R = NxtRecord>(object: string, body: NxtQueryRequest, options?: CallOptions): Promise<NxtQueryResult<R>>;
  /**
   * Every matching record, paging by `offset` in steps of `limit` (default 1000; at most 5000)
   * from `body.offset` (default 0).
   */
  iterate<R = NxtRecord>(object: string, body?: NxtQueryRequest, options?: CallOptions): AsyncGenerator<R, void>;
}

export interface GainsightClient {
  readonly companies: Companies;
  readonly people: People;
  readonly reports: Reports;
  readonly data: Data;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_QUERY_LIMIT = 1000;

export function createClient(options: ClientOptions): GainsightClient {
  const transport = new Transport(options);
  return {
    companies: recordResource(transport, '/v1/companies'),
    people: recordResource(transport, '/v1/people'),
    reports: reportResource(transport),
    data: dataResource(transport),
  };
}

function item(collectionPath: string, id: string): string {
  return `${collectionPath}/${encodeURIComponent(id)}`;
}

function recordResource<Page extends ListPage, ListQuery extends { pageNumber?: number; pageSize?: number }, CreateBody, ReplaceBody, PatchBody, Deleted>(
  transport: Transport,
  path: string,
): RecordResource<Page, ListQuery, CreateBody, ReplaceBody, PatchBody, Deleted> {
  type Item = Page['records'][number];
  const data = async <T>(promise: Promise<{ data: T }>): Promise<T> => (await promise).data;
  const resource: RecordResource<Page, ListQuery, CreateBody, ReplaceBody, PatchBody, Deleted> = {
    list: (query, options) =>
      data(transport.json<Page>({ method: 'GET', path, query: query as Record<string, QueryValue>, idempotent: true }, options)),
    get: (id, options) => data(transport.json<Item>({ method: 'GET', path: item(path, id), idempotent: true }, options)),
    create: (body, options) => data(transport.json<Item>({ method: 'POST', path, body, idempotent: false }, options)),
    update: (id, body, options) =>
      data(transport.json<Item>({ method: 'PUT', path: item(path, id), body, idempotent: true }, options)),
    patch: (id, body, options) =>
      data(
        transport.json<Item>(
          { method: 'PATCH', path: item(path, id), body, contentType: 'application/merge-patch+json', idempotent: false },
          options,
        ),
      ),
    delete: (id, options) => data(transport.json<Deleted>({ method: 'DELETE', path: item(path, id), idempotent: true }, options)),
    async *pages(query, options) {
      const first = query?.pageNumber ?? 0;
      const pageSize = query?.pageSize ?? DEFAULT_PAGE_SIZE;
      let read = 0;
      for (let pageNumber = first; ; pageNumber++) {
        const page = await resource.list({ ...query, pageNumber, pageSize } as ListQuery, options);
        yield { ...page, pageNumber };
        read += page.records.length;
        // The last page is short, or reaches the count (which saves asking for an empty page).
        if (page.records.length < pageSize || first * pageSize + read >= page.totalCount) return;
      }
    },
    async *iterate(query, options) {
      for await (const page of resource.pages(query as ListQuery, options)) yield* page.records;
    },
  };
  return resource;
}

function reportResource(transport: Transport): Reports {
  const path = '/v1/reports';
  return {
    run: async (body, options) => (await transport.json<ResponseData<'runReport'>>({ method: 'POST', path, body, idempotent: true }, options)).data,
    runCsv: async (body, options) =>
      (await transport.text({ method: 'POST', path, body, accept: 'text/csv', idempotent: true }, options)).data,
    list: async (options) => (await transport.json<ResponseData<'listReports'>>({ method: 'GET', path, idempotent: true }, options)).data,
    get: async (reportId, options) =>
      (await transport.json<ResponseData<'getReport'>>({ method: 'GET', path: item(path, reportId), idempotent: true }, options)).data,
    save: async (reportId, definition, options) =>
      (
        await transport.json<ResponseData<'saveReport'>>(
          { method: 'PUT', path: item(path, reportId), body: definition, idempotent: true },
          options,
        )
      ).data,
    delete: async (reportId, options) =>
      (await transport.json<ResponseData<'deleteReport'>>({ method: 'DELETE', path: item(path, reportId), idempotent: true }, options)).data,
  };
}

function dataResource(transport: Transport): Data {
  const data: Data = {
    async query<R>(object: string, body: NxtQueryRequest, options?: CallOptions) {
      const path = `/v1/data/objects/query/${encodeURIComponent(object)}`;
      return (await transport.json<NxtQueryResult<R>>({ method: 'POST', path, body, idempotent: true }, options)).data;
    },
    async *iterate<R>(object: string, body: NxtQueryRequest = {}, options?: CallOptions) {
      const limit = body.limit ?? DEFAULT_QUERY_LIMIT;
      for (let offset = body.offset ?? 0; ; ) {
        const { records } = await data.query<R>(object, { ...body, limit, offset }, options);
        yield* records;
        if (records.length < limit) return;
        offset += records.length;
      }
    },
  };
  return data;
}
