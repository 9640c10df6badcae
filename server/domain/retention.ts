/** How long an unbinding stays restorable (issue P1: 7 days). */
export const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** ISO time until which something unbound at `now` may be restored. */
export function restoreUntil(now: Date): string {
  return new Date(now.getTime() + RETENTION_MS).toISOString();
}

/** True once the restore window that ends at `until` has closed. */
export function isExpired(until: string, now: Date): boolean {
  return Date.parse(until) <= now.getTime();
}
