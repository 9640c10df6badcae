import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findHeader } from '../../server/discovery/sip-message.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';
import { startSipListener, until, type SipListener } from './helpers/sip-listener.ts';

/**
 * The throttle's trailing push over real HTTP and UDP: a burst of edits sends one NOTIFY at once
 * and one more when the window ends, so the phone also fetches the burst's last edit. The window
 * is 3 s here (the service's real default is 60 s), long enough for three edits on a loaded
 * machine, so the test waits for real time.
 */

let server: PhoneServer;
let phone: SipListener;
const MAC = '44dbd2000301';
const WINDOW_MS = 3_000;

beforeEach(async () => {
  phone = await startSipListener();
  server = await startPhoneServer({}, { checkSync: { phoneSipPort: phone.port, minIntervalMs: WINDOW_MS } });
});
afterEach(async () => {
  server.services.checkSyncPush.close();
  await server.close();
  phone.close();
});

describe('check-sync trailing push', () => {
  it('a burst of three edits sends one NOTIFY at once and one when the window ends, not three', async () => {
    const ids = await seed(server);
    const profile = await server.api('POST', '/profiles', { name: 'Office', settings: { time: { ntp: 'ntp0.example' } } });
    const device = await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, standalone: true, profileId: profile.body.id });
    expect(device.status).toBe(201);
    const boot = await fetch(`${server.root}${MAC}.cfg`, { headers: { 'user-agent': `Yealink SIP-T54W 150.86.0.70 ${MAC.match(/../g)?.join(':')}` } });
    expect(boot.status).toBe(200);
    server.front.phone.flush();

    for (let rev = 1; rev <= 3; rev++) {
      const res = await server.api('PATCH', `/profiles/${profile.body.id}`, { settings: { time: { ntp: `ntp${rev}.example` } } }, { 'if-match': `"${rev}"` });
      expect(res.status).toBe(200);
    }
    // The server clock stands still in this harness, so the second and third edits are inside the window.
    expect(server.services.checkSyncPush.statusOf(device.body.id)?.nextPushAt).toBeDefined();
    await until(() => phone.received.length >= 2, 1_000);
    expect(phone.received).toHaveLength(2);
    expect(phone.received.every((r) => findHeader(r.headers, 'Event') === 'check-sync;reboot=false')).toBe(true);
    await until(() => server.services.checkSyncPush.statusOf(device.body.id)?.result.outcome === 'answered');
    expect(server.services.checkSyncPush.statusOf(device.body.id)).toMatchObject({ result: { outcome: 'answered', status: 200 } });
    expect(server.services.checkSyncPush.statusOf(device.body.id)?.nextPushAt).toBeUndefined();
    // Nothing more follows: the trailing push carried the whole burst.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    expect(phone.received).toHaveLength(2);
  });
});
