import ipaddr from 'ipaddr.js';
import { appError } from '../errors.ts';
import { checkText } from './text.ts';

/** The kinds of network evidence a location can be mapped from (Teams LIS order of precedence). */
export const NETWORK_MAP_KINDS = ['bssid', 'switchPort', 'switch', 'subnet'] as const;
export type NetworkMapKind = (typeof NETWORK_MAP_KINDS)[number];

/** An LLDP identifier with its subtype (IEEE 802.1AB §8.5.2.2 / §8.5.3.2, lldpd's names). */
export interface LldpId {
  type: string;
  value: string;
}

/** What an admin posts (CONTRACT.md `POST /api/v1/network-map`). */
export interface NetworkMapInput {
  locationId: string;
  kind: NetworkMapKind;
  bssid?: string;
  chassisId?: string;
  chassisIdType?: string;
  portId?: string;
  cidr?: string;
}

/** A normalised network map entry. `key` is unique per kind; identical keys are duplicates. */
export interface NetworkMapEntry {
  id: string;
  locationId: string;
  kind: NetworkMapKind;
  key: string;
  /** Lowercase colon form; may end in one or two `*` hex digits. */
  bssid?: string;
  chassisId?: LldpId;
  portId?: string;
  cidr?: string;
}

export type NewNetworkMapEntry = Omit<NetworkMapEntry, 'id'>;

const MAC_LIKE = [
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i,
  /^[0-9a-f]{12}$/i,
  /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i,
];

function colonForm(hex12: string): string {
  return (hex12.match(/../g) ?? []).join(':');
}

/** `00-1A-2B-3C-4D-5E` → `00:1a:2b:3c:4d:5e`; null when the text is not a MAC spelling. */
export function normaliseMacLike(text: string): string | null {
  const trimmed = text.trim();
  if (!MAC_LIKE.some((re) => re.test(trimmed))) return null;
  return colonForm(trimmed.replace(/[:.-]/g, '').toLowerCase());
}

/**
 * Normalises an LLDP chassis or port id so the admin's spelling and the switch's match: ids that
 * look like a MAC (whatever the subtype says; many switches send the bridge MAC as `local`)
 * become lowercase colon form, anything else is kept as sent, trimmed.
 */
export function normaliseLldpId(value: string, type = 'local'): LldpId {
  const mac = normaliseMacLike(value);
  if (mac !== null) return { type: 'mac', value: mac };
  return { type: type.trim().toLowerCase() || 'local', value: value.trim() };
}

/** A BSSID pattern as 12 hex digits with 0–2 trailing `*` (Teams: wildcard in the last 1–2 characters). */
export function normaliseBssid(text: string, field = 'bssid'): string {
  const hex = text.trim().toLowerCase().replace(/[:.-]/g, '');
  if (!/^[0-9a-f]{10}[0-9a-f*]{2}$/.test(hex) || /\*[0-9a-f]/.test(hex)) {
    throw appError(
      'INVALID_FIELD',
      `${field} must be a MAC such as 00:1a:2b:3c:4d:5e, optionally ending in one or two * hex digits`,
      { field },
    );
  }
  return colonForm(hex);
}

/** The fixed hex digits of a BSSID pattern (`00:1a:2b:3c:4d:5*` → `001a2b3c4d5`). */
function bssidPrefix(bssid: string): string {
  return bssid.replace(/:/g, '').replace(/\*+$/, '');
}

/** True when a reported BSSID falls in the pattern. */
export function bssidMatches(pattern: string, reported: string): boolean {
  const mac = normaliseMacLike(reported);
  if (mac === null) return false;
  return mac.replace(/:/g, '').startsWith(bssidPrefix(pattern));
}

/** Parses a network; host bits are refused so `10.0.0.5/24` is not taken for `10.0.0.0/24`. */
export function normaliseCidr(text: string, field = 'cidr'): string {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text.trim());
  } catch {
    throw appError('INVALID_FIELD', `${field} must be a network in CIDR form such as 10.1.0.0/16 or 2001:db8::/48`, {
      field,
    });
  }
  const [addr, prefix] = parsed;
  const network =
    addr.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(text.trim())
      : ipaddr.IPv6.networkAddressFromCIDR(text.trim());
  if (network.toString() !== addr.toString()) {
    throw appError('INVALID_FIELD', `${field} has host bits set; did you mean ${network.toString()}/${prefix}?`, {
      field,
    });
  }
  return `${addr.toString()}/${prefix}`;
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value.trim() === '') {
    throw appError('INVALID_FIELD', `${field} is required for this kind`, { field });
  }
  return checkText(value, field);
}

/** Validates and normalises an admin's entry; the key identifies duplicates. */
export function normaliseNetworkMapEntry(input: NetworkMapInput): NewNetworkMapEntry {
  const locationId = required(input.locationId, 'locationId');
  switch (input.kind) {
    case 'bssid': {
      const bssid = normaliseBssid(required(input.bssid, 'bssid'));
      return { locationId, kind: 'bssid', key: bssid, bssid };
    }
    case 'switchPort': {
      const chassisId = normaliseLldpId(required(input.chassisId, 'chassisId'), input.chassisIdType);
      const portId = normaliseLldpId(required(input.portId, 'portId')).value;
      return { locationId, kind: 'switchPort', key: `${chassisId.value}|${portId}`, chassisId, portId };
    }
    case 'switch': {
      const chassisId = normaliseLldpId(required(input.chassisId, 'chassisId'), input.chassisIdType);
      return { locationId, kind: 'switch', key: chassisId.value, chassisId };
    }
    case 'subnet': {
      const cidr = normaliseCidr(required(input.cidr, 'cidr'));
      return { locationId, kind: 'subnet', key: cidr, cidr };
    }
    default:
      throw appError('INVALID_FIELD', `kind must be one of ${NETWORK_MAP_KINDS.join(', ')}`, { field: 'kind' });
  }
}

/**
 * Finds the entry a new one clashes with, or null. Like Teams' LIS: an identical key is a
 * duplicate, and BSSID ranges may not overlap (a BSSID inside an existing wildcard, or a wildcard
 * covering an existing BSSID), whatever their locations. Overlapping subnets are allowed: the
 * longest prefix wins at resolution.
 */
export function findConflict(entry: NewNetworkMapEntry, existing: readonly NetworkMapEntry[]): NetworkMapEntry | null {
  for (const other of existing) {
    if (other.kind !== entry.kind) continue;
    if (other.key === entry.key) return other;
    if (entry.kind === 'bssid' && other.bssid !== undefined && entry.bssid !== undefined) {
      const a = bssidPrefix(entry.bssid);
      const b = bssidPrefix(other.bssid);
      if (a.startsWith(b) || b.startsWith(a)) return other;
    }
  }
  return null;
}

/** Throws CONFLICT (409) naming the field at fault when the entry clashes with an existing one. */
export function assertNoConflict(entry: NewNetworkMapEntry, existing: readonly NetworkMapEntry[]): void {
  const other = findConflict(entry, existing);
  if (other === null) return;
  const field = entry.kind === 'bssid' ? 'bssid' : entry.kind === 'subnet' ? 'cidr' : 'chassisId';
  const what = other.key === entry.key ? 'duplicates' : 'overlaps';
  throw appError('CONFLICT', `this ${entry.kind} entry ${what} network map entry ${other.id} (${other.key})`, {
    field,
    details: { existingId: other.id },
  });
}
