/**
 * The sandbox's pure pieces: path globs, seeded fault decisions, fault rules (refusals and
 * matching), journal filters and redaction.
 */
import { describe, expect, it } from 'vitest';
import { redactHeaders, redactQuery, REDACTED, scrub } from '../../src/api/sandbox/redact.js';
import { firesOn, unitFor } from '../../src/domain/sandbox/chance.js';
import { defaultFaultError, normalizeRule, objectOfRequest, pathOf, ruleMatches, type RuleContext } from '../../src/domain/sandbox/faults.js';
import { globMayMatchRoute, globToRegExp } from '../../src/domain/sandbox/glob.js';
import { likePatternOf, parseJournalFilter, pathFilter, truncate } from '../../src/domain/sandbox/journal.js';
import { standardSchema } from '../../src/schema/files.js';
import { thrown } from '../helpers/thrown.js';

describe('path globs', () => {
  it.each([
    ['/v1/data/objects/query/*', '/v1/data/objects/query/Company', true],
    ['/v1/data/objects/query/*', '/v1/data/objects/query/Company/x', false],
    ['/v1/data/objects/query/*', '/v1/data/objects/query/', true],
    ['/v1/**', '/v1/data/objects/query/Company', true],
    ['/v1/companies', '/v1/companies', true],
    ['/v1/companies', '/v1/companies2', false],
    ['/v1/compan?es', '/v1/companies', true],
    ['/v1/compan?es', '/v1/compan/es', false],
    ['/v1.0/api/*', '/v1x0/api/people', false],
    ['/v1/(a)+', '/v1/(a)+', true],
  ])('%s against %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it.each([
    ['/v1/data/objects/query/*', '/v1/data/objects/query/{object}', true],
    ['/v1/data/objects/query/Company', '/v1/data/objects/query/{object}', true],
    ['/v1/data/objects/*', '/v1/data/objects/{object}/{gsid}', false],
    ['/v1/data/**', '/v1/data/objects/{object}/{gsid}', true],
    ['/v1/companies/*', '/v1/companies/{companyId}', true],
    ['/v2/*', '/v1/companies/{companyId}', false],
    ['/v1/comp*', '/v1/companies', true],
    ['/**', '/healthz', true],
  ])('%s may match the route %s: %s', (glob, template, expected) => {
    expect(globMayMatchRoute(glob, template)).toBe(expected);
  });

  it('narrows with a LIKE pattern that holds every match, escaping LIKE wildcards', () => {
    expect(likePatternOf('/v1/data/objects/query/*')).toBe('/v1/data/objects/query/%');
    expect(likePatternOf('/v1/**/x')).toBe('/v1/%/x');
    expect(likePatternOf('/v1/a_b%c')).toBe('/v1/a\\_b\\%c');
    expect(pathFilter('/v1/*')('/v1/companies')).toBe(true);
    expect(pathFilter('/v1/*')('/v1/companies/x')).toBe(false);
    expect(pathFilter(undefined)('/anything')).toBe(true);
  });
});

describe('seeded fault decisions', () => {
  it('are the same for the same seed and differ between seeds', () => {
    const run = (seed: number) => Array.from({ length: 200 }, (_, i) => firesOn(0.3, seed, i + 1));
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('fire about as often as the probability says', () => {
    const fired = Array.from({ length: 10_000 }, (_, i) => firesOn(0.25, 7, i + 1)).filter(Boolean).length;
    expect(fired).toBeGreaterThan(2200);
    expect(fired).toBeLessThan(2800);
    for (let n = 1; n < 1000; n++) expect(unitFor(3, n)).toBeGreaterThanOrEqual(0);
    expect(firesOn(1, 1, 5)).toBe(true);
  });
});

describe('fault rules', () => {
  const registry = standardSchema().registry;
  const context: RuleContext = {
    registry,
    routes: () => [
      { method: 'GET', path: '/v1/companies' },
      { method: 'POST', path: '/v1/companies' },
      { method: 'POST', path: '/v1/data/objects/query/{object}' },
      { method: 'GET', path: '/healthz' },
    ],
    keyNames: async () => new Set(['ci', 'GS_ACCESS_KEY']),
    randomSeed: () => 1234,
  };
  const refusal = async (rule: unknown) => {
    try {
      await normalizeRule(rule as never, context);
    } catch (error) {
      return error;
    }
    throw new Error('expected a refusal');
  };

  it('completes a rule with defaults and canonical names', async () => {
    const rule = await normalizeRule({ match: { method: 'POST', path: '/v1/data/objects/query/*', object: 'company', key: 'ci' }, effect: { status: 429 } }, context);
    expect(rule).toEqual({
      match: { method: 'POST', path: '/v1/data/objects/query/*', object: 'Company', key: 'ci' },
      effect: { status: 429, delayMs: 0, drop: false },
      probability: 1,
      seed: 1234,
      times: null,
    });
  });

  it.each([
    [{ effect: {} }, 'effect:'],
    [{ effect: { status: 500, drop: true } }, 'effect.drop'],
    [{ effect: { body: { x: 1 } } }, 'effect.body'],
    [{ match: { object: 'Nope' }, effect: { status: 500 } }, 'match.object'],
    [{ match: { path: '/v1/reports', object: 'Company' }, effect: { status: 500 } }, 'match.path'],
    [{ match: { path: '/healthz', object: 'Company' }, effect: { status: 500 } }, 'match.object'],
    [{ match: { key: 'nobody' }, effect: { status: 500 } }, 'match.key'],
    [{ match: { path: '/v2/**' }, effect: { status: 500 } }, 'match.path'],
    [{ match: { method: 'DELETE', path: '/v1/companies' }, effect: { status: 500 } }, 'match.method'],
  ])('refuses %j naming %s', async (rule, field) => {
    const error = (await refusal(rule)) as { statusCode: number; message: string };
    expect(error.statusCode).toBe(400);
    expect(error.message.startsWith(field)).toBe(true);
  });

  it('matches on every given key, HEAD as GET, and the object of seed and NXT routes', () => {
    const facts = { method: 'POST', path: '/v1/data/objects/query/Company', object: 'Company', keyName: 'ci' };
    expect(ruleMatches({}, facts)).toBe(true);
    expect(ruleMatches({ method: 'POST', path: '/v1/data/objects/query/*', object: 'Company', key: 'ci' }, facts)).toBe(true);
    expect(ruleMatches({ method: 'GET' }, facts)).toBe(false);
    expect(ruleMatches({ object: 'Person' }, facts)).toBe(false);
    expect(ruleMatches({ key: 'other' }, facts)).toBe(false);
    expect(ruleMatches({ path: '/v1/data/*' }, facts)).toBe(false);
    expect(ruleMatches({ method: 'GET' }, { ...facts, method: 'HEAD' })).toBe(true);
    expect(objectOfRequest('/v1/data/objects/query/{object}', { object: 'COMPANY' }, registry)).toBe('Company');
    expect(objectOfRequest('/v1/people/{personId}', { personId: 'x' }, registry)).toBe('Person');
    expect(objectOfRequest('/v1/reports', {}, registry)).toBeUndefined();
    expect(objectOfRequest(undefined, {}, registry)).toBeUndefined();
    expect(pathOf('/v1/companies/?pageSize=1')).toBe('/v1/companies');
  });

  it("answers Gainsight's bodies for 429 and 500, with Retry-After on 429 and 503", () => {
    expect(defaultFaultError(429, 'r')).toMatchObject({ statusCode: 429, code: 'GU_2400', message: 'Too many request', headers: { 'retry-after': '1' } });
    expect(defaultFaultError(500, 'r')).toMatchObject({ statusCode: 500, code: 'GU_1101' });
    expect(defaultFaultError(503, 'r')).toMatchObject({ statusCode: 503, code: 'GSAPI_5030', headers: { 'retry-after': '1' } });
    expect(defaultFaultError(418, 'r1')).toMatchObject({ statusCode: 418, message: 'Injected fault (sandbox rule r1)' });
  });
});

describe('journal filters', () => {
  it('parses every filter', () => {
    expect(parseJournalFilter({ method: 'post', path: '/v1/*', status: '4xx', requestId: 'abc', since: '2024-05-01T12:00:00Z', after: '7', limit: '5' })).toEqual({
      method: 'POST',
      path: '/v1/*',
      status: { from: 400, to: 499 },
      requestId: 'abc',
      since: '2024-05-01T12:00:00.000Z',
      after: 7,
      limit: 5,
    });
    expect(parseJournalFilter({})).toEqual({ limit: 100 });
    expect(parseJournalFilter({ status: '429' }).status).toEqual({ from: 429, to: 429 });
  });

  it.each([
    [{ status: 'abc' }, 'status:'],
    [{ status: '600' }, 'status:'],
    [{ since: 'yesterday' }, 'since:'],
    [{ since: '2024-02-30T00:00:00Z' }, 'since:'],
    [{ limit: '0' }, 'limit:'],
    [{ limit: '1001' }, 'limit:'],
    [{ method: 'G T' }, 'method:'],
    [{ path: 'v1/companies' }, 'path:'],
    [{ after: '-1' }, 'after:'],
    [{ limit: ['1', '2'] }, 'limit:'],
    [{ sort: 'asc' }, 'Unknown query parameter "sort"'],
  ])('refuses %j naming the parameter', (query, field) => {
    const error = thrown(() => parseJournalFilter(query));
    expect(error.statusCode).toBe(400);
    expect(error.message.startsWith(field)).toBe(true);
  });
});

describe('journal redaction', () => {
  const key = 'gsk_ABCDEFGHIJKL_0123456789abcdefghijklmnopqrstuv';
  it('removes credentials from headers and query, and any key from text', () => {
    const headers = redactHeaders(
      { accesskey: 'my-bootstrap-secret', authorization: 'Basic eDp5', cookie: 'a=b', 'x-custom': 'Bearer abc', 'x-session-token': 't', 'user-agent': 'curl', 'x-echo': `key ${key}` },
      'my-bootstrap-secret',
    );
    expect(headers).toEqual({
      accesskey: REDACTED,
      authorization: REDACTED,
      cookie: REDACTED,
      'x-custom': REDACTED,
      'x-session-token': REDACTED,
      'user-agent': 'curl',
      'x-echo': `key ${REDACTED}`,
    });
    expect(redactQuery({ accessKey: 'x', pageSize: '5', q: ['my-bootstrap-secret', 'y'] }, 'my-bootstrap-secret')).toEqual({
      accessKey: REDACTED,
      pageSize: '5',
      q: [REDACTED, 'y'],
    });
    expect(scrub(`{"a":"${key}","b":"my-bootstrap-secret"}`, 'my-bootstrap-secret')).toBe(`{"a":"${REDACTED}","b":"${REDACTED}"}`);
    expect(truncate('abcdef', 4)).toEqual({ text: 'abcd', truncated: true });
    expect(truncate('abc', 4)).toEqual({ text: 'abc', truncated: false });
  });
});
