/**
 * A generated request for each served operation: its path with ids that exist, look valid or are
 * garbage; its query parameters; headers; and a body shaped like what the operation takes
 * (records of the object's fields, queries, report definitions) with wrong values mixed in, or
 * any JSON for an operation this file does not know.
 */
import fc from 'fast-check';
import { OPERATORS } from '../../src/domain/filters.js';
import {
  anyJson,
  anyNumber,
  anyString,
  contentType,
  extraHeaders,
  headerText,
  idOf,
  invalidValue,
  keyChoice,
  mutation,
  queryOf,
  randomGsid,
  recordBody,
  refTo,
  urlPart,
  validValue,
  type FuzzField,
  type Ref,
} from './arbitraries.js';
import type { FuzzRequest, FuzzTarget, Operation } from './harness.js';

/** An object name as a client writes it, and the object it denotes (undefined: none). */
interface Spelled {
  readonly name: string;
  readonly object?: string;
}

function spelledObject(target: FuzzTarget): fc.Arbitrary<Spelled> {
  const objects = target.nxtObjects;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...objects).map((object) => ({ name: object, object })), weight: 12 },
    { arbitrary: fc.constantFrom(...objects).map((object) => ({ name: object.toUpperCase(), object })), weight: 1 },
    { arbitrary: anyString.map((name) => ({ name })), weight: 1 },
  );
}

/** Decimal-ish text for integer parameters. */
const integerText: fc.Arbitrary<string> = fc.oneof(
  fc.nat(200).map(String),
  fc.constantFrom('0', '1', '25', '100', '101', '1000', '1001', '5000', '5001', '-1', '1.5', '1e2', '0x10', '', ' 1', '99999999999', '1000000000', '1000000001', '007', '+5'),
  anyString,
);

/** A number-ish JSON value for limit/offset/page-like body members. */
const integerValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.nat(200), weight: 6 },
  { arbitrary: fc.constantFrom(1, 100, 5000, 5001, 10000, 10001, 1_000_000_000, 1_000_000_001), weight: 2 },
  { arbitrary: anyNumber, weight: 1 },
  { arbitrary: integerText, weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Bodies

function withRequired(fields: readonly FuzzField[], lenient: boolean, body: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const required = fields.filter((f) => f.required && f.kind !== 'gsid');
  // Objects without a required field still want something (Person: one of the names or Email).
  const core = required.length > 0 ? required : fields.filter((f) => f.kind === 'string').slice(0, 1);
  const coreArb = fc.tuple(...core.map((f) => validValue(f, lenient).map((v) => [f.name, v] as const)));
  return fc.tuple(fc.option(coreArb, { freq: 4, nil: undefined }), body).map(([entries, rest]) => {
    const record: Record<string, unknown> = {};
    for (const [name, value] of entries ?? []) record[name] = value;
    for (const key of Object.keys(rest)) Object.defineProperty(record, key, { value: rest[key], enumerable: true, configurable: true, writable: true });
    return record;
  });
}

function seedRecord(target: FuzzTarget, object: string, create: boolean): fc.Arbitrary<unknown> {
  const fields = target.fields('seed', object);
  const body = recordBody(fields, { lenient: false });
  return create ? withRequired(fields, false, body) : body;
}

function nxtRecord(target: FuzzTarget, object: string | undefined): fc.Arbitrary<Record<string, unknown>> {
  const fields = object ? target.fields('nxt', object).filter((f) => !['Gsid', 'CreatedDate', 'ModifiedDate'].includes(f.name)) : [];
  return withRequired(fields, true, recordBody(fields, { lenient: true, caseVariants: true }));
}

/** `{"records": [...]}`, or something else in its place. */
function batch(record: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.array(record, { minLength: 1, maxLength: 4 }).map((records) => ({ records })), weight: 12 },
    { arbitrary: fc.constantFrom(0, 50, 51).chain((n) => fc.array(record, { minLength: n, maxLength: n }).map((records) => ({ records }))), weight: 1 },
    { arbitrary: anyJson(['records']).map((records) => ({ records })), weight: 1 },
    { arbitrary: anyJson(['records']), weight: 1 },
  );
}

/** A field path: a field, a lookup path through a reference, or garbage. */
function fieldPath(target: FuzzTarget, fields: readonly FuzzField[], style: 'nxt' | 'report'): fc.Arbitrary<string> {
  if (fields.length === 0) return anyString;
  const through = (f: FuzzField): fc.Arbitrary<string> => {
    const next = f.target ? target.fields('nxt', f.target) : [];
    if (next.length === 0) return fc.constant(f.name);
    return fc.constantFrom(...next).map((n) => (style === 'nxt' ? `${f.name}__gr.${n.name}` : `${f.name}.${n.name}`));
  };
  const lookups = fields.filter((f) => f.target);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...fields).map((f) => f.name), weight: 8 },
    { arbitrary: fc.constantFrom(...fields).map((f) => f.name.toLowerCase()), weight: 1 },
    ...(lookups.length > 0 ? [{ arbitrary: fc.constantFrom(...lookups).chain(through), weight: 3 }] : []),
    { arbitrary: anyString, weight: 1 },
  );
}

const operatorArb = fc.oneof(
  { arbitrary: fc.constantFrom(...OPERATORS), weight: 8 },
  { arbitrary: fc.constantFrom(...OPERATORS).map((o) => o.toLowerCase()), weight: 1 },
  { arbitrary: anyString, weight: 1 },
);

function valuesFor(operator: string, value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  switch (operator.toUpperCase()) {
    case 'IS_NULL':
    case 'IS_NOT_NULL':
      return fc.constant([]);
    case 'BTW':
      return fc.tuple(value, value);
    case 'IN':
    case 'NOT_IN':
      return fc.array(value, { minLength: 1, maxLength: 4 });
    default:
      return fc.tuple(value);
  }
}

function condition(target: FuzzTarget, fields: readonly FuzzField[], style: 'nxt' | 'report'): fc.Arbitrary<unknown> {
  const names = fields.map((f) => f.name);
  const onField = (f: FuzzField) =>
    fc.record(
      {
        name: fc.oneof({ arbitrary: fc.constant(f.name), weight: 5 }, { arbitrary: fieldPath(target, fields, style), weight: 1 }),
        alias: fc.oneof({ arbitrary: fc.constantFrom('A', 'B', 'C', 'D'), weight: 12 }, { arbitrary: anyString, weight: 1 }),
        operator: operatorArb,
        value: fc.oneof(
          { arbitrary: fc.array(validValue(f, style === 'nxt'), { maxLength: 3 }), weight: 6 },
          { arbitrary: fc.array(invalidValue(f, names), { maxLength: 3 }), weight: 1 },
          { arbitrary: anyJson(names, 1), weight: 1 },
        ),
      },
      { requiredKeys: ['name', 'operator', 'value'] },
    ).chain((c) =>
      // Mostly as many values as the operator takes, so the values themselves are checked.
      fc.oneof(
        { arbitrary: fc.constant(c), weight: 1 },
        { arbitrary: valuesFor(String(c.operator), validValue(f, style === 'nxt')).map((value) => ({ ...c, value })), weight: 4 },
      ),
    );
  return fields.length === 0 ? anyJson() : fc.constantFrom(...fields).chain(onField);
}

function filter(target: FuzzTarget, fields: readonly FuzzField[], style: 'nxt' | 'report'): fc.Arbitrary<unknown> {
  const names = fields.map((f) => f.name);
  const shorthand =
    fields.length === 0
      ? anyJson()
      : fc.array(fc.constantFrom(...fields).chain((f) => fc.tuple(fc.constant(f.name), fc.oneof(validValue(f, false), fc.array(validValue(f, false), { maxLength: 3 }), fc.constant(null)))), { maxLength: 3 }).map(Object.fromEntries);
  return fc.oneof(
    {
      arbitrary: fc.record(
        {
          conditions: fc.array(condition(target, fields, style), { maxLength: 4 }),
          expression: fc.oneof(fc.constantFrom('A', 'A AND B', 'A OR NOT B', '(A OR B) AND C', 'NOT (A AND B) OR D', 'A B', 'A AND', '((A)', 'E'), anyString, fc.constant(null)),
        },
        { requiredKeys: ['conditions'] },
      ),
      weight: 6,
    },
    ...(style === 'report' ? [{ arbitrary: shorthand, weight: 3 }] : []),
    { arbitrary: anyJson(names, 2), weight: 1 },
  );
}

function nxtQueryBody(target: FuzzTarget, object: string | undefined, users: boolean): fc.Arbitrary<unknown> {
  const fields = object ? target.fields('nxt', object) : [];
  const path = fieldPath(target, fields, 'nxt');
  const query = fc.record<Record<string, unknown>>(
    {
      select: fc.oneof({ arbitrary: fc.array(path, { maxLength: 6 }), weight: 8 }, { arbitrary: anyJson([], 1), weight: 1 }),
      where: filter(target, fields, 'nxt'),
      orderBy: fc.oneof(
        { arbitrary: fc.dictionary(path, fc.oneof({ arbitrary: fc.constantFrom('asc', 'desc', 'ASC', 'Desc'), weight: 8 }, { arbitrary: anyJson([], 0), weight: 1 }), { maxKeys: 3 }), weight: 8 },
        { arbitrary: anyJson([], 1), weight: 1 },
      ),
      limit: integerValue,
      ...(users ? { page: integerValue, includeTotal: fc.oneof(fc.boolean(), anyJson([], 0)) } : { offset: integerValue }),
    },
    { requiredKeys: [] },
  );
  return fc.oneof({ arbitrary: query, weight: 12 }, { arbitrary: anyJson(['select', 'where', 'orderBy', 'limit']), weight: 1 });
}

function reportDefinition(target: FuzzTarget): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constantFrom(...target.nxtObjects), weight: 12 }, { arbitrary: anyString, weight: 1 }).chain((object) => {
    const fields = target.fields('nxt', object);
    const path = fieldPath(target, fields, 'report');
    return fc.record(
      {
        name: fc.oneof({ arbitrary: fc.constantFrom('Report', 'R'), weight: 8 }, { arbitrary: anyString, weight: 1 }),
        object: fc.constant(object),
        fields: fc.oneof({ arbitrary: fc.uniqueArray(path, { maxLength: 5 }), weight: 8 }, { arbitrary: anyJson([], 1), weight: 1 }),
        groupBy: fc.uniqueArray(path, { maxLength: 2 }),
        aggregates: fc.array(
          fc.record(
            {
              fn: fc.oneof({ arbitrary: fc.constantFrom('count', 'sum', 'avg', 'min', 'max'), weight: 8 }, { arbitrary: anyString, weight: 1 }),
              field: path,
              as: fc.oneof(
                { arbitrary: fc.constantFrom('total', 'n', 'sumARR', 'avg_1'), weight: 12 },
                { arbitrary: fc.constantFrom('1x', 'a'.repeat(65), 'a-b'), weight: 1 },
                { arbitrary: anyString, weight: 1 },
              ),
            },
            { requiredKeys: ['fn'] },
          ),
          { maxLength: 3 },
        ),
        where: fc.oneof(filter(target, fields, 'report'), fc.constant(null)),
        orderBy: fc.array(
          fc.record({ field: path, direction: fc.oneof({ arbitrary: fc.constantFrom('asc', 'desc'), weight: 8 }, { arbitrary: anyString, weight: 1 }) }, { requiredKeys: ['field'] }),
          { maxLength: 3 },
        ),
        limit: integerValue,
      },
      { requiredKeys: ['name', 'object'] },
    );
  });
}

function runReportBody(target: FuzzTarget): fc.Arbitrary<unknown> {
  const reportId = fc.oneof(
    { arbitrary: fc.constantFrom(...target.builtInReports), weight: 4 },
    { arbitrary: refTo('report'), weight: 4 },
    { arbitrary: anyString, weight: 1 },
  );
  const parameters = fc.dictionary(
    fc.oneof({ arbitrary: fc.constant('days'), weight: 6 }, { arbitrary: anyString, weight: 1 }),
    fc.oneof({ arbitrary: fc.integer({ min: -10, max: 4000 }), weight: 6 }, { arbitrary: anyNumber, weight: 1 }, { arbitrary: anyJson([], 0), weight: 1 }),
    { maxKeys: 2 },
  );
  const common = {
    filters: fc.oneof(filter(target, target.fields('nxt', 'Company'), 'report'), fc.constant(null)),
    limit: integerValue,
  };
  return fc.oneof(
    { arbitrary: fc.record({ reportId, ...common, parameters }, { requiredKeys: ['reportId'] }), weight: 6 },
    { arbitrary: fc.record({ definition: reportDefinition(target), ...common }, { requiredKeys: ['definition'] }), weight: 6 },
    {
      arbitrary: fc.record(
        { reportId: fc.oneof(reportId, fc.constant(null)), definition: fc.oneof(reportDefinition(target), fc.constant(null)), ...common, parameters },
        { requiredKeys: [] },
      ),
      weight: 1,
    },
    { arbitrary: anyJson(['reportId', 'filters', 'definition', 'limit', 'parameters']), weight: 1 },
  );
}

function upsertBody(target: FuzzTarget): fc.Arbitrary<unknown> {
  const email = fc.oneof({ arbitrary: fc.emailAddress(), weight: 4 }, { arbitrary: fc.constantFrom('ada0@example.com', 'SOLO@example.com'), weight: 2 }, { arbitrary: anyString, weight: 1 });
  const companies = fc.oneof(
    { arbitrary: fc.array(fc.record({ Company_ID: idOf('Company') }), { maxLength: 3 }), weight: 4 },
    { arbitrary: anyJson(['Company_ID']), weight: 1 },
  );
  return fc.tuple(nxtRecord(target, 'Person'), fc.option(email, { freq: 5, nil: undefined }), fc.option(companies, { freq: 2, nil: undefined })).map(([person, mail, links]) => {
    const body: Record<string, unknown> = { ...person };
    if (mail !== undefined) body.Email = mail;
    if (links !== undefined) body.companies = links;
    return body;
  });
}

function nxtUpdateParts(target: FuzzTarget, object: string | undefined): fc.Arbitrary<{ keys: string; body: unknown }> {
  const fields = object ? target.fields('nxt', object) : [];
  const writable = fields.filter((f) => !['CreatedDate', 'ModifiedDate'].includes(f.name));
  const keyNames = fc.oneof(
    { arbitrary: fc.constant(['Gsid']), weight: 4 },
    { arbitrary: writable.length > 0 ? fc.subarray(writable.map((f) => f.name), { minLength: 1, maxLength: 3 }) : fc.constant(['Name']), weight: 3 },
    { arbitrary: fc.array(anyString, { minLength: 1, maxLength: 4 }), weight: 1 },
  );
  return keyNames.chain((keys) => {
    const keyFields = keys.map((k) => fields.find((f) => f.name === k));
    const record = fc.tuple(
      nxtRecord(target, object),
      fc.tuple(...keyFields.map((f, i) => (f?.name === 'Gsid' && object ? idOf(object) : f ? validValue(f, true) : anyJson([], 0)).map((v) => [keys[i]!, v] as const))),
    ).map(([rest, keyValues]) => ({ ...rest, ...Object.fromEntries(keyValues) }));
    return fc.record({ keys: fc.oneof({ arbitrary: fc.constant(keys.join(',')), weight: 8 }, { arbitrary: anyString, weight: 1 }), body: batch(record) });
  });
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Values of a path parameter, by its name. */
function pathValue(target: FuzzTarget, name: string, object: Spelled): fc.Arbitrary<string | Ref> {
  switch (name) {
    case 'companyId':
      return idOf('Company');
    case 'personId':
      return idOf('Person');
    case 'object':
      return fc.constant(object.name);
    case 'gsid':
      return idOf(object.object);
    case 'reportId':
      return fc.oneof(
        { arbitrary: refTo('report'), weight: 6 },
        { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), weight: 4 },
        { arbitrary: fc.constantFrom(...target.builtInReports, 'a'.repeat(64), 'a'.repeat(65)), weight: 2 },
        { arbitrary: anyString, weight: 1 },
      );
    case 'categoryId':
      return fc.oneof(...(target.categoryIds.length > 0 ? [fc.constantFrom(...target.categoryIds)] : []), randomGsid, anyString);
    default:
      return fc.oneof(idOf(undefined), anyString);
  }
}

function queryValue(name: string): fc.Arbitrary<string | Ref> {
  if (/^(pageNumber|pageSize|limit|offset|page)$/.test(name)) return integerText;
  if (name === 'CompanyId') return idOf('Company');
  if (name === 'topicName' || name === 'eventName') return fc.oneof(fc.constantFrom('identify', 'track', 'fuzz'), anyString);
  return anyString;
}

const EVENT_HEADERS = ['sharedSecret', 'topicName', 'tenantId', 'eventName', 'eventVersion', 'contractId'];

function headersFor(op: Operation): fc.Arbitrary<Record<string, string>> {
  if (op.operationId !== 'nxtPostEvent') return extraHeaders();
  // Most events carry every required header, so the handler runs.
  const value = fc.oneof({ arbitrary: fc.constantFrom('identify', 'v1', 'tenant-1', 's3cret'), weight: 6 }, { arbitrary: headerText, weight: 1 });
  return fc
    .tuple(extraHeaders(), fc.tuple(...EVENT_HEADERS.map((name) => fc.option(value, { freq: 40, nil: undefined }).map((v) => [name, v] as const))))
    .map(([extra, event]) => {
      const headers = { ...extra };
      for (const [name, v] of event) if (v !== undefined) headers[name.toLowerCase()] = v;
      return headers;
    });
}

function bodyFor(target: FuzzTarget, op: Operation, object: Spelled): fc.Arbitrary<unknown> {
  const seed = /^(create|update|patch)([A-Z]\w*)$/.exec(op.operationId);
  if (seed && target.fields('seed', seed[2]!).length > 0) return seedRecord(target, seed[2]!, seed[1] === 'create');
  switch (op.operationId) {
    case 'nxtInsert':
      return batch(nxtRecord(target, object.object));
    case 'nxtCreateUsers':
      return batch(nxtRecord(target, 'gsuser'));
    case 'nxtQuery':
      return nxtQueryBody(target, object.object, false);
    case 'nxtListUsers':
      return nxtQueryBody(target, 'gsuser', true);
    case 'nxtDescribeMany':
      return fc.oneof(
        {
          arbitrary: fc
            .array(fc.oneof({ arbitrary: fc.constantFrom(...target.nxtObjects), weight: 12 }, { arbitrary: anyJson([], 0), weight: 1 }), { maxLength: 4 })
            .map((objectNames) => ({ objectNames })),
          weight: 6,
        },
        { arbitrary: anyJson(['objectNames']), weight: 1 },
      );
    case 'nxtPeopleUpsert':
    case 'nxtPeopleUpsertV1':
      return upsertBody(target);
    case 'runReport':
      return runReportBody(target);
    case 'saveReport':
      return fc.oneof({ arbitrary: reportDefinition(target), weight: 8 }, { arbitrary: anyJson(['name', 'object', 'fields']), weight: 1 });
  }
  return anyJson(object.object ? target.fields('nxt', object.object).map((f) => f.name) : []);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Requests for one operation. */
export function requestFor(target: FuzzTarget, op: Operation): fc.Arbitrary<FuzzRequest> {
  const segments = op.template.split('/');
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const takesBody = op.bodyTypes.length > 0 || op.method === 'POST';
  return spelledObject(target).chain((object) => {
    const update = op.operationId === 'nxtUpdate' ? nxtUpdateParts(target, object.object) : undefined;
    const known = Object.fromEntries(queryNames.map((name) => [name, name === 'keys' && update ? fc.constant('') : queryValue(name)]));
    return fc
      .record({
        method: fc.oneof({ arbitrary: fc.constant(op.method), weight: 30 }, { arbitrary: fc.constantFrom(...METHODS), weight: 1 }),
        path: fc.tuple(...segments.map((segment) => (/^\{\w+\}$/.test(segment) ? urlPart(pathValue(target, segment.slice(1, -1), object)) : fc.constant(segment)))),
        query: queryOf(known),
        key: keyChoice,
        headers: headersFor(op),
        contentType: op.bodyTypes.includes('application/merge-patch+json')
          ? fc.oneof({ arbitrary: contentType, weight: 3 }, { arbitrary: fc.constant('application/merge-patch+json'), weight: 1 })
          : contentType,
        body: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: takesBody ? 1 : 19 },
          {
            arbitrary: fc.record({
              value: update ? fc.constant(undefined) : bodyFor(target, op, object),
              mutation: mutation(object.object ? target.fields('nxt', object.object).map((f) => f.name) : []),
            }),
            weight: takesBody ? 19 : 1,
          },
        ),
        update: update ?? fc.constant(undefined),
      })
      .map(({ method, path, query, key, headers, contentType: type, body, update: parts }) => {
        // Another method on the same path is another operation (or none: 405).
        const routed = method === op.method ? op : target.operations.find((o) => o.template === op.template && o.method === method);
        const request: FuzzRequest = {
          operationId: routed?.operationId ?? `${method} ${op.template}`,
          method,
          path,
          // nxtUpdate: the keys its records carry, as the first query parameter.
          query: parts ? [[{ text: 'keys' }, { text: parts.keys }] as const, ...query.filter(([name]) => !('text' in name && name.text === 'keys'))] : query,
          key,
          headers,
          ...(body ? { contentType: type, body: { value: parts ? parts.body : body.value, mutation: body.mutation } } : {}),
        };
        return request;
      });
  });
}

/** Requests for any of these operations. */
export function requestsFor(target: FuzzTarget, operations: readonly Operation[]): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...operations.map((op) => requestFor(target, op)));
}

/** Requests for paths no route serves (typos, other versions, garbage), on every surface's prefix. */
export function unknownPathRequest(): fc.Arbitrary<FuzzRequest> {
  const prefix = fc.constantFrom('', '/v1', '/v1/data', '/v1/data/objects', '/v1/meta', '/v1/users', '/v1.0/api', '/v1/peoplemgmt', '/v1/companies', '/v2', '/V1/COMPANIES');
  return fc
    .record({
      prefix,
      rest: fc.array(urlPart(anyString), { maxLength: 3 }),
      method: fc.constantFrom(...METHODS),
      key: keyChoice,
      headers: extraHeaders(),
      contentType,
      body: fc.option(fc.record({ value: anyJson(), mutation: mutation([]) }), { freq: 3, nil: undefined }),
    })
    .map(({ prefix: p, rest, method, key, headers, contentType: type, body }) => ({
      operationId: 'unknownPath',
      method,
      path: [...p.split('/'), ...rest],
      query: [],
      key,
      headers,
      ...(body ? { contentType: type, body } : {}),
    }));
}
