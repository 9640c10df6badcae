import { appError } from '../errors.ts';

/**
 * MAC addresses as phones, admins and scripts write them (CONTRACT.md):
 * `00:15:65:AA:BB:CC`, `00-15-65-aa-bb-cc`, `001565aabbcc`, `0015.65aa.bbcc`.
 * Canonical form is 12 lowercase hex digits without separators.
 */
const SPELLINGS = [
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i,
  /^[0-9a-f]{12}$/i,
  /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i,
];

export type Mac = string & { readonly __mac: unique symbol };

/** Returns the canonical MAC, or null when the text is not a usable unicast device MAC. */
export function tryParseMac(text: string): Mac | null {
  if (typeof text !== 'string' || text.length > 17) return null;
  if (!SPELLINGS.some((re) => re.test(text))) return null;
  const hex = text.replace(/[:.-]/g, '').toLowerCase();
  if (hex === '000000000000' || hex === 'ffffffffffff') return null;
  // IEEE 802: bit 0 of the first octet marks a group (multicast) address; no phone has one.
  if ((parseInt(hex.slice(0, 2), 16) & 1) === 1) return null;
  return hex as Mac;
}

export function parseMac(text: string, field = 'mac'): Mac {
  const mac = tryParseMac(text);
  if (mac === null) {
    throw appError(
      'INVALID_MAC',
      `${field} must be a unicast MAC address such as 00:15:65:aa:bb:cc (not all-zero, broadcast or multicast)`,
      { field },
    );
  }
  return mac;
}

/** `001565aabbcc` → `00:15:65:aa:bb:cc` (or upper-case / dashes, as vendors want). */
export function formatMac(mac: Mac | string, opts: { separator?: string; upper?: boolean } = {}): string {
  const sep = opts.separator ?? '';
  const pairs = mac.match(/../g) ?? [];
  const text = pairs.join(sep);
  return opts.upper ? text.toUpperCase() : text;
}
