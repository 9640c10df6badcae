import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTlsCertificate, listenHttps, type HttpsListener, type TlsMaterial } from '../../server/http/tls.ts';
import { readVendorCaBundles } from '../../server/http/tls-client-cert.ts';
import type { PhoneTrustOptions } from '../../server/services/phone-files.ts';
import { createLogger } from '../../server/logger.ts';
import { serve } from '../../server/main.ts';
import { testConfig } from '../integration/helpers/test-config.ts';
import { MAC, UA, startSecureServer, uaFor, type SecureServer } from './helpers/secure-server.ts';
import { tftpOver } from './helpers/tftp-over-pipeline.ts';
import { createVendorPki, type DeviceCert, type VendorPki } from './helpers/vendor-pki.ts';

/**
 * E911-SECURITY §2.5 item 7: an mTLS certificate from a trusted vendor CA but with a different
 * MAC, or from an untrusted CA → rejected. deskprov asks phones over HTTPS for their factory
 * certificate (verified against configured vendor CA bundles); one naming the file's MAC
 * authenticates the device, every other presented certificate gets the uniform refusal, and a
 * site that requires certificates refuses Digest-only fetches. Real curl against 127.0.0.1.
 */

const run = promisify(execFile);
const OTHER_MAC = '44dbd2090807';

interface CurlAnswer {
  status: number;
  body: string;
  headers: string;
}

let pki: VendorPki;
let foreign: VendorPki;
let tlsDir: string;
let material: TlsMaterial;
let right: DeviceCert;
let rightByAltName: DeviceCert;
let other: DeviceCert;
let expired: DeviceCert;
let selfSigned: DeviceCert;
let outsider: DeviceCert;

beforeAll(async () => {
  pki = createVendorPki();
  right = pki.device('right', `/O=Test Phone Vendor/CN=${MAC}`);
  rightByAltName = pki.device('right-san', '/O=Test Phone Vendor/CN=SIP phone', `URI:urn:dev:mac:${MAC.match(/../g)?.join(':')}`);
  other = pki.device('other', `/O=Test Phone Vendor/CN=${OTHER_MAC}`);
  expired = pki.expired('expired', `/CN=${MAC}`);
  selfSigned = pki.selfSigned('self', `/O=Test Phone Vendor/CN=${MAC}`);
  // A well-formed CA of its own (an attacker's, or a vendor not configured) with the right MAC.
  foreign = createVendorPki();
  outsider = foreign.device('outsider', `/CN=${MAC}`);
  tlsDir = mkdtempSync(join(tmpdir(), 'deskprov-mtls-'));
  material = await ensureTlsCertificate(tlsDir, ['127.0.0.1']);
}, 60_000);

afterAll(() => {
  pki.close();
  foreign.close();
  rmSync(tlsDir, { recursive: true, force: true });
});

let s: SecureServer | undefined;
let listener: HttpsListener | undefined;
afterEach(async () => {
  await listener?.close();
  await s?.close();
  listener = undefined;
  s = undefined;
});

/** The pipeline with HTTPS that asks for client certificates verified against the vendor CA file. */
async function start(options: Partial<PhoneTrustOptions> = {}): Promise<{ s: SecureServer; url: string }> {
  s = await startSecureServer(options);
  const clientCa = await readVendorCaBundles([pki.caFile]);
  listener = await listenHttps(s.server.app, { ...material, clientCa }, { host: '127.0.0.1', port: 0 });
  return { s, url: listener.url };
}

/** curl as a phone: trusts the server certificate, optionally presents a client certificate or Digest credentials. */
async function curl(
  url: string,
  opts: { cert?: DeviceCert; digest?: { user: string; password: string }; ua?: string; cacert?: string } = {},
): Promise<CurlAnswer> {
  const out = mkdtempSync(join(tmpdir(), 'deskprov-curl-'));
  const args = ['-sS', '--max-time', '20', '--cacert', opts.cacert ?? join(tlsDir, 'cert.pem'), '-A', opts.ua ?? UA, '-o', join(out, 'body'), '-D', join(out, 'headers'), '-w', '%{http_code}'];
  if (opts.cert !== undefined) args.push('--cert', opts.cert.cert, '--key', opts.cert.key);
  if (opts.digest !== undefined) args.push('--digest', '-u', `${opts.digest.user}:${opts.digest.password}`);
  try {
    const { stdout } = await run('curl', [...args, url]);
    return { status: Number(stdout.trim()), body: readFileSync(join(out, 'body'), 'utf8'), headers: readFileSync(join(out, 'headers'), 'utf8') };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The status line and headers that must be identical between two refusals (the nonce aside). */
function shape(answer: CurlAnswer): { status: number; body: string; challenges: number } {
  return { status: answer.status, body: answer.body, challenges: (answer.headers.match(/^www-authenticate:/gim) ?? []).length };
}

describe('item 7: client certificates from vendor CAs', () => {
  it('serves a claimed device its config on a vendor certificate naming its MAC, in the CN or the subjectAltName', async () => {
    const { s, url } = await start();
    await s.prestage();
    await s.claim();
    const withoutCert = await curl(`${url}${MAC}.cfg`);
    expect(withoutCert.status).toBe(401);
    for (const cert of [right, rightByAltName]) {
      const served = await curl(`${url}${MAC}.cfg`, { cert });
      expect(served.status, JSON.stringify(s.server.logs.at(-1))).toBe(200);
      expect(served.body).toContain('pbx.example.com');
      expect(served.body).toMatch(/static\.auto_provision\.server\.password\s*=\s*\S{16,}/);
    }
    const log = s.server.logs.find((line) => line.event === 'deskprov.phone' && line.via === 'certificate');
    expect(log).toMatchObject({ outcome: 'served', mac: MAC, transport: 'https' });
  }, 60_000);

  it('refuses a vendor certificate of another MAC with the same answer as no credentials at all', async () => {
    const { s, url } = await start();
    await s.prestage();
    await s.prestage(OTHER_MAC);
    await s.claim();
    const refused = await curl(`${url}${MAC}.cfg`, { cert: other });
    const bare = await curl(`${url}${MAC}.cfg`);
    expect(shape(refused)).toEqual(shape(bare));
    expect(refused.status).toBe(401);
    expect(refused.body).not.toContain('pbx.example.com');
    // The same certificate does open its own device's file (still inside that device's claim window).
    expect((await curl(`${url}${OTHER_MAC}.cfg`, { cert: other, ua: uaFor(OTHER_MAC) })).status).toBe(200);
    expect(s.server.logs.some((line) => line.reason === 'certificate of another device')).toBe(true);
  }, 60_000);

  it('refuses self-signed, expired and foreign-CA certificates naming the right MAC, even inside the claim window', async () => {
    const { s, url } = await start();
    await s.prestage();
    for (const cert of [selfSigned, expired, outsider]) {
      const answer = await curl(`${url}${MAC}.cfg`, { cert });
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain('pbx.example.com');
    }
    const reasons = s.server.logs.filter((line) => line.outcome === 'refused').map((line) => String(line.reason));
    expect(reasons.some((r) => r.includes('CERT_HAS_EXPIRED'))).toBe(true);
    expect(reasons.some((r) => /SELF_SIGNED/.test(r))).toBe(true);
    expect(reasons.some((r) => /UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY/.test(r))).toBe(true);
    // Nothing was handed out: the device's own first fetch still gets its config.
    expect((await curl(`${url}${MAC}.cfg`)).status).toBe(200);
  }, 60_000);

  it('refuses an untrusted certificate even when the request also carries the right Digest credentials', async () => {
    const { s, url } = await start();
    await s.prestage();
    const password = await s.claim();
    expect((await curl(`${url}${MAC}.cfg`, { digest: { user: MAC, password } })).status).toBe(200);
    expect((await curl(`${url}${MAC}.cfg`, { digest: { user: MAC, password }, cert: selfSigned })).status).toBe(401);
  }, 60_000);

  it('refuses Digest-only and claim-window fetches where a site requires certificates, and serves the certificate', async () => {
    const { s, url } = await start({ certificateSites: ['*'] });
    await s.prestage();
    // Inside the claim window, without a certificate: refused.
    expect((await curl(`${url}${MAC}.cfg`)).status).toBe(401);
    expect(s.server.logs.some((line) => line.reason === 'client certificate required')).toBe(true);
    const served = await curl(`${url}${MAC}.cfg`, { cert: right });
    expect(served.status).toBe(200);
    const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(served.body)?.[1] ?? '';
    expect(password).not.toBe('');
    s.server.advance(11 * 60_000);
    // The phone's own, correct Digest credentials without its certificate: refused.
    expect((await curl(`${url}${MAC}.cfg`, { digest: { user: MAC, password } })).status).toBe(401);
    // Plain HTTP cannot carry a certificate at all.
    expect((await s.digestGet(`${MAC}.cfg`, MAC, password)).status).toBe(401);
    expect((await curl(`${url}${MAC}.cfg`, { cert: right })).status).toBe(200);
  }, 60_000);

  it('withholds secrets over TFTP where a site requires certificates, even if the site allows TFTP secrets', async () => {
    const { s } = await start({ certificateSites: ['*'] });
    await s.prestage();
    expect((await s.server.api('PATCH', `/sites/${s.ids.siteId}`, { tftpSecrets: true })).status).toBe(200);
    const tftp = await tftpOver(s.server);
    try {
      const text = (await tftp.client.fetch(tftp.port, `${MAC}.cfg`)).data.toString();
      expect(text).toContain('pbx.example.com');
      expect(text).not.toMatch(/auto_provision\.server\.password\s*=\s*\S/);
      expect(text).not.toMatch(/account\.1\.password\s*=\s*\S/);
    } finally {
      await tftp.close();
    }
  }, 60_000);

  it('requires certificates only on the sites named', async () => {
    const { s, url } = await start({ certificateSites: ['some-other-site'] });
    await s.prestage();
    expect((await curl(`${url}${MAC}.cfg`)).status).toBe(200);
  }, 60_000);

  it('works as `deskprov serve` wires it: phoneSecurity in the config loads the vendor CA for the HTTPS listener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskprov-mtls-serve-'));
    const config = {
      ...testConfig(join(dir, 'data')),
      https: { host: '127.0.0.1', port: 0 },
      adminToken: 'mtls-test-admin-token-0123456789',
      phoneSecurity: { clientCaFiles: [pki.caFile], certificateSites: ['*'], encryptedFileSites: [] },
    };
    const running = await serve(config, { print: () => {}, logger: createLogger({ level: 'silent' }) });
    try {
      const token = config.adminToken as string;
      const api = async (path: string, body: unknown): Promise<Record<string, any>> => {
        const res = await fetch(`${running.httpUrl}api/v1${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(201);
        return (await res.json()) as Record<string, any>;
      };
      const site = await api('/sites', {
        name: 'HQ',
        timezone: 'Europe/Berlin',
        networks: ['127.0.0.0/8'],
        extensionRange: { first: 1000, last: 1999 },
        registrar: { host: 'pbx.example.com' },
      });
      const user = await api('/users', { name: 'Alice Example', email: 'alice@example.com', siteId: site.id });
      await api('/devices', { mac: MAC, model: 'yealink/t54w', siteId: site.id, userId: user.id });
      const url = running.https?.url ?? '';
      const cacert = join(config.dataDir, 'tls', 'cert.pem');
      expect((await curl(`${url}${MAC}.cfg`, { cacert })).status).toBe(401);
      expect((await curl(`${url}${MAC}.cfg`, { cacert, cert: other })).status).toBe(401);
      const served = await curl(`${url}${MAC}.cfg`, { cacert, cert: right });
      expect(served.status).toBe(200);
      expect(served.body).toContain('pbx.example.com');
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
