import type { CertificateCheck } from './device-certificate.ts';

/**
 * Who may fetch a device's own files (DESIGN.md "Phone-facing trust"). Pure: facts in, a verdict
 * out; the pipeline gathers the facts (device record, credentials, Digest check) and acts on it.
 *
 * - A device not in service (unknown, discovered, awaiting claim, other site's network, model or
 *   UA that does not fit) is `refuse`d exactly like wrong credentials: one uniform answer.
 * - Credentials of another device are `forbidden` whatever the target is (E911-SECURITY §2.5
 *   item 5); answering the same for unknown targets keeps this from being an oracle.
 * - Trust on first use: until the claim window closes, the device's files are served without
 *   credentials and carry its credentials; after the first hand-out, the same source may finish
 *   that boot within `graceMs`; from then on credentials are required.
 * - A verified vendor certificate naming this device's MAC authenticates it like credentials
 *   (§2.5 item 7); any other presented certificate is refused uniformly, and a site that requires
 *   certificates refuses everything else (credentials and claim window alike).
 */

export type AuthCheck =
  /** No usable credentials in the request. */
  | { kind: 'none' }
  /** Credentials that verify for this device. */
  | { kind: 'valid'; deviceId: string }
  /** Credentials that do not verify (wrong password, unknown user, malformed, Basic over HTTP). */
  | { kind: 'invalid' }
  /** Correct password on an expired nonce: challenge again with stale=true (RFC 7616 §3.3). */
  | { kind: 'stale'; deviceId: string };

export interface ClaimFacts {
  /** ISO time the claim window closes. */
  openUntil: string;
  handedOutAt: string | null;
  handedOutIp: string | null;
}

export interface AccessFacts {
  /** The device the file name points at, when it exists and is in service. */
  deviceId: string | null;
  /** Why the device is not in service (for logs), when deviceId is null. */
  notInService?: string;
  auth: AuthCheck;
  /** Claim facts of the device; null when it has no credentials yet (claim not started). */
  claim: ClaimFacts | null;
  ip: string;
  now: number;
  graceMs: number;
  /** The client certificate judged against this device; absent or `none` when none was presented. */
  certificate?: CertificateCheck;
  /** True when the device's site accepts only certificate-authenticated fetches. */
  certificateRequired?: boolean;
}

export type AccessVerdict =
  | { kind: 'serve'; via: 'credentials' | 'certificate' | 'claim-window' | 'claim-grace'; firstHandOut: boolean }
  | { kind: 'refuse'; reason: string }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'stale' };

/** Decides one request for a device file. */
export function decideAccess(facts: AccessFacts): AccessVerdict {
  const { auth } = facts;
  const certificate = facts.certificate ?? { kind: 'none' };
  // A certificate that does not fit is refused like wrong credentials: the same uniform answer.
  if (certificate.kind === 'refused') return { kind: 'refuse', reason: certificate.reason };
  if ((auth.kind === 'valid' || auth.kind === 'stale') && auth.deviceId !== facts.deviceId) {
    return { kind: 'forbidden', reason: 'credentials of another device' };
  }
  if (facts.deviceId === null) return { kind: 'refuse', reason: facts.notInService ?? 'unknown device' };
  if (certificate.kind === 'this-device') {
    // The genuine device has its credentials now: the claim window closes for everyone else.
    return { kind: 'serve', via: 'certificate', firstHandOut: facts.claim !== null && facts.claim.handedOutAt === null };
  }
  if (facts.certificateRequired === true) return { kind: 'refuse', reason: 'client certificate required' };
  if (auth.kind === 'valid') return { kind: 'serve', via: 'credentials', firstHandOut: false };
  if (auth.kind === 'stale') return { kind: 'stale' };
  if (auth.kind === 'invalid') return { kind: 'refuse', reason: 'wrong credentials' };
  const claim = facts.claim;
  if (claim === null) return { kind: 'refuse', reason: 'no credentials' };
  if (claim.handedOutAt === null) {
    if (facts.now < Date.parse(claim.openUntil)) return { kind: 'serve', via: 'claim-window', firstHandOut: true };
    return { kind: 'refuse', reason: 'claim window closed' };
  }
  const sinceHandOut = facts.now - Date.parse(claim.handedOutAt);
  if (claim.handedOutIp === facts.ip && sinceHandOut >= 0 && sinceHandOut < facts.graceMs) {
    return { kind: 'serve', via: 'claim-grace', firstHandOut: false };
  }
  return { kind: 'refuse', reason: 'credentials required' };
}
