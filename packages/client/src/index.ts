/**
 * gainsight-api-client: a typed client for the Gainsight REST API server (seed surface, NXT data
 * queries, reports), for Node 20+ and browsers.
 */
export { createClient } from './client.js';
export type { ClientOptions, Companies, Data, GainsightClient, People, RecordResource, Reports } from './client.js';
export { GainsightApiError, GainsightNetworkError } from './errors.js';
export type { RetryOptions } from './retry.js';
export type { CallOptions, FetchLike } from './transport.js';
export type * from './types.js';
