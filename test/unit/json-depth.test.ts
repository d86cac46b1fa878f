/**
 * Deeply nested bodies: the scan that refuses them before parsing (src/server/json-depth.ts), and
 * describing a value in an error message, which must never fail however the value is built.
 */
import { describe, expect, it } from 'vitest';
import { describeValue, jsonExcerpt } from '../../src/domain/errors.js';
import { nestsDeeperThan } from '../../src/server/json-depth.js';

const nested = (depth: number, open = '[', close = ']', inner = '') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('nestsDeeperThan', () => {
  it('counts objects and arrays inside one another, not side by side', () => {
    expect(nestsDeeperThan(nested(64), 64)).toBe(false);
    expect(nestsDeeperThan(nested(65), 64)).toBe(true);
    expect(nestsDeeperThan(`[${Array(1000).fill('[[1]]').join(',')}]`, 3)).toBe(false);
    expect(nestsDeeperThan(`{"a":${nested(3, '{"b":', '}', '1')}}`, 4)).toBe(false);
    expect(nestsDeeperThan(`{"a":${nested(4, '{"b":', '}', '1')}}`, 4)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ Name: '[[[[[{{{{{' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ Name: 'say \\"[[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ Name: '\\', x: [[1]] }), 2)).toBe(true);
  });
});

describe('describeValue', () => {
  it('is JSON.stringify, cut at 60 characters, for the values bodies hold', () => {
    const values: unknown[] = [
      null, true, 0, -1.5, 'text', 'quote " and \\ and \n', '😀 emoji', [], {}, [1, 'a', null, { b: [true] }],
      { a: 1, b: 'x'.repeat(100) }, 'y'.repeat(200), Array.from({ length: 50 }, (_, i) => i), { nested: { deeper: { deepest: [1, 2, 3] } } },
    ];
    for (const value of values) {
      const json = JSON.stringify(value);
      expect(describeValue(value), json).toBe(json.length > 60 ? `${json.slice(0, 57)}...` : json);
    }
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(new Date(Date.UTC(2026, 0, 2)))).toBe('"2026-01-02T00:00:00.000Z"');
  });

  it('cannot fail on values nested 100,000 levels deep, and costs only their start', () => {
    let deepArray: unknown = [];
    let deepObject: unknown = 1;
    for (let i = 0; i < 100_000; i++) {
      deepArray = [deepArray];
      deepObject = { a: deepObject };
    }
    expect(describeValue(deepArray)).toBe(`${'['.repeat(57)}...`);
    expect(describeValue(deepObject)).toBe(`${'{"a":'.repeat(12).slice(0, 57)}...`);
    // Written only as far as asked: the excerpt closes what it opened, a few levels, not 100,000.
    expect(jsonExcerpt(deepArray, 5)).toBe('[[[[[]]]]]');
  });
});
