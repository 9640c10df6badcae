import ipaddr from 'ipaddr.js';
import { appError } from '../errors.ts';
import type { Transport } from '../provisioning/types.ts';
import { checkText } from './text.ts';

export interface Registrar {
  host: string;
  port?: number;
  transport?: Transport;
}

export interface ExtensionRange {
  first: number;
  last: number;
}

export interface Site {
  id: string;
  name: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string;
  /** Networks phones of this site call from (CIDR, IPv4 or IPv6). */
  networks: string[];
  extensionRange: ExtensionRange;
  registrar: Registrar;
  /** Whether files with SIP secrets may be served over TFTP (no transport security). */
  tftpSecrets: boolean;
  /** SIP NOTIFY check-sync after edits (docs/DISCOVERY.md "check-sync"); `allowed` defaults to true. */
  checkSync: CheckSyncPolicy;
  createdAt: string;
  updatedAt: string;
}

/**
 * Whether deskprov may push a check-sync NOTIFY to the site's phones. An object, not a bare flag,
 * so a later per-site knob (reboot, throttle) sits beside it without a new top-level field.
 */
export interface CheckSyncPolicy {
  allowed: boolean;
}

export type SiteFields = Omit<Site, 'id' | 'createdAt' | 'updatedAt'>;

/** A new site pushes check-sync, as every site did before the switch existed. */
export const DEFAULT_CHECK_SYNC: CheckSyncPolicy = { allowed: true };

/** True when the runtime's ICU knows the IANA zone. */
export function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

/** Parses a CIDR; refuses host bits so `10.0.0.5/24` is not taken for `10.0.0.0/24`. */
export function parseCidr(text: string, field: string): string {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    throw appError('INVALID_FIELD', `${field} must be a network in CIDR form such as 10.1.0.0/16`, { field });
  }
  const [addr, prefix] = parsed;
  const network =
    addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  if (network.toString() !== addr.toString()) {
    throw appError('INVALID_FIELD', `${field} has host bits set; did you mean ${network.toString()}/${prefix}?`, {
      field,
    });
  }
  return `${addr.toString()}/${prefix}`;
}

/** True when the address lies in one of the networks. */
export function addressInNetworks(address: string, networks: readonly string[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return networks.some((cidr) => {
    const range = ipaddr.parseCIDR(cidr);
    return range[0].kind() === addr.kind() && addr.match(range);
  });
}

const HOST = /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/;

/** Validates and normalises the fields of a site (for create, or a merged patch). */
export function validateSite(input: SiteFields): SiteFields {
  const name = checkText(input.name, 'name');
  if (!isTimezone(input.timezone)) {
    throw appError('INVALID_FIELD', 'timezone must be an IANA time zone such as Europe/Berlin', { field: 'timezone' });
  }
  const networks = input.networks.map((cidr, i) => parseCidr(cidr, `networks[${i}]`));
  const { first, last } = input.extensionRange;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first) {
    throw appError('INVALID_FIELD', 'extensionRange needs whole numbers with 1 <= first <= last', {
      field: 'extensionRange',
    });
  }
  const host = input.registrar.host;
  if (!(HOST.test(host) || ipaddr.IPv6.isValid(host)) || host.length > 253) {
    throw appError('INVALID_FIELD', 'registrar.host must be a host name or IP address', { field: 'registrar.host' });
  }
  return { ...input, name, networks, extensionRange: { first, last }, checkSync: { allowed: input.checkSync.allowed } };
}
