import { createHmac, hash as oneShotHash, timingSafeEqual } from 'node:crypto';
import { createBoundedMemo, type BoundedMemo } from './bounded-memo.ts';

/**
 * HTTP Digest access authentication (RFC 7616) for phones fetching their files, plus Basic
 * (RFC 7617) parsing for HTTPS only. Pure: the key and the clock are injected.
 *
 * Nonces are stateless: 8 bytes of issue time (ms) followed by 16 bytes of HMAC-SHA-256 over that
 * time, base64url (always 32 characters, so every challenge has the same length and a refusal never
 * varies in size). A nonce older than `nonceTtlMs` is answered with `stale=true` (RFC 7616 §3.3) so
 * the phone retries without asking anyone for a password. Nonce counts are not tracked: replay of
 * a captured response is bounded by the nonce lifetime, and phones should use HTTPS where the LAN
 * is not trusted (docs/SECURITY.md).
 */

export type DigestAlgorithm = 'SHA-256' | 'MD5';

export interface DigestConfig {
  realm: string;
  /** HMAC key for nonces; random per process (or persisted to survive restarts). */
  key: Buffer;
  now: () => number;
  nonceTtlMs: number;
}

/** Parameters of an `Authorization: Digest …` header (RFC 7616 §3.4). */
export interface DigestResponse {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

export type ParsedAuthorization =
  | { scheme: 'digest'; params: DigestResponse }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'none' }
  | { scheme: 'malformed' };

export type DigestVerdict = 'ok' | 'stale' | 'invalid';

const NONCE_BYTES = 24;
const TIME_BYTES = 8;

// One-shot hashes (no Hash object per call): a verified request takes five of them.
function hash(algorithm: DigestAlgorithm, text: string): string {
  return oneShotHash(algorithm === 'MD5' ? 'md5' : 'sha256', text, 'hex');
}

/** Equal-time string comparison: both sides are hashed first so lengths never leak either. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(oneShotHash('sha256', a, 'buffer'), oneShotHash('sha256', b, 'buffer'));
}

/** A fresh server nonce for `config.now()`. */
export function issueNonce(config: DigestConfig): string {
  const time = Buffer.alloc(TIME_BYTES);
  time.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(config.now()))));
  const mac = createHmac('sha256', config.key).update(time).digest().subarray(0, NONCE_BYTES - TIME_BYTES);
  return Buffer.concat([time, mac]).toString('base64url');
}

/**
 * What the HMAC check made of each nonce, per configuration (its issue time, or null when it is not
 * one of ours): a phone sends the same nonce with each of its files. Bounded; emptied when full.
 */
const checkedNonces = new WeakMap<DigestConfig, BoundedMemo<string, number | null>>();

/** The nonce's issue time when this configuration's key made it, else null. */
function issueTimeOf(config: DigestConfig, nonce: string): number | null {
  const raw = Buffer.from(nonce, 'base64url');
  if (raw.length !== NONCE_BYTES || raw.toString('base64url') !== nonce) return null;
  const time = raw.subarray(0, TIME_BYTES);
  const expected = createHmac('sha256', config.key).update(time).digest().subarray(0, NONCE_BYTES - TIME_BYTES);
  return timingSafeEqual(expected, raw.subarray(TIME_BYTES)) ? Number(time.readBigUInt64BE()) : null;
}

/** 'ok' for a nonce this server issued within the TTL, 'stale' when older, 'invalid' otherwise. */
export function checkNonce(config: DigestConfig, nonce: string): DigestVerdict {
  let checked = checkedNonces.get(config);
  if (checked === undefined) {
    checked = createBoundedMemo(4_096);
    checkedNonces.set(config, checked);
  }
  const issuedAt = checked.get(nonce, () => issueTimeOf(config, nonce));
  if (issuedAt === null) return 'invalid';
  const age = config.now() - issuedAt;
  if (age < -60_000) return 'invalid';
  return age > config.nonceTtlMs ? 'stale' : 'ok';
}

/** The opaque value depends on the key and realm only: computed once per configuration. */
const opaques = new WeakMap<DigestConfig, string>();

function opaqueOf(config: DigestConfig): string {
  let opaque = opaques.get(config);
  if (opaque === undefined) {
    opaque = createHmac('sha256', config.key).update(`opaque:${config.realm}`).digest('base64url').slice(0, 22);
    opaques.set(config, opaque);
  }
  return opaque;
}

/**
 * `WWW-Authenticate` values, strongest first (RFC 7616 §3.7: the server lists SHA-256 before MD5;
 * many phones only implement MD5). Same length for every call with the same `stale`.
 */
export function digestChallenges(config: DigestConfig, options: { stale?: boolean } = {}): string[] {
  const nonce = issueNonce(config);
  const opaque = opaqueOf(config);
  const stale = options.stale === true ? ', stale=true' : '';
  return (['SHA-256', 'MD5'] as const).map(
    (algorithm) =>
      `Digest realm="${config.realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="${opaque}"${stale}`,
  );
}

/** The Basic challenge, to send only over HTTPS (RFC 7617 §4: Basic exposes the password). */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm}", charset="UTF-8"`;
}

// RFC 7235 §2.1 auth-param: token = token / quoted-string.
const PARAM = /\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;

function parseParams(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < text.length) {
    const start = PARAM.lastIndex;
    const m = PARAM.exec(text);
    if (m === null || PARAM.lastIndex === start) return null;
    const name = (m[1] ?? '').toLowerCase();
    out[name] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/** Parses an `Authorization` header into Digest params or Basic credentials. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') return { scheme: 'none' };
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { scheme: 'malformed' };
    return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (scheme !== 'digest') return { scheme: 'malformed' };
  const p = parseParams(rest);
  if (p === null) return { scheme: 'malformed' };
  const { username, realm, nonce, uri, response } = p;
  // userhash (RFC 7616 §3.4.4) is not offered in our challenge, so a hashed user name is refused.
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined || p.userhash === 'true') {
    return { scheme: 'malformed' };
  }
  const params: DigestResponse = { username, realm, nonce, uri, response, algorithm: p.algorithm ?? 'MD5' };
  if (p.qop !== undefined) params.qop = p.qop;
  if (p.nc !== undefined) params.nc = p.nc;
  if (p.cnonce !== undefined) params.cnonce = p.cnonce;
  if (p.opaque !== undefined) params.opaque = p.opaque;
  return { scheme: 'digest', params };
}

function algorithmOf(name: string): { algorithm: DigestAlgorithm; session: boolean } | null {
  const upper = name.toUpperCase();
  const session = upper.endsWith('-SESS');
  const base = session ? upper.slice(0, -'-SESS'.length) : upper;
  if (base === 'MD5' || base === 'SHA-256') return { algorithm: base, session };
  return null;
}

/** The `response` a client holding `password` computes (RFC 7616 §3.4.1-3.4.3). */
export function expectedResponse(params: DigestResponse, method: string, password: string): string | null {
  const alg = algorithmOf(params.algorithm);
  if (alg === null) return null;
  const H = (text: string) => hash(alg.algorithm, text);
  let ha1 = H(`${params.username}:${params.realm}:${password}`);
  if (alg.session) ha1 = H(`${ha1}:${params.nonce}:${params.cnonce ?? ''}`);
  const ha2 = H(`${method}:${params.uri}`);
  if (params.qop === undefined) return H(`${ha1}:${params.nonce}:${ha2}`); // RFC 2069 compatibility
  if (params.qop !== 'auth' || params.nc === undefined || params.cnonce === undefined) return null;
  return H(`${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:${params.qop}:${ha2}`);
}

/**
 * Verifies a Digest response for `method` and request `path` against the password of the user
 * it names. The caller looks the password up by `params.username` and passes `null` when there is
 * none: the same work is done either way so timing does not reveal which user names exist.
 */
export function verifyDigest(
  config: DigestConfig,
  params: DigestResponse,
  request: { method: string; path: string },
  password: string | null,
): DigestVerdict {
  const expected = expectedResponse(params, request.method, password ?? 'x'.repeat(24)) ?? '';
  const matches = constantTimeEqual(expected, params.response.toLowerCase());
  if (password === null || expected === '' || !matches) return 'invalid';
  if (params.realm !== config.realm) return 'invalid';
  // RFC 7616 §3.4.6: the digest URI must name the requested resource.
  if (params.uri !== request.path && !params.uri.endsWith(request.path)) return 'invalid';
  if (params.opaque !== undefined && params.opaque !== opaqueOf(config)) return 'invalid';
  return checkNonce(config, params.nonce);
}

/** Verifies Basic credentials in constant time. */
export function verifyBasic(given: { username: string; password: string }, expected: { username: string; password: string } | null): boolean {
  const user = constantTimeEqual(given.username, expected?.username ?? '');
  const pass = constantTimeEqual(given.password, expected?.password ?? '');
  return expected !== null && user && pass;
}
