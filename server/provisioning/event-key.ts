import { createHmac, timingSafeEqual } from 'node:crypto';
import { tryParseMac } from '../domain/mac-address.ts';

/**
 * The per-device key a rendered config carries in its event URLs (`api/v1/events/<key>`), so a
 * phone's action URLs, which cannot send headers, still authenticate. The key is the MAC (so the
 * server finds the device without a table scan) and an HMAC-SHA256 tag over it keyed with the
 * device's HTTP credential secret: nothing new is stored, the secret it derives from is sealed at
 * rest, the tag does not reveal that secret, and rotating the credentials invalidates every old
 * event URL at once.
 */

const TAG_BYTES = 16;
// Binds the tag to this use: the same secret also answers Digest challenges.
const LABEL = 'deskprov event key v1';
const KEY_SHAPE = /^([0-9a-f]{12})([A-Za-z0-9_-]{22})$/;

function tagOf(mac: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${LABEL}\n${mac}`).digest().subarray(0, TAG_BYTES);
}

/** The event key of a device (canonical lowercase MAC) whose HTTP credential secret is `secret`. */
export function eventKeyFor(mac: string, secret: string): string {
  return `${mac}${tagOf(mac, secret).toString('base64url')}`;
}

/** The MAC an event key names, or null when the text is not shaped like an event key. */
export function eventKeyMac(key: string): string | null {
  const m = KEY_SHAPE.exec(key);
  return m === null ? null : tryParseMac(m[1] as string);
}

/** True when `key` is the event key of `mac` under `secret` (constant time in the tag). */
export function eventKeyMatches(key: string, mac: string, secret: string): boolean {
  const m = KEY_SHAPE.exec(key);
  if (m === null || m[1] !== mac) return false;
  const given = Buffer.from(m[2] as string, 'base64url');
  const expected = tagOf(mac, secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
