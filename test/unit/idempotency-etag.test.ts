/** The pure pieces of Idempotency-Key and ETag/If-Match (src/server/idempotency.ts, etag.ts). */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { entityTag, ifMatchHolds, parseIfMatch } from '../../src/server/etag.js';
import { isIdempotentOperation, parseIdempotencyKey, recordedHeaders, requestFingerprint } from '../../src/server/idempotency.js';
import { thrown } from '../helpers/thrown.js';

describe('parseIdempotencyKey', () => {
  it('accepts 1 to 255 printable ASCII characters, and nothing when the header is absent', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    for (const key of ['a', '0b7c1f9e-2d4a-4f4e-9a57-1c2d3e4f5a6b', ' spaced key ', '~'.repeat(255)]) expect(parseIdempotencyKey(key)).toBe(key);
  });

  it('refuses an empty, too long, repeated or non-ASCII key with a 400 naming the header', () => {
    for (const header of ['', 'x'.repeat(256), 'new\nline', 'caf\u00e9', '\u0000', ['a', 'b']]) {
      const error = thrown(() => parseIdempotencyKey(header));
      expect(error, JSON.stringify(header)).toBeInstanceOf(ApiError);
      expect((error as ApiError).statusCode).toBe(400);
      expect((error as ApiError).message).toContain('Idempotency-Key');
    }
  });
});

describe('requestFingerprint', () => {
  const base = requestFingerprint('POST', '/v1/companies', { Name: 'A' }, undefined);
  it('is the same for the same request', () => {
    expect(requestFingerprint('POST', '/v1/companies', { Name: 'A' }, undefined)).toBe(base);
  });
  it('differs when the method, path, query, body or If-Match differs', () => {
    const others = [
      requestFingerprint('PUT', '/v1/companies', { Name: 'A' }, undefined),
      requestFingerprint('POST', '/v1/people', { Name: 'A' }, undefined),
      requestFingerprint('POST', '/v1/companies?a=1', { Name: 'A' }, undefined),
      requestFingerprint('POST', '/v1/companies', { Name: 'B' }, undefined),
      requestFingerprint('POST', '/v1/companies', { Name: 'A', ARR: 1 }, undefined),
      requestFingerprint('POST', '/v1/companies', undefined, undefined),
      requestFingerprint('POST', '/v1/companies', { Name: 'A' }, '"tag"'),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });
});

describe('recordedHeaders', () => {
  it('keeps the headers that describe the body, never per-request ones', () => {
    expect(
      recordedHeaders({ 'content-type': 'application/json; charset=utf-8', etag: '"x"', 'x-request-id': 'r', 'content-length': 12, 'retry-after': '1' }),
    ).toEqual({ 'content-type': 'application/json; charset=utf-8', etag: '"x"' });
  });
});

describe('isIdempotentOperation', () => {
  it('takes writes only', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(isIdempotentOperation(method, 'write')).toBe(true);
    expect(isIdempotentOperation('POST', 'read')).toBe(false);
    expect(isIdempotentOperation('GET', 'write')).toBe(false);
    expect(isIdempotentOperation('POST', 'public')).toBe(false);
    expect(isIdempotentOperation('POST', undefined)).toBe(false);
  });
});

describe('entityTag', () => {
  it('is a quoted, stable digest that changes with any byte of the representation', () => {
    const tag = entityTag('{"Gsid":"A","Name":"x"}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{24}"$/);
    expect(entityTag('{"Gsid":"A","Name":"x"}')).toBe(tag);
    expect(entityTag('{"Gsid":"A","Name":"y"}')).not.toBe(tag);
    expect(entityTag('{"Gsid":"A","Name":"x","ModifiedDate":"2026-01-01T00:00:00.001Z"}')).not.toBe(
      entityTag('{"Gsid":"A","Name":"x","ModifiedDate":"2026-01-01T00:00:00.002Z"}'),
    );
  });
});

describe('parseIfMatch and ifMatchHolds', () => {
  const representation = '{"Gsid":"A"}';
  const current = entityTag(representation);

  it('parses *, one tag, a list, and a repeated header', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch(' * ')).toEqual({ any: true });
    expect(parseIfMatch(current)).toEqual({ any: false, tags: [current] });
    expect(parseIfMatch(`"a", W/"b" ,${current}`)).toEqual({ any: false, tags: ['"a"', 'W/"b"', current] });
    expect(parseIfMatch(['"a"', current])).toEqual({ any: false, tags: ['"a"', current] });
  });

  it('refuses what is not a list of entity tags with a 400 naming If-Match', () => {
    for (const header of ['abc', '', ' , ', '"a" "b"', '"open', 'W/abc', '"has space"']) {
      const error = thrown(() => parseIfMatch(header));
      expect(error, header).toBeInstanceOf(ApiError);
      expect((error as ApiError).message).toContain('If-Match');
    }
  });

  it('matches by strong comparison: the current tag, any in a list, * always; weak and other tags never', () => {
    expect(ifMatchHolds(parseIfMatch(current)!, representation)).toBe(true);
    expect(ifMatchHolds(parseIfMatch(`"old", ${current}`)!, representation)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('*')!, representation)).toBe(true);
    expect(ifMatchHolds(parseIfMatch(`W/${current}`)!, representation)).toBe(false);
    expect(ifMatchHolds(parseIfMatch('"old"')!, representation)).toBe(false);
  });
});
