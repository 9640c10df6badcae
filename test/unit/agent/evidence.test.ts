import { describe, expect, it } from 'vitest';
import { makeReport } from '../../../agent/agent-loop.ts';
import { sameSnapshot } from '../../../agent/evidence.ts';

describe('snapshots and reports', () => {
  it('sees the same snapshot whatever the key order', () => {
    expect(sameSnapshot({ sip: { registered: true }, network: { ip: '10.0.0.2/24', bssid: 'x' } }, { network: { bssid: 'x', ip: '10.0.0.2/24' }, sip: { registered: true } })).toBe(true);
  });
  it('sees a change in any nested field, and treats no previous snapshot as a change', () => {
    expect(sameSnapshot({ network: { ip: '10.0.0.2/24' } }, { network: { ip: '10.0.0.3/24' } })).toBe(false);
    expect(sameSnapshot(null, {})).toBe(false);
  });
  it('makes a report with its id and time first', () => {
    const r = makeReport({ sip: { registered: true } }, new Date('2026-01-01T00:00:00Z'), 'k1');
    expect(r).toEqual({ id: 'k1', at: '2026-01-01T00:00:00.000Z', sip: { registered: true } });
  });
});
