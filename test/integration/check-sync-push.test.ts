import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findHeader, parseSipMessage, serializeSipMessage, type SipRequest } from '../../server/discovery/sip-message.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';

/**
 * Check-sync push: after a profile edit, each device whose bytes changed gets a SIP NOTIFY
 * `Event: check-sync;reboot=false` at its last known address; a UDP socket on 127.0.0.1 stands
 * in for the phones (they fetch from 127.0.0.1, so that is their recorded address).
 */

let server: PhoneServer;
let phone: dgram.Socket;
let received: SipRequest[];
let ids: Awaited<ReturnType<typeof seed>>;

beforeEach(async () => {
  received = [];
  phone = dgram.createSocket('udp4');
  phone.on('message', (data, rinfo) => {
    const parsed = parseSipMessage(data);
    if (!parsed.ok || parsed.message.kind !== 'request') return;
    const request = parsed.message;
    received.push(request);
    const copy = (name: string) => ({ name, value: findHeader(request.headers, name) ?? '' });
    phone.send(
      serializeSipMessage({
        kind: 'response', status: 200, reason: 'OK',
        headers: [copy('Via'), copy('From'), { name: 'To', value: `${findHeader(request.headers, 'To')};tag=phone` }, copy('Call-ID'), copy('CSeq')],
        body: '',
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((resolve) => phone.bind(0, '127.0.0.1', resolve));
  server = await startPhoneServer({}, { checkSync: { phoneSipPort: phone.address().port } });
  ids = await seed(server);
});
afterEach(async () => {
  await server.close();
  phone.close();
});

const YEALINK_UA = (mac: string) => `Yealink SIP-T54W 150.86.0.70 ${mac.match(/../g)?.join(':')}`;

async function profile(name: string, ntp: string): Promise<string> {
  const res = await server.api('POST', '/profiles', { name, settings: { time: { ntp } } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A T54W on `profileId` that has fetched its file once, so its address is known. */
async function seenDevice(mac: string, profileId: string): Promise<string> {
  const res = await server.api('POST', '/devices', { mac, model: 'yealink/t54w', siteId: ids.siteId, standalone: true, profileId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const boot = await fetch(`${server.root}${mac}.cfg`, { headers: { 'user-agent': YEALINK_UA(mac) } });
  expect(boot.status).toBe(200);
  // Sightings are written in batches; flush so the device's address is stored now.
  server.front.phone.flush();
  const shown = await server.api('GET', `/devices/${mac}`);
  expect(shown.body.lastSeen?.ip).toBe('127.0.0.1');
  return res.body.id as string;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('check-sync push after admin edits', () => {
  it('a profile edit sends one check-sync NOTIFY to the changed device only, and records the answer', async () => {
    const office = await profile('Office', 'ntp.office.example');
    const lobby = await profile('Lobby', 'ntp.lobby.example');
    const changedId = await seenDevice('44dbd2000001', office);
    const untouchedId = await seenDevice('44dbd2000002', lobby);

    const res = await server.api('PATCH', `/profiles/${office}`, { settings: { time: { ntp: 'ntp.new.example' } } }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body.affected.total).toBe(1);

    await until(() => server.services.checkSyncPush.statusOf(changedId)?.result.outcome === 'answered');
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('NOTIFY');
    expect(findHeader(received[0]!.headers, 'Event')).toBe('check-sync;reboot=false');
    expect(server.services.checkSyncPush.statusOf(changedId)).toMatchObject({
      contact: `sip:127.0.0.1:${phone.address().port}`,
      result: { outcome: 'answered', status: 200 },
    });
    expect(server.services.checkSyncPush.statusOf(untouchedId)).toBeNull();
    const status = await server.api('GET', '/devices/44dbd2000001/status');
    expect(status.body.checkSync).toMatchObject({ result: { outcome: 'answered', status: 200 } });
    expect((await server.api('GET', '/devices/44dbd2000002/status')).body.checkSync).toBeNull();
  });

  it('an edit that changes no device’s bytes sends nothing', async () => {
    const office = await profile('Office', 'ntp.office.example');
    const id = await seenDevice('44dbd2000001', office);
    const res = await server.api('PATCH', `/profiles/${office}`, { name: 'Office HQ' }, { 'if-match': '"1"' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.affected.total).toBe(0);
    // A push is started (and its status set) before the answer is sent: none was started.
    expect(server.services.checkSyncPush.statusOf(id)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toHaveLength(0);
  });

  it('a second edit within a minute does not push the same device again', async () => {
    const office = await profile('Office', 'ntp.office.example');
    const id = await seenDevice('44dbd2000001', office);
    await server.api('PATCH', `/profiles/${office}`, { settings: { time: { ntp: 'ntp.one.example' } } }, { 'if-match': '"1"' });
    await until(() => server.services.checkSyncPush.statusOf(id)?.result.outcome === 'answered');
    await server.api('PATCH', `/profiles/${office}`, { settings: { time: { ntp: 'ntp.two.example' } } }, { 'if-match': '"2"' });
    server.advance(61_000);
    await server.api('PATCH', `/profiles/${office}`, { settings: { time: { ntp: 'ntp.three.example' } } }, { 'if-match': '"3"' });
    await until(() => received.length >= 2);
    expect(received).toHaveLength(2);
  });

  it('a site edit that changes the registrar pushes the site’s devices; a dry run pushes nothing', async () => {
    const office = await profile('Office', 'ntp.office.example');
    const id = await seenDevice('44dbd2000001', office);
    const dry = await server.api('PATCH', `/sites/${ids.siteId}?dryRun=true`, { registrar: { host: 'pbx2.example.com' } });
    expect(dry.body.affected.total).toBe(1);
    expect(server.services.checkSyncPush.statusOf(id)).toBeNull();
    const res = await server.api('PATCH', `/sites/${ids.siteId}`, { registrar: { host: 'pbx2.example.com' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await until(() => server.services.checkSyncPush.statusOf(id)?.result.outcome === 'answered');
    expect(received).toHaveLength(1);
    expect(findHeader(received[0]!.headers, 'Event')).toBe('check-sync;reboot=false');
  });
});
