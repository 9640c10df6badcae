import { describe, expect, it } from 'vitest';
import { makeReport } from '../../../agent/agent-loop.ts';
import { sameSnapshot, sipContactFrom } from '../../../agent/evidence.ts';
import { buildAgentProgram } from '../../../agent/main.ts';

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
  it('reports the SIP contact as the interface address without its prefix and the --sip-port, only when both are known', () => {
    expect(sipContactFrom('10.0.0.2/24', 5062)).toEqual({ ip: '10.0.0.2', port: 5062 });
    expect(sipContactFrom('2001:db8::2/64', 5060)).toEqual({ ip: '2001:db8::2', port: 5060 });
    expect(sipContactFrom(undefined, 5062)).toBeUndefined();
    expect(sipContactFrom('10.0.0.2/24', undefined)).toBeUndefined();
  });
  it('takes --sip-port 1-65535 and refuses anything else', () => {
    expect(buildAgentProgram().parse(['--sip-port', '5062'], { from: 'user' }).opts().sipPort).toBe(5062);
    for (const bad of ['0', '65536', '50a', '-1']) {
      expect(() => buildAgentProgram().configureOutput({ writeErr: () => {} }).parse(['--sip-port', bad], { from: 'user' }), bad).toThrow();
    }
  });
});
