import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for a phone vendor's PKI, made with the openssl command line: a "vendor CA" and
 * factory-style device certificates naming a MAC, as Poly and Cisco phones carry them.
 */

export interface DeviceCert {
  cert: string;
  key: string;
}

export interface VendorPki {
  dir: string;
  /** The vendor CA certificate (PEM file path and text). */
  caFile: string;
  caPem: string;
  /** A certificate signed by the vendor CA; `subject` e.g. `/CN=44dbd2010203`, optional subjectAltName. */
  device(name: string, subject: string, altName?: string): DeviceCert;
  /** A certificate signed by the vendor CA whose validity ended in 2021. */
  expired(name: string, subject: string): DeviceCert;
  /** A self-signed certificate (no CA) with the given subject. */
  selfSigned(name: string, subject: string): DeviceCert;
  close(): void;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createVendorPki(): VendorPki {
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-pki-'));
  openssl(dir, ['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/O=Test Phone Vendor/CN=Test Vendor Device CA']);
  const path = (file: string) => join(dir, file);
  const read = (name: string): DeviceCert => ({ cert: path(`${name}.pem`), key: path(`${name}.key`) });
  return {
    dir,
    caFile: path('ca.pem'),
    caPem: readFileSync(path('ca.pem'), 'utf8'),
    device(name, subject, altName) {
      openssl(dir, ['req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
      const ext = [`basicConstraints=CA:FALSE`, `extendedKeyUsage=clientAuth`, ...(altName === undefined ? [] : [`subjectAltName=${altName}`])];
      writeFileSync(path(`${name}.ext`), `${ext.join('\n')}\n`);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
      return read(name);
    },
    expired(name, subject) {
      // `openssl x509` cannot backdate; `openssl ca` takes explicit start and end dates.
      openssl(dir, ['req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
      writeFileSync(path('index.txt'), '');
      writeFileSync(path('serial'), '1000\n');
      writeFileSync(
        path('ca.cnf'),
        [
          '[ca]',
          'default_ca = vendor',
          '[vendor]',
          'database = index.txt',
          'new_certs_dir = .',
          'certificate = ca.pem',
          'private_key = ca.key',
          'serial = serial',
          'default_md = sha256',
          'policy = any',
          'unique_subject = no',
          '[any]',
          'commonName = supplied',
          '',
        ].join('\n'),
      );
      openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', '-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
      return read(name);
    },
    selfSigned(name, subject) {
      openssl(dir, ['req', '-x509', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', subject]);
      return read(name);
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
