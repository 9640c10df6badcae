import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, nextHop, pathProblem, versionParts } from '../../../server/domain/firmware-version.ts';

const PATH = [
  { version: '84.86.0.5', file: 'a.rom' },
  { version: '96.86.0.40', file: 'b.rom' },
  { version: '96.86.0.70', file: 'c.rom' },
];

describe('firmware versions', () => {
  it.each([
    ['96.86.0.70', '96.86.0.70', 0],
    ['96.86.0.70', '96.86.0.100', -1],
    ['96.86.0.100', '96.86.0.70', 1],
    ['1.2', '1.2.0', 0],
    ['6.4.6.2280', '6.4.6', 1],
    ['sip78xx.14-2-1MPP', 'sip78xx.14-1-1MPP', 1],
    ['11.3.7MPP', '11.3.7', 0],
  ])('compares %s with %s as %i (numeric parts, missing parts are 0)', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it('orders like a total order: antisymmetric and consistent with sorting the numeric parts', () => {
    const parts = fc.array(fc.nat({ max: 999 }), { minLength: 3, maxLength: 3 });
    const lexicographic = (a: number[], b: number[]): number => {
      const i = a.findIndex((n, k) => n !== b[k]);
      return i === -1 ? 0 : Math.sign((a[i] as number) - (b[i] as number));
    };
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const [va, vb] = [a.join('.'), b.join('.')];
        // A sum, not a negation: -0 and 0 are different values to toBe.
        expect(compareVersions(va, vb) + compareVersions(vb, va)).toBe(0);
        expect(compareVersions(va, va)).toBe(0);
        expect(compareVersions(va, vb)).toBe(lexicographic(a, b) + 0);
      }),
    );
  });

  it('reads only the digits of a version', () => {
    expect(versionParts('T54W-96.86.0.70')).toEqual([54, 96, 86, 0, 70]);
    expect(versionParts('beta')).toEqual([]);
  });
});

describe('upgrade path', () => {
  it.each([
    ['80.0.0.1', '84.86.0.5'],
    ['84.86.0.5', '96.86.0.40'],
    ['90.0.0.0', '96.86.0.40'],
    ['96.86.0.40', '96.86.0.70'],
  ])('sends a phone on %s to %s next, never past a hop it has not installed', (current, next) => {
    expect(nextHop(current, PATH)?.version).toBe(next);
  });

  it('has no next hop for a phone at or past the target', () => {
    expect(nextHop('96.86.0.70', PATH)).toBeUndefined();
    expect(nextHop('97.0.0.0', PATH)).toBeUndefined();
  });

  it('walks any path one hop at a time and ends at the target', () => {
    const ascending = fc.uniqueArray(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 8 }).map((ns) => [...ns].sort((a, b) => a - b).map((n) => ({ version: `1.${n}`, file: `f${n}` })));
    fc.assert(
      fc.property(ascending, (path) => {
        let current = '0.0';
        const walked: string[] = [];
        for (let hop = nextHop(current, path); hop !== undefined; hop = nextHop(current, path)) {
          walked.push(hop.version);
          current = hop.version;
        }
        expect(walked).toEqual(path.map((h) => h.version));
      }),
    );
  });

  it('refuses paths that do not ascend', () => {
    expect(pathProblem(PATH)).toBeNull();
    expect(pathProblem([PATH[1]!, PATH[0]!])).toMatch(/ascend/);
    expect(pathProblem([PATH[0]!, PATH[0]!])).toMatch(/ascend/);
    expect(pathProblem([{ version: 'latest', file: 'x' }])).toMatch(/number/);
  });
});
