import { describe, expect, it } from 'vitest';
import { decideAccess, type AccessFacts } from '../../../server/domain/phone-access.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function facts(over: Partial<AccessFacts> = {}): AccessFacts {
  return {
    deviceId: 'd1',
    auth: { kind: 'none' },
    claim: { openUntil: '2026-01-02T00:00:00Z', handedOutAt: null, handedOutIp: null },
    ip: '10.0.0.5',
    now: T0,
    graceMs: 600_000,
    ...over,
  };
}

describe('phone access', () => {
  it('serves a pre-staged device without credentials inside its claim window and marks the hand-out', () => {
    expect(decideAccess(facts())).toEqual({ kind: 'serve', via: 'claim-window', firstHandOut: true });
  });

  it('refuses without credentials once the claim window has closed', () => {
    expect(decideAccess(facts({ now: Date.parse('2026-01-02T00:00:00Z') }))).toEqual({ kind: 'refuse', reason: 'claim window closed' });
  });

  it('lets the same source finish its boot within the grace period, and nobody else', () => {
    const handed = { openUntil: '2026-01-02T00:00:00Z', handedOutAt: '2026-01-01T00:00:00Z', handedOutIp: '10.0.0.5' };
    expect(decideAccess(facts({ claim: handed, now: T0 + 1_000 }))).toMatchObject({ kind: 'serve', via: 'claim-grace' });
    expect(decideAccess(facts({ claim: handed, now: T0 + 1_000, ip: '10.0.0.6' }))).toEqual({ kind: 'refuse', reason: 'credentials required' });
    expect(decideAccess(facts({ claim: handed, now: T0 + 600_000 }))).toEqual({ kind: 'refuse', reason: 'credentials required' });
  });

  it('serves with valid credentials and refuses wrong ones the same way as an unknown device', () => {
    expect(decideAccess(facts({ auth: { kind: 'valid', deviceId: 'd1' } }))).toMatchObject({ kind: 'serve', via: 'credentials' });
    expect(decideAccess(facts({ auth: { kind: 'invalid' } })).kind).toBe('refuse');
    expect(decideAccess(facts({ deviceId: null, notInService: 'unknown MAC' }))).toEqual({ kind: 'refuse', reason: 'unknown MAC' });
    expect(decideAccess(facts({ claim: null }))).toEqual({ kind: 'refuse', reason: 'no credentials' });
  });

  it('forbids credentials of another device whether or not the target exists', () => {
    expect(decideAccess(facts({ auth: { kind: 'valid', deviceId: 'd2' } })).kind).toBe('forbidden');
    expect(decideAccess(facts({ deviceId: null, auth: { kind: 'valid', deviceId: 'd2' } })).kind).toBe('forbidden');
    expect(decideAccess(facts({ auth: { kind: 'stale', deviceId: 'd2' } })).kind).toBe('forbidden');
  });

  it('asks the owner of a correct password on an old nonce to retry', () => {
    expect(decideAccess(facts({ auth: { kind: 'stale', deviceId: 'd1' } }))).toEqual({ kind: 'stale' });
  });
});

describe('phone access with client certificates', () => {
  it('serves on a certificate of this device without credentials, closing an unused claim window', () => {
    expect(decideAccess(facts({ certificate: { kind: 'this-device' } }))).toEqual({ kind: 'serve', via: 'certificate', firstHandOut: true });
    const handed = { openUntil: '2026-01-02T00:00:00Z', handedOutAt: '2025-12-01T00:00:00Z', handedOutIp: '10.0.0.9' };
    expect(decideAccess(facts({ claim: handed, certificate: { kind: 'this-device' } }))).toEqual({ kind: 'serve', via: 'certificate', firstHandOut: false });
  });

  it('refuses a presented certificate that does not fit, whatever else the request carries', () => {
    const refused = { kind: 'refused', reason: 'certificate of another device' } as const;
    expect(decideAccess(facts({ certificate: refused }))).toEqual({ kind: 'refuse', reason: 'certificate of another device' });
    expect(decideAccess(facts({ certificate: refused, auth: { kind: 'valid', deviceId: 'd1' } })).kind).toBe('refuse');
  });

  it('refuses credentials and the claim window where certificates are required, and serves the certificate', () => {
    expect(decideAccess(facts({ certificateRequired: true }))).toEqual({ kind: 'refuse', reason: 'client certificate required' });
    expect(decideAccess(facts({ certificateRequired: true, auth: { kind: 'valid', deviceId: 'd1' } }))).toEqual({
      kind: 'refuse',
      reason: 'client certificate required',
    });
    expect(decideAccess(facts({ certificateRequired: true, certificate: { kind: 'this-device' } })).kind).toBe('serve');
  });
});
