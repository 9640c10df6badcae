import { appError } from '../errors.ts';
import type { ExtensionRange } from './site.ts';

export type ExtensionKind = 'user' | 'standalone';

export interface Extension {
  number: number;
  siteId: string;
  kind: ExtensionKind;
  /** SIP authentication user name. */
  authUser: string;
  /** SIP password: never leaves the server except by reveal or in a phone's config. */
  secret: string;
  displayName: string;
  /** E.164 number from the numbers inventory shown on outbound calls. */
  outboundCallerId: string | null;
  voicemail: boolean;
  /** Set while the extension has no owner but is kept for a restore. */
  retainedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The lowest number of the range not in `taken`, or null when the range is full. `taken` must be
 * ascending (the store reads it in index order), so one pass finds the first gap.
 */
export function lowestFree(range: ExtensionRange, taken: readonly number[]): number | null {
  let candidate = range.first;
  for (const n of taken) {
    if (n > candidate) break;
    if (n === candidate) candidate++;
  }
  return candidate <= range.last ? candidate : null;
}

export function inRange(range: ExtensionRange, n: number): boolean {
  return n >= range.first && n <= range.last;
}

export function checkInRange(range: ExtensionRange, n: number, field = 'extension'): void {
  if (!inRange(range, n)) {
    throw appError('EXTENSION_OUT_OF_RANGE', `${field} ${n} is outside the site's range ${range.first}-${range.last}`, {
      field,
    });
  }
}

// No look-alikes (0/O, 1/l/I) so a secret read aloud or typed on a phone keypad survives.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export const SECRET_LENGTH = 24;

/**
 * A SIP secret of SECRET_LENGTH characters drawn uniformly from ALPHABET (~137 bits).
 * Rejection sampling avoids modulo bias; `random` is crypto.randomBytes in production.
 */
export function generateSecret(random: (bytes: number) => Buffer, length = SECRET_LENGTH): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < limit && out.length < length) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}
