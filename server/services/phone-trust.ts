import { createBoundedMemo } from '../domain/bounded-memo.ts';
import type { Device } from '../domain/device.ts';
import { checkCertificate, deviceCertificateOf } from '../domain/device-certificate.ts';
import { parseAuthorization, verifyBasic, verifyDigest, type DigestConfig } from '../domain/digest-auth.ts';
import { generateSecret } from '../domain/extension.ts';
import { decideAccess, type AccessVerdict, type AuthCheck } from '../domain/phone-access.ts';
import type { HttpCredentials, PhoneReadRepo } from '../store/phone-read-repo.ts';
import type { PhoneRequest } from './phone-answers.ts';

/**
 * Who may fetch a device's files: the request's credentials checked (Digest, Basic over HTTPS
 * only), the device's credentials made on first need, and the access decision with its claim
 * window (domain/phone-access.ts). docs/SECURITY.md has the rules and their reasons.
 */

export interface PhoneTrustDeps {
  phoneRepo: PhoneReadRepo;
  digest: DigestConfig;
  now: () => number;
  random: (bytes: number) => Buffer;
  claimWindowMs: number;
  graceMs: number;
  /** Site ids whose devices must authenticate with a vendor certificate (`*`: every site). */
  certificateSites?: readonly string[];
}

export function createPhoneTrust(deps: PhoneTrustDeps) {
  const { phoneRepo, digest, now } = deps;
  const isoNow = (): string => new Date(now()).toISOString();

  function checkAuth(req: PhoneRequest): { check: AuthCheck; creds: HttpCredentials | null } {
    const parsed = parseAuthorization(req.authorization);
    if (parsed.scheme === 'none' || req.transport === 'tftp') return { check: { kind: 'none' }, creds: null };
    if (parsed.scheme === 'basic') {
      // RFC 7617 §4: Basic sends the password in clear, so it is ignored over plain HTTP.
      if (req.transport !== 'https') return { check: { kind: 'invalid' }, creds: null };
      const creds = phoneRepo.credentialsByUsername(parsed.username) ?? null;
      const ok = verifyBasic(parsed, creds === null ? null : { username: creds.username, password: creds.secret });
      if (!ok || creds === null) return { check: { kind: 'invalid' }, creds: null };
      return { check: { kind: 'valid', deviceId: creds.deviceId }, creds };
    }
    if (parsed.scheme !== 'digest') return { check: { kind: 'invalid' }, creds: null };
    const creds = phoneRepo.credentialsByUsername(parsed.params.username) ?? null;
    const request = { method: req.method ?? 'GET', path: `/${req.path}` };
    const verdict = verifyDigest(digest, parsed.params, request, creds?.secret ?? null);
    if (creds === null || verdict === 'invalid') return { check: { kind: 'invalid' }, creds: null };
    return { check: { kind: verdict === 'ok' ? 'valid' : 'stale', deviceId: creds.deviceId }, creds };
  }

  function credentialsFor(device: Device): HttpCredentials {
    const existing = phoneRepo.credentialsOf(device.id);
    if (existing !== undefined) return existing;
    const at = isoNow();
    return phoneRepo.ensureCredentials({
      deviceId: device.id,
      username: device.mac,
      secret: generateSecret(deps.random),
      claimOpenUntil: null,
      handedOutAt: null,
      handedOutIp: null,
      createdAt: at,
      updatedAt: at,
    });
  }

  /** True when the device's site accepts only certificate-authenticated fetches (§2.5 item 7). */
  function certificateRequired(device: Device): boolean {
    const sites = deps.certificateSites ?? [];
    return sites.includes('*') || (device.siteId !== null && sites.includes(device.siteId));
  }

  // Every fetch asks; the answer depends on the device's last update only: parsed and printed once.
  const windowEnds = createBoundedMemo<string, string>(16_384);
  function claimOpenUntil(creds: HttpCredentials, device: Device): string {
    return creds.claimOpenUntil ?? windowEnds.get(device.updatedAt, () => new Date(Date.parse(device.updatedAt) + deps.claimWindowMs).toISOString());
  }

  /** Credentials and claim facts of a device in service, decided against the request's credentials. */
  function decide(
    req: PhoneRequest,
    device: Device | null,
    notInService: string,
  ): { verdict: AccessVerdict; creds: HttpCredentials | null } {
    const creds = device === null ? null : credentialsFor(device);
    const claim =
      device === null || creds === null
        ? null
        : { openUntil: claimOpenUntil(creds, device), handedOutAt: creds.handedOutAt, handedOutIp: creds.handedOutIp };
    const verdict = decideAccess({
      deviceId: device?.id ?? null,
      notInService,
      auth: checkAuth(req).check,
      claim,
      ip: req.ip,
      now: now(),
      graceMs: deps.graceMs,
      // Only HTTPS carries a certificate; a front end that set one on another transport is ignored.
      certificate: checkCertificate(deviceCertificateOf(req.transport === 'https' ? req.clientCertificate : undefined), device?.mac ?? null),
      certificateRequired: device !== null && certificateRequired(device),
    });
    return { verdict, creds };
  }

  return { checkAuth, credentialsFor, claimOpenUntil, certificateRequired, decide };
}

export type PhoneTrust = ReturnType<typeof createPhoneTrust>;
