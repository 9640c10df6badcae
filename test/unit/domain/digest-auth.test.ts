import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  basicChallenge,
  checkNonce,
  digestChallenges,
  expectedResponse,
  parseAuthorization,
  verifyBasic,
  verifyDigest,
  type DigestConfig,
  type DigestResponse,
} from '../../../server/domain/digest-auth.ts';

function config(now = 1_700_000_000_000): DigestConfig & { at: (t: number) => void } {
  let t = now;
  return { realm: 'deskprov', key: Buffer.alloc(32, 7), now: () => t, nonceTtlMs: 300_000, at: (v) => (t = v) };
}

function nonceOf(challenge: string): string {
  return /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
}

/** What a phone computes, written out from RFC 7616 §3.4.1 independently of the module. */
function clientResponse(alg: 'md5' | 'sha256', p: Omit<DigestResponse, 'response'>, password: string): string {
  const H = (s: string) => createHash(alg).update(s).digest('hex');
  const ha1 = H(`${p.username}:${p.realm}:${password}`);
  const ha2 = H(`GET:${p.uri}`);
  return H(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

describe('digest auth', () => {
  it('offers SHA-256 before MD5, with challenges of constant length', () => {
    const cfg = config();
    const first = digestChallenges(cfg);
    expect(first[0]).toContain('algorithm=SHA-256');
    expect(first[1]).toContain('algorithm=MD5');
    cfg.at(1_800_000_000_123);
    const later = digestChallenges(cfg);
    expect(later.map((c) => c.length)).toEqual(first.map((c) => c.length));
    expect(nonceOf(later[0] ?? '')).not.toBe(nonceOf(first[0] ?? ''));
  });

  it.each([
    ['MD5', 'md5'],
    ['SHA-256', 'sha256'],
  ] as const)('accepts a correct %s response and refuses a wrong password', (algorithm, alg) => {
    const cfg = config();
    const nonce = nonceOf(digestChallenges(cfg)[0] ?? '');
    const base = { username: 'dev-0015651234ab', realm: 'deskprov', nonce, uri: '/0015651234ab.cfg', algorithm, qop: 'auth', nc: '00000001', cnonce: 'abc' };
    const good = { ...base, response: clientResponse(alg, base, 'Pa55word-long-enough') };
    expect(verifyDigest(cfg, good, { method: 'GET', path: '/0015651234ab.cfg' }, 'Pa55word-long-enough')).toBe('ok');
    expect(verifyDigest(cfg, good, { method: 'GET', path: '/0015651234ab.cfg' }, 'other')).toBe('invalid');
    expect(verifyDigest(cfg, good, { method: 'GET', path: '/0015651234ab.cfg' }, null)).toBe('invalid');
    expect(verifyDigest(cfg, good, { method: 'GET', path: '/001565ffffff.cfg' }, 'Pa55word-long-enough')).toBe('invalid');
  });

  it('marks a correct response on an expired nonce as stale and refuses forged nonces', () => {
    const cfg = config();
    const nonce = nonceOf(digestChallenges(cfg)[0] ?? '');
    cfg.at(1_700_000_000_000 + 300_001);
    expect(checkNonce(cfg, nonce)).toBe('stale');
    expect(checkNonce(cfg, 'A'.repeat(32))).toBe('invalid');
    expect(checkNonce(cfg, 'short')).toBe('invalid');
    expect(checkNonce({ ...cfg, key: Buffer.alloc(32, 8) }, nonce)).toBe('invalid');
  });

  it('ages a nonce it has already checked, and still refuses a forged neighbour of it', () => {
    const cfg = config();
    const nonce = nonceOf(digestChallenges(cfg)[0] ?? '');
    expect(checkNonce(cfg, nonce)).toBe('ok');
    expect(checkNonce(cfg, nonce)).toBe('ok');
    const last = nonce.at(-1) === 'A' ? 'B' : 'A';
    expect(checkNonce(cfg, `${nonce.slice(0, -1)}${last}`)).toBe('invalid');
    cfg.at(1_700_000_000_000 + 300_001);
    expect(checkNonce(cfg, nonce)).toBe('stale');
  });

  it('parses Digest and Basic headers and reports malformed ones', () => {
    const digest = parseAuthorization('Digest username="a\\"b", realm="deskprov", nonce="n", uri="/x.cfg", response="r", qop=auth, nc=00000001, cnonce="c"');
    expect(digest).toEqual({
      scheme: 'digest',
      params: { username: 'a"b', realm: 'deskprov', nonce: 'n', uri: '/x.cfg', response: 'r', algorithm: 'MD5', qop: 'auth', nc: '00000001', cnonce: 'c' },
    });
    expect(parseAuthorization(`Basic ${Buffer.from('u:p:q').toString('base64')}`)).toEqual({ scheme: 'basic', username: 'u', password: 'p:q' });
    expect(parseAuthorization(undefined)).toEqual({ scheme: 'none' });
    expect(parseAuthorization('Bearer abc')).toEqual({ scheme: 'malformed' });
    expect(parseAuthorization('Digest username="u"')).toEqual({ scheme: 'malformed' });
    expect(parseAuthorization('Digest username="u", realm="r", nonce="n", uri="/", response="x", userhash=true')).toEqual({ scheme: 'malformed' });
    expect(parseAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toEqual({ scheme: 'malformed' });
  });

  it('supports RFC 2069 responses without qop and the -sess variants', () => {
    const p = { username: 'u', realm: 'deskprov', nonce: 'n', uri: '/a', response: '', algorithm: 'MD5' };
    const H = (s: string) => createHash('md5').update(s).digest('hex');
    expect(expectedResponse(p, 'GET', 'pw')).toBe(H(`${H('u:deskprov:pw')}:n:${H('GET:/a')}`));
    const sess = { ...p, algorithm: 'MD5-sess', qop: 'auth', nc: '1', cnonce: 'c' };
    const ha1 = H(`${H('u:deskprov:pw')}:n:c`);
    expect(expectedResponse(sess, 'GET', 'pw')).toBe(H(`${ha1}:n:1:c:auth:${H('GET:/a')}`));
    expect(expectedResponse({ ...p, algorithm: 'SHA-512-256' }, 'GET', 'pw')).toBeNull();
    expect(expectedResponse({ ...p, qop: 'auth-int' }, 'GET', 'pw')).toBeNull();
  });

  it('compares Basic credentials and builds the Basic challenge', () => {
    expect(verifyBasic({ username: 'u', password: 'p' }, { username: 'u', password: 'p' })).toBe(true);
    expect(verifyBasic({ username: 'u', password: 'x' }, { username: 'u', password: 'p' })).toBe(false);
    expect(verifyBasic({ username: 'u', password: 'p' }, null)).toBe(false);
    expect(basicChallenge('deskprov')).toBe('Basic realm="deskprov", charset="UTF-8"');
  });
});
