import { describe, expect, it } from 'vitest';
import { createSourceRateLimiter } from '../../../server/discovery/source-rate-limit.ts';

describe('createSourceRateLimiter', () => {
  it('allows up to the limit per window, then refuses until the window passes', () => {
    const limiter = createSourceRateLimiter({ limit: 3, windowMs: 1000, maxSources: 10 });
    const answers = [0, 10, 20, 30, 999].map((t) => limiter.allow('10.0.0.2', t));
    expect(answers).toEqual([true, true, true, false, false]);
    expect(limiter.allow('10.0.0.2', 1000)).toBe(true);
  });

  it('counts each source on its own', () => {
    const limiter = createSourceRateLimiter({ limit: 1, windowMs: 1000, maxSources: 10 });
    expect(limiter.allow('10.0.0.2', 0)).toBe(true);
    expect(limiter.allow('10.0.0.3', 0)).toBe(true);
    expect(limiter.allow('10.0.0.2', 1)).toBe(false);
  });

  it('never remembers more than maxSources, forgetting the oldest', () => {
    const limiter = createSourceRateLimiter({ limit: 1, windowMs: 10_000, maxSources: 3 });
    for (let i = 0; i < 50; i++) limiter.allow(`10.0.0.${i}`, i);
    expect(limiter.size()).toBe(3);
    // 10.0.0.0 was forgotten, so it starts a fresh window.
    expect(limiter.allow('10.0.0.0', 60)).toBe(true);
    expect(limiter.allow('10.0.0.49', 60)).toBe(false);
  });
});
