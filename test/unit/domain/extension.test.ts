import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInRange, generateSecret, lowestFree, SECRET_LENGTH } from '../../../server/domain/extension.ts';

describe('lowestFree', () => {
  it('picks the lowest number not taken', () => {
    expect(lowestFree({ first: 200, last: 209 }, [])).toBe(200);
    expect(lowestFree({ first: 200, last: 209 }, [200, 201, 203])).toBe(202);
    expect(lowestFree({ first: 200, last: 202 }, [200, 201, 202])).toBeNull();
    expect(lowestFree({ first: 200, last: 209 }, [190, 200, 202])).toBe(201);
  });

  it('always answers a free number in range, lower than every other free one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 50 }), fc.array(fc.nat(60)), (first, span, offsets) => {
        const range = { first, last: first + span };
        const used = [...new Set(offsets.map((o) => first + o))].sort((a, b) => a - b);
        const got = lowestFree(range, used);
        const free = Array.from({ length: span + 1 }, (_, i) => first + i).filter((n) => !used.includes(n));
        expect(got).toBe(free[0] ?? null);
      }),
    );
  });
});

describe('checkInRange', () => {
  it('refuses numbers outside the range with EXTENSION_OUT_OF_RANGE', () => {
    expect(() => checkInRange({ first: 200, last: 299 }, 299)).not.toThrow();
    expect(() => checkInRange({ first: 200, last: 299 }, 300)).toThrow(expect.objectContaining({ code: 'EXTENSION_OUT_OF_RANGE' }));
  });
});

describe('generateSecret', () => {
  it('makes secrets of at least 20 characters from an unambiguous alphabet', () => {
    let i = 0;
    const counting = (n: number) => Buffer.from(Array.from({ length: n }, () => i++ % 256));
    const secret = generateSecret(counting);
    expect(SECRET_LENGTH).toBeGreaterThanOrEqual(20);
    expect(secret).toHaveLength(SECRET_LENGTH);
    expect(secret).toMatch(/^[A-HJ-NP-Za-km-z2-9]+$/);
  });

  it('skips bytes that would bias the alphabet and still fills the length', () => {
    let calls = 0;
    const mostlyHigh = (n: number) => {
      calls++;
      return Buffer.alloc(n, calls < 3 ? 255 : 7);
    };
    expect(generateSecret(mostlyHigh)).toBe('H'.repeat(SECRET_LENGTH));
    expect(calls).toBe(3);
  });
});
