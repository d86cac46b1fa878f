/**
 * Every failure a client can see is an ApiError built by one of the factories below, so the
 * status, the stable error code and the wording live in one place. The server's error handler
 * turns an ApiError into the failure envelope; anything else becomes a generic 500 that never
 * leaks internals.
 *
 * GSOBJ_* and GS_APIG_* codes are the ones real Gainsight returns; GSAPI_* codes are this
 * project's own (documented in the README and the OpenAPI document).
 */
export const ErrorCodes = {
  unauthorized: 'GS_APIG_2401',
  valueTooLong: 'GSOBJ_1001',
  invalidField: 'GSOBJ_1002',
  invalidGsid: 'GSOBJ_1004',
  invalidDateTime: 'GSOBJ_1005',
  invalidDate: 'GSOBJ_1006',
  requiredValue: 'GSOBJ_1007',
  invalidValue: 'GSOBJ_1008',
  notFound: 'GSOBJ_1011',
  unknownReference: 'GSOBJ_PEOPLE1001',
  unknownObject: 'GSAPI_4001',
  badRequest: 'GSAPI_4000',
  forbidden: 'GSAPI_4030',
  routeNotFound: 'GSAPI_4040',
  methodNotAllowed: 'GSAPI_4050',
  conflict: 'GSAPI_4090',
  payloadTooLarge: 'GSAPI_4130',
  unsupportedMediaType: 'GSAPI_4150',
  notAcceptable: 'GSAPI_4060',
  internal: 'GSAPI_5000',
  unavailable: 'GSAPI_5030',
  preconditionFailed: 'GSAPI_4120',
  idempotencyKeyReused: 'GSAPI_4220',
  /** Real Gainsight's code for a call over the rate limit. */
  rateLimited: 'GU_2400',
  /** Real Gainsight's code for an internal error (a sandbox fault rule answers it for a 500). */
  gainsightInternal: 'GU_1101',
  requestTimeout: 'GSAPI_4080',
  uriTooLong: 'GSAPI_4140',
  headersTooLarge: 'GSAPI_4310',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405. */
    readonly headers: Record<string, string> = {},
    /** The field at fault, when there is one (the NXT surface reports it per record). */
    readonly field?: string,
    /** The value at fault, as the client sent it. */
    readonly invalidValue?: unknown,
    /** The envelope's `data` on surfaces that carry details there (per-record errors of a batch). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Renders a client-supplied value for an error message without letting it flood the message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = jsonExcerpt(value, EXCERPT_LENGTH + 1);
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 3)}...` : text;
}

const EXCERPT_LENGTH = 60;

/**
 * The start of `JSON.stringify(value)`, at least `length` characters of it when it is that long,
 * written only as far as needed: a value nested a hundred thousand levels deep, or a huge one,
 * costs what its first characters cost, and describing a value cannot fail.
 */
export function jsonExcerpt(value: unknown, length: number): string {
  let out = '';
  const write = (item: unknown, inArray: boolean): void => {
    if (out.length >= length) return;
    if (item === null || typeof item === 'boolean') out += String(item);
    else if (typeof item === 'number') out += Number.isFinite(item) ? String(item) : 'null';
    else if (typeof item === 'string') out += JSON.stringify(item.length > length ? item.slice(0, length) : item);
    else if (Array.isArray(item)) {
      out += '[';
      for (let i = 0; i < item.length && out.length < length; i++) {
        if (i > 0) out += ',';
        write(item[i], true);
      }
      out += ']';
    } else if (typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      write((item as { toJSON: () => unknown }).toJSON(), inArray);
    } else if (typeof item === 'object') {
      out += '{';
      let first = true;
      for (const key of Object.keys(item)) {
        if (out.length >= length) break;
        const member = (item as Record<string, unknown>)[key];
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        write(member, false);
      }
      out += '}';
    } else if (inArray) out += 'null';
    else out += typeof item === 'bigint' ? String(item) : typeof item;
  };
  write(value, false);
  return out;
}

const ofField = (of: string | undefined) => (of ? `${of} in ` : '');

/** A 400 about one field's value: the message names the field, the error carries it and the value. */
function fieldError(code: ErrorCode, field: string, message: string, value?: unknown): ApiError {
  return new ApiError(400, code, message, {}, field, value);
}

export const errors = {
  unauthorized: (why: string) => new ApiError(401, ErrorCodes.unauthorized, why),
  forbidden: (why: string) => new ApiError(403, ErrorCodes.forbidden, why),

  valueTooLong: (field: string, max: number, length: number, value?: unknown) =>
    fieldError(
      ErrorCodes.valueTooLong,
      field,
      `Field exceeds maximum allowed length (${field}: ${length} characters, at most ${max} allowed)`,
      value,
    ),
  unknownField: (field: string, suggestion?: string) =>
    fieldError(ErrorCodes.invalidField, field, `Invalid field (${field}): no such field` + (suggestion ? `; did you mean ${suggestion}?` : '')),
  readOnlyField: (field: string) =>
    fieldError(ErrorCodes.invalidField, field, `Invalid field (${field}): the field is read-only and set by the server`),
  immutableField: (field: string) =>
    fieldError(
      ErrorCodes.invalidField,
      field,
      `Invalid field (${field}): set when the record is created and never changed; delete the record and create another`,
    ),
  // `of`: the record field a value is compared with, when `field` is a place in a filter.
  invalidGsid: (field: string, value: unknown, of?: string) =>
    fieldError(
      ErrorCodes.invalidGsid,
      field,
      `Either the Gainsight ID is invalid or missing (${ofField(of)}${field} = ${describeValue(value)}): expected 36 upper-case letters and digits`,
      value,
    ),
  invalidDateTime: (field: string, value: unknown, of?: string) =>
    fieldError(
      ErrorCodes.invalidDateTime,
      field,
      `Invalid dateTime format (${ofField(of)}${field} = ${describeValue(value)}): expected an ISO 8601 date-time such as 2026-01-31T12:00:00Z`,
      value,
    ),
  invalidDate: (field: string, value: unknown, of?: string) =>
    fieldError(
      ErrorCodes.invalidDate,
      field,
      `Invalid date format (${ofField(of)}${field} = ${describeValue(value)}): expected a real calendar date as YYYY-MM-DD`,
      value,
    ),
  requiredValue: (field: string, problem: string) =>
    fieldError(ErrorCodes.requiredValue, field, `Invalid field value (${field}): ${problem}`, null),
  invalidValue: (field: string, problem: string, value?: unknown) =>
    fieldError(ErrorCodes.invalidValue, field, `Invalid field value (${field}): ${problem}`, value),
  notFound: (objectName: string, id: string) =>
    new ApiError(404, ErrorCodes.notFound, `No ${objectName} record matches Gsid ${id}`),
  notFoundReport: (id: string) => new ApiError(404, ErrorCodes.notFound, `No report with id ${describeValue(id)}`),
  notFoundDropdown: (id: string) => new ApiError(404, ErrorCodes.notFound, `No dropdown category with Gsid ${describeValue(id)}`),
  /** A batch update whose criteria select nothing (the NXT surface's "create or update" relies on it). */
  noEntityMatches: (where: string) =>
    new ApiError(404, ErrorCodes.notFound, `No entity matches the given criteria (${where})`, {}, where),
  unknownReference: (field: string, objectName: string, id: string) =>
    fieldError(ErrorCodes.unknownReference, field, `Invalid field value (${field}): no ${objectName} with Gsid ${id} exists`, id),
  /** The NXT surface's answer for an object name it does not know, worded as Gainsight words it. */
  unknownObject: (name: string) => new ApiError(400, ErrorCodes.unknownObject, 'Requested object not found.', {}, 'object', name),
  /** `field`: the one field whose value collides, when there is one. */
  conflict: (why: string, field?: string) => new ApiError(409, ErrorCodes.conflict, why, {}, field),
  badRequest: (why: string) => new ApiError(400, ErrorCodes.badRequest, why),
  routeNotFound: (method: string, url: string) =>
    new ApiError(404, ErrorCodes.routeNotFound, `No route for ${method} ${url}`),
  methodNotAllowed: (method: string, url: string, allowed: string[]) =>
    new ApiError(405, ErrorCodes.methodNotAllowed, `Method ${method} is not allowed on ${url}; allowed: ${allowed.join(', ')}`, {
      allow: allowed.join(', '),
    }),
  payloadTooLarge: (limit: number) =>
    new ApiError(413, ErrorCodes.payloadTooLarge, `Request body is larger than the limit of ${limit} bytes`),
  unsupportedMediaType: (contentType: string | undefined) =>
    new ApiError(
      415,
      ErrorCodes.unsupportedMediaType,
      contentType
        ? `Unsupported Content-Type ${describeValue(contentType)}: send application/json in UTF-8` +
          (contentType.startsWith('application/merge-patch+json') ? ' (merge patch is for PATCH only)' : '')
        : 'Missing Content-Type header: send application/json',
    ),
  notAcceptable: (offered: string[]) =>
    new ApiError(406, ErrorCodes.notAcceptable, `None of the requested media types can be produced; available: ${offered.join(', ')}`),
  internal: () => new ApiError(500, ErrorCodes.internal, 'Internal server error; the request id identifies it in the server log'),
  unavailable: (why: string) => new ApiError(503, ErrorCodes.unavailable, why),
  /** If-Match names no current version of the record (RFC 9110: 412). */
  preconditionFailed: (objectName: string, id: string) =>
    new ApiError(
      412,
      ErrorCodes.preconditionFailed,
      `If-Match does not match the current version of ${objectName} ${id}: it changed since you read it. Nothing was changed; get it again (its ETag) and retry`,
    ),
  /** A malformed conditional or Idempotency-Key header, named. */
  invalidHeader: (header: string, problem: string) => new ApiError(400, ErrorCodes.badRequest, `Invalid ${header} header: ${problem}`, {}, header),
  idempotencyKeyReused: (key: string) =>
    new ApiError(
      422,
      ErrorCodes.idempotencyKeyReused,
      `Idempotency-Key ${describeValue(key)} was already used for a different request (method, path, body or If-Match) ` +
        'in the last 24 hours; send a new key for a new request',
    ),
  /** Too many concurrent expensive requests (reports, queries): come back in a moment. */
  saturated: (why: string, retryAfterSeconds: number) =>
    new ApiError(503, ErrorCodes.unavailable, why, { 'retry-after': String(retryAfterSeconds) }),
  /** Worded exactly as Gainsight words it ("request", sic): clients match on it. */
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, ErrorCodes.rateLimited, 'Too many request', { 'retry-after': String(retryAfterSeconds) }),
  uriTooLong: (length: number, limit: number) =>
    new ApiError(414, ErrorCodes.uriTooLong, `Request URL is ${length} characters long; at most ${limit} are accepted`),
  headersTooLarge: (limit: number) =>
    new ApiError(431, ErrorCodes.headersTooLarge, `Request line and headers are larger than the limit of ${limit} bytes`),
  /** A sandbox snapshot or fault rule that does not exist (`what`: "snapshot", "fault rule"). */
  sandboxNotFound: (what: string, name: string) => new ApiError(404, ErrorCodes.notFound, `No ${what} named ${describeValue(name)}`),
  /** A 500 as real Gainsight words it (the sandbox's injected 500). */
  gainsightInternal: () => new ApiError(500, ErrorCodes.gainsightInternal, 'Internal server error'),
  /** A failure a sandbox fault rule injected, for statuses Gainsight has no particular body for. */
  injectedFault: (status: number, ruleId: string) =>
    new ApiError(status, status >= 500 ? ErrorCodes.internal : ErrorCodes.badRequest, `Injected fault (sandbox rule ${ruleId})`),
  requestTimeout: () =>
    new ApiError(408, ErrorCodes.requestTimeout, 'The request was not received in time; send it again without pausing'),
};
