/** Where the sandbox lives. */
export const SANDBOX_PREFIX = '/v1/_sandbox/';

/** The sandbox's own requests: never journaled, never faulted (a client must always reach them). */
export function isSandboxUrl(url: string): boolean {
  return url.startsWith(SANDBOX_PREFIX) || url === '/v1/_sandbox' || url.startsWith('/v1/_sandbox?');
}

