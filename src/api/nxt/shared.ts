/** What the NXT route modules share: resolving the object a path names, and loose JSON shapes. */
import type { FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';
import type { JsonSchema } from '../../domain/schemas.js';
import type { ParameterSpec } from '../../server/route-spec.js';
import type { ApiContext, SurfaceObject } from '../context.js';

/** The object a name denotes on the NXT surface (any case), or 400 "Requested object not found.". */
export function nxtObject(context: ApiContext, name: unknown): SurfaceObject {
  const object = typeof name === 'string' ? context.registry.find(name) : undefined;
  const served = object && context.nxt.get(object.name);
  if (!served) throw errors.unknownObject(String(name));
  return served;
}

export function objectOf(context: ApiContext, request: FastifyRequest): SurfaceObject {
  return nxtObject(context, (request.params as { object: string }).object);
}

export function objectParameter(context: ApiContext): ParameterSpec {
  return {
    name: 'object',
    in: 'path',
    required: true,
    description: `Object name, any case: ${context.registry.names.join(', ')}`,
    schema: { type: 'string' },
  };
}

/**
 * A record as the NXT surface answers it: every field, null when empty. Deliberately without
 * `type: object`: with it, fast-json-stringify writes each of a 5000-record page's 130,000 values
 * separately (70-170 ms a page); without it, one JSON.stringify per record (about 20 ms).
 */
export const nxtRecordSchema: JsonSchema = {
  description: 'A record (JSON object): field name (or lookup path) -> value; null when the field has no value',
};

/** A request body whose parts the handler reads as Gainsight does (lenient values, NXT names). */
export const looseObjectSchema: JsonSchema = { type: 'object', additionalProperties: true };

export const batchRequestSchema: JsonSchema = {
  type: 'object',
  properties: {
    // Each record is checked by the handler, which reports every bad record of the batch at once.
    records: { type: ['array', 'null'], description: '1 to 50 record objects (field name -> value); all are written or none' },
  },
  additionalProperties: true,
};

export const batchResultSchema: JsonSchema = {
  type: 'object',
  properties: {
    count: { type: 'integer', description: 'Records written' },
    errors: { type: 'null' },
    records: { type: 'array', items: { type: 'object', properties: { Gsid: { type: 'string' } }, required: ['Gsid'] } },
  },
  required: ['count', 'errors', 'records'],
};

export const recordsResultSchema: JsonSchema = {
  type: 'object',
  properties: { records: { type: 'array', items: nxtRecordSchema } },
  required: ['records'],
};
