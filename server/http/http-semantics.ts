export { strongEtag } from '../provisioning/content-etag.ts';

/**
 * HTTP caching and range semantics for phone files and firmware: strong ETags from the body
 * (RFC 9110 §8.8.3), `If-None-Match` → 304 (§13.1.2), single `Range` → 206 or 416 (§14).
 * Pure functions over bytes and header values; the routes apply them.
 */

/**
 * True when `If-None-Match` matches `etag`, so the answer is 304 (RFC 9110 §13.1.2: weak
 * comparison for If-None-Match, `*` matches any current representation).
 */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const value = ifNoneMatch.trim();
  if (value === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return value
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === bare);
}

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * Decides how to answer a `Range` header for a body of `size` bytes. Only one byte range is
 * served (multipart/byteranges is not needed by phones; several ranges get the full body, which
 * RFC 9110 §14.2 permits). A range that starts past the end is 416.
 */
export function decideRange(header: string | undefined, size: number, validator?: { ifRange: string | undefined; etag: string }): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  // RFC 9110 §13.1.5: a Range with an If-Range that does not name the current representation (a
  // strong comparison; a date is never matched here) gets the whole new body, not a piece of it.
  if (validator?.ifRange !== undefined && (validator.ifRange.trim() !== validator.etag || validator.etag.startsWith('W/'))) {
    return { kind: 'full' };
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return { kind: 'full' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'full' };
  return { kind: 'partial', start, end };
}

/** `Content-Range` value for a partial answer or a 416 (`bytes * /size`). */
export function contentRange(decision: RangeDecision, size: number): string | undefined {
  if (decision.kind === 'partial') return `bytes ${decision.start}-${decision.end}/${size}`;
  if (decision.kind === 'unsatisfiable') return `bytes */${size}`;
  return undefined;
}
