import { tryParseMac } from './mac-address.ts';

/**
 * Which device a TLS client certificate speaks for (E911-SECURITY §2.5 item 7). Several vendors
 * ship phones with a factory certificate signed by the vendor's CA that names the phone's MAC in
 * the subject CN or the subjectAltName (Poly per-MAC certificates, Cisco `SEP<MAC>` MICs).
 * Pure: the facts the TLS layer verified come in, a verdict goes out. The chain and validity
 * period are checked by OpenSSL against the configured vendor CAs (`authorized`); this module
 * only reads the result and finds the MAC.
 */

/** What the TLS layer learned about the certificate the client presented. */
export interface PeerCertificateFacts {
  /** True when the chain verified against the configured vendor CAs and the certificate is in its validity period. */
  authorized: boolean;
  /** OpenSSL's reason when not authorized, e.g. `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  authorizationError?: string;
  /** Subject common names (a certificate may carry several). */
  subjectCN: readonly string[];
  /** The subjectAltName extension as Node prints it: `DNS:a, URI:b, IP Address:c`. */
  subjectAltName?: string;
}

export type DeviceCertificate =
  /** No certificate presented. */
  | { kind: 'none' }
  /** A certificate that must not be trusted: unverified chain, expired, no MAC, several MACs. */
  | { kind: 'untrusted'; reason: string }
  /** A verified certificate naming exactly one device. */
  | { kind: 'device'; mac: string };

/**
 * MACs standing alone in a name: 12 hex digits not inside a longer hex run (`SEP001565AABBCC`
 * works because `P` is no hex digit), or 6 pairs joined by one `:` or `-` that are neither part
 * of a word (`mac:` is no pair) nor of a longer run of pairs.
 */
const MAC_PATTERNS = [
  /(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])/gi,
  /(?<![0-9a-z])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-z]|[:-][0-9a-f])/gi,
];

/** Every distinct canonical MAC written in the subject CN or the subjectAltName values. */
export function macsInCertificate(facts: Pick<PeerCertificateFacts, 'subjectCN' | 'subjectAltName'>): string[] {
  const texts = [...facts.subjectCN, ...(facts.subjectAltName ?? '').split(/,\s*/).map((entry) => entry.replace(/^[A-Za-z ]+:/, ''))];
  const macs = new Set<string>();
  for (const text of texts) {
    for (const pattern of MAC_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const mac = tryParseMac(match[0]);
        if (mac !== null) macs.add(mac);
      }
    }
  }
  return [...macs];
}

/** The device a presented certificate authenticates, or why it authenticates none. */
export function deviceCertificateOf(facts: PeerCertificateFacts | undefined): DeviceCertificate {
  if (facts === undefined) return { kind: 'none' };
  if (!facts.authorized) return { kind: 'untrusted', reason: `certificate not trusted (${facts.authorizationError ?? 'unverified'})` };
  const macs = macsInCertificate(facts);
  if (macs.length === 0) return { kind: 'untrusted', reason: 'certificate names no MAC' };
  // Two MACs would let one certificate open two devices' files: trust neither.
  if (macs.length > 1) return { kind: 'untrusted', reason: 'certificate names several MACs' };
  return { kind: 'device', mac: macs[0] as string };
}

/** A presented certificate judged against the device the file name points at. */
export type CertificateCheck =
  | { kind: 'none' }
  /** A verified vendor certificate naming this device's MAC: device authentication. */
  | { kind: 'this-device' }
  /** Presented but unusable here: untrusted, or naming another (or no known) device. */
  | { kind: 'refused'; reason: string };

/** Judges `certificate` for the device with `deviceMac` (null when the name points at no device in service). */
export function checkCertificate(certificate: DeviceCertificate, deviceMac: string | null): CertificateCheck {
  if (certificate.kind === 'none') return { kind: 'none' };
  if (certificate.kind === 'untrusted') return { kind: 'refused', reason: certificate.reason };
  if (certificate.mac !== deviceMac) return { kind: 'refused', reason: 'certificate of another device' };
  return { kind: 'this-device' };
}
