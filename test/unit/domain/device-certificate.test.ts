import { describe, expect, it } from 'vitest';
import { checkCertificate, deviceCertificateOf, macsInCertificate } from '../../../server/domain/device-certificate.ts';

const verified = (subjectCN: string[], subjectAltName?: string) => ({
  authorized: true,
  subjectCN,
  ...(subjectAltName === undefined ? {} : { subjectAltName }),
});

describe('device certificate', () => {
  it('finds the MAC in the common name as vendors write it', () => {
    expect(macsInCertificate(verified(['0004f2abcdef']))).toEqual(['0004f2abcdef']);
    expect(macsInCertificate(verified(['SEP001565AABBCC']))).toEqual(['001565aabbcc']);
    expect(macsInCertificate(verified(['CP-8851-SEP001565AABBCC']))).toEqual(['001565aabbcc']);
    expect(macsInCertificate(verified(['00:15:65:aa:bb:cc']))).toEqual(['001565aabbcc']);
    expect(macsInCertificate(verified(['Phone 00-15-65-AA-BB-CC']))).toEqual(['001565aabbcc']);
  });

  it('finds the MAC in subjectAltName values without reading a scheme like mac: as a pair', () => {
    expect(macsInCertificate(verified(['SIP phone'], 'URI:urn:dev:mac:44:db:d2:01:02:03'))).toEqual(['44dbd2010203']);
    expect(macsInCertificate(verified([], 'DNS:44dbd2010203.phones.example, IP Address:10.0.0.5'))).toEqual(['44dbd2010203']);
  });

  it('ignores hex runs that are not a MAC on their own', () => {
    expect(macsInCertificate(verified(['A001565AABBCC']))).toEqual([]);
    expect(macsInCertificate(verified(['00:15:65:aa:bb:cc:dd']))).toEqual([]);
    expect(macsInCertificate(verified(['Test Vendor Device CA']))).toEqual([]);
    // Broadcast and multicast are no device.
    expect(macsInCertificate(verified(['ffffffffffff', '011565aabbcc']))).toEqual([]);
  });

  it('names the device of a verified certificate with exactly one MAC', () => {
    expect(deviceCertificateOf(verified(['44dbd2010203'], 'DNS:44-db-d2-01-02-03')) ).toEqual({ kind: 'device', mac: '44dbd2010203' });
  });

  it('distrusts unverified certificates, certificates without a MAC and certificates naming two', () => {
    expect(deviceCertificateOf({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED', subjectCN: ['44dbd2010203'] })).toEqual({
      kind: 'untrusted',
      reason: 'certificate not trusted (CERT_HAS_EXPIRED)',
    });
    expect(deviceCertificateOf(verified(['phone']))).toMatchObject({ kind: 'untrusted', reason: 'certificate names no MAC' });
    expect(deviceCertificateOf(verified(['44dbd2010203'], 'DNS:44dbd2010204'))).toMatchObject({ kind: 'untrusted', reason: 'certificate names several MACs' });
    expect(deviceCertificateOf(undefined)).toEqual({ kind: 'none' });
  });

  it('judges a certificate against the device the file name points at', () => {
    const cert = { kind: 'device', mac: '44dbd2010203' } as const;
    expect(checkCertificate(cert, '44dbd2010203')).toEqual({ kind: 'this-device' });
    expect(checkCertificate(cert, '44dbd2010204')).toEqual({ kind: 'refused', reason: 'certificate of another device' });
    expect(checkCertificate(cert, null)).toMatchObject({ kind: 'refused' });
    expect(checkCertificate({ kind: 'untrusted', reason: 'x' }, '44dbd2010203')).toEqual({ kind: 'refused', reason: 'x' });
    expect(checkCertificate({ kind: 'none' }, '44dbd2010203')).toEqual({ kind: 'none' });
  });
});
