import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, UA, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/**
 * E911-SECURITY §2.5 item 10: reuse of a consumed or expired enrollment token, brute force of
 * the token → rejected, then lockout. deskprov's enrollment is the claim window (trust on first
 * use, docs/SECURITY.md): consumed by the first hand-out, closed after 7 days; the secret it
 * hands out is what a brute force would guess, and misses ban the source.
 */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer({ ban: { maxMisses: 10, windowMs: 600_000, banMs: 900_000 } });
});
afterEach(async () => {
  await s.close();
});

/** A request from another loopback address, as a second machine on the LAN would send it. */
function getFrom(localAddress: string, name: string): Promise<{ status: number; body: string }> {
  const url = new URL(name, s.server.root);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: url.port, path: url.pathname, localAddress, headers: { 'user-agent': UA } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('item 10: the claim window as a one-time enrollment', () => {
  it('is consumed by the first hand-out: another source gets 401 at once, the same source after the boot grace', async () => {
    await s.prestage();
    expect((await s.get(`${MAC}.cfg`)).status).toBe(200);
    const other = await getFrom('127.0.0.2', `${MAC}.cfg`);
    expect(other.status).toBe(401);
    expect(other.body).not.toMatch(/password/i);
    s.server.advance(11 * 60_000);
    expect((await s.get(`${MAC}.cfg`)).status).toBe(401);
  });

  it('expires unused after 7 days', async () => {
    await s.prestage();
    s.server.advance(7 * 24 * 3_600_000 + 60_000);
    expect((await s.get(`${MAC}.cfg`)).status).toBe(401);
  });

  it('locks a source out after 10 wrong passwords, even for the right one', async () => {
    await s.prestage();
    const password = await s.claim();
    // One challenge (the first miss), then guesses under its nonce: each wrong one is a miss.
    const challenge = await s.challenge(`${MAC}.cfg`);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const guess = s.answer(challenge, `${MAC}.cfg`, MAC, `guess-${i}-0123456789abcdef`);
      statuses.push((await s.get(`${MAC}.cfg`, { authorization: guess })).status);
    }
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses[9]).toBe(429);
    const right = await s.get(`${MAC}.cfg`, { authorization: s.answer(challenge, `${MAC}.cfg`, MAC, password) });
    expect(right.status).toBe(429);
    expect(right.body.toString()).not.toMatch(/password/i);
    expect(password.length).toBeGreaterThanOrEqual(16);
  });
});
