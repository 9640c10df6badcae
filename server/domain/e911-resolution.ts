import ipaddr from 'ipaddr.js';
import type { NetworkEvidence } from './e911-evidence.ts';
import { bssidMatches, normaliseLldpId, type NetworkMapEntry } from './network-map.ts';

/** How a device's location was found (CONTRACT.md `GET /api/v1/devices/{mac}/status`). */
export type MatchedBy = 'bssid' | 'switchPort' | 'switch' | 'subnet' | 'assigned' | 'siteDefault';

/** The fallbacks a device has when its network evidence matches nothing. */
export interface DeviceLocationFallbacks {
  /** The location an admin bound to the device (or its extension), if any. */
  assignedLocationId: string | null;
  /** The default location of the device's site, if the site has one. */
  siteDefaultLocationId: string | null;
}

export interface Resolution {
  locationId: string | null;
  matchedBy: MatchedBy | null;
  /** The network map entry that matched, for network matches. */
  entryId: string | null;
  /** True when no network evidence or assignment placed the device (site default or nothing). */
  unresolved: boolean;
}

function parseAddress(ip: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ip === undefined) return null;
  const text = ip.split('/')[0] ?? '';
  if (!ipaddr.isValid(text)) return null;
  const addr = ipaddr.parse(text);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

function prefixOf(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

function inSubnet(addr: ipaddr.IPv4 | ipaddr.IPv6, cidr: string): boolean {
  const range = ipaddr.parseCIDR(cidr);
  return range[0].kind() === addr.kind() && addr.match(range);
}

function found(entry: NetworkMapEntry, matchedBy: MatchedBy): Resolution {
  return { locationId: entry.locationId, matchedBy, entryId: entry.id, unresolved: false };
}

/**
 * Resolves a device's emergency location from its network evidence, in Teams' LIS order
 * (E911-SECURITY.md §1.1): Wi-Fi BSSID, then switch chassis + port, then chassis alone, then the
 * longest matching subnet; failing those, the device's assigned location, then the site default,
 * flagged unresolved. Among BSSID entries an exact one beats a wildcard (the map forbids overlap,
 * so at most one matches anyway).
 */
export function resolveLocation(
  evidence: NetworkEvidence | undefined,
  entries: readonly NetworkMapEntry[],
  device: DeviceLocationFallbacks,
): Resolution {
  const ev = evidence ?? {};
  if (ev.bssid !== undefined) {
    const bssid = ev.bssid;
    const hits = entries.filter((e) => e.kind === 'bssid' && e.bssid !== undefined && bssidMatches(e.bssid, bssid));
    const hit = hits.find((e) => !e.bssid!.includes('*')) ?? hits[0];
    if (hit) return found(hit, 'bssid');
  }
  if (ev.lldp !== undefined) {
    const chassis = normaliseLldpId(ev.lldp.chassisId.value, ev.lldp.chassisId.type).value;
    const port = normaliseLldpId(ev.lldp.portId.value, ev.lldp.portId.type).value;
    const byPort = entries.find((e) => e.kind === 'switchPort' && e.chassisId?.value === chassis && e.portId === port);
    if (byPort) return found(byPort, 'switchPort');
    const bySwitch = entries.find((e) => e.kind === 'switch' && e.chassisId?.value === chassis);
    if (bySwitch) return found(bySwitch, 'switch');
  }
  const addr = parseAddress(ev.ip);
  if (addr !== null) {
    let best: NetworkMapEntry | null = null;
    for (const e of entries) {
      if (e.kind !== 'subnet' || e.cidr === undefined || !inSubnet(addr, e.cidr)) continue;
      if (best === null || prefixOf(e.cidr) > prefixOf(best.cidr!)) best = e;
    }
    if (best !== null) return found(best, 'subnet');
  }
  if (device.assignedLocationId !== null) {
    return { locationId: device.assignedLocationId, matchedBy: 'assigned', entryId: null, unresolved: false };
  }
  if (device.siteDefaultLocationId !== null) {
    return { locationId: device.siteDefaultLocationId, matchedBy: 'siteDefault', entryId: null, unresolved: true };
  }
  return { locationId: null, matchedBy: null, entryId: null, unresolved: true };
}

/** True when the resolved location changed (an audit event, DESIGN.md "E911"). */
export function resolutionChanged(before: Resolution | null, after: Resolution): boolean {
  return before === null || before.locationId !== after.locationId || before.matchedBy !== after.matchedBy;
}
