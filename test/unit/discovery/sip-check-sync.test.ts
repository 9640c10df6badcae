import { describe, expect, it } from 'vitest';
import { buildCheckSyncNotify, parseContact } from '../../../server/discovery/sip-check-sync.ts';
import { findHeader, parseSipMessage, serializeSipMessage } from '../../../server/discovery/sip-message.ts';

describe('parseContact', () => {
  it('reads name-addr and bare contacts, defaulting the port to 5060', () => {
    expect(parseContact('<sip:201@10.0.0.5:5062;transport=udp>')).toEqual({ uri: 'sip:201@10.0.0.5:5062;transport=udp', host: '10.0.0.5', port: 5062 });
    expect(parseContact('sip:10.0.0.5')).toEqual({ uri: 'sip:10.0.0.5', host: '10.0.0.5', port: 5060 });
  });
  it('refuses what is not a sip: address', () => {
    expect(parseContact('http://10.0.0.5/')).toBeNull();
    expect(parseContact('<sip:201@10.0.0.5')).toBeNull();
  });
});

describe('buildCheckSyncNotify', () => {
  const target = { uri: 'sip:201@10.0.0.5:5062', host: '10.0.0.5', port: 5062 };
  const input = { target, local: { host: '10.0.0.1', port: 40000 }, callId: 'c1@deskprov', fromTag: 'ft', branch: 'b1' };

  it('builds a NOTIFY to the contact with Event check-sync;reboot=false', () => {
    const req = buildCheckSyncNotify(input);
    expect(req.uri).toBe('sip:201@10.0.0.5:5062');
    expect(findHeader(req.headers, 'Event')).toBe('check-sync;reboot=false');
    expect(findHeader(req.headers, 'Via')).toBe('SIP/2.0/UDP 10.0.0.1:40000;branch=z9hG4bKb1;rport');
    expect(findHeader(req.headers, 'To')).toBe('<sip:201@10.0.0.5:5062>');
    expect(findHeader(req.headers, 'From')).toBe('<sip:deskprov@10.0.0.1>;tag=ft');
    expect(findHeader(req.headers, 'CSeq')).toBe('1 NOTIFY');
    expect(findHeader(req.headers, 'Subscription-State')).toBe('terminated');
  });

  it('asks for a reboot only when told to', () => {
    expect(findHeader(buildCheckSyncNotify({ ...input, reboot: true, cseq: 9 }).headers, 'Event')).toBe('check-sync;reboot=true');
  });

  it('serialises to a datagram the codec reads back with an empty body', () => {
    const parsed = parseSipMessage(serializeSipMessage(buildCheckSyncNotify({ ...input, local: { host: 'fd00::1', port: 5060 } })));
    expect(parsed.ok && parsed.message.kind === 'request' && parsed.message.method).toBe('NOTIFY');
    expect(parsed.ok && findHeader(parsed.message.headers, 'Via')).toContain('[fd00::1]:5060');
    expect(parsed.ok && findHeader(parsed.message.headers, 'Content-Length')).toBe('0');
  });
});
