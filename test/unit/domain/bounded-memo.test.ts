import { describe, expect, it } from 'vitest';
import { createBoundedMemo } from '../../../server/domain/bounded-memo.ts';

describe('createBoundedMemo', () => {
  it('makes each value once, undefined and null included', () => {
    const memo = createBoundedMemo<string, number | null | undefined>(10);
    let made = 0;
    const make = (value: number | null | undefined) => () => {
      made += 1;
      return value;
    };
    expect(memo.get('a', make(1))).toBe(1);
    expect(memo.get('a', make(2))).toBe(1);
    expect(memo.get('none', make(undefined))).toBeUndefined();
    expect(memo.get('none', make(3))).toBeUndefined();
    expect(memo.get('null', make(null))).toBeNull();
    expect(memo.get('null', make(4))).toBeNull();
    expect(made).toBe(3);
  });

  it('empties itself when full and forgets everything on clear', () => {
    const memo = createBoundedMemo<number, number>(3);
    for (let i = 0; i < 3; i += 1) memo.get(i, () => i * 10);
    expect(memo.size).toBe(3);
    expect(memo.get(3, () => 30)).toBe(30);
    expect(memo.size).toBe(1);
    expect(memo.get(0, () => -1)).toBe(-1);
    memo.clear();
    expect(memo.size).toBe(0);
    expect(memo.get(3, () => 33)).toBe(33);
  });
});
