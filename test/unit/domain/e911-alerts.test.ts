import { describe, expect, it } from 'vitest';
import { civicOf, parseCivicAddress } from '../../../server/domain/civic-address.ts';
import { deviceAlerts, type AlertInput } from '../../../server/domain/e911-alerts.ts';

const civic = civicOf(
  parseCivicAddress({ country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', HNO: '233', PC: '60606' }),
  { FLR: '41', ROOM: '4102' },
);
const now = new Date('2026-01-01T12:00:00Z');

function input(over: Partial<AlertInput> = {}): AlertInput {
  return {
    sipRegistered: true,
    resolution: { locationId: 'l1', matchedBy: 'switchPort', entryId: 'e1', unresolved: false },
    location: { name: 'Desk 41-02', status: 'registered', civic },
    lastEvidenceAt: '2026-01-01T11:59:30Z',
    now,
    staleAfterMs: 180_000,
    ...over,
  };
}

const codes = (i: AlertInput) => deviceAlerts(i).map((a) => `${a.severity}:${a.code}`);

describe('deviceAlerts', () => {
  it('raises nothing for a registered phone at a registered location with fresh evidence', () => {
    expect(codes(input())).toEqual([]);
  });
  it('alerts when a registered phone resolves to no location', () => {
    const none = { locationId: null, matchedBy: null, entryId: null, unresolved: true };
    expect(codes(input({ location: null, resolution: none }))).toEqual(['alert:NO_REGISTERED_LOCATION']);
  });
  it('alerts when the location is still pending registration', () => {
    const alerts = deviceAlerts(input({ location: { name: 'Desk 41-02', status: 'pending', civic } }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toContain('pending');
  });
  it('does not alert about the location of a phone that is not SIP registered', () => {
    expect(codes(input({ sipRegistered: false, location: { name: 'x', status: 'failed', civic } }))).toEqual([]);
  });
  it('alerts when only the site default places the phone', () => {
    const r = { locationId: 'd', matchedBy: 'siteDefault' as const, entryId: null, unresolved: true };
    expect(codes(input({ resolution: r }))).toEqual(['alert:LOCATION_UNRESOLVED']);
  });
  it('alerts when evidence is older than the stale limit', () => {
    expect(codes(input({ lastEvidenceAt: '2026-01-01T11:50:00Z' }))).toEqual(['alert:STALE_EVIDENCE']);
  });
  it('warns when the switch announces a civic address that disagrees with the map', () => {
    const medLocation = { format: 'civic' as const, civic: { country: 'US', A6: 'Wacker', FLR: '40' } };
    const alerts = deviceAlerts(input({ medLocation }));
    expect(alerts.map((a) => `${a.severity}:${a.code}`)).toEqual(['warning:LLDP_MED_MISMATCH']);
    expect(alerts[0]?.message).toContain('FLR "40" vs "41"');
  });
  it('stays quiet when the switch announces the mapped address or an ELIN', () => {
    expect(codes(input({ medLocation: { format: 'civic', civic: { country: 'us', FLR: '41', ROOM: '4102' } } }))).toEqual([]);
    expect(codes(input({ medLocation: { format: 'elin', elin: '3125550100' } }))).toEqual([]);
  });
});
