/**
 * `/v1/data/objects/...`: Gainsight's NXT data API over every registered object: insert, update
 * by keys, get, delete and query, answered in the six-key envelope.
 */
import { assertGsid } from '../../domain/record-service.js';
import type { RouteSpec } from '../../server/route-spec.js';
import type { Query } from '../common/query.js';
import type { ApiContext } from '../context.js';
import {
  batchRequestSchema,
  batchResultSchema,
  looseObjectSchema,
  objectOf,
  objectParameter,
  recordsResultSchema,
} from './shared.js';

const TAG = 'NXT data';

export function dataRoutes(context: ApiContext): RouteSpec[] {
  const { reader, writer } = context;
  const gsidParameter = {
    name: 'gsid',
    in: 'path' as const,
    required: true,
    description: 'Gsid of the record: 36 upper-case letters and digits',
    schema: { type: 'string' },
  };
  const gsidOf = (params: unknown) => {
    const { gsid } = params as { gsid: string };
    assertGsid('Gsid', gsid);
    return gsid;
  };

  return [
    {
      method: 'POST',
      path: '/v1/data/objects/{object}',
      operationId: 'nxtInsert',
      summary: 'Insert records',
      description:
        'Inserts 1 to 50 records, all or none. Values are read as Gainsight reads them (numbers and booleans may be strings). ' +
        'Answers one `{Gsid}` per input record, in input order; a failed batch answers 400 with every invalid record in `data.errors`.',
      tag: TAG,
      access: 'write',
      extension: true,
      parameters: [objectParameter(context)],
      requestBody: { schema: batchRequestSchema },
      response: { description: 'Records inserted', data: batchResultSchema },
      errorStatuses: [400, 403, 409, 413, 415],
      handler: async (request) => writer.insert(objectOf(context, request), request.body),
    },
    {
      method: 'PUT',
      path: '/v1/data/objects/{object}',
      operationId: 'nxtUpdate',
      summary: 'Update records by key fields',
      description:
        '`?keys=K1[,K2,K3]`: each record carries its key values and updates every record matching all of them. ' +
        'A record that matches nothing fails the batch with 400 GSOBJ_1011 and nothing is written.',
      tag: TAG,
      access: 'write',
      extension: true,
      parameters: [
        objectParameter(context),
        { name: 'keys', in: 'query', required: true, description: '1 to 3 key fields, comma-separated (Gsid allowed)', schema: { type: 'string' } },
      ],
      requestBody: { schema: batchRequestSchema },
      response: { description: 'Records updated', data: batchResultSchema },
      errorStatuses: [400, 403, 409, 413, 415],
      handler: async (request) => writer.update(objectOf(context, request), (request.query as Query).keys, request.body),
    },
    {
      method: 'GET',
      path: '/v1/data/objects/{object}/{gsid}',
      operationId: 'nxtGet',
      summary: 'Get a record',
      description: 'Answers `data: {records: [record]}`; no such record is 400 GSOBJ_1011.',
      tag: TAG,
      access: 'read',
      extension: true,
      parameters: [objectParameter(context), gsidParameter],
      response: { description: 'The record', data: recordsResultSchema },
      errorStatuses: [400],
      handler: async (request) => {
        const target = objectOf(context, request);
        return reader.get(target.view, target.service, gsidOf(request.params));
      },
    },
    {
      method: 'DELETE',
      path: '/v1/data/objects/{object}/{gsid}',
      operationId: 'nxtDelete',
      summary: 'Delete a record',
      description:
        'Answers `data: {Gsid}`. Deleting a company also deletes its company_person links and clears the seed surface\'s ' +
        '`CompanyId` of its people; lookups to a deleted record are cleared.',
      tag: TAG,
      access: 'write',
      extension: true,
      parameters: [objectParameter(context), gsidParameter],
      response: {
        description: 'Deleted',
        data: { type: 'object', properties: { Gsid: { type: 'string' } }, required: ['Gsid'] },
      },
      errorStatuses: [400, 403],
      handler: async (request) => {
        const target = objectOf(context, request);
        return target.service.delete(gsidOf(request.params), { detach: true });
      },
    },
    {
      method: 'POST',
      path: '/v1/data/objects/query/{object}',
      operationId: 'nxtQuery',
      summary: 'Query records',
      description:
        '`{select, where: {conditions, expression}, orderBy: {Field: "asc"|"desc"}, limit, offset}`. select omitted = every field; ' +
        'limit 1 to 5000 (default 100); ties end on Gsid. Lookups `X__gr.Field` up to 3 hops in select, where and orderBy.',
      tag: TAG,
      access: 'read',
      heavy: true,
      extension: true,
      parameters: [objectParameter(context)],
      requestBody: { schema: looseObjectSchema },
      response: { description: 'Matching records (keys are the select strings as sent)', data: recordsResultSchema },
      errorStatuses: [400, 413, 415],
      handler: async (request) => {
        return reader.query(objectOf(context, request).view, request.body);
      },
    },
  ];
}
