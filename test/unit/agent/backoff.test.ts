import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from '../../../agent/backoff.ts';

describe('backoff', () => {
  const opts = (r: number) => ({ baseMs: 100, maxMs: 1000, random: () => r });

  it('doubles the delay per attempt up to the ceiling', () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, opts(0.999999)))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('keeps at least half the delay whatever the jitter', () => {
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, opts(0)))).toEqual([50, 100, 200, 400, 500]);
  });
  it('starts over after reset', () => {
    const b = new Backoff(opts(0.5));
    expect([b.next(), b.next(), b.next()]).toEqual([75, 150, 300]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.next()).toBe(75);
  });
});
