import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../../shared/memo/bounded-memo.ts';

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
