import { describe, expect, it } from 'vitest';
import { phoneEventKind, phoneEventPatch } from '../../../server/domain/phone-events.ts';

describe('phone action-URL events', () => {
  it.each([
    ['registered', 'registered'], ['log_on', 'registered'], ['RegOn', 'registered'],
    ['unregistered', 'unregistered'], ['log_off', 'unregistered'], ['RegOff', 'unregistered'],
    ['register_failed', 'registerFailed'], ['RegFailed', 'registerFailed'],
    ['setup_completed', 'setupCompleted'], ['setupCompleted', 'setupCompleted'], ['BootCompleted', 'setupCompleted'], ['startup', 'setupCompleted'],
    ['ip_change', 'ipChange'], ['IPChange', 'ipChange'],
    ['off_hook', null], ['incoming_call', null],
  ] as const)('maps vendor event %s to %s', (name, kind) => {
    expect(phoneEventKind(name)).toBe(kind);
  });

  it('turns events into the report fields they change', () => {
    expect(phoneEventPatch('registered', { registrar: 'pbx.example.com', firmware: '86.1' })).toEqual({
      sip: { registered: true, registrar: 'pbx.example.com' }, firmware: '86.1',
    });
    expect(phoneEventPatch('registerFailed', { code: '403' })).toEqual({ sip: { registered: false, lastError: 'registrar answered 403' } });
    expect(phoneEventPatch('registerFailed', {})).toEqual({ sip: { registered: false, lastError: 'registration failed' } });
    expect(phoneEventPatch('setupCompleted', { rev: '12' })).toEqual({ configRevision: '12' });
    expect(phoneEventPatch('ipChange', { ip: '10.1.2.9' })).toEqual({ network: { ip: '10.1.2.9' } });
    expect(phoneEventPatch('unregistered', {})).toEqual({ sip: { registered: false } });
  });
});
