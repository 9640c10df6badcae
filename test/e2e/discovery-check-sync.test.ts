import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { sendCheckSync } from '../../server/discovery/check-sync-sender.ts';
import { findHeader, parseSipMessage, serializeSipMessage, type SipRequest } from '../../server/discovery/sip-message.ts';

/** A UDP socket on 127.0.0.1 standing in for a phone: records NOTIFYs, optionally answers. */
async function fakePhone(answer: { status: number; reason: string; afterTries: number } | null) {
  const socket = dgram.createSocket('udp4');
  const received: SipRequest[] = [];
  socket.on('message', (data, rinfo) => {
    const parsed = parseSipMessage(data);
    if (!parsed.ok || parsed.message.kind !== 'request') return;
    const request = parsed.message;
    received.push(request);
    if (answer === null || received.length < answer.afterTries) return;
    const copy = (name: string) => ({ name, value: findHeader(request.headers, name) ?? '' });
    const response = serializeSipMessage({
      kind: 'response', status: answer.status, reason: answer.reason,
      headers: [copy('Via'), copy('From'), { name: 'To', value: `${findHeader(request.headers, 'To')};tag=phone` }, copy('Call-ID'), copy('CSeq')],
      body: '',
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, received, port: socket.address().port };
}

const open: dgram.Socket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe('sendCheckSync against a UDP listener on 127.0.0.1', () => {
  it('delivers a check-sync NOTIFY and reports the phone’s 200', async () => {
    const phone = await fakePhone({ status: 200, reason: 'OK', afterTries: 1 });
    open.push(phone.socket);
    const result = await sendCheckSync(`<sip:201@127.0.0.1:${phone.port}>`);
    expect(result).toEqual({ outcome: 'answered', status: 200, reason: 'OK' });
    expect(phone.received).toHaveLength(1);
    const notify = phone.received[0]!;
    expect(notify.method).toBe('NOTIFY');
    expect(notify.uri).toBe(`sip:201@127.0.0.1:${phone.port}`);
    expect(findHeader(notify.headers, 'Event')).toBe('check-sync;reboot=false');
    expect(findHeader(notify.headers, 'Via')).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK[0-9a-f]+;rport$/);
  });

  it('retransmits until the phone answers, and reports a refusal status as given', async () => {
    const phone = await fakePhone({ status: 481, reason: 'Subscription does not exist', afterTries: 2 });
    open.push(phone.socket);
    const result = await sendCheckSync(`sip:127.0.0.1:${phone.port}`);
    expect(result).toEqual({ outcome: 'answered', status: 481, reason: 'Subscription does not exist' });
    expect(phone.received).toHaveLength(2);
    expect(findHeader(phone.received[1]!.headers, 'Call-ID')).toBe(findHeader(phone.received[0]!.headers, 'Call-ID'));
  });

  it('times out when the phone stays silent', async () => {
    const phone = await fakePhone(null);
    open.push(phone.socket);
    const started = Date.now();
    const result = await sendCheckSync(`sip:127.0.0.1:${phone.port}`, { timeoutMs: 1200 });
    expect(result).toEqual({ outcome: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(phone.received.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a closed port as a failed send', async () => {
    const phone = await fakePhone(null);
    const port = phone.port;
    await new Promise<void>((resolve) => phone.socket.close(() => resolve()));
    const result = await sendCheckSync(`sip:127.0.0.1:${port}`, { timeoutMs: 2000 });
    expect(result).toEqual({ outcome: 'send-failed', reason: 'ECONNREFUSED' });
  });

  it('refuses contacts that are not sip: IP literals without sending', async () => {
    expect(await sendCheckSync('http://127.0.0.1/')).toEqual({ outcome: 'invalid-contact', reason: 'not a sip: URI' });
    expect(await sendCheckSync('sip:phone.example:5060')).toEqual({ outcome: 'invalid-contact', reason: 'host is not an IP address' });
  });
});
