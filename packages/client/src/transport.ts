/**
 * One HTTP call to the server: URL, headers, JSON, the envelope, and the retry loop. Only what
 * browsers and Node 20+ both have (fetch, URL, URLSearchParams, AbortSignal, setTimeout).
 */
import { errorFromAnswer, GainsightNetworkError } from './errors.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, retryPolicy, sleep, type RetryOptions, type RetryPolicy } from './retry.js';

/** The subset of `fetch` the client calls; pass your own to add tracing, a proxy agent, or a polyfill. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8080` (a path prefix is kept: `https://host/gainsight`). */
  readonly baseUrl: string | URL;
  /** Sent in the `accessKey` header of every request. */
  readonly accessKey: string;
  /** Defaults to the global fetch, looked up at each call. */
  readonly fetch?: FetchLike;
  /** Retries of idempotent calls on 429, 503 and network errors; `false` disables them. */
  readonly retry?: RetryOptions | false;
  /** Extra headers sent with every request (e.g. a User-Agent of your integration). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Per-call options, accepted by every method as its last argument. */
export interface CallOptions {
  /** Aborts the call, including a wait between retries. */
  readonly signal?: AbortSignal;
  /**
   * Sent as the `Idempotency-Key` header. A create is retried only when it has one, since only
   * then can the server tell a retry from a second create.
   */
  readonly idempotencyKey?: string;
  /** Sent as `X-Request-Id` (the same on every retry), so the server's log lines can be found by it. */
  readonly requestId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type QueryValue = string | number | boolean | undefined;

export interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Starts with `/`; path parameters already encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  /** Sending it twice has the effect of sending it once (GET, PUT, DELETE, queries and report runs). */
  readonly idempotent: boolean;
}

export interface Answer<T> {
  readonly data: T;
  readonly status: number;
  readonly requestId: string | null;
}

interface RawAnswer {
  readonly response: Response;
  readonly text: string;
  readonly method: string;
  readonly url: string;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;
}

export class Transport {
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: TransportOptions) {
    // Validates it now (new URL throws on a malformed one) rather than at the first call.
    const base = new URL(String(options.baseUrl));
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`baseUrl must be http(s), got ${base.protocol}`);
    if (typeof options.accessKey !== 'string' || options.accessKey === '') throw new TypeError('accessKey is required');
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.policy = retryPolicy(options.retry);
  }

  /** A call answered with an envelope: its `data`, or a GainsightApiError. */
  async json<T>(call: Call, options: CallOptions = {}): Promise<Answer<T>> {
    const raw = await this.send({ accept: 'application/json', ...call }, options);
    const body = parseJson(raw.text);
    const requestId = raw.response.headers.get('x-request-id');
    if (raw.response.ok && isRecord(body) && body.result === true) {
      return { data: body.data as T, status: raw.response.status, requestId: typeof body.requestId === 'string' ? body.requestId : requestId };
    }
    throw this.failure(raw, body);
  }

  /** A call answered with text on success (CSV), and with an envelope on failure. */
  async text(call: Call, options: CallOptions = {}): Promise<Answer<string>> {
    const raw = await this.send(call, options);
    if (raw.response.ok) return { data: raw.text, status: raw.response.status, requestId: raw.response.headers.get('x-request-id') };
    throw this.failure(raw, parseJson(raw.text));
  }

  private failure(raw: RawAnswer, body: unknown) {
    return errorFromAnswer(
      { status: raw.response.status, body, text: raw.text, requestIdHeader: raw.response.headers.get('x-request-id') },
      { method: raw.method, url: raw.url, attempts: raw.attempts, ...(raw.retryAfterMs !== undefined ? { retryAfterMs: raw.retryAfterMs } : {}) },
    );
  }

  private url(call: Call): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) search.set(name, String(value));
    }
    const query = search.toString();
    return `${this.baseUrl}${call.path}${query ? `?${query}` : ''}`;
  }

  private async send(call: Call, options: CallOptions): Promise<RawAnswer> {
    const url = this.url(call);
    const headers: Record<string, string> = { ...this.options.headers, ...options.headers, accessKey: this.options.accessKey };
    if (call.accept) headers.accept = call.accept;
    if (call.body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
    const init: RequestInit = {
      method: call.method,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const retryable = call.idempotent || options.idempotencyKey !== undefined;
    const retries = retryable ? this.policy.retries : 0;
    const fetchNow: FetchLike = this.options.fetch ?? ((input, requestInit) => globalThis.fetch(input, requestInit));

    for (let attempt = 1; ; attempt++) {
      let response: Response;
      let text: string;
      try {
        response = await fetchNow(url, init);
        // A connection reset while the body arrives is as much "no answer" as one before it.
        text = await response.text();
      } catch (error) {
        // The caller's abort is theirs to see, not a network failure to retry.
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        if (attempt > retries) throw new GainsightNetworkError(call.method, url, attempt, error);
        await sleep(backoffDelay(this.policy, attempt - 1), options.signal);
        continue;
      }
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (isRetryableStatus(response.status) && attempt <= retries) {
        if (retryAfterMs === undefined || retryAfterMs <= this.policy.maxRetryAfterMs) {
          await sleep(retryAfterMs ?? backoffDelay(this.policy, attempt - 1), options.signal);
          continue;
        }
      }
      return { response, text, method: call.method, url, attempts: attempt, retryAfterMs };
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
