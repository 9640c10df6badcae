import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { findHeader, parseSipMessage, serializeSipMessage, type SipMessage } from '../../server/discovery/sip-message.ts';
import { startPnpResponder, type PnpDiscovered, type PnpResponder } from '../../server/discovery/sip-pnp-responder.ts';

/**
 * The SIP PnP responder in this process, named interface `lo`, on a random high port: a
 * unicast SUBSCRIBE to 127.0.0.1 exercises the dialog rules (retransmitted SUBSCRIBE, NOTIFY
 * retransmission until answered, Contact checks) without namespaces. The multicast path is
 * covered by discovery-sip-pnp.test.ts.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function start(onDiscovered?: (p: PnpDiscovered) => void): Promise<{ responder: PnpResponder; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    try {
      const responder = await startPnpResponder({ interfaces: ['lo'], publicUrl: 'http://127.0.0.1:8080/', port, ...(onDiscovered ? { onDiscovered } : {}) });
      cleanups.push(() => responder.close());
      return { responder, port };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error('no free port');
}

/** A phone: one UDP socket on 127.0.0.1 that records what it receives. */
async function phone(): Promise<{ socket: dgram.Socket; port: number; inbox: SipMessage[]; next: (n: number, ms?: number) => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const inbox: SipMessage[] = [];
  socket.on('message', (data) => {
    const parsed = parseSipMessage(data);
    if (parsed.ok) inbox.push(parsed.message);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => socket.close(() => resolve())));
  const next = async (n: number, ms = 3000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (inbox.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  return { socket, port: socket.address().port, inbox, next };
}

function subscribe(phonePort: number, opts: { callId?: string; contactHost?: string } = {}): Buffer {
  return Buffer.from([
    'SUBSCRIBE sip:MAC=0c383ea1b2c3@224.0.1.75 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${phonePort};branch=z9hG4bKlo;rport`,
    'From: <sip:MAC=0c383ea1b2c3@224.0.1.75>;tag=ph1',
    'To: <sip:MAC=0c383ea1b2c3@224.0.1.75>',
    `Call-ID: ${opts.callId ?? 'lo-1'}`,
    'CSeq: 20 SUBSCRIBE',
    'Event: ua-profile;profile-type="device";vendor="Fanvil";model="X4U";version="2.12"',
    `Contact: <sip:${opts.contactHost ?? '127.0.0.1'}:${phonePort}>`,
    'Expires: 0',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'));
}

function answer(notify: SipMessage): Buffer {
  const copy = (name: string) => ({ name, value: findHeader(notify.headers, name) ?? '' });
  return serializeSipMessage({ kind: 'response', status: 200, reason: 'OK', headers: [copy('Via'), copy('From'), copy('To'), copy('Call-ID'), copy('CSeq')], body: '' });
}

describe('SIP PnP responder over loopback', () => {
  it('sends the 200 first, then retransmits the NOTIFY until the phone answers it', async () => {
    const found: PnpDiscovered[] = [];
    const { responder, port } = await start((p) => found.push(p));
    const ph = await phone();
    ph.socket.send(subscribe(ph.port), port, '127.0.0.1');
    await ph.next(3, 2500);
    const [ok, notify, again] = ph.inbox;
    expect(ok).toMatchObject({ kind: 'response', status: 200 });
    expect(notify).toMatchObject({ kind: 'request', method: 'NOTIFY', body: 'http://127.0.0.1:8080/' });
    // Not answered yet: the same NOTIFY comes again (RFC 3261 timer E).
    expect(again).toEqual(notify);
    ph.socket.send(answer(notify!), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 1500));
    const stats = responder.stats();
    expect(stats).toMatchObject({ answered: 1, notified: 1, notifyAcked: 1 });
    expect(stats.retransmissions).toBeGreaterThanOrEqual(1);
    const countAfterAck = ph.inbox.length;
    await new Promise((r) => setTimeout(r, 2200));
    expect(ph.inbox.length).toBe(countAfterAck);
    expect(found).toEqual([{ mac: '0c383ea1b2c3', vendor: 'fanvil', model: 'X4U', version: '2.12', ip: '127.0.0.1' }]);
  });

  it('answers a retransmitted SUBSCRIBE with the same 200 and no second NOTIFY', async () => {
    const found: PnpDiscovered[] = [];
    const { responder, port } = await start((p) => found.push(p));
    const ph = await phone();
    ph.socket.send(subscribe(ph.port, { callId: 'lo-2' }), port, '127.0.0.1');
    await ph.next(2);
    ph.socket.send(answer(ph.inbox[1]!), port, '127.0.0.1');
    ph.socket.send(subscribe(ph.port, { callId: 'lo-2' }), port, '127.0.0.1');
    await ph.next(3);
    const oks = ph.inbox.filter((m) => m.kind === 'response');
    expect(oks).toHaveLength(2);
    expect(findHeader(oks[1]!.headers, 'To')).toBe(findHeader(oks[0]!.headers, 'To'));
    expect(ph.inbox.filter((m) => m.kind === 'request')).toHaveLength(1);
    expect(found).toHaveLength(1);
    expect(responder.stats().answered).toBe(2);
  });

  it('sends the NOTIFY to the sender, not to a Contact off the link', async () => {
    const { port } = await start();
    const ph = await phone();
    ph.socket.send(subscribe(ph.port, { callId: 'lo-3', contactHost: '192.0.2.99' }), port, '127.0.0.1');
    await ph.next(2);
    expect(ph.inbox[1]).toMatchObject({ kind: 'request', method: 'NOTIFY', uri: `sip:192.0.2.99:${ph.port}` });
  });

  it('refuses interfaces that do not exist', async () => {
    await expect(startPnpResponder({ interfaces: ['no-such-if0'], publicUrl: 'http://x/', port: 1 })).rejects.toMatchObject({ code: 'INVALID_FIELD', field: 'discovery' });
  });
});
