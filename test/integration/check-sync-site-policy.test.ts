import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findHeader } from '../../server/discovery/sip-message.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';
import { startSipListener, until, type SipListener } from './helpers/sip-listener.ts';

/**
 * The per-site check-sync switch (`checkSync.allowed`) and the reported SIP contact, end to end:
 * real HTTP edits, a real device fetch, and UDP sockets on 127.0.0.1 standing in for the phone's
 * SIP stack. `fallback` listens on the port the server assumes for a device's last fetch address;
 * `reported` listens on another port, which only a reported contact can name.
 */

let server: PhoneServer;
let fallback: SipListener;
let reported: SipListener;
let ids: Awaited<ReturnType<typeof seed>>;
const MAC = '44dbd2000101';

beforeEach(async () => {
  fallback = await startSipListener();
  reported = await startSipListener();
  server = await startPhoneServer({}, { checkSync: { phoneSipPort: fallback.port } });
  ids = await seed(server);
});
afterEach(async () => {
  await server.close();
  fallback.close();
  reported.close();
});

const YEALINK_UA = `Yealink SIP-T54W 150.86.0.70 ${MAC.match(/../g)?.join(':')}`;
/** Long enough for a NOTIFY on loopback to arrive many times over; what must not arrive is checked after it. */
const QUIET_MS = 500;

/** A T54W on a profile, fetched once so its address is known; returns the device and profile ids. */
async function seenDevice(): Promise<{ deviceId: string; profileId: string }> {
  const profile = await server.api('POST', '/profiles', { name: 'Office', settings: { time: { ntp: 'ntp.office.example' } } });
  expect(profile.status).toBe(201);
  const res = await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, standalone: true, profileId: profile.body.id });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const boot = await fetch(`${server.root}${MAC}.cfg`, { headers: { 'user-agent': YEALINK_UA } });
  expect(boot.status).toBe(200);
  server.front.phone.flush();
  return { deviceId: res.body.id as string, profileId: profile.body.id as string };
}

let revision = 1;
/** A profile edit that changes the device's bytes (a new NTP server each time). */
async function editProfile(profileId: string): Promise<void> {
  const res = await server.api('PATCH', `/profiles/${profileId}`, { settings: { time: { ntp: `ntp${revision}.example` } } }, { 'if-match': `"${revision}"` });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.affected.total).toBe(1);
  revision += 1;
}

async function status(): Promise<Record<string, any>> {
  const res = await server.api('GET', `/devices/${MAC}/status`);
  expect(res.status).toBe(200);
  return res.body.checkSync as Record<string, any>;
}

async function agentToken(): Promise<string> {
  const res = await server.api('POST', `/devices/${MAC}/agent-token`);
  expect(res.status).toBe(200);
  return res.body.token as string;
}

async function report(token: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.root}api/v1/agent/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: `r-${Math.random().toString(36).slice(2)}`, at: new Date(Date.parse('2026-03-02T09:00:00Z')).toISOString(), ...body }),
  });
}

describe('per-site check-sync switch', () => {
  beforeEach(() => {
    revision = 1;
  });

  it('a new site allows check-sync; disallowing it stops the NOTIFY and the status says why; allowing it again sends', async () => {
    const { profileId } = await seenDevice();
    const site = await server.api('GET', `/sites/${ids.siteId}`);
    expect(site.body.checkSync).toEqual({ allowed: true });

    await editProfile(profileId);
    await until(() => fallback.received.length === 1);
    expect(fallback.received).toHaveLength(1);
    expect(findHeader(fallback.received[0]!.headers, 'Event')).toBe('check-sync;reboot=false');
    expect(await status()).toMatchObject({ contact: `sip:127.0.0.1:${fallback.port}`, contactSource: 'last-http-source' });

    const off = await server.api('PATCH', `/sites/${ids.siteId}`, { checkSync: { allowed: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ checkSync: { allowed: false }, affected: { total: 0 } });
    const audit = await server.api('GET', `/audit?entity=site:${ids.siteId}&action=site.update`);
    expect(audit.body.items.at(-1)).toMatchObject({ before: { checkSync: { allowed: true } }, after: { checkSync: { allowed: false } } });

    // Past the throttle window, so only the switch can hold the NOTIFY back.
    server.advance(61_000);
    await editProfile(profileId);
    expect(await status()).toMatchObject({ contact: null, contactSource: null, result: { outcome: 'disabled-by-site' } });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(fallback.received).toHaveLength(1);
    expect(reported.received).toHaveLength(0);

    const on = await server.api('PATCH', `/sites/${ids.siteId}`, { checkSync: { allowed: true } });
    expect(on.body.checkSync).toEqual({ allowed: true });
    await editProfile(profileId);
    await until(() => fallback.received.length === 2);
    expect(fallback.received).toHaveLength(2);
  });

  it('a site created with check-sync disallowed keeps it across reads, and its site edits push nothing', async () => {
    const created = await server.api('POST', '/sites', {
      name: 'Quiet', timezone: 'Europe/Paris', networks: ['10.20.0.0/16'], extensionRange: { first: 3000, last: 3099 },
      registrar: { host: 'pbx.quiet.example' }, checkSync: { allowed: false },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await server.api('GET', `/sites/${created.body.id}`)).body.checkSync).toEqual({ allowed: false });
    const listed = (await server.api('GET', '/sites')).body.items as Array<{ id: string; checkSync: unknown }>;
    expect(Object.fromEntries(listed.map((s) => [s.id, s.checkSync]))).toEqual({ [ids.siteId]: { allowed: true }, [created.body.id]: { allowed: false } });

    await seenDevice();
    await server.api('PATCH', `/sites/${ids.siteId}`, { checkSync: { allowed: false } });
    const res = await server.api('PATCH', `/sites/${ids.siteId}`, { registrar: { host: 'pbx2.example.com' } });
    expect(res.body.affected.total).toBe(1);
    expect(await status()).toMatchObject({ result: { outcome: 'disabled-by-site' } });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(fallback.received).toHaveLength(0);
  });

  it('refuses a checkSync that is not {allowed: boolean}', async () => {
    for (const checkSync of [{ allowed: 'no' }, { allowed: false, reboot: true }, false, {}]) {
      const res = await server.api('PATCH', `/sites/${ids.siteId}`, { checkSync });
      expect(res.status, JSON.stringify(checkSync)).toBe(400);
    }
    expect((await server.api('GET', `/sites/${ids.siteId}`)).body.checkSync).toEqual({ allowed: true });
  });
});

describe('SIP contact the device reported', () => {
  beforeEach(() => {
    revision = 1;
  });

  it('an agent report’s sipContact is where the NOTIFY goes, not the last fetch address on the assumed port', async () => {
    const { profileId } = await seenDevice();
    const token = await agentToken();
    const res = await report(token, { sipContact: { ip: '127.0.0.1', port: reported.port } });
    expect(res.status, await res.clone().text()).toBe(202);

    await editProfile(profileId);
    await until(() => reported.received.length === 1);
    expect(reported.received).toHaveLength(1);
    expect(findHeader(reported.received[0]!.headers, 'Event')).toBe('check-sync;reboot=false');
    expect(reported.received[0]!.uri).toBe(`sip:127.0.0.1:${reported.port}`);
    expect(await status()).toMatchObject({ contact: `sip:127.0.0.1:${reported.port}`, contactSource: 'reported' });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(fallback.received).toHaveLength(0);
  });

  it('an action URL’s sipContact is kept too; a later event without one keeps it', async () => {
    const { profileId } = await seenDevice();
    const key = await agentToken();
    const event = await fetch(`${server.root}api/v1/events/${key}?event=registered&sipContact=127.0.0.1:${reported.port}`);
    expect(event.status).toBe(204);
    const later = await fetch(`${server.root}api/v1/events/${key}?event=setup_completed&rev=1`);
    expect(later.status).toBe(204);

    await editProfile(profileId);
    await until(() => reported.received.length === 1);
    expect(reported.received).toHaveLength(1);
    expect(await status()).toMatchObject({ contactSource: 'reported' });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(fallback.received).toHaveLength(0);
  });

  it('refuses hostile contacts in reports and events, stores nothing, and falls back to the last fetch address', async () => {
    const { profileId } = await seenDevice();
    const token = await agentToken();
    for (const sipContact of [
      { ip: 'evil.example.com', port: 5060 },
      { ip: '127.0.0.1', port: 0 },
      { ip: '127.0.0.1', port: 65536 },
      { ip: '127.0.0.1', port: 5060, transport: 'tcp' },
      { ip: '127.0.0.1\r\nVia: x', port: 5060 },
      { ip: '999.0.0.1', port: 5060 },
      '127.0.0.1:5060',
    ]) {
      const res = await report(token, { sipContact });
      expect(res.status, JSON.stringify(sipContact)).toBe(400);
    }
    for (const sipContact of ['evil.example.com:5060', '127.0.0.1:70000', '127.0.0.1', '[fe80::1%25eth0]:5060', '224.0.1.75:5060', '127.0.0.1:5060%0d%0aVia:x']) {
      const res = await fetch(`${server.root}api/v1/events/${token}?event=registered&sipContact=${sipContact}`);
      expect(res.status, sipContact).toBe(400);
    }
    const state = await server.api('GET', `/devices/${MAC}/status`);
    expect(state.body.sip).toBeNull();

    await editProfile(profileId);
    await until(() => fallback.received.length === 1);
    expect(fallback.received).toHaveLength(1);
    expect(await status()).toMatchObject({ contactSource: 'last-http-source' });
  });

  it('a reported contact outside the site’s networks is not used: the status names it and the fallback is taken', async () => {
    const { profileId } = await seenDevice();
    const token = await agentToken();
    // 10.9.9.9 is outside the seeded site's 127.0.0.0/8 and ::1/128, so nothing is ever sent to it.
    expect((await report(token, { sipContact: { ip: '10.9.9.9', port: 5062 } })).status).toBe(202);
    await editProfile(profileId);
    await until(() => fallback.received.length === 1);
    expect(fallback.received).toHaveLength(1);
    expect(await status()).toMatchObject({
      contactSource: 'last-http-source',
      ignoredContact: { contact: 'sip:10.9.9.9:5062', reason: "outside the site's networks" },
    });
  });
});
