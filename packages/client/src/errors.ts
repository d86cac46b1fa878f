/**
 * What a failed call throws. Both of the server's failure envelopes become one error type:
 *
 * - seed surface (`/v1/companies`, `/v1/people`, `/v1/reports`): `{result: false, errorCode, errorDesc, requestId}`
 * - NXT surface (`/v1/data`, `/v1/meta`, ...): the same plus `data` (for a failed batch, the
 *   invalid records) and `message` (errorDesc again)
 */

/** What the constructor takes: the error's own fields (declared once, on the class), `details` and `retryAfterMs` optional. */
export type GainsightApiErrorInit = Pick<GainsightApiError, 'status' | 'errorCode' | 'errorDesc' | 'requestId' | 'method' | 'url' | 'attempts'> & {
  readonly details?: unknown;
  readonly retryAfterMs?: number;
};

/** The server answered with a failure (HTTP status outside 2xx, or `result: false`). */
export class GainsightApiError extends Error {
  override readonly name = 'GainsightApiError';
  /** HTTP status. */
  readonly status: number;
  /** The envelope's stable code (`GSOBJ_1011`, `GS_APIG_2401`, ...); null when the answer was no envelope (a proxy's page). */
  readonly errorCode: string | null;
  /** What went wrong, naming the field and the problem; for an answer that was no envelope, the start of its text. */
  readonly errorDesc: string;
  /** The envelope's requestId, else the X-Request-Id header: quote it when reporting a problem. */
  readonly requestId: string | null;
  readonly method: string;
  readonly url: string;
  /** The NXT envelope's `data` on a failure (e.g. `{errors: [...]}` of a rejected batch); undefined on the seed surface. */
  readonly details: unknown;
  /** How many requests were sent, retries included. */
  readonly attempts: number;
  /** The last answer's Retry-After, in milliseconds, when it had one. */
  readonly retryAfterMs: number | undefined;

  constructor(init: GainsightApiErrorInit) {
    super(`${init.method} ${init.url}: ${init.status}${init.errorCode ? ` ${init.errorCode}` : ''}: ${init.errorDesc}`);
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errorDesc = init.errorDesc;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.details = init.details;
    this.attempts = init.attempts;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** No answer: the connection failed or was reset, on every attempt allowed. `cause` is fetch's error. */
export class GainsightNetworkError extends Error {
  override readonly name = 'GainsightNetworkError';
  readonly method: string;
  readonly url: string;
  readonly attempts: number;

  constructor(method: string, url: string, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${method} ${url}: no answer after ${attempts} attempt${attempts === 1 ? '' : 's'} (${reason})`, { cause });
    this.method = method;
    this.url = url;
    this.attempts = attempts;
  }
}

const TEXT_EXCERPT = 200;

/** The error an answer stands for, reading either envelope; a body that is no envelope is quoted. */
export function errorFromAnswer(
  answer: { status: number; body: unknown; text: string; requestIdHeader: string | null },
  request: { method: string; url: string; attempts: number; retryAfterMs?: number },
): GainsightApiError {
  const envelope = isRecord(answer.body) ? answer.body : undefined;
  const code = envelope && typeof envelope.errorCode === 'string' ? envelope.errorCode : null;
  const desc =
    envelope && typeof envelope.errorDesc === 'string'
      ? envelope.errorDesc
      : answer.text.trim().slice(0, TEXT_EXCERPT) || `HTTP ${answer.status}`;
  const requestId = envelope && typeof envelope.requestId === 'string' ? envelope.requestId : answer.requestIdHeader;
  return new GainsightApiError({
    status: answer.status,
    errorCode: code,
    errorDesc: desc,
    requestId,
    method: request.method,
    url: request.url,
    // Only the NXT envelope has `data` on a failure.
    details: envelope && 'message' in envelope ? envelope.data : undefined,
    attempts: request.attempts,
    ...(request.retryAfterMs !== undefined ? { retryAfterMs: request.retryAfterMs } : {}),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
