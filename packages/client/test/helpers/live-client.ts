/**
 * A client of the live server whose fetch records every URL it requests (through the real
 * fetch), so a test counts the requests paging makes; and the check that a call failed with a
 * GainsightApiError, shared by the suites that drive the client against the live server.
 */
import { expect } from 'vitest';
import { createClient, GainsightApiError, type GainsightClient } from '../../src/index.js';
import { ACCESS_KEY, startLiveServer, type LiveServer } from './live-server.js';

export interface LiveClient {
  readonly server: LiveServer;
  readonly client: GainsightClient;
  /** URLs the client fetched, in order; a test empties it before counting. */
  readonly fetched: string[];
}

export async function startLiveClient(): Promise<LiveClient> {
  const server = await startLiveServer();
  const fetched: string[] = [];
  const client = createClient({
    baseUrl: server.url,
    accessKey: ACCESS_KEY,
    fetch: (input, init) => {
      fetched.push(input);
      return fetch(input, init);
    },
  });
  return { server, client, fetched };
}

/** Awaits a call that must fail, asserts it failed with a GainsightApiError and returns that error. */
export async function expectApiError(promise: Promise<unknown>): Promise<GainsightApiError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GainsightApiError);
  return error as GainsightApiError;
}
