import { appError, errorBody, type ErrorCode } from '../errors.ts';
import type { BanList } from '../domain/ban-list.ts';
import { basicChallenge, digestChallenges, type DigestConfig } from '../domain/digest-auth.ts';
import type { PeerCertificateFacts } from '../domain/device-certificate.ts';
import type { CachedFile } from '../provisioning/render-cache.ts';

/**
 * What the phone pipeline answers and logs: the request and result shapes shared by HTTP and
 * TFTP, the fixed refusal bodies, and the one uniform refusal (docs/SECURITY.md).
 */

export type PhoneTransport = 'http' | 'https' | 'tftp';

export interface PhoneRequest {
  /** The requested name (URL path without the leading `/`, or the TFTP file name). */
  path: string;
  userAgent?: string | undefined;
  ip: string;
  transport: PhoneTransport;
  /** HTTP method for Digest (`GET`, `HEAD`, `PUT`); TFTP uses `GET`. */
  method?: string;
  authorization?: string | undefined;
  /** The TLS client certificate presented on this connection (HTTPS with vendor CAs configured). */
  clientCertificate?: PeerCertificateFacts | undefined;
}

/** What happened, as one log line (never a secret, never a password or Authorization header). */
export interface PhoneLogEvent {
  event: 'deskprov.phone';
  outcome: 'served' | 'refused' | 'forbidden' | 'not-found' | 'outside-networks' | 'banned' | 'stale' | 'uploaded';
  file: string;
  ip: string;
  transport: PhoneTransport;
  status: number;
  reason?: string;
  mac?: string;
  model?: string;
  ua?: string;
  revision?: string;
  /** The access path for served files: credentials, claim-window, claim-grace, shared. */
  via?: string;
}

export interface PhoneResult {
  status: 200 | 204 | 401 | 403 | 404 | 413 | 429;
  body?: Buffer;
  headers: Record<string, string | string[]>;
  contentType: string;
  etag?: string;
  logEvent: PhoneLogEvent;
  /** The vendor the request was identified as, when the pipeline got that far (metrics label). */
  vendor?: string;
  /** Set when this request banned its source: log it once, in the line fail2ban matches. */
  ban?: { ip: string; misses: number };
}

/** Fixed bodies: built once from the error table, identical on every refusal (no oracle in sizes). */
const bodyOf = (code: ErrorCode, message: string): Buffer => Buffer.from(JSON.stringify(errorBody(appError(code, message))));
export const UNIFORM_BODY = bodyOf('UNAUTHORIZED', 'authentication required');
export const FORBIDDEN_BODY = bodyOf('FORBIDDEN', 'these credentials do not open this file');
export const NOT_FOUND_BODY = bodyOf('NOT_FOUND', 'no such file');
/** Also used by the firmware route: same refusal for the same reason. */
export const OUTSIDE_BODY = bodyOf('FORBIDDEN', 'this network may not fetch phone files');
export const BANNED_BODY = bodyOf('RATE_LIMITED', 'too many failed requests from this address');
export const TOO_LARGE_BODY = bodyOf('PAYLOAD_TOO_LARGE', 'upload too large');
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Builds answers for one pipeline: its ban list counts the misses, its Digest config issues nonces. */
export function createPhoneAnswers(deps: { bans: BanList; digest: DigestConfig }) {
  const { bans, digest } = deps;
  function event(req: PhoneRequest, outcome: PhoneLogEvent['outcome'], status: number, extra: Partial<PhoneLogEvent> = {}): PhoneLogEvent {
    const out: PhoneLogEvent = { event: 'deskprov.phone', outcome, file: req.path, ip: req.ip, transport: req.transport, status, ...extra };
    if (req.userAgent !== undefined && out.ua === undefined) out.ua = req.userAgent.slice(0, 200);
    return out;
  }

  function jsonAnswer(status: PhoneResult['status'], body: Buffer, logEvent: PhoneLogEvent, headers: Record<string, string | string[]> = {}): PhoneResult {
    return { status, body, contentType: JSON_TYPE, headers: { 'cache-control': 'no-store', ...headers }, logEvent };
  }

  /** Counts a miss toward the source's ban; the result carries the ban when this miss started it. */
  function miss(result: PhoneResult, ip: string): PhoneResult {
    const verdict = bans.recordMiss(ip);
    return verdict.justBanned ? { ...result, ban: { ip, misses: verdict.misses } } : result;
  }

  /**
   * The one answer for unknown MAC, wrong or missing credentials, device not yet claimed: 401
   * with a fresh Digest challenge (Basic too over HTTPS). Same status, headers and body length
   * every time (nonces have a fixed length); see docs/SECURITY.md for why 401, not 404.
   */
  function uniform(req: PhoneRequest, reason: string, extra: Partial<PhoneLogEvent> = {}, stale = false): PhoneResult {
    const challenges = digestChallenges(digest, { stale });
    if (req.transport === 'https') challenges.push(basicChallenge(digest.realm));
    const logEvent = event(req, stale ? 'stale' : 'refused', 401, { reason, ...extra });
    const result = jsonAnswer(401, UNIFORM_BODY, logEvent, { 'www-authenticate': challenges });
    return stale ? result : miss(result, req.ip);
  }

  function served(req: PhoneRequest, file: CachedFile, revision: string, extra: Partial<PhoneLogEvent>): PhoneResult {
    return {
      status: 200,
      body: file.body,
      contentType: file.contentType,
      etag: file.etag,
      headers: { 'cache-control': 'no-cache, private' },
      logEvent: event(req, 'served', 200, { revision, ...extra }),
    };
  }

  return { event, jsonAnswer, miss, uniform, served };
}
