import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhoneTrustOptions } from '../../server/services/phone-files.ts';
import { MAC, startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';
import { tftpOver } from './helpers/tftp-over-pipeline.ts';

/**
 * E911-SECURITY §2.5 item 9: a Yealink `.cfg` + `_Security.enc` downloaded and decrypted with
 * the public common key → no secrets inside. Where a site asks for encrypted files, deskprov
 * serves `<mac>.cfg` AES-128-ECB-encrypted under a per-device key, and that key (wrapped with the
 * phones' public built-in key, as Yealink's tools do) only to the device itself: in its claim
 * window, or with its credentials. Decryption here is openssl's, not the server's code.
 */

const OTHER_MAC = '44dbd2090807';
const REPO = join(import.meta.dirname, '..', '..');
/** The wrapping key as the catalogue declares it (public: CVE-2024-24681). */
const BUILT_IN_KEY = (JSON.parse(readFileSync(join(REPO, 'firmware-profiles', 'yealink', '_vendor.json'), 'utf8')) as {
  files: Array<{ name: string; encryption?: { keyWrapKey: string } }>;
}).files.find((f) => f.name === '{mac}.cfg')?.encryption?.keyWrapKey as string;

const hex = (text: string): string => Buffer.from(text, 'latin1').toString('hex');

/** `openssl enc -aes-128-ecb -d`: the file key from a key file, with the public built-in key. */
function unwrapKey(keyFile: Buffer): string {
  return execFileSync('openssl', ['enc', '-aes-128-ecb', '-d', '-nopad', '-K', hex(BUILT_IN_KEY)], { input: keyFile }).toString('latin1');
}

/** `openssl enc -aes-128-ecb -d` of a config under a 16-character file key; throws on a wrong key (bad padding). */
function decrypt(body: Buffer, key: string): Buffer {
  return execFileSync('openssl', ['enc', '-aes-128-ecb', '-d', '-K', hex(key)], { input: body, stdio: ['pipe', 'pipe', 'pipe'] });
}

let s: SecureServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function start(options: Partial<PhoneTrustOptions> = { encryptedFileSites: ['*'] }): Promise<SecureServer> {
  s = await startSecureServer(options);
  return s;
}

/** What an admin's revealed preview renders: the plaintext the phone must end up with. */
async function plaintextRender(server: SecureServer, mac: string): Promise<Buffer> {
  const res = await fetch(`${server.server.root}api/v1/devices/${mac}/files/${mac}.cfg?reveal=true`, {
    headers: { authorization: `Bearer ${server.server.adminToken}` },
  });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('item 9: per-device encrypted Yealink files', () => {
  it('serves the config encrypted; the key file unwraps to the key that decrypts it to exactly the plaintext render', async () => {
    const s = await start();
    await s.prestage();
    const cfg = await s.get(`${MAC}.cfg`);
    expect(cfg.status).toBe(200);
    expect(cfg.headers.get('content-type')).toBe('application/octet-stream');
    expect(cfg.body.length % 16).toBe(0);
    const keyFile = await s.get(`${MAC}_Security.enc`);
    expect(keyFile.status).toBe(200);
    expect(keyFile.body.length).toBe(16);
    const key = unwrapKey(keyFile.body);
    expect(key).toMatch(/^[A-Za-z0-9]{16}$/);
    const plain = decrypt(cfg.body, key);
    expect(plain.toString('utf8')).toMatch(/^#!version:1\.0\.0\.1/);
    expect(plain.equals(await plaintextRender(s, MAC))).toBe(true);
    expect(plain.toString('utf8')).toMatch(/static\.auto_provision\.server\.password\s*=\s*\S{16,}/);
    // The strong ETag names the bytes on the wire, so a phone's If-None-Match still works.
    expect((await s.get(`${MAC}.cfg`, { 'if-none-match': cfg.headers.get('etag') ?? '' })).status).toBe(304);
  }, 60_000);

  it('gives every device its own key: another device key does not decrypt this config', async () => {
    const s = await start();
    await s.prestage();
    await s.prestage(OTHER_MAC);
    const mine = await s.get(`${MAC}.cfg`);
    const myKey = unwrapKey((await s.get(`${MAC}_Security.enc`)).body);
    const otherUa = { 'user-agent': uaFor(OTHER_MAC) };
    expect((await s.get(`${OTHER_MAC}.cfg`, otherUa)).status).toBe(200);
    const otherKey = unwrapKey((await s.get(`${OTHER_MAC}_Security.enc`, otherUa)).body);
    expect(otherKey).not.toBe(myKey);
    const plain = decrypt(mine.body, myKey);
    let wrong: Buffer | null = null;
    try {
      wrong = decrypt(mine.body, otherKey);
    } catch {
      wrong = null; // "bad decrypt": the PKCS#7 padding does not check out under the wrong key
    }
    expect(wrong === null || !wrong.equals(plain)).toBe(true);
    expect(wrong?.toString('latin1') ?? '').not.toContain('pbx.example.com');
  }, 60_000);

  it('never serves the plaintext when encryption is on: not in the claim window, not with credentials, not over repeated fetches', async () => {
    const s = await start();
    await s.prestage();
    const first = await s.get(`${MAC}.cfg`);
    const key = unwrapKey((await s.get(`${MAC}_Security.enc`)).body);
    const plain = decrypt(first.body, key).toString('utf8');
    const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(plain)?.[1] ?? '';
    s.server.advance(11 * 60_000);
    const withDigest = await s.digestGet(`${MAC}.cfg`, MAC, password);
    expect(withDigest.status).toBe(200);
    for (const body of [first.body, withDigest.body]) {
      const text = body.toString('latin1');
      expect(text).not.toContain('#!version');
      expect(text).not.toContain('pbx.example.com');
      expect(text).not.toContain(password);
    }
    expect(decrypt(withDigest.body, key).toString('utf8')).toBe(plain);
  }, 60_000);

  it('refuses the key file to anyone but the device: after the claim, without credentials, it gets the uniform 401', async () => {
    const s = await start();
    await s.prestage();
    const first = await s.get(`${MAC}.cfg`);
    const key = unwrapKey((await s.get(`${MAC}_Security.enc`)).body);
    const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(decrypt(first.body, key).toString('utf8'))?.[1] ?? '';
    s.server.advance(11 * 60_000);
    // The attack: download both files and unwrap the key with the public built-in key.
    const stolenKey = await s.get(`${MAC}_Security.enc`);
    const stolenCfg = await s.get(`${MAC}.cfg`);
    const bare = await s.get(`${OTHER_MAC}.cfg`, { 'user-agent': uaFor(OTHER_MAC) });
    for (const answer of [stolenKey, stolenCfg]) {
      expect(answer.status).toBe(401);
      expect(answer.body.equals(bare.body)).toBe(true);
    }
    // The device itself, with its credentials, still gets its key.
    const own = await s.digestGet(`${MAC}_Security.enc`, MAC, password);
    expect(own.status).toBe(200);
    expect(unwrapKey(own.body)).toBe(key);
  }, 60_000);

  it('serves plaintext and no key file where the site does not ask for encryption', async () => {
    const s = await start({ encryptedFileSites: ['another-site'] });
    await s.prestage();
    const cfg = await s.get(`${MAC}.cfg`);
    expect(cfg.status).toBe(200);
    expect(cfg.body.toString('utf8')).toMatch(/^#!version:1\.0\.0\.1/);
    expect((await s.get(`${MAC}_Security.enc`)).status).toBe(404);
  }, 60_000);

  it('over TFTP: the config stays encrypted, and the key file only goes where the site allows TFTP secrets', async () => {
    const s = await start();
    await s.prestage();
    const tftp = await tftpOver(s.server);
    try {
      const withheld = await tftp.client.fetch(tftp.port, `${MAC}.cfg`);
      expect(withheld.data.toString('latin1')).not.toContain('#!version');
      await expect(tftp.client.fetch(tftp.port, `${MAC}_Security.enc`)).rejects.toThrow(/TFTP error 1/);
      const patched = await s.server.api('PATCH', `/sites/${s.ids.siteId}`, { tftpSecrets: true });
      expect(patched.status).toBe(200);
      const cfg = await tftp.client.fetch(tftp.port, `${MAC}.cfg`);
      const key = unwrapKey((await tftp.client.fetch(tftp.port, `${MAC}_Security.enc`)).data);
      expect(decrypt(cfg.data, key).toString('utf8')).toMatch(/^#!version:1\.0\.0\.1[\s\S]*pbx\.example\.com/);
    } finally {
      await tftp.close();
    }
  }, 60_000);
});
