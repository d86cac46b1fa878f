/**
 * A real HTTP proxy in front of the live server that misbehaves on purpose: the first requests
 * it receives are answered with the faults queued (a status with an optional Retry-After, a
 * connection destroyed without an answer, or one destroyed after the server answered); the
 * following ones are forwarded untouched. Every
 * request it receives is recorded, so a test counts the client's attempts and their timing.
 */
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly status: 429 | 500 | 502 | 503; readonly retryAfter?: string; readonly body?: string }
  /** Destroys the socket before answering: the client sees a network error. */
  | { readonly reset: true }
  /** Forwards the request, lets the server answer, then destroys the socket: the write happened, its answer is lost. */
  | { readonly loseAnswer: true };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** Milliseconds since the proxy started (performance.now based). */
  readonly at: number;
  /** The fault it got, or undefined when it was forwarded. */
  readonly fault: Fault | undefined;
  /** The server's answer, when the request reached it (set once it arrived). */
  upstream?: { readonly status: number; readonly headers: IncomingMessage['headers'] };
}

export interface FaultProxy {
  readonly url: string;
  /** Every request received, in order. */
  readonly received: ReceivedRequest[];
  /** Replaces the queue: the next requests get these faults, in order, then are forwarded. */
  inject(...faults: Fault[]): void;
  /** Forgets what was received (and any fault still queued). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const received: ReceivedRequest[] = [];
  let queue: Fault[] = [];
  const started = performance.now();

  const server: Server = createServer((request, response) => {
    const fault = queue.shift();
    const entry: ReceivedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      at: performance.now() - started,
      fault,
    };
    received.push(entry);
    if (fault && 'reset' in fault) {
      request.socket.destroy();
      return;
    }
    if (fault && 'status' in fault) {
      // Read (and drop) the body first so the client is not stuck writing it.
      request.resume();
      request.on('end', () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        response.writeHead(fault.status, headers);
        response.end(fault.body ?? JSON.stringify({ result: false, errorCode: 'PROXY', errorDesc: `injected ${fault.status}`, requestId: 'proxy' }));
      });
      return;
    }
    const upstreamRequest = forward(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
      (upstreamResponse) => {
        entry.upstream = { status: upstreamResponse.statusCode ?? 0, headers: upstreamResponse.headers };
        if (fault && 'loseAnswer' in fault) {
          // The whole answer is read, so the server has finished the request, and never relayed.
          upstreamResponse.resume();
          upstreamResponse.on('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstreamRequest.on('error', () => response.destroy());
    request.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    inject(...faults) {
      queue = [...faults];
    },
    reset() {
      queue = [];
      received.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
