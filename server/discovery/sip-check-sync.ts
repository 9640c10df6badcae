import { parseNameAddr, parseSipUri, type SipRequest } from './sip-message.ts';

/**
 * The "re-read your configuration" push: an unsolicited SIP NOTIFY with `Event: check-sync`
 * (Asterisk's sip_notify convention, honoured by Yealink, Poly, Snom, Grandstream, Fanvil, Cisco
 * MPP). `reboot=false` asks phones that support it to apply the new files without restarting.
 * Pure: the sender supplies addresses and random identifiers.
 */

export interface CheckSyncTarget {
  /** The Contact as stored, e.g. `<sip:201@10.0.0.5:5060;transport=udp>` or `sip:10.0.0.5`. */
  uri: string;
  host: string;
  port: number;
}

/** Reads a stored SIP contact; null when it is not a usable `sip:` address. */
export function parseContact(contact: string): CheckSyncTarget | null {
  const addr = parseNameAddr(contact);
  const uri = addr === null ? null : parseSipUri(addr.uri);
  if (addr === null || uri === null) return null;
  return { uri: addr.uri, host: uri.host, port: uri.port ?? 5060 };
}

export interface CheckSyncInput {
  target: CheckSyncTarget;
  /** Our address as the phone sees it, for Via and From. */
  local: { host: string; port: number };
  callId: string;
  fromTag: string;
  /** Unique part of the Via branch (the RFC 3261 `z9hG4bK` cookie is added). */
  branch: string;
  cseq?: number;
  /** Ask for a reboot; false unless the caller knows the phone needs one. */
  reboot?: boolean;
}

export function buildCheckSyncNotify(input: CheckSyncInput): SipRequest {
  const host = input.local.host.includes(':') ? `[${input.local.host}]` : input.local.host;
  return {
    kind: 'request',
    method: 'NOTIFY',
    uri: input.target.uri,
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP ${host}:${input.local.port};branch=z9hG4bK${input.branch};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:deskprov@${host}>;tag=${input.fromTag}` },
      { name: 'To', value: `<${input.target.uri}>` },
      { name: 'Call-ID', value: input.callId },
      { name: 'CSeq', value: `${input.cseq ?? 1} NOTIFY` },
      { name: 'Contact', value: `<sip:deskprov@${host}:${input.local.port}>` },
      { name: 'Event', value: `check-sync;reboot=${input.reboot === true ? 'true' : 'false'}` },
      // RFC 6665 §8.2.3: every NOTIFY carries Subscription-State; there is no subscription here.
      { name: 'Subscription-State', value: 'terminated' },
    ],
    body: '',
  };
}
