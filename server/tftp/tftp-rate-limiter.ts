/**
 * Per-source request rate: a token bucket per address, `rate` requests per second with a burst of
 * `rate`. Pure apart from the clock, which is passed in. The table is bounded: when it grows past
 * `maxSources`, sources whose bucket has refilled (idle ones) are forgotten first.
 */
export interface RateLimiter {
  /** True when a request from `ip` at time `nowMs` is within its rate (and spends a token). */
  allow(ip: string, nowMs: number): boolean;
  size(): number;
}

export function createRateLimiter(rate: number, maxSources = 10_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, nowMs: number): void => {
    bucket.tokens = Math.min(rate, bucket.tokens + ((nowMs - bucket.at) / 1000) * rate);
    bucket.at = nowMs;
  };
  const prune = (nowMs: number): void => {
    for (const [ip, bucket] of buckets) {
      refill(bucket, nowMs);
      if (bucket.tokens >= rate) buckets.delete(ip);
    }
    // Still full of busy sources (a spoofed flood): forget the oldest. They start over with a full
    // bucket, which bounds memory at the cost of some leniency; the ban list handles repeat offenders.
    for (const ip of buckets.keys()) {
      if (buckets.size < maxSources) break;
      buckets.delete(ip);
    }
  };
  return {
    allow(ip, nowMs) {
      let bucket = buckets.get(ip);
      if (bucket === undefined) {
        if (buckets.size >= maxSources) prune(nowMs);
        bucket = { tokens: rate, at: nowMs };
        buckets.set(ip, bucket);
      } else {
        refill(bucket, nowMs);
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    size: () => buckets.size,
  };
}
