/** `/v1/meta/services/objects/...`: describe and list metadata, derived from the object registry. */
import { errors, describeValue } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/json.js';
import { describeObject, dropdownCategories, listItem } from '../../domain/nxt/describe.js';
import type { JsonSchema } from '../../domain/schemas.js';
import type { RouteSpec } from '../../server/route-spec.js';
import type { ApiContext } from '../context.js';
import { looseObjectSchema, nxtObject, objectOf, objectParameter } from './shared.js';

const TAG = 'NXT metadata';

/** What describe and list both say of an object. */
const OBJECT_SUMMARY = {
  objectName: { type: 'string' },
  label: { type: 'string' },
  objectType: { type: 'string', enum: ['STANDARD', 'CUSTOM'] },
  createable: { type: 'boolean' },
};

const describeSchema: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      ...OBJECT_SUMMARY,
      labelPlural: { type: 'string' },
      description: { type: 'string' },
      fields: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            fieldName: { type: 'string' },
            label: { type: 'string' },
            dataType: { type: 'string' },
            objectName: { type: 'string' },
            description: { type: 'string' },
            options: {
              type: 'array',
              description: "Picklists only: the options; `value` is the option's Gsid",
              items: { type: 'object', additionalProperties: true },
            },
            meta: { type: 'object', additionalProperties: true },
          },
          required: ['fieldName', 'label', 'dataType', 'objectName', 'meta'],
        },
      },
    },
    required: ['objectName', 'label', 'labelPlural', 'objectType', 'description', 'createable', 'fields'],
  },
};

const listSchema: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { ...OBJECT_SUMMARY, readable: { type: 'boolean' } },
    required: ['objectName', 'label', 'objectType', 'createable', 'readable'],
  },
};

const dropdownSchema: JsonSchema = {
  type: 'object',
  properties: {
    categoryDetails: { type: 'object', additionalProperties: true },
    childItems: {
      type: 'array',
      items: { type: 'object', properties: { gsid: { type: 'string' }, name: { type: 'string' } }, required: ['gsid', 'name'], additionalProperties: true },
    },
  },
  required: ['categoryDetails', 'childItems'],
};

export function metaRoutes(context: ApiContext): RouteSpec[] {
  const categories = dropdownCategories(context.registry.all);
  const list = async () => [...context.nxt.values()].map(({ view }) => listItem(view));
  const listRoute = (method: 'GET' | 'POST', path: string, operationId: string): RouteSpec => ({
    method,
    path,
    operationId,
    summary: 'List objects',
    description: 'Every object this server stores, as a bare array. Query flags and a JSON body (`{"externalUse":"true"}`) are accepted and ignored.',
    tag: TAG,
    access: 'read',
    extension: true,
    response: { description: 'The objects', data: listSchema },
    errorStatuses: [],
    handler: list,
  });
  return [
    {
      method: 'GET',
      path: '/v1/meta/services/objects/{object}/describe',
      operationId: 'nxtDescribe',
      summary: 'Describe an object',
      description: 'Fields and their metadata; query flags such as `idd`, `ic`, `cl`, `ci` are accepted and ignored.',
      tag: TAG,
      access: 'read',
      extension: true,
      parameters: [objectParameter(context)],
      response: { description: 'One entry: the object', data: describeSchema },
      errorStatuses: [400],
      handler: async (request) => [describeObject(objectOf(context, request).view)],
    },
    {
      method: 'POST',
      path: '/v1/meta/services/objects/describe',
      operationId: 'nxtDescribeMany',
      summary: 'Describe objects',
      description: '`{"objectNames": [...]}` (other flags accepted and ignored): one entry per object, in the order asked.',
      tag: TAG,
      access: 'read',
      extension: true,
      requestBody: { schema: looseObjectSchema },
      response: { description: 'One entry per object', data: describeSchema },
      errorStatuses: [400, 413, 415],
      handler: async (request) => {
        const body = request.body;
        const names = isPlainObject(body) ? body.objectNames : undefined;
        if (!Array.isArray(names) || names.length === 0) {
          throw errors.requiredValue('objectNames', `send the objects to describe as {"objectNames": ["Company"]}, got ${describeValue(names)}`);
        }
        return names.map((name) => describeObject(nxtObject(context, name).view));
      },
    },
    {
      method: 'GET',
      path: '/v1/meta/services/dropdowns/{categoryId}',
      operationId: 'nxtDropdownCategory',
      summary: 'A dropdown category',
      description:
        "A picklist field's options (`childItems`, each with its `gsid` and label `name`). The category Gsid is the field's " +
        '`meta.properties.PICKLIST_CATEGORY_ID` in describe.',
      tag: TAG,
      access: 'read',
      extension: true,
      parameters: [{ name: 'categoryId', in: 'path', required: true, description: 'Category Gsid', schema: { type: 'string' } }],
      response: { description: 'The category and its items', data: dropdownSchema },
      // No such category is GSOBJ_1011, which the NXT surface answers with 400 (see README, Surfaces).
      errorStatuses: [400],
      handler: async (request) => {
        const id = (request.params as { categoryId: string }).categoryId;
        const category = categories.get(id);
        if (!category) throw errors.notFoundDropdown(id);
        return category;
      },
    },
    listRoute('GET', '/v1/meta/services/objects/list', 'nxtListObjects'),
    listRoute('POST', '/v1/meta/services/objects', 'nxtListObjectsPost'),
  ];
}
