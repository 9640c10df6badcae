import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { PeerCertificateFacts } from '../domain/device-certificate.ts';
import { appError } from '../errors.ts';

/**
 * The client-certificate half of HTTPS (E911-SECURITY §2.5 item 7): the TLS options that ask
 * phones for their factory certificate without requiring one, the vendor CA bundles to verify
 * it against, and the verified facts handed to the pipeline. What a certificate is worth is
 * decided in domain/device-certificate.ts and domain/phone-access.ts, not here.
 */

/** TLS server options that request (never require) a client certificate verified against `ca`. */
export function clientCertificateOptions(ca: readonly string[]): { requestCert: true; rejectUnauthorized: false; ca: string[] } {
  // rejectUnauthorized false: a phone without a certificate still gets TLS and may use Digest;
  // the pipeline reads `authorized` and refuses a bad certificate with the uniform answer.
  return { requestCert: true, rejectUnauthorized: false, ca: [...ca] };
}

/** Reads PEM bundles of vendor CAs; each file must hold at least one certificate. */
export async function readVendorCaBundles(files: readonly string[]): Promise<string[]> {
  const bundles: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw appError('INVALID_FIELD', `vendor CA bundle ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field: 'phoneSecurity.clientCaFiles' });
    }
    const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (pems.length === 0) {
      throw appError('INVALID_FIELD', `vendor CA bundle ${file} holds no PEM certificate`, { field: 'phoneSecurity.clientCaFiles' });
    }
    for (const pem of pems) {
      try {
        new X509Certificate(pem);
      } catch {
        throw appError('INVALID_FIELD', `vendor CA bundle ${file} holds a certificate that does not parse`, { field: 'phoneSecurity.clientCaFiles' });
      }
    }
    bundles.push(...pems);
  }
  return bundles;
}

/** Facts per TLS connection: a keep-alive connection presents its certificate once. */
const seen = new WeakMap<TLSSocket, PeerCertificateFacts | undefined>();

/** The certificate the client presented on `socket`, or undefined (plain HTTP, or none presented). */
export function peerCertificateFacts(socket: Socket): PeerCertificateFacts | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== 'function') return undefined;
  const tlsSocket = socket as TLSSocket;
  if (seen.has(tlsSocket)) return seen.get(tlsSocket);
  const cert = tlsSocket.getPeerCertificate();
  // Node returns an empty object when the client sent no certificate.
  const facts: PeerCertificateFacts | undefined =
    cert === null || cert === undefined || Object.keys(cert).length === 0
      ? undefined
      : {
          authorized: tlsSocket.authorized === true,
          ...(tlsSocket.authorizationError === undefined || tlsSocket.authorizationError === null
            ? {}
            : { authorizationError: String(tlsSocket.authorizationError) }),
          subjectCN: commonNames(cert.subject?.CN),
          ...(cert.subjectaltname === undefined ? {} : { subjectAltName: cert.subjectaltname }),
        };
  seen.set(tlsSocket, facts);
  return facts;
}

function commonNames(cn: string | string[] | undefined): string[] {
  if (cn === undefined) return [];
  return Array.isArray(cn) ? cn : [cn];
}
