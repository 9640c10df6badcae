/**
 * Fixed-window request counter per source address, so one chatty or hostile host cannot make a
 * UDP responder send unbounded replies (SIP PnP answers are a reflection vector). Pure: the
 * caller passes `now`.
 */
export interface SourceRateLimiter {
  /** Counts one message from `source` and says whether it may be answered. */
  allow(source: string, now: number): boolean;
  /** Sources currently tracked (bounded by `maxSources`). */
  size(): number;
}

export interface SourceRateLimitOptions {
  /** Messages allowed per source and window. */
  limit: number;
  windowMs: number;
  /** Most sources remembered; the oldest window is forgotten first. */
  maxSources: number;
}

export function createSourceRateLimiter(opts: SourceRateLimitOptions): SourceRateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    allow(source, now) {
      let entry = windows.get(source);
      if (entry === undefined || now - entry.start >= opts.windowMs) {
        windows.delete(source);
        if (windows.size >= opts.maxSources) {
          // Map keeps insertion order; re-inserting on each new window makes the first key the oldest.
          const oldest = windows.keys().next().value;
          if (oldest !== undefined) windows.delete(oldest);
        }
        entry = { start: now, count: 0 };
        windows.set(source, entry);
      }
      entry.count += 1;
      return entry.count <= opts.limit;
    },
    size: () => windows.size,
  };
}
