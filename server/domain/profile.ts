import { appError } from '../errors.ts';
import type { ProfileSettings } from '../provisioning/types.ts';

export interface Profile {
  id: string;
  name: string;
  parentId: string | null;
  settings: ProfileSettings;
  /** Starts at 1, bumped on every edit; the HTTP ETag. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Refuses a parent that would make `id` its own ancestor. `parentOf` looks up a profile's parent.
 */
export function checkNoCycle(id: string, parentId: string | null, parentOf: (id: string) => string | null): void {
  const seen = new Set<string>([id]);
  let current = parentId;
  while (current !== null) {
    if (seen.has(current)) {
      throw appError('RULE_VIOLATION', 'parentId would make the profile inherit from itself', { field: 'parentId' });
    }
    seen.add(current);
    current = parentOf(current);
  }
}

/**
 * Parses an `If-Match` header into the revision it names: `"3"`, `W/"3"` or `3`; `*` (RFC 9110
 * §13.1.1: any current representation) is `'any'`; null when absent; NaN when it names none.
 */
export function ifMatchRevision(header: string | undefined): number | 'any' | null {
  if (header === undefined) return null;
  if (header.trim() === '*') return 'any';
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  return m?.[1] === undefined ? Number.NaN : Number(m[1]);
}
