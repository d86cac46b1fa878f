/** The bounded map behind cursors and cached pages (src/store/least-recently-used.ts). */
import { describe, expect, it } from 'vitest';
import { LeastRecentlyUsed } from '../../src/store/least-recently-used.js';
import { referenceTriggerName } from '../../src/store/reference-counter.js';

describe('LeastRecentlyUsed', () => {
  it('forgets the least recently used entry beyond its count; reading an entry keeps it', () => {
    const map = new LeastRecentlyUsed<number>(2, () => 1);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([1, undefined, 3]);
  });

  it('keeps the total size under its bound, refuses an entry larger than it, and deletes on request', () => {
    const map = new LeastRecentlyUsed<string>(10, (value) => value.length, 10);
    map.set('a', 'xxxx');
    map.set('b', 'yyyy');
    map.set('c', 'zzzz');
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([undefined, 'yyyy', 'zzzz']);
    map.set('big', 'w'.repeat(11));
    expect(map.get('big')).toBeUndefined();
    map.delete('b');
    map.set('d', 'vvvvvv');
    expect([map.get('b'), map.get('c'), map.get('d')]).toEqual([undefined, 'zzzz', 'vvvvvv']);
  });

  it('replacing an entry counts its size once', () => {
    const map = new LeastRecentlyUsed<string>(10, (value) => value.length, 8);
    map.set('a', 'xxxx');
    map.set('a', 'yyyy');
    map.set('b', 'zzzz');
    expect([map.get('a'), map.get('b')]).toEqual(['yyyy', 'zzzz']);
  });
});

describe('reference counter trigger names', () => {
  it('are the table and operation, shortened with a hash within 63 bytes, distinct per table', () => {
    expect(referenceTriggerName('person', 'insert')).toBe('person__refs_insert');
    const long = referenceTriggerName(`${'a'.repeat(60)}__gc`, 'update');
    const other = referenceTriggerName(`${'a'.repeat(60)}x__gc`, 'update');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.endsWith('__refs_update')).toBe(true);
    expect(long).not.toBe(other);
  });
});
