import ipaddr from 'ipaddr.js';
import { createBoundedMemo } from './bounded-memo.ts';

/**
 * Site network allow-list for phone-facing requests (DESIGN.md "Phone-facing trust"; E911-SECURITY
 * §2.5 item 2: a request from outside the allowed networks is refused before any lookup). Pure.
 *
 * IPv4 clients reaching a dual-stack listener arrive as IPv4-mapped IPv6 (`::ffff:10.0.0.5`);
 * they are unwrapped so an IPv4 CIDR still matches them.
 */

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A pre-parsed allow-list: parse CIDRs once, match many requests. */
export interface NetworkGuard {
  /** True when no network is declared: the guard is open (a laptop or lab install). */
  readonly open: boolean;
  /** True when `address` lies in one of the networks (or the guard is open). */
  allows(address: string): boolean;
}

/**
 * Parsed source addresses by their text: a phone request parses its source three times (its key
 * in the pipeline, the server-wide guard, its site's guard) and a phone sends several requests.
 * Bounded; emptied when full. The parsed values are shared: never mutated.
 */
const parsedSources = createBoundedMemo<string, ipaddr.IPv4 | ipaddr.IPv6 | null>(4_096);

/** Parses a source address, unwrapping IPv4-mapped IPv6; null for anything that is not an address. */
export function parseSourceAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  return parsedSources.get(address, () => parseAddress(address));
}

const sourceTexts = createBoundedMemo<string, string>(4_096);

/** The address as logged and keyed (IPv4-mapped IPv6 unwrapped, canonical form); the input when it is not one. */
export function sourceAddressText(address: string): string {
  return sourceTexts.get(address, () => parseSourceAddress(address)?.toString() ?? address);
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

/**
 * Builds a guard over CIDRs (IPv4 or IPv6). Invalid CIDRs are ignored here because sites validate
 * them on write (`domain/site.ts`); an empty list yields an open guard.
 */
export function networkGuard(networks: readonly string[]): NetworkGuard {
  const ranges: Range[] = [];
  for (const cidr of networks) {
    try {
      ranges.push(ipaddr.parseCIDR(cidr));
    } catch {
      // Unparseable entries match nothing: failing closed for that entry only.
    }
  }
  const open = networks.length === 0;
  return {
    open,
    allows(address: string): boolean {
      if (open) return true;
      const addr = parseSourceAddress(address);
      if (addr === null) return false;
      return ranges.some((range) => range[0].kind() === addr.kind() && addr.match(range));
    },
  };
}

/**
 * The server-wide guard checked before any lookup: the union of every site's networks. Open when
 * no site declares a network, so a fresh install provisions phones on any LAN it is reachable on.
 */
export function unionGuard(sites: ReadonlyArray<{ networks: readonly string[] }>): NetworkGuard {
  return networkGuard(sites.flatMap((site) => site.networks));
}
