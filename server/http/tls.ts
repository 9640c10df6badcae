import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import selfsigned from 'selfsigned';
import type { App } from './app.ts';
import { clientCertificateOptions } from './tls-client-cert.ts';

/**
 * HTTPS for phones and admins (CONTRACT.md: `--https host:port`, certificate from `<data>/tls/`,
 * self-signed on first use). An operator replaces `tls/cert.pem` and `tls/key.pem` with a real
 * certificate; they are only generated when absent. The listener hands every request to the same
 * Fastify app as HTTP (`app.routing`), so `request.protocol` is `https` and Basic auth is allowed.
 */

export interface TlsMaterial {
  key: string;
  cert: string;
  /** True when this call generated the pair. */
  generated: boolean;
  /** SHA-256 fingerprint, for pinning on phones and for the start-up banner. */
  fingerprint256: string;
}

/** Names the certificate covers: the public URL's host plus loopback. */
function altNames(hostnames: readonly string[]) {
  const unique = [...new Set([...hostnames, 'localhost', '127.0.0.1', '::1'])];
  return unique.map((name) => (/^[0-9.]+$|:/.test(name) ? { type: 7, ip: name } : { type: 2, value: name }));
}

/** Reads `<dir>/cert.pem` + `key.pem`, generating a self-signed pair (RSA 2048, SHA-256, 10 years) when absent. */
export async function ensureTlsCertificate(dir: string, hostnames: readonly string[], now: Date = new Date()): Promise<TlsMaterial> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return { cert, key, generated: false, fingerprint256: new X509Certificate(cert).fingerprint256 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const commonName = hostnames[0] ?? 'deskprov';
  const pems = selfsigned.generate([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'deskprov' }], {
    days: 3650,
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: altNames(hostnames) },
    ],
  });
  // Key first, cert last, each via rename: a crash never leaves a cert without its key.
  await writeFile(`${keyFile}.tmp`, pems.private, { mode: 0o600 });
  await rename(`${keyFile}.tmp`, keyFile);
  await writeFile(`${certFile}.tmp`, pems.cert, { mode: 0o644 });
  await rename(`${certFile}.tmp`, certFile);
  return { cert: pems.cert, key: pems.private, generated: true, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}

export interface HttpsListener {
  url: string;
  port: number;
  /**
   * Stops accepting; requests in flight finish for up to `graceMs` (default 0: cut off at once),
   * idle keep-alive connections close now.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Listens on `host:port` with TLS and routes every request into `app` (which must be ready).
 * With `clientCa` (vendor CA PEMs), phones are asked for a client certificate (docs/SECURITY.md).
 */
export async function listenHttps(
  app: App,
  tls: Pick<TlsMaterial, 'key' | 'cert'> & { clientCa?: readonly string[] },
  address: { host: string; port: number },
  timeouts: { requestTimeoutMs: number; keepAliveTimeoutMs: number } = { requestTimeoutMs: 30_000, keepAliveTimeoutMs: 10_000 },
): Promise<HttpsListener> {
  await app.ready();
  const clientCerts = tls.clientCa === undefined || tls.clientCa.length === 0 ? {} : clientCertificateOptions(tls.clientCa);
  const server = https.createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2', ...clientCerts }, (req, res) => app.routing(req, res));
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `https://${host}:${port}/`,
    port,
    close: (options = {}) =>
      new Promise<void>((resolve) => {
        const graceMs = options.graceMs ?? 0;
        const cut = graceMs > 0 ? setTimeout(() => server.closeAllConnections(), graceMs) : undefined;
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        if (cut === undefined) server.closeAllConnections();
        else server.closeIdleConnections();
      }),
  };
}
