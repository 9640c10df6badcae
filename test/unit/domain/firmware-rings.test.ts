import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, pickCanaries, ringOf, ringsProblem, stableHash } from '../../../server/domain/firmware-rings.ts';

const RINGS = [{ name: 'canary', devices: 1 }, { name: 'early', percent: 10 }, { name: 'all' }];
const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('ring membership', () => {
  it('hashes ids with FNV-1a, the same in every process', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(bucketOf('a')).toBe(0xe40c292c % 10_000);
  });

  it('puts the chosen canary in ring 0, about the given share in ring 1, and everyone else in the last ring', () => {
    const canaries = pickCanaries(RINGS, ids);
    expect(canaries.map((c) => c.length)).toEqual([1, 0, 0]);
    const rings = ids.map((id) => ringOf(id, RINGS, canaries));
    expect(rings.filter((r) => r === 0)).toHaveLength(1);
    const early = rings.filter((r) => r === 1).length;
    expect(early).toBeGreaterThan(60);
    expect(early).toBeLessThan(140);
    expect(rings.every((r) => r >= 0)).toBe(true);
  });

  it('picks the same canaries whatever order the fleet is listed in, and later arrivals are never canaries', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 40 }), fc.uuid(), (fleet, extra) => {
        const canaries = pickCanaries(RINGS, fleet);
        expect(pickCanaries(RINGS, [...fleet].reverse())).toEqual(canaries);
        if (!fleet.includes(extra)) expect(ringOf(extra, RINGS, canaries)).toBeGreaterThan(0);
      }),
    );
  });

  it('keeps a device in a percent ring when a later ring grows (membership by its own hash only)', () => {
    const narrow = [{ name: 'early', percent: 10 }, { name: 'all' }];
    const wide = [{ name: 'early', percent: 30 }, { name: 'all' }];
    for (const id of ids) if (ringOf(id, narrow, [[], []]) === 0) expect(ringOf(id, wide, [[], []])).toBe(0);
  });

  it('gives every canary ring its own devices', () => {
    const rings = [{ name: 'a', devices: 2 }, { name: 'b', devices: 3 }, { name: 'rest' }];
    const canaries = pickCanaries(rings, ids.slice(0, 10));
    expect(new Set(canaries.flat()).size).toBe(5);
    expect(canaries[1]!.every((id) => ringOf(id, rings, canaries) === 1)).toBe(true);
  });

  it.each([
    [[], /at least one/],
    [[{ name: 'x', devices: 1, percent: 5 }, { name: 'all' }], /not both/],
    [[{ name: 'a', percent: 20 }, { name: 'b', percent: 10 }, { name: 'all' }], /ascend/],
    [[{ name: 'a' }, { name: 'b', percent: 50 }], /only the last/],
    [[{ name: 'a', devices: 1 }], /last ring must take all/],
    [[{ name: 'a', percent: 50 }], /last ring must take all/],
  ])('refuses ring list %j', (rings, problem) => {
    expect(ringsProblem(rings)).toMatch(problem);
  });

  it('accepts canary, percent and a final ring of everyone (or 100 %)', () => {
    expect(ringsProblem(RINGS)).toBeNull();
    expect(ringsProblem([{ name: 'a', percent: 5 }, { name: 'b', percent: 100 }])).toBeNull();
  });
});
