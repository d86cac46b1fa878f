/**
 * Request-body validation: each JSON Schema keyword maps onto the project's error codes with a
 * message naming the JSON path in the body; registerRoutes compiles a route's body schema once
 * and enforces it before the handler (unless the route opts out); and the report shapes declared
 * in domain/reports/schema.ts are the ones that run.
 */
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { objects } from '../../src/domain/objects/index.js';
import { compileDefinitionParser } from '../../src/domain/reports/definition.js';
import { reportSchemas } from '../../src/domain/reports/schema.js';
import type { JsonSchema } from '../../src/domain/schemas.js';
import { createAjv } from '../../src/domain/validation.js';
import { registerJsonBodyParser } from '../../src/server/body-parser.js';
import { handleError } from '../../src/server/error-handler.js';
import {
  compileRequestBodyValidator,
  compileValidator,
  requestBodyValidator,
  withErrorMessages,
} from '../../src/domain/body-validation.js';
import { registerRoutes, withBody, type RouteSpec } from '../../src/server/route-spec.js';
import { createTestApp, expectError, type TestApp } from '../helpers/app.js';
import { describeEachBackend } from '../helpers/backends.js';
import { thrown } from '../helpers/thrown.js';

const { ReportDefinitionSchema, RunReportBodySchema } = reportSchemas([...objects.keys()]);

/** The ApiError a call throws (fails the test if it throws something else, or nothing). */

const item = {
  type: 'object',
  properties: {
    fn: { type: 'string', enum: ['count', 'sum'] },
    as: { type: 'string', pattern: '^[a-z]+$' },
  },
  required: ['fn'],
  additionalProperties: false,
};

const schema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 5 },
    limit: { type: 'integer', minimum: 1, maximum: 10 },
    floor: { type: 'number', minimum: 0 },
    kind: { const: 'report' },
    day: { type: 'string', format: 'date' },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
    definition: {
      type: 'object',
      properties: { aggregates: { type: 'array', items: item } },
      required: ['aggregates'],
      additionalProperties: false,
    },
    maybe: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
    byKey: { type: 'object', additionalProperties: { type: 'integer' } },
  },
  additionalProperties: false,
};

describe('keyword -> error code and the path named in errorDesc', () => {
  const validate = compileValidator(createAjv(), schema);

  it.each([
    ['unknown property (additionalProperties)', { nope: 1 }, 'GSOBJ_1002', 'nope'],
    ['unknown nested property', { definition: { aggregates: [{ fn: 'count', distinct: true }] } }, 'GSOBJ_1002', 'definition.aggregates[0].distinct'],
    ['missing required', { definition: {} }, 'GSOBJ_1007', 'definition.aggregates'],
    ['missing required in an array item', { definition: { aggregates: [{ as: 'x' }] } }, 'GSOBJ_1007', 'definition.aggregates[0].fn'],
    ['null where a value is required', { definition: { aggregates: null } }, 'GSOBJ_1007', 'definition.aggregates'],
    ['null for an optional property that takes no null', { limit: null }, 'GSOBJ_1008', 'limit'],
    ['wrong type', { limit: '5' }, 'GSOBJ_1008', 'limit'],
    ['wrong type of an array item', { tags: ['a', 5] }, 'GSOBJ_1008', 'tags[1]'],
    ['integer expected, fraction sent', { limit: 1.5 }, 'GSOBJ_1008', 'limit'],
    ['enum', { definition: { aggregates: [{ fn: 'median' }] } }, 'GSOBJ_1008', 'definition.aggregates[0].fn'],
    ['const', { kind: 'other' }, 'GSOBJ_1008', 'kind'],
    ['pattern', { definition: { aggregates: [{ fn: 'sum', as: 'Two Words' }] } }, 'GSOBJ_1008', 'definition.aggregates[0].as'],
    ['minimum', { limit: 0 }, 'GSOBJ_1008', 'limit'],
    ['maximum', { limit: 11 }, 'GSOBJ_1008', 'limit'],
    ['minimum without maximum', { floor: -1 }, 'GSOBJ_1008', 'floor'],
    ['uniqueItems', { tags: ['a', 'b', 'a'] }, 'GSOBJ_1008', 'tags'],
    ['maxItems', { tags: ['a', 'b', 'c', 'd'] }, 'GSOBJ_1008', 'tags'],
    ['maxLength', { name: 'abcdef' }, 'GSOBJ_1001', 'name'],
    ['format date', { day: '2025-02-30' }, 'GSOBJ_1006', 'day'],
    ['nullable: the non-null branch explains', { maybe: 0 }, 'GSOBJ_1008', 'maybe'],
    ['additionalProperties with a schema', { byKey: { days: 'x' } }, 'GSOBJ_1008', 'byKey.days'],
  ])('%s', (_label, body, code, path) => {
    const error = thrown(() => validate(body));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`(${path}`);
  });

  it('says what was expected and what came', () => {
    expect(thrown(() => validate({ limit: '5' })).message).toBe('Invalid field value (limit): expected an integer, got "5"');
    expect(thrown(() => validate({ limit: 0 })).message).toBe('Invalid field value (limit): expected an integer from 1 to 10, got 0');
    expect(thrown(() => validate({ floor: -1 })).message).toBe('Invalid field value (floor): expected a number >= 0, got -1');
    expect(thrown(() => validate({ definition: { aggregates: [{ fn: 'median' }] } })).message).toBe(
      'Invalid field value (definition.aggregates[0].fn): expected one of count, sum, got "median"',
    );
    expect(thrown(() => validate({ tags: ['a', 'b', 'a'] })).message).toBe('Invalid field value (tags): "a" is listed twice');
    expect(thrown(() => validate({ tags: ['a', 'b', 'c', 'd'] })).message).toBe('Invalid field value (tags): expected at most 3 items, got 4');
    expect(thrown(() => validate({ maybe: 0 })).message).toBe('Invalid field value (maybe): expected an integer >= 1, got 0');
  });

  it('counts length in code points, as the records do', () => {
    expect(validate({ name: '😀😀😀😀😀' })).toEqual({ name: '😀😀😀😀😀' });
    expect(thrown(() => validate({ name: '😀'.repeat(6) })).message).toContain('(name: 6 characters, at most 5 allowed)');
  });

  it('answers the value, typed, when it is valid', () => {
    const body = { name: 'x', limit: 3, definition: { aggregates: [{ fn: 'count' }] }, maybe: null };
    expect(validate(body)).toBe(body);
  });

  it('prefixes paths with `at`, and names a value wrong as a whole by it', () => {
    expect(thrown(() => validate({ limit: 0 }, 'report weekly')).message).toContain('(report weekly.limit)');
    expect(thrown(() => validate('x', 'report weekly')).message).toBe(
      'Invalid field value (report weekly): expected a JSON object, got "x"',
    );
  });

  it('writes array indexes as [n] and object keys as .key, even keys that look like numbers or hold a /', () => {
    const keyed = compileValidator(createAjv(), {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } },
    });
    expect(thrown(() => keyed({ '0': { 'a/b': 'x' } })).message).toContain('(0.a/b)');
  });
});

describe('custom messages of a schema node', () => {
  const custom = compileValidator(
    createAjv(),
    Type.Object({
      name: withErrorMessages(Type.String({ pattern: '\\S' }), {
        pattern: ({ path }) => new ApiError(400, 'GSOBJ_1007', `Invalid field value (${path}): a non-empty name is required`),
      }),
      as: Type.Optional(withErrorMessages(Type.String({ pattern: '^[a-z]+$' }), { pattern: 'expected lower-case letters' })),
    }),
  );

  it('a text replaces what was expected; the code stays the keyword\'s', () => {
    const error = thrown(() => custom({ name: 'x', as: 'A B' }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.message).toBe('Invalid field value (as): expected lower-case letters, got "A B"');
  });

  it('a custom type message wins over "null is a missing value"', () => {
    const strict = compileValidator(
      createAjv(),
      Type.Object({ value: withErrorMessages(Type.Array(Type.Unknown()), { type: 'value is always an array' }) }),
    );
    const error = thrown(() => strict({ value: null }));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.message).toBe('Invalid field value (value): value is always an array, got null');
    expect(thrown(() => strict({})).code).toBe('GSOBJ_1007');
  });

  it('a function builds the error (and survives Type.Optional copying the node)', () => {
    const error = thrown(() => custom({ name: '   ' }));
    expect(error.code).toBe('GSOBJ_1007');
    expect(error.message).toContain('(name): a non-empty name is required');
  });

  it('is invisible to JSON (and so to the OpenAPI document)', () => {
    expect(JSON.stringify(Type.String({ pattern: 'x' }))).toBe(JSON.stringify(withErrorMessages(Type.String({ pattern: 'x' }), { pattern: 'y' })));
  });
});

describe('request bodies', () => {
  const validateBody = compileRequestBodyValidator(createAjv(), schema);

  it('a missing body is a 400 GSAPI_4000 asking for one', () => {
    const error = thrown(() => validateBody(undefined));
    expect(error.code).toBe('GSAPI_4000');
    expect(error.message).toBe('Request body is required: send a JSON object');
  });

  it.each([
    [[], 'an array'],
    [null, 'null'],
    ['x', 'a string'],
    [1, 'a number'],
    [true, 'a boolean'],
  ])('a body that is not an object (%j) is a 400 GSAPI_4000', (body, what) => {
    const error = thrown(() => validateBody(body));
    expect(error.code).toBe('GSAPI_4000');
    expect(error.message).toBe(`Request body must be a JSON object, not ${what}`);
  });

  it('then the schema: paths start at the body\'s own properties', () => {
    expect(thrown(() => validateBody({ limit: 0 })).message).toContain('(limit)');
    expect(() => validateBody({ limit: 1 })).not.toThrow();
  });

  it('a route without a body, or one that opted out, gets no validator', () => {
    const ajv = createAjv();
    expect(requestBodyValidator(ajv, undefined)).toBeUndefined();
    expect(requestBodyValidator(ajv, { schema, validate: false })).toBeUndefined();
    expect(requestBodyValidator(ajv, { schema })).toBeTypeOf('function');
    expect(requestBodyValidator(ajv, { schema, validate: true })).toBeTypeOf('function');
  });
});

describe('registerRoutes', () => {
  let app: FastifyInstance;
  const ajv = createAjv();
  const compile = vi.spyOn(ajv, 'compile');
  const handled: unknown[] = [];
  const bodySchema = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 10 }) }, { additionalProperties: false });
  const echo = { description: 'Echo', data: { type: 'object', additionalProperties: true } };
  const common = { summary: 's', description: 'd', tag: 'Test', access: 'public', errorStatuses: [400] } as const;
  const routes: RouteSpec[] = [
    {
      ...common,
      method: 'POST',
      path: '/v1/validated',
      operationId: 'validated',
      response: echo,
      ...withBody(bodySchema, async (body) => {
        handled.push(body);
        // Typed from the schema: `limit` is a number here.
        return { doubled: body.limit * 2 };
      }),
    },
    {
      ...common,
      method: 'POST',
      path: '/v1/no-body',
      operationId: 'noBody',
      response: echo,
      handler: async (request) => {
        handled.push(request.body);
        return { ok: true };
      },
    },
    {
      ...common,
      method: 'POST',
      path: '/v1/opted-out',
      operationId: 'optedOut',
      requestBody: { schema: bodySchema, validate: false },
      response: echo,
      handler: async (request) => {
        handled.push(request.body);
        return { ok: true };
      },
    },
  ];

  beforeAll(async () => {
    app = Fastify({ logger: false });
    registerJsonBodyParser(app);
    app.setErrorHandler(handleError);
    registerRoutes(app, routes, ajv);
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload?: unknown) =>
    app.inject({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
    });

  it('compiles each validated body schema once, at registration', async () => {
    expect(compile).toHaveBeenCalledTimes(1);
    expect(compile).toHaveBeenCalledWith(bodySchema);
    await post('/v1/validated', { limit: 2 });
    await post('/v1/validated', { limit: 3 });
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('runs the handler with a valid body', async () => {
    const res = await post('/v1/validated', { limit: 4 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: true, data: { doubled: 8 } });
  });

  it.each([
    [{ limit: 0 }, 'GSOBJ_1008', 'limit'],
    [{ limit: 'x' }, 'GSOBJ_1008', 'limit'],
    [{ limit: 1, extra: true }, 'GSOBJ_1002', 'extra'],
    [{}, 'GSOBJ_1007', 'limit'],
    [[1], 'GSAPI_4000', 'Request body must be a JSON object, not an array'],
    [undefined, 'GSAPI_4000', 'Request body is required'],
  ])('refuses %j before the handler runs, as a failure envelope', async (payload, code, named) => {
    handled.length = 0;
    const res = await post('/v1/validated', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ result: false, errorCode: code });
    expect(res.json().errorDesc).toContain(named);
    expect(handled).toEqual([]);
  });

  it('a route without a request body does not validate what it is sent', async () => {
    handled.length = 0;
    const res = await post('/v1/no-body', { anything: [1, 2] });
    expect(res.statusCode).toBe(200);
    expect(handled).toEqual([{ anything: [1, 2] }]);
  });

  it('a route that opted out gets the body unvalidated (its handler validates it)', async () => {
    handled.length = 0;
    const res = await post('/v1/opted-out', { limit: 'not checked here' });
    expect(res.statusCode).toBe(200);
    expect(handled).toEqual([{ limit: 'not checked here' }]);
  });
});

describe('report shapes (domain/reports/schema.ts)', () => {
  // Saved definitions read back are checked by this parser (the report service compiles it once).
  const parseDefinition = compileDefinitionParser(createAjv(), ReportDefinitionSchema);

  it('a definition needs no fields when it has aggregates', () => {
    const definition = { name: 'total', object: 'Company', aggregates: [{ fn: 'count' as const }] };
    expect(parseDefinition(definition)).toEqual(definition);
  });

  it('the object enum is the registry: unknown objects name the registered ones', () => {
    const error = thrown(() => parseDefinition({ name: 'x', object: 'Opportunity', fields: ['Name'] }, 'report r'));
    expect(error.code).toBe('GSOBJ_1008');
    expect(error.message).toMatch(/^Invalid field value \(report r\.object\): unknown object "Opportunity"; expected .*Company.*Person/);
    expect(ReportDefinitionSchema.properties.object).toMatchObject({ enum: [...objects.keys()] });
  });

  it('the run body is closed, and takes null for "not given"', () => {
    const validate = compileValidator(createAjv(), RunReportBodySchema);
    expect(() => validate({ reportId: null, definition: null, filters: null, limit: null, parameters: null })).not.toThrow();
    expect(thrown(() => validate({ reportId: 'x', filter: {} })).code).toBe('GSOBJ_1002');
    expect(thrown(() => validate({ reportId: 'x', parameters: { days: 1.5 } })).message).toContain('(parameters.days)');
  });
});

describeEachBackend('reports: a definition with aggregates and no fields', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const body of [{ Name: 'A', ARR: 10 }, { Name: 'B', ARR: 32 }, { Name: 'C' }]) {
      expect((await t.request('POST', '/v1/companies', { body })).status).toBe(200);
    }
  });
  afterAll(() => t.close());

  const definition = { name: 'totals', object: 'Company', aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'ARR', as: 'arr' }] };

  it('runs ad hoc (the schema once required fields; the engine never did)', async () => {
    const res = await t.request('POST', '/v1/reports', { body: { definition } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.records).toEqual([{ n: 3, arr: 42 }]);
    expect(res.body.data.columns).toEqual([
      { name: 'n', type: 'integer' },
      { name: 'arr', type: 'number' },
    ]);
  });

  it('is saved, read back and run by id', async () => {
    const saved = await t.request('PUT', '/v1/reports/totals', { body: definition });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await t.request('GET', '/v1/reports/totals')).body.data.definition).toEqual(definition);
    expect((await t.request('POST', '/v1/reports', { body: { reportId: 'totals' } })).body.data.records).toEqual([{ n: 3, arr: 42 }]);
  });

  it('still needs a field or an aggregate', async () => {
    expectError(await t.request('POST', '/v1/reports', { body: { definition: { name: 'x', object: 'Company' } } }), 400, 'GSOBJ_1007', 'definition.fields');
    expectError(await t.request('PUT', '/v1/reports/empty', { body: { name: 'x', object: 'Company', fields: [] } }), 400, 'GSOBJ_1007', 'fields');
  });
});
