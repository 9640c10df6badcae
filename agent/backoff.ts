export interface BackoffOptions {
  /** First delay before jitter (ms). */
  baseMs: number;
  /** Ceiling of the delay (ms). */
  maxMs: number;
  /** A random number in [0, 1); injected so tests are exact. */
  random: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay is fixed, half is
 * random, so a fleet of agents that lost the server together does not return in lock-step.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const capped = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped / 2 + opts.random() * (capped / 2));
}

/** A retry counter: `next()` gives the delay for the next wait, `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  next(): number {
    const delay = backoffDelay(this.attempt, this.opts);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
