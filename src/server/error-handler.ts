/**
 * Maps every error (ours, Fastify's, the driver's) onto the failure envelope. Stack traces and
 * internal messages go to the log under the request id, never to the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorCodes, errors } from '../domain/errors.js';
import { StoreError } from '../domain/persistence.js';
import { failure, surfaceOf } from './envelope.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export function toApiError(error: FastifyError | Error, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError && error.failure.kind === 'unavailable') {
    return errors.unavailable('The database is busy or unreachable; retry the request');
  }
  if (error instanceof StoreError && error.failure.kind === 'invalidInput') {
    // The driver's text stays in the log: it can quote internals.
    return errors.badRequest('A value in the request cannot be stored or compared (malformed, out of range, or a character the database cannot hold)');
  }
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(BODY_LIMIT_BYTES);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badRequest('Request body is empty: send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest('Content-Length does not match the body that was sent');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.badRequest(`Malformed JSON in request body: ${fastifyError.message}`);
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return errors.badRequest(`Malformed JSON in request body: ${error.message}`);
  }
  // Other client errors Fastify detects (prototype poisoning, bad charset, ...): its message is
  // written for clients and carries no internals.
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return errors.badRequest(fastifyError.message);
  return errors.internal();
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error, request);
  if (apiError.statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else if (apiError !== error) {
    request.log.debug({ err: error }, 'client error');
  }
  sendFailure(reply, request, apiError);
}

/**
 * Sends an ApiError as the failure envelope of the request's surface. The NXT surfaces answer as
 * real Gainsight does: 401 says only "Unauthorized", and "no record matches" is a 400.
 */
export function sendFailure(reply: FastifyReply, request: FastifyRequest, apiError: ApiError): void {
  const surface = surfaceOf(request.url);
  let { statusCode } = apiError;
  let message = apiError.message;
  if (surface === 'nxt') {
    if (apiError.code === ErrorCodes.unauthorized) message = 'Unauthorized';
    if (apiError.code === ErrorCodes.notFound) statusCode = 400;
  }
  reply
    .code(statusCode)
    .header('x-request-id', request.id)
    .headers(apiError.headers)
    .send(failure(surface, request.id, apiError.code, message, apiError.data ?? null));
}
