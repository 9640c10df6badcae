import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../server/provisioning/catalog.ts';
import { encryptFile, fileKeyFor, identifyKeyFile, wrapFileKey } from '../../../server/provisioning/file-encryption.ts';
import type { FileEncryption } from '../../../server/provisioning/types.ts';
import { realProfileEntries } from './real-profiles.ts';

const catalog = buildCatalog(realProfileEntries());
const YEALINK: FileEncryption = { scheme: 'yealink-aes-128-ecb', keyFile: '{mac}_Security.enc', keyWrapKey: '0123456789abcdef' };

function decrypt(body: Buffer, key: string, padding: boolean): Buffer {
  const decipher = createDecipheriv('aes-128-ecb', Buffer.from(key, 'latin1'), null);
  decipher.setAutoPadding(padding);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

describe('file encryption', () => {
  it('derives a 16-character alphanumeric key per device and secret, the same every time', () => {
    const key = fileKeyFor('44dbd2010203', 'secret-a');
    expect(key).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(fileKeyFor('44dbd2010203', 'secret-a')).toBe(key);
    expect(fileKeyFor('44dbd2010203', 'secret-b')).not.toBe(key);
    expect(fileKeyFor('44dbd2010204', 'secret-a')).not.toBe(key);
  });

  it('uses every key character about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) for (const c of fileKeyFor('44dbd2010203', `s${i}`)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2_000 * 16) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected)).toBeLessThan(expected * 0.3);
  });

  it('encrypts with AES-128-ECB and PKCS#7 padding under the key characters as bytes', () => {
    const plain = Buffer.from('#!version:1.0.0.1\naccount.1.password = s3cret\n');
    const body = encryptFile(YEALINK, plain, 'AbCdEfGh12345678');
    expect(body.length).toBe(Math.ceil((plain.length + 1) / 16) * 16);
    expect(decrypt(body, 'AbCdEfGh12345678', true).equals(plain)).toBe(true);
    expect(body.includes(Buffer.from('s3cret'))).toBe(false);
  });

  it('wraps the key as exactly one block under the built-in key', () => {
    const wrapped = wrapFileKey(YEALINK, 'AbCdEfGh12345678');
    expect(wrapped.length).toBe(16);
    expect(decrypt(wrapped, YEALINK.keyWrapKey, false).toString('latin1')).toBe('AbCdEfGh12345678');
  });

  it('identifies a key file request as the encrypted file of the Yealink model, in either MAC case', () => {
    const ident = identifyKeyFile(catalog, { path: '44DBD2010203_Security.enc', userAgent: 'Yealink SIP-T46S 66.86.0.15 44:db:d2:01:02:03' });
    expect(ident).toMatchObject({ keyFile: true, mac: '44dbd2010203', canonicalName: '44dbd2010203_Security.enc', vendor: 'yealink' });
    expect(ident?.file.name).toBe('{mac}.cfg');
    expect(ident?.candidates?.every((c) => c.model.vendor === 'yealink' && c.file.encryption !== undefined)).toBe(true);
  });

  it('knows no key file for names no encrypted file declares', () => {
    expect(identifyKeyFile(catalog, { path: '44dbd2010203.cfg' })).toBeNull();
    expect(identifyKeyFile(catalog, { path: 'y000000000066_Security.enc' })).toBeNull();
    expect(identifyKeyFile(catalog, { path: '0004f2abcdef_Security.enc', userAgent: 'PolycomVVX-VVX_450-UA/6.4.0.1234' })).toBeNull();
  });
});
