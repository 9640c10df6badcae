import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { sendCheckSync } from '../../server/discovery/check-sync-sender.ts';
import { startPnpResponder, type PnpResponder } from '../../server/discovery/sip-pnp-responder.ts';
import { createServerMetrics } from '../../server/metrics/server-metrics.ts';

/**
 * deskprov_discovery_events_total fed by real parts over loopback: a SIP PnP responder on `lo`
 * answering a real SUBSCRIBE and dropping garbage, and check-sync NOTIFYs that time out or
 * cannot be delivered. (mDNS counts come from ciao on real links: discovery e2e tests.)
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function responderOnLoopback(): Promise<{ responder: PnpResponder; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    try {
      const responder = await startPnpResponder({ interfaces: ['lo'], publicUrl: 'http://127.0.0.1:8080/', port });
      cleanups.push(() => responder.close());
      return { responder, port };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error('no free port');
}

async function udpSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => socket.close(() => resolve())));
  return socket;
}

const subscribe = (phonePort: number): Buffer =>
  Buffer.from(
    [
      'SUBSCRIBE sip:MAC=0c383ea1b2c3@224.0.1.75 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${phonePort};branch=z9hG4bKmetrics;rport`,
      'From: <sip:MAC=0c383ea1b2c3@224.0.1.75>;tag=m1',
      'To: <sip:MAC=0c383ea1b2c3@224.0.1.75>',
      'Call-ID: metrics-1',
      'CSeq: 1 SUBSCRIBE',
      'Event: ua-profile;profile-type="device";vendor="Fanvil";model="X4U";version="2.12"',
      `Contact: <sip:127.0.0.1:${phonePort}>`,
      'Expires: 0',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );

describe('discovery events metric', () => {
  it('counts a SUBSCRIBE answered, a datagram dropped and check-sync NOTIFYs that failed', async () => {
    const { responder, port } = await responderOnLoopback();
    const phone = await udpSocket();
    phone.send(subscribe(phone.address().port), port, '127.0.0.1');
    phone.send(Buffer.from('not sip at all'), port, '127.0.0.1');
    for (let i = 0; i < 150 && (responder.stats().answered < 1 || responder.stats().malformed < 1); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const metrics = createServerMetrics({
      renderCache: () => ({ hits: 0, misses: 0 }),
      tftpStats: () => null,
      devicesInState: () => 0,
      alertCodes: () => [],
      discoveryStats: () => ({ mdns: { announcements: 0, conflicts: 0, goodbyes: 0 }, pnp: responder.stats() }),
    });
    // A phone that never answers (a bound socket that stays silent), and a host-name contact.
    const silent = await udpSocket();
    metrics.observeCheckSync(await sendCheckSync(`sip:127.0.0.1:${silent.address().port}`, { timeoutMs: 300 }));
    metrics.observeCheckSync(await sendCheckSync('sip:phone.example.net:5060', { timeoutMs: 300 }));

    const text = await metrics.registry.metrics();
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="answered"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="dropped_malformed"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="timeout"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="failed"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="answered"} 0\n');
  });
});
