import dgram from 'node:dgram';
import { findHeader, parseSipMessage, serializeSipMessage, type SipRequest } from '../../../server/discovery/sip-message.ts';

/** A UDP socket on 127.0.0.1 standing in for a phone's SIP stack: records each request, answers 200 OK. */
export interface SipListener {
  port: number;
  received: SipRequest[];
  close(): void;
}

export async function startSipListener(): Promise<SipListener> {
  const received: SipRequest[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (data, rinfo) => {
    const parsed = parseSipMessage(data);
    if (!parsed.ok || parsed.message.kind !== 'request') return;
    const request = parsed.message;
    received.push(request);
    const copy = (name: string) => ({ name, value: findHeader(request.headers, name) ?? '' });
    socket.send(
      serializeSipMessage({
        kind: 'response',
        status: 200,
        reason: 'OK',
        headers: [copy('Via'), copy('From'), { name: 'To', value: `${findHeader(request.headers, 'To')};tag=phone` }, copy('Call-ID'), copy('CSeq')],
        body: '',
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, received, close: () => socket.close() };
}

/** Polls `check` every 20 ms, at most `tries` times (bounded: never an open-ended wait). */
export async function until(check: () => boolean, tries = 250): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
