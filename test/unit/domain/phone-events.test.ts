import { describe, expect, it } from 'vitest';
import { phoneEventKind, phoneEventPatch, polyEvent } from '../../../server/domain/phone-events.ts';

describe('phone action-URL events', () => {
  it.each([
    ['registered', 'registered'], ['log_on', 'registered'], ['RegOn', 'registered'],
    ['unregistered', 'unregistered'], ['log_off', 'unregistered'], ['RegOff', 'unregistered'],
    ['register_failed', 'registerFailed'], ['RegFailed', 'registerFailed'],
    ['setup_completed', 'setupCompleted'], ['setupCompleted', 'setupCompleted'], ['BootCompleted', 'setupCompleted'], ['startup', 'setupCompleted'],
    ['ip_change', 'ipChange'], ['IPChange', 'ipChange'],
    ['outgoing_call', 'outgoingCall'], ['outgoing', 'outgoingCall'],
    ['off_hook', null], ['incoming_call', null],
  ] as const)('maps vendor event %s to %s', (name, kind) => {
    expect(phoneEventKind(name)).toBe(kind);
  });

  it('reads the outcome of an Aastra registration event from its SIP code', () => {
    expect(phoneEventKind('registration', { code: '200' })).toBe('registered');
    expect(phoneEventKind('registration', { code: '403' })).toBe('registerFailed');
    expect(phoneEventKind('registration', { code: '$$REGISTRATIONCODE$$' })).toBeNull();
    expect(phoneEventKind('registration')).toBeNull();
  });

  it('reads a Poly line registration document and ignores its other events', () => {
    const doc = (inner: string) => `<?xml version="1.0"?><PolycomIPPhone>${inner}</PolycomIPPhone>`;
    expect(polyEvent(doc('<LineRegistrationEvent><MACAddress>64167f010203</MACAddress><LineState>Registered</LineState></LineRegistrationEvent>'))).toEqual({
      event: 'registered',
      mac: '64167f010203',
    });
    expect(polyEvent(doc('<LineRegistrationEvent><MACAddress>64167f010203</MACAddress><LineState>Unregistered</LineState></LineRegistrationEvent>'))?.event).toBe('unregistered');
    expect(polyEvent(doc('<IncomingCallEvent><MACAddress>64167f010203</MACAddress></IncomingCallEvent>'))).toEqual({ event: 'poly_other', mac: '64167f010203' });
    expect(phoneEventKind('poly_other')).toBeNull();
    expect(polyEvent('<other/>')).toBeNull();
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

  it('turns an outgoing call into call evidence with the dialled number, and into nothing without one', () => {
    expect(phoneEventPatch('outgoingCall', { number: '911', callid: 'abc@pbx' })).toEqual({ call: { dialled: '911', callId: 'abc@pbx' } });
    expect(phoneEventPatch('outgoingCall', { number: '911' })).toEqual({ call: { dialled: '911' } });
    expect(phoneEventPatch('outgoingCall', { number: '' })).toEqual({});
    expect(phoneEventPatch('outgoingCall', {})).toEqual({});
  });

  it('gives back the leading + an unencoded query turned into a space, keeps SIP URIs, and refuses control characters', () => {
    expect(phoneEventPatch('outgoingCall', { number: ' 13125550100' })).toEqual({ call: { dialled: '+13125550100' } });
    expect(phoneEventPatch('outgoingCall', { number: 'sip:911@10.0.0.1' })).toEqual({ call: { dialled: 'sip:911@10.0.0.1' } });
    expect(phoneEventPatch('outgoingCall', { number: '*67911 ' })).toEqual({ call: { dialled: '*67911' } });
    expect(() => phoneEventPatch('outgoingCall', { number: '911\r\nX-Injected: 1' })).toThrow(/number/);
    expect(() => phoneEventPatch('outgoingCall', { number: '911\u0000' })).toThrow(/number/);
  });

  it('keeps a SIP contact any event carries, and refuses one that is not an IP literal and a port', () => {
    expect(phoneEventPatch('registered', { sipContact: '10.1.2.9:5062' })).toEqual({ sip: { registered: true }, sipContact: { ip: '10.1.2.9', port: 5062 } });
    expect(phoneEventPatch('setupCompleted', { rev: '3', sipContact: '[fd00::9]:5060' })).toEqual({ configRevision: '3', sipContact: { ip: 'fd00::9', port: 5060 } });
    expect(() => phoneEventPatch('registered', { sipContact: 'evil.example.com:5060' })).toThrow(/sipContact/);
    expect(() => phoneEventPatch('registered', { sipContact: '10.1.2.9:99999' })).toThrow(/sipContact/);
  });
});
