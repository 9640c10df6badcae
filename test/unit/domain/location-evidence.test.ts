import { describe, expect, it } from 'vitest';
import { locatedBy, mergeEvidence, type EvidencePiece } from '../../../server/domain/location-evidence.ts';

const now = new Date('2026-11-24T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const lldp = (port: string) => ({ chassisId: { type: 'mac', value: 'aa:bb:cc:00:00:01' }, portId: { type: 'ifname', value: port } });

describe('merging location evidence', () => {
  it('takes the freshest piece for each field and remembers its source and time', () => {
    const pieces: EvidencePiece[] = [
      { source: 'agent', at: ago(600), network: { ip: '10.0.0.5/24', lldp: lldp('Gi1/0/1') } },
      { source: 'snmp', at: ago(60), origin: 'sw-1', network: { lldp: lldp('Gi1/0/7') } },
      { source: 'request', at: ago(5), origin: 'http', network: { ip: '10.0.9.5' } },
    ];
    const merged = mergeEvidence(pieces, now);
    expect(merged.network).toEqual({ ip: '10.0.9.5', lldp: lldp('Gi1/0/7') });
    expect(merged.used).toEqual({ lldp: { source: 'snmp', at: ago(60), origin: 'sw-1' }, ip: { source: 'request', at: ago(5), origin: 'http' } });
  });

  it('prefers the harder-to-spoof source when two pieces are equally fresh', () => {
    const merged = mergeEvidence(
      [
        { source: 'agent', at: ago(10), network: { lldp: lldp('Gi1/0/1') } },
        { source: 'snmp', at: ago(10), network: { lldp: lldp('Gi1/0/2') } },
      ],
      now,
    );
    expect(merged.used.lldp?.source).toBe('snmp');
  });

  it('leaves out pieces older than their source allows and pieces with unreadable times', () => {
    const merged = mergeEvidence(
      [
        { source: 'snmp', at: ago(7200), network: { lldp: lldp('Gi1/0/1') } },
        { source: 'request', at: 'yesterday', network: { ip: '10.0.0.9' } },
        { source: 'agent', at: ago(7200), network: { ip: '10.0.0.5/24', gateway: '10.0.0.1' } },
      ],
      now,
      { snmp: 3600_000 },
    );
    expect(merged.network).toEqual({ ip: '10.0.0.5/24', gateway: '10.0.0.1' });
  });

  it('names the piece that located the device from how resolution matched', () => {
    const merged = mergeEvidence([{ source: 'request', at: ago(1), network: { ip: '10.0.0.9' } }], now);
    expect(locatedBy(merged, 'subnet')).toEqual({ source: 'request', at: ago(1) });
    expect(locatedBy(merged, 'switchPort')).toBeNull();
    expect(locatedBy(merged, 'assigned')).toBeNull();
  });
});
