/**
 * The response envelope, in one place. Success: `{result: true, requestId, data}`; failure:
 * `{result: false, errorCode, errorDesc, requestId}`. A success carries no errorCode/errorDesc:
 * the spec types them as strings, so `null` would not conform.
 */
import type { JsonSchema } from '../domain/schemas.js';

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

export function success<T>(requestId: string, data: T): SuccessEnvelope<T> {
  return { result: true, requestId, data };
}

export function failure(requestId: string, errorCode: string, errorDesc: string): FailureEnvelope {
  return { result: false, errorCode, errorDesc, requestId };
}

export function successSchema(dataSchema: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: {
      result: { type: 'boolean', const: true, description: 'Whether the operation was successful' },
      requestId: { type: 'string', description: 'Unique ID for the request (also in the X-Request-Id header)' },
      data: dataSchema,
    },
    required: ['result', 'requestId', 'data'],
  };
}

export const failureSchema: JsonSchema = {
  type: 'object',
  properties: {
    result: { type: 'boolean', const: false, description: 'Whether the operation was successful' },
    errorCode: { type: 'string', description: 'Stable error code (see the README for the list)' },
    errorDesc: { type: 'string', description: 'What went wrong, naming the field and the problem' },
    requestId: { type: 'string', description: 'Unique ID for the request (also in the X-Request-Id header)' },
  },
  required: ['result', 'errorCode', 'errorDesc', 'requestId'],
};
