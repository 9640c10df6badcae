import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/**
 * E911-SECURITY §2.5 item 12: a fresh install → random secrets of 16+ characters; a warning for
 * weak ones. deskprov generates every secret itself (no API sets one), so none can be weak; the
 * one secret an operator can choose, DESKPROV_ADMIN_TOKEN, is refused when short.
 */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

describe('item 12: generated secrets', () => {
  it('gives every extension a distinct 24-character secret and every device a distinct HTTP secret', async () => {
    const secrets: string[] = [];
    for (let i = 0; i < 20; i++) {
      const user = await s.server.api('POST', '/users', { name: `User ${i}`, email: `u${i}@example.com`, siteId: s.ids.siteId });
      expect(user.status).toBe(201);
      secrets.push((await s.server.api('POST', `/extensions/${user.body.extension.number}/secret:reveal`)).body.secret as string);
    }
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
    // Roughly uniform over the alphabet: no character is more than 4x as common as expected.
    const counts = new Map<string, number>();
    for (const c of secrets.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThan((4 * secrets.join('').length) / 62);

    await s.prestage();
    const first = await s.claim();
    await s.prestage('44dbd2010204', { userId: undefined, standalone: true });
    const second = await s.claim('44dbd2010204');
    expect(first).toMatch(/^\S{24}$/);
    expect(second).not.toBe(first);
  });

  it('refuses a chosen admin token shorter than 16 characters', async () => {
    expect(() => s.server.services.tokens.ensureBootstrap('fifteen-chars-x')).toThrow(/at least 16/);
    expect(() => s.server.services.tokens.ensureBootstrap('sixteen-chars-xy')).not.toThrow();
  });
});
