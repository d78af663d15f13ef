import { describe, expect, it } from 'vitest';
import { boundedMemo, createBoundedMemo } from '../../../shared/memo/bounded-memo.ts';

describe('boundedMemo', () => {
  it('computes each key once while it is kept, and drops the least recently used beyond the bound', () => {
    const computed: string[] = [];
    const upper = boundedMemo((key: string) => {
      computed.push(key);
      return key.toUpperCase();
    }, 2);
    expect(upper('a')).toBe('A');
    expect(upper('b')).toBe('B');
    expect(upper('a')).toBe('A'); // a is now the most recently used
    expect(upper('c')).toBe('C'); // evicts b
    expect(upper('a')).toBe('A');
    expect(upper('b')).toBe('B'); // recomputed
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keeps an undefined result like any other', () => {
    let calls = 0;
    const nothing = boundedMemo(() => {
      calls++;
      return undefined;
    }, 4);
    nothing('x');
    nothing('x');
    expect(calls).toBe(1);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => boundedMemo(String, 0)).toThrow(RangeError);
  });
});

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

  it('in lru order, a read keeps an entry: the least recently used goes first', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 2, order: 'lru' });
    memo.set('a', 1);
    memo.set('b', 2);
    expect(memo.get('a')).toBe(1);
    memo.set('c', 3);
    expect([memo.get('a'), memo.has('b'), memo.get('c')]).toEqual([1, false, 3]);
  });
});

describe('a memo under churn', () => {
  // A memo that evicts on nearly every miss (the stems of a large corpus) keeps exactly the most recently used.
  it.each(['lru', 'insertion'] as const)('%s: after 60,000 keys through 1,000 places, the kept keys are the right 1,000', (order) => {
    const memo = createBoundedMemo<number>({ maxEntries: 1_000, order });
    const used: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const key = i % 4 === 0 && i > 0 ? `k${i - 2}` : `k${i}`;
      if (memo.get(key) === undefined) memo.set(key, i);
      if (order === 'lru' || !used.includes(key)) {
        const at = used.indexOf(key);
        if (order === 'lru' && at >= 0) used.splice(at, 1);
        used.push(key);
        if (used.length > 1_000) used.shift();
      }
    }
    expect(memo.size).toBe(1_000);
    expect(used.every((key) => memo.has(key))).toBe(true);
  });
});

describe('a memo bounded by its keys’ total length', () => {
  it('lets the first in line go until a new entry fits, and never keeps a key longer than the whole bound', () => {
    const memo = createBoundedMemo<number>({ maxEntries: 100, maxTotalKeyLength: 10 });
    memo.set('aaaa', 1);
    memo.set('bbbb', 2);
    memo.set('cccccc', 3); // 4 + 4 + 6 > 10: 'aaaa' goes, then 4 + 6 fits
    expect([memo.has('aaaa'), memo.get('bbbb'), memo.get('cccccc')]).toEqual([false, 2, 3]);
    memo.set('x'.repeat(11), 4);
    expect(memo.size).toBe(2);
  });

  it('bounds boundedMemo the same way, least recently used first', () => {
    const computed: string[] = [];
    const length = boundedMemo(
      (key: string) => {
        computed.push(key);
        return key.length;
      },
      100,
      { maxTotalKeyLength: 8 },
    );
    length('aaaa');
    length('bbbb');
    length('aaaa'); // a is now the most recently used
    length('cc'); // 'bbbb' goes
    length('aaaa');
    length('bbbb');
    expect(computed).toEqual(['aaaa', 'bbbb', 'cc', 'bbbb']);
  });
});
