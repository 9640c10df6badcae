import ipaddr from 'ipaddr.js';
import { addressInNetworks } from './site.ts';

/**
 * A phone's SIP contact as the phone (its agent, or its action URL) reported it: where its SIP
 * user agent listens, so a check-sync NOTIFY reaches it even when its SIP port is not 5060 or its
 * HTTP fetches come from another address. Only an IP literal and a port: a host name would need
 * DNS, which a phone's own contact never does, and anything else is a string to refuse.
 */
export interface SipContact {
  /** IPv4 dotted quad or IPv6 (no zone), canonical form. */
  ip: string;
  /** 1–65535. */
  port: number;
}

/** Ranges a NOTIFY must never be aimed at: no phone listens there, and they fan out or loop back to nobody. */
const NEVER = new Set(['unspecified', 'multicast', 'broadcast']);

function canonicalIp(text: string): string | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const v4 = ipaddr.IPv4.parse(text);
    return NEVER.has(v4.range()) ? null : v4.toString();
  }
  // ipaddr accepts a zone (`fe80::1%eth0`); a zone names an interface of the reporter, not ours.
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  const v6 = ipaddr.IPv6.parse(text);
  return NEVER.has(v6.range()) ? null : v6.toString();
}

/**
 * Checks a stored or received contact (`{ip, port}`); the canonical contact, or null when it is
 * not an IP literal and a port 1–65535 with nothing else.
 */
export function checkSipContact(value: unknown): SipContact | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { ip, port, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof ip !== 'string' || ip.length > 45 || typeof port !== 'number') return null;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  const canonical = canonicalIp(ip);
  return canonical === null ? null : { ip: canonical, port };
}

/**
 * Reads `<ipv4>:<port>` or `[<ipv6>]:<port>` (an action URL's `sipContact` query value); null
 * for anything else.
 */
export function parseSipContact(text: string): SipContact | null {
  const match = /^(?:([0-9.]{7,15})|\[([0-9A-Fa-f:.]{2,45})\]):([0-9]{1,5})$/.exec(text);
  if (match === null) return null;
  return checkSipContact({ ip: match[1] ?? match[2], port: Number(match[3]) });
}

/** The contact as a `sip:` URI for the NOTIFY's request line (RFC 3261 §19.1.1; IPv6 in brackets). */
export function sipUriOf(contact: SipContact): string {
  return contact.ip.includes(':') ? `sip:[${contact.ip}]:${contact.port}` : `sip:${contact.ip}:${contact.port}`;
}

/**
 * Whether deskprov may send to a reported contact of a device on a site with these networks. The
 * report is the device's own claim: on a site that lists its networks, a contact outside them is
 * not used, so a device token cannot aim NOTIFYs at any host it likes.
 */
export function contactOnSiteNetworks(contact: SipContact, networks: readonly string[]): boolean {
  return networks.length === 0 || addressInNetworks(contact.ip, networks);
}
