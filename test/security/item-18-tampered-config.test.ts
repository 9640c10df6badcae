import https from 'node:https';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTlsCertificate, listenHttps, type HttpsListener } from '../../server/http/tls.ts';
import { MAC, UA, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/**
 * E911-SECURITY §2.5 item 18: a tampered or MITM config → the device rejects it (signed or
 * HTTPS); server key rotation has a recovery path. deskprov serves phones over HTTPS with a
 * certificate kept in `<data>/tls/` (phones pin it or trust an operator's CA). Signed configs
 * (Cisco ITL) are not built (docs/SECURITY.md).
 */

let s: SecureServer;
let tlsDir: string;
let listeners: HttpsListener[] = [];
beforeEach(async () => {
  s = await startSecureServer();
  tlsDir = mkdtempSync(join(tmpdir(), 'deskprov-tls-'));
});
afterEach(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  listeners = [];
  await s.close();
  rmSync(tlsDir, { recursive: true, force: true });
});

/** A phone that trusts exactly `ca` fetching a file; resolves with the status or the TLS error code. */
function phoneFetch(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    https
      .get(url, { ca, headers: { 'user-agent': UA, ...headers } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

describe('item 18: tampering and MITM', () => {
  it('lets a phone that trusts the server certificate fetch its config over HTTPS, and refuse an impostor', async () => {
    const real = await ensureTlsCertificate(join(tlsDir, 'real'), ['127.0.0.1']);
    const impostor = await ensureTlsCertificate(join(tlsDir, 'impostor'), ['127.0.0.1']);
    expect(impostor.fingerprint256).not.toBe(real.fingerprint256);
    const good = await listenHttps(s.server.app, real, { host: '127.0.0.1', port: 0 });
    const evil = await listenHttps(s.server.app, impostor, { host: '127.0.0.1', port: 0 });
    listeners = [good, evil];
    await s.prestage();
    const served = await phoneFetch(`${good.url}${MAC}.cfg`, real.cert);
    expect(served.status).toBe(200);
    expect(served.body).toContain('pbx.example.com');
    // The man in the middle serves the same bytes, but the phone does not accept its certificate.
    const mitm = await phoneFetch(`${evil.url}${MAC}.cfg`, real.cert);
    expect(mitm.status).toBeUndefined();
    expect(mitm.error).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('keeps the same certificate and key across restarts, the key readable by its owner only', async () => {
    const first = await ensureTlsCertificate(join(tlsDir, 'kept'), ['127.0.0.1']);
    const again = await ensureTlsCertificate(join(tlsDir, 'kept'), ['127.0.0.1']);
    expect(first.generated).toBe(true);
    expect(again.generated).toBe(false);
    expect(again.fingerprint256).toBe(first.fingerprint256);
    expect(statSync(join(tlsDir, 'kept', 'key.pem')).mode & 0o077).toBe(0);
  });
});
