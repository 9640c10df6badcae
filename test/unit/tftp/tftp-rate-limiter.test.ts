import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../server/tftp/tftp-rate-limiter.ts';

describe('createRateLimiter', () => {
  it('allows a burst of `rate` requests, then refuses until time refills the bucket', () => {
    const limiter = createRateLimiter(3);
    expect([1, 2, 3, 4].map(() => limiter.allow('10.0.0.1', 0))).toEqual([true, true, true, false]);
    expect(limiter.allow('10.0.0.1', 200)).toBe(false);
    expect(limiter.allow('10.0.0.1', 340)).toBe(true);
  });

  it('counts each source on its own', () => {
    const limiter = createRateLimiter(1);
    expect(limiter.allow('10.0.0.1', 0)).toBe(true);
    expect(limiter.allow('10.0.0.2', 0)).toBe(true);
    expect(limiter.allow('10.0.0.1', 0)).toBe(false);
  });

  it('keeps its table bounded under a flood of distinct sources', () => {
    const limiter = createRateLimiter(5, 100);
    for (let i = 0; i < 1000; i++) limiter.allow(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(limiter.size()).toBeLessThanOrEqual(100);
  });

  it('forgets idle sources first when the table is full', () => {
    const limiter = createRateLimiter(1, 2);
    limiter.allow('idle', 0);
    limiter.allow('busy', 5000);
    limiter.allow('new', 5000);
    expect(limiter.allow('busy', 5000)).toBe(false);
    expect(limiter.size()).toBe(2);
  });
});
