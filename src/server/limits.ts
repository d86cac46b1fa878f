/**
 * Limits that keep slow and heavy clients from taking the server down:
 *
 * - sizes: request line and headers (`maxHeaderSize`, else 431), URL (`maxUrlLength`, else 414),
 *   body (1 MiB, else 413: error-handler.ts);
 * - time: the headers must arrive within `headersTimeoutMs` and the whole request within
 *   `requestTimeoutMs` (else 408: a client sending a byte at a time cannot hold a connection), an
 *   idle kept-alive connection is closed after `keepAliveTimeoutMs`, any connection silent for
 *   `connectionTimeoutMs` is closed;
 * - work: at most `maxHeavyRequests` expensive requests (routes declared `heavy`: report runs,
 *   NXT queries) run at once; one more is refused at once with 503 and `Retry-After` rather
 *   than queued behind the others, so health checks and cheap calls keep their answers quick.
 *
 * Answers the server sends before a request could be parsed (408, 431, a malformed request) are
 * failure envelopes too, and every answer sent before the body was read lingers (lingering-close.ts).
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance, RouteOptions } from 'fastify';
import type { Server } from 'node:http';
import { errors, type ApiError } from '../domain/errors.js';
import { failure } from './envelope.js';
import { DEFAULT_LINGER, isLingering, lingerIfUnread, lingerThenClose, type LingerBounds } from './lingering-close.js';

export interface ServerLimits {
  /** Request line plus headers, in bytes. */
  readonly maxHeaderSize: number;
  /** The request target (path and query string), in characters. */
  readonly maxUrlLength: number;
  /** Time to receive the whole request, headers and body (0: none). */
  readonly requestTimeoutMs: number;
  /** Time to receive the request line and headers. */
  readonly headersTimeoutMs: number;
  /** How long an idle kept-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
  /** How long a connection may stay silent, whatever it is doing (0: no limit). */
  readonly connectionTimeoutMs: number;
  /** Expensive requests (reports, queries) running at once. */
  readonly maxHeavyRequests: number;
  /** How an answer sent before the body was read waits for the rest of the body. */
  readonly linger: LingerBounds;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxHeaderSize: 16 * 1024,
  maxUrlLength: 8 * 1024,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 20_000,
  // Longer than the 60 s idle timeout of common load balancers, so the balancer closes first.
  keepAliveTimeoutMs: 72_000,
  // Longer than the database statement timeout (30 s): a long report is never cut off.
  connectionTimeoutMs: 120_000,
  maxHeavyRequests: 2 * availableParallelism(),
  linger: DEFAULT_LINGER,
};

/** Seconds a client refused for saturation is asked to wait: heavy requests take about that. */
const SATURATED_RETRY_AFTER_SECONDS = 1;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An expensive route, counted against `maxHeavyRequests`. */
    heavy?: boolean;
  }
}

/** The options of the Fastify instance (its HTTP server) that enforce the limits. */
export function serverOptions(limits: ServerLimits): FastifyHttpOptions<Server> {
  return {
    http: {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts above every 30 s unless told otherwise: a slow client could
      // hold its connection that much longer than the limit says.
      connectionsCheckingInterval: Math.min(1_000, Math.max(100, Math.floor(limits.headersTimeoutMs / 4))),
    },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => answerClientError(error, socket, limits),
  };
}

/**
 * Requests Node refuses before Fastify sees them: answered with the failure envelope (a fresh
 * request id, since none was assigned), then the connection lingers and closes.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket, limits: ServerLimits): void {
  // A parser that failed once fails again on every later chunk: answer once.
  if (error.code === 'ECONNRESET' || socket.destroyed || isLingering(socket)) return;
  let apiError: ApiError;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') apiError = errors.requestTimeout();
  else if (error.code === 'HPE_HEADER_OVERFLOW') apiError = errors.headersTooLarge(limits.maxHeaderSize);
  else apiError = errors.badRequest('Malformed HTTP request');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(failure('seed', randomUUID(), apiError.code, apiError.message));
  socket.write(
    `HTTP/1.1 ${apiError.statusCode} ${STATUS_CODES[apiError.statusCode]}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  lingerThenClose(socket, limits.linger);
}

/** The 414 for a request target over the limit, or undefined. */
export function urlTooLong(url: string, limits: ServerLimits): ApiError | undefined {
  return url.length > limits.maxUrlLength ? errors.uriTooLong(url.length, limits.maxUrlLength) : undefined;
}

/**
 * The per-request side of the limits: URL length first (before authentication: it is a limit of
 * the transport, like the header size, and reveals nothing), the bound on heavy routes, and
 * lingering after answers sent before the body was read.
 */
export function registerLimits(app: FastifyInstance, limits: ServerLimits): void {
  app.addHook('onRequest', async (request) => {
    const tooLong = urlTooLong(request.url, limits);
    if (tooLong) throw tooLong;
  });
  app.addHook('onSend', async (request) => {
    lingerIfUnread(request.raw, limits.linger);
  });

  let running = 0;
  // Wraps the handlers of heavy routes as they are registered: the slot is held exactly while the
  // handler works, and freed when it is done even if its client has gone away meanwhile.
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.config?.heavy) return;
    const handler = route.handler;
    route.handler = async function heavy(this: FastifyInstance, request, reply) {
      if (running >= limits.maxHeavyRequests) {
        throw errors.saturated(
          `The server is running its limit of ${limits.maxHeavyRequests} reports and queries at once; retry in a moment`,
          SATURATED_RETRY_AFTER_SECONDS,
        );
      }
      running++;
      try {
        return await handler.call(this, request, reply);
      } finally {
        running--;
      }
    };
  });
}
