/**
 * Response headers that keep browsers from misusing what this server answers, and CORS.
 *
 * Security headers (helmet) go on every response, failures included: they are set in the first
 * onRequest hook, before authentication can refuse the request. The server answers JSON (and
 * CSV), plus the /docs page (Swagger UI served from this server, no inline scripts): one policy
 * fits both. Content sniffing off, never framed, no Referer sent on, cross-origin windows and
 * embedding refused, and a Content-Security-Policy that lets /docs load its own scripts,
 * styles (Swagger UI sets inline styles), images (inline data: icons) and call this server, and
 * nothing else. HSTS is not sent: the server speaks plain HTTP and TLS is terminated by a proxy,
 * which is where Strict-Transport-Security belongs (a header sent over plain HTTP is ignored).
 *
 * CORS is off unless origins are configured: browsers then refuse cross-origin calls, which is
 * what a server holding API keys wants by default. When on, the listed origins (or any, `*`) may
 * call with the headers this API reads and see the headers it answers with; other origins get
 * no CORS header at all, and their preflights are treated as ordinary requests (401 without a key).
 * Keys travel in a header, never in cookies, so credentials mode is never allowed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { CorsOrigins } from './cors-origins.js';

export type { CorsOrigins };


/** The headers a browser may send cross-origin: everything this API reads from a request. */
export const CORS_ALLOWED_HEADERS = ['accessKey', 'Content-Type', 'Accept', 'Idempotency-Key', 'If-Match', 'X-Request-Id'];
/** The response headers a cross-origin page may read. */
export const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'ETag', 'Retry-After'];

/** Only what /docs needs (its own files, inline styles, data: icons, fetching /openapi.json). */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
};

const HELMET_OPTIONS: HelmetOptions = {
  // Not helmet's defaults: they add upgrade-insecure-requests, which breaks /docs over plain HTTP.
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/**
 * The headers helmet sets for these options, asked once. They are the same for every response
 * (no CSP nonces), and @fastify/helmet would build helmet's middleware again on every request
 * (parsing the policy each time: a few percent of a by-id request's CPU).
 */
export function helmetHeaders(options: HelmetOptions = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

export async function registerSecurityHeaders(app: FastifyInstance, { corsOrigins }: { corsOrigins?: CorsOrigins } = {}): Promise<void> {
  const headers = helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  if (!corsOrigins) return;
  const allowed = corsOrigins === '*' ? undefined : new Set(corsOrigins);
  await app.register(cors, {
    // A function, not the list: @fastify/cors would still answer a listed-out origin's preflight.
    origin: (origin, callback) => callback(null, origin !== undefined && (allowed === undefined || allowed.has(origin))),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    // An allowed origin's OPTIONS without Access-Control-Request-Method is answered as a
    // preflight too, rather than with the plugin's own plain-text 400.
    strictPreflight: false,
  });
}
