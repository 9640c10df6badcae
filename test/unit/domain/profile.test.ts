import { describe, expect, it } from 'vitest';
import { checkNoCycle, ifMatchRevision } from '../../../server/domain/profile.ts';

describe('profile inheritance', () => {
  const parents: Record<string, string | null> = { a: null, b: 'a', c: 'b' };
  const parentOf = (id: string) => parents[id] ?? null;

  it('accepts a chain without loops', () => {
    expect(() => checkNoCycle('d', 'c', parentOf)).not.toThrow();
    expect(() => checkNoCycle('a', null, parentOf)).not.toThrow();
  });

  it('refuses a parent that has the profile among its ancestors, or itself', () => {
    expect(() => checkNoCycle('a', 'c', parentOf)).toThrow(expect.objectContaining({ field: 'parentId' }));
    expect(() => checkNoCycle('a', 'a', parentOf)).toThrow();
  });
});

describe('ifMatchRevision', () => {
  it.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['12', 12],
  ])('reads %s as revision %i', (header, revision) => {
    expect(ifMatchRevision(header)).toBe(revision);
  });

  it('reads * as any revision', () => {
    expect(ifMatchRevision(' * ')).toBe('any');
  });

  it('tells a missing header (null) from one that names no revision (NaN, never current)', () => {
    expect(ifMatchRevision(undefined)).toBeNull();
    expect(ifMatchRevision('"abc"')).toBeNaN();
  });
});
