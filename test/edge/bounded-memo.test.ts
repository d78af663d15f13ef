import { describe, expect, it } from 'vitest';
import { createBoundedMemo } from '../../edge/cache/bounded-memo.ts';

describe('createBoundedMemo', () => {
  it('remembers values by key and forgets the oldest insertion when full', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 2, maxKeyLength: 10 });
    memo.set('a', 1);
    memo.set('b', 2);
    expect([memo.get('a'), memo.get('b')]).toEqual([1, 2]);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 2, 3]);
    expect(memo.size).toBe(2);
  });

  it('keeps the first value of a key and never stores keys over the length cap', () => {
    const memo = createBoundedMemo<string>({ maxEntries: 5, maxKeyLength: 3 });
    memo.set('abc', 'first');
    memo.set('abc', 'second');
    expect(memo.get('abc')).toBe('first');
    memo.set('abcd', 'long');
    expect(memo.get('abcd')).toBeUndefined();
    expect(memo.size).toBe(1);
  });
});
