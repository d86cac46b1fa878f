/**
 * The response envelopes, in one place. Two surfaces answer in two shapes:
 *
 * - the seed surface (`/v1/companies`, `/v1/people`, `/v1/reports`, ...): success
 *   `{result: true, requestId, data}`, failure `{result: false, errorCode, errorDesc, requestId}`.
 *   A success carries no errorCode/errorDesc: the seed spec types them as strings, so `null`
 *   would not conform.
 * - the NXT surfaces (`/v1/data`, `/v1/meta`, `/v1/users`, `/v1.0/api`, `/v1/peoplemgmt`), as
 *   real Gainsight answers and its clients parse: always the six keys `result, errorCode,
 *   errorDesc, requestId, data, message`, nulls included.
 */
import type { Surface } from '../domain/object-model.js';
import type { JsonSchema } from '../domain/schemas.js';

export type { Surface };

const NXT_PREFIXES = ['/v1/data/', '/v1/meta/', '/v1/users/', '/v1.0/api/', '/v1/peoplemgmt/'];

/** Which envelope a path answers with (unknown paths under an NXT prefix answer as NXT). */
export function surfaceOf(url: string): Surface {
  const path = url.split('?')[0]!;
  return NXT_PREFIXES.some((prefix) => path.startsWith(prefix) || path + '/' === prefix) ? 'nxt' : 'seed';
}

export interface SuccessEnvelope<T> {
  result: true;
  requestId: string;
  data: T;
}

export interface FailureEnvelope {
  result: false;
  errorCode: string;
  errorDesc: string;
  requestId: string;
}

export interface NxtEnvelope<T> {
  result: boolean;
  errorCode: string | null;
  errorDesc: string | null;
  requestId: string;
  data: T | null;
  message: string | null;
}

export function success<T>(surface: Surface, requestId: string, data: T): SuccessEnvelope<T> | NxtEnvelope<T> {
  if (surface === 'nxt') return { result: true, errorCode: null, errorDesc: null, requestId, data, message: null };
  return { result: true, requestId, data };
}

/** The text `JSON.stringify(success(surface, requestId, data))` writes, for data given as JSON text. */
export function successText(surface: Surface, requestId: string, data: { readonly text: string }): string {
  const id = JSON.stringify(requestId);
  if (surface === 'nxt') return `{"result":true,"errorCode":null,"errorDesc":null,"requestId":${id},"data":${data.text},"message":null}`;
  return `{"result":true,"requestId":${id},"data":${data.text}}`;
}

export function failure(
  surface: Surface,
  requestId: string,
  errorCode: string,
  errorDesc: string,
  data: unknown = null,
): FailureEnvelope | NxtEnvelope<unknown> {
  if (surface === 'nxt') return { result: false, errorCode, errorDesc, requestId, data, message: errorDesc };
  return { result: false, errorCode, errorDesc, requestId };
}

const RESULT = { type: 'boolean', description: 'Whether the operation was successful' };
const REQUEST_ID = { type: 'string', description: 'Unique ID for the request (also in the X-Request-Id header)' };

export function successSchema(surface: Surface, dataSchema: JsonSchema): JsonSchema {
  if (surface === 'nxt') {
    return {
      type: 'object',
      properties: {
        result: { ...RESULT, const: true },
        errorCode: { type: 'null' },
        errorDesc: { type: 'null' },
        requestId: REQUEST_ID,
        data: dataSchema,
        message: { type: 'null' },
      },
      required: ['result', 'errorCode', 'errorDesc', 'requestId', 'data', 'message'],
    };
  }
  return {
    type: 'object',
    properties: { result: { ...RESULT, const: true }, requestId: REQUEST_ID, data: dataSchema },
    required: ['result', 'requestId', 'data'],
  };
}

const FAILURE_PROPERTIES = {
  result: { ...RESULT, const: false },
  errorCode: { type: 'string', description: 'Stable error code (see the README for the list)' },
  errorDesc: { type: 'string', description: 'What went wrong, naming the field and the problem' },
  requestId: REQUEST_ID,
};

export const failureSchema: JsonSchema = {
  type: 'object',
  properties: FAILURE_PROPERTIES,
  required: ['result', 'errorCode', 'errorDesc', 'requestId'],
};

/** The NXT failure: six keys; `data` holds per-record errors of a failed batch, else null. */
export const nxtFailureSchema: JsonSchema = {
  type: 'object',
  properties: { ...FAILURE_PROPERTIES, data: {}, message: { type: 'string', description: 'The same text as errorDesc' } },
  required: ['result', 'errorCode', 'errorDesc', 'requestId', 'data', 'message'],
};

export function failureSchemaOf(surface: Surface): JsonSchema {
  return surface === 'nxt' ? nxtFailureSchema : failureSchema;
}
