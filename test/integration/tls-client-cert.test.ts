import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCertificateOptions, readVendorCaBundles } from '../../server/http/tls-client-cert.ts';
import { createVendorPki, type VendorPki } from '../security/helpers/vendor-pki.ts';

let pki: VendorPki;
let dir: string;
beforeAll(() => {
  pki = createVendorPki();
  dir = mkdtempSync(join(tmpdir(), 'deskprov-ca-'));
}, 30_000);
afterAll(() => {
  pki.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vendor CA bundles', () => {
  it('reads every certificate of every bundle', async () => {
    const two = join(dir, 'two.pem');
    writeFileSync(two, `# two vendors\n${pki.caPem}\n${pki.caPem}`);
    const pems = await readVendorCaBundles([pki.caFile, two]);
    expect(pems).toHaveLength(3);
    expect(pems.every((pem) => pem.startsWith('-----BEGIN CERTIFICATE-----'))).toBe(true);
  });

  it('names the file that is missing, holds no certificate, or holds a broken one', async () => {
    await expect(readVendorCaBundles([join(dir, 'absent.pem')])).rejects.toThrow(/absent\.pem cannot be read \(ENOENT\)/);
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'not a certificate\n');
    await expect(readVendorCaBundles([empty])).rejects.toThrow(/empty\.pem holds no PEM certificate/);
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expect(readVendorCaBundles([broken])).rejects.toThrow(/broken\.pem holds a certificate that does not parse/);
  });

  it('asks for a client certificate without requiring one', () => {
    expect(clientCertificateOptions([pki.caPem])).toEqual({ requestCert: true, rejectUnauthorized: false, ca: [pki.caPem] });
  });
});
