import { describe, expect, it } from 'vitest';
import { switchAlerts } from '../../../server/domain/switch-alerts.ts';
import type { SwitchPollState } from '../../../server/domain/switch-inventory.ts';

const SW = { id: 'sw1', name: 'Floor 4', siteId: 'site1' };
const state = (over: Partial<SwitchPollState> = {}): SwitchPollState => ({
  switchId: 'sw1',
  lastPollAt: '2026-01-01T10:05:00Z',
  lastSuccessAt: '2026-01-01T09:00:00Z',
  error: { code: 'SWITCH_TIMEOUT', message: 'the switch did not answer' },
  failingSince: '2026-01-01T10:00:00Z',
  macsSeen: 0,
  phonesLocated: 0,
  uplinks: [],
  ...over,
});

describe('switchAlerts', () => {
  it('raises an alert named after the failed poll, since the run of failures began', () => {
    expect(switchAlerts(SW, state())).toEqual({
      switchId: 'sw1',
      name: 'Floor 4',
      siteId: 'site1',
      since: '2026-01-01T10:00:00Z',
      alerts: [{ code: 'SWITCH_TIMEOUT', severity: 'alert', message: 'the switch did not answer' }],
    });
  });

  it('raises nothing for a switch never polled or whose last poll succeeded', () => {
    expect(switchAlerts(SW, undefined)).toBeNull();
    expect(switchAlerts(SW, state({ error: null, failingSince: null }))).toBeNull();
  });

  it('keeps each poll failure code, and names an unknown one a bad response', () => {
    for (const code of ['SWITCH_TIMEOUT', 'SWITCH_AUTH_FAILED', 'SWITCH_UNREACHABLE', 'SWITCH_BAD_RESPONSE']) {
      expect(switchAlerts(SW, state({ error: { code, message: 'm' } }))?.alerts[0]?.code).toBe(code);
    }
    expect(switchAlerts(SW, state({ error: { code: 'SOMETHING_ELSE', message: 'm' } }))?.alerts[0]?.code).toBe('SWITCH_BAD_RESPONSE');
  });

  it('falls back to the last poll time when the start of the failures is unknown', () => {
    expect(switchAlerts(SW, state({ failingSince: null }))?.since).toBe('2026-01-01T10:05:00Z');
  });
});
