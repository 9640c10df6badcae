import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTlsCertificate, listenHttps, type HttpsListener } from '../../server/http/tls.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';

const MAC = '44dbd2010203';
const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';
const POLY_MAC = '0004f2aabb01';
const POLY_UA = 'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2494 Type/Application';

let server: PhoneServer;
let ids: Awaited<ReturnType<typeof seed>>;
let https: HttpsListener | undefined;

beforeEach(async () => {
  server = await startPhoneServer();
  ids = await seed(server);
});
afterEach(async () => {
  await https?.close();
  https = undefined;
  await server.close();
});

async function phone(name: string, init: RequestInit & { ua?: string } = {}) {
  const res = await fetch(`${server.root}${name}`, { ...init, headers: { 'user-agent': init.ua ?? UA, ...(init.headers as Record<string, string>) } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('admin view of device files', () => {
  it('lists the files the phone fetches and shows each with secrets masked', async () => {
    await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
    const list = await server.api('GET', `/devices/${MAC}/files`);
    expect(list.status).toBe(200);
    expect(list.body.files.map((f: { name: string }) => f.name)).toEqual([`${MAC}.boot`, 'y000000000000.boot', 'y000000000150.cfg', `${MAC}.cfg`, 'yealink-directory.xml']);
    expect(list.body.claim).toMatchObject({ username: MAC, handedOutAt: null });
    await phone(`${MAC}.cfg`);
    const claimed = await server.api('GET', `/devices/${MAC}/files`);
    expect(claimed.body.claim.handedOutAt).toEqual(expect.any(String));
    expect(JSON.stringify(claimed.body)).not.toMatch(/"secret"|"password"/);
    const masked = await server.api('GET', `/devices/${MAC}/files/${MAC}.cfg`);
    expect(masked.status).toBe(200);
    expect(masked.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(masked.body).toContain('account.1.password = ********');
    expect(masked.body).toContain('static.auto_provision.server.password = ********');
  });

  it('reveals real bytes only to a super-admin, with an audit event', async () => {
    await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
    const admin = await server.api('POST', '/tokens', { name: 'ops', role: 'admin' });
    expect(admin.status).toBe(201);
    const refused = await server.api('GET', `/devices/${MAC}/files/${MAC}.cfg?reveal=true`, undefined, { authorization: `Bearer ${admin.body.token}` });
    expect(refused.status).toBe(403);
    const revealed = await server.api('GET', `/devices/${MAC}/files/${MAC}.cfg?reveal=true`);
    expect(revealed.status).toBe(200);
    expect(revealed.body).not.toContain('********');
    const served = await phone(`${MAC}.cfg`);
    expect(revealed.body).toBe(served.body.toString());
    const audit = await server.api('GET', '/audit?action=device.file.reveal');
    expect(JSON.stringify(audit.body)).toContain(`${MAC}.cfg`);
  });

  it('shows what changes since the bytes last served', async () => {
    const profile = await server.api('POST', '/profiles', { name: 'P', settings: { raw: { yealink: { 'features.example': 'one' } } } });
    await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId, profileId: profile.body.id });
    const before = await server.api('GET', `/devices/${MAC}/files/${MAC}.cfg?diff=served`);
    expect(before.body.served).toBeNull();
    expect((await phone(`${MAC}.cfg`)).status).toBe(200);
    const same = await server.api('GET', `/devices/${MAC}/files/${MAC}.cfg?diff=served`);
    expect(same.body.changed).toBe(false);
    await server.api('PATCH', `/profiles/${profile.body.id}`, { settings: { raw: { yealink: { 'features.example': 'two' } } } }, { 'if-match': `"${profile.body.revision}"` });
    const changed = await server.api('GET', `/devices/${MAC}/files/${MAC}.cfg?diff=served`);
    expect(changed.body.changed).toBe(true);
    expect(changed.body.diff).toContain('-features.example = one');
    expect(changed.body.diff).toContain('+features.example = two');
    expect(changed.body.diff).not.toMatch(/password = (?!\*{8})\S/);
    const list = await server.api('GET', `/devices/${MAC}/files`);
    const cfg = list.body.files.find((f: { name: string }) => f.name === `${MAC}.cfg`);
    expect(cfg).toMatchObject({ changedSinceServed: true, served: { transport: 'http' } });
    const status = await server.api('GET', `/devices/${MAC}/status`);
    expect(status.status).toBe(200);
    expect(status.body.served).toMatchObject({ file: `${MAC}.cfg`, revision: 1 });
  });
});

describe('firmware', () => {
  const image = Buffer.alloc(200_000, 7);
  const sha = createHash('sha256').update(image).digest('hex');

  async function upload(body: Buffer, sha256: string) {
    const res = await fetch(`${server.root}api/v1/firmware/yealink/T54W-96.86.0.70.rom`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/octet-stream', 'x-checksum-sha256': sha256 },
      body: new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  it('stores an upload whose sha256 matches and serves it with Range', async () => {
    const stored = await upload(image, sha);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ size: image.length, sha256: sha });
    const full = await phone('firmware/yealink/T54W-96.86.0.70.rom');
    expect(full.status).toBe(200);
    expect(full.body.equals(image)).toBe(true);
    const part = await phone('firmware/yealink/T54W-96.86.0.70.rom', { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${image.length}`);
    expect(part.body.length).toBe(100);
    expect((await phone('firmware/yealink/T54W-96.86.0.70.rom', { headers: { range: `bytes=${image.length}-` } })).status).toBe(416);
    const etag = full.headers.get('etag') ?? '';
    const resumed = await phone('firmware/yealink/T54W-96.86.0.70.rom', { headers: { range: 'bytes=199000-', 'if-range': etag } });
    expect(resumed.status).toBe(206);
    expect(resumed.body.equals(image.subarray(199_000))).toBe(true);
    const changed = await phone('firmware/yealink/T54W-96.86.0.70.rom', { headers: { range: 'bytes=199000-', 'if-range': '"other"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.length).toBe(image.length);
  });

  it('refuses a wrong sha256 or an image over the size cap and keeps nothing', async () => {
    const wrong = await upload(image, '0'.repeat(64));
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.field).toBe('sha256');
    const big = Buffer.alloc(1024 * 1024 + 1, 1);
    const tooBig = await upload(big, createHash('sha256').update(big).digest('hex'));
    expect(tooBig.status).toBe(413);
    expect((await phone('firmware/yealink/T54W-96.86.0.70.rom')).status).toBe(404);
  });

  it('points the phone at a firmware pinned in its profile', async () => {
    const profile = await server.api('POST', '/profiles', { name: 'FW', settings: { firmware: { 'poly/vvx450': { version: '6.4.6', file: 'sip-6.4.6.ld' } } } });
    expect(profile.status).toBe(201);
    await server.api('POST', '/devices', { mac: POLY_MAC, model: 'poly/vvx450', siteId: ids.siteId, userId: ids.userId, profileId: profile.body.id });
    const master = await phone(`${POLY_MAC}.cfg`, { ua: POLY_UA });
    expect(master.status).toBe(200);
    expect(master.body.toString()).toContain(`${server.root}firmware/poly/sip-6.4.6.ld`);
  });
});

describe('Poly uploads', () => {
  it('keeps a log a provisioned Poly phone uploads and refuses one for an unknown MAC uniformly', async () => {
    await server.api('POST', '/devices', { mac: POLY_MAC, model: 'poly/vvx450', siteId: ids.siteId, userId: ids.userId });
    const ok = await phone(`${POLY_MAC}-app.log`, { method: 'PUT', ua: POLY_UA, body: 'boot ok\n', headers: { 'content-type': 'text/plain' } });
    expect(ok.status).toBe(204);
    const stored = server.front.phoneRepo.uploads((await server.api('GET', `/devices/${POLY_MAC}`)).body.id);
    expect(stored).toEqual([expect.objectContaining({ file: `${POLY_MAC}-app.log`, size: 8 })]);
    const unknown = await phone('0004f2ffffff-app.log', { method: 'PUT', ua: POLY_UA, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(unknown.status).toBe(401);
    const other = await phone(`${POLY_MAC}-notes.txt`, { method: 'PUT', ua: POLY_UA, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(other.status).toBe(404);
  });
});

describe('HTTPS', () => {
  it('generates a certificate on first use, reuses it, and accepts Basic credentials only over TLS', async () => {
    const dir = join(server.dir, 'tls');
    const tls = await ensureTlsCertificate(dir, ['127.0.0.1']);
    expect(tls.generated).toBe(true);
    const again = await ensureTlsCertificate(dir, ['127.0.0.1']);
    expect(again.generated).toBe(false);
    expect(again.fingerprint256).toBe(tls.fingerprint256);
    https = await listenHttps(server.app, tls, { host: '127.0.0.1', port: 0 });
    await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
    const first = await phone(`${MAC}.cfg`);
    const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(first.body.toString())?.[1] ?? '';
    server.advance(11 * 60_000);
    const basic = `Basic ${Buffer.from(`${MAC}:${password}`).toString('base64')}`;
    expect((await phone(`${MAC}.cfg`, { headers: { authorization: basic } })).status).toBe(401);
    const get = (auth?: string) =>
      new Promise<{ status: number; challenge: string }>((resolve, reject) => {
        const req = httpsRequest(
          `${https?.url}${MAC}.cfg`,
          { ca: tls.cert, headers: { 'user-agent': UA, ...(auth === undefined ? {} : { authorization: auth }) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: String(res.headers['www-authenticate'] ?? '') }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const challenge = await get();
    expect(challenge.status).toBe(401);
    expect(challenge.challenge).toContain('Basic realm="deskprov"');
    expect((await get(basic)).status).toBe(200);
  });
});
