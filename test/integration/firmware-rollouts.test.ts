import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';
import { SimPhone, uploadFirmware } from './helpers/sim-phone.ts';

/**
 * Staged firmware rollouts over real HTTP and a real SQLite file: simulated phones fetch their
 * config with a User-Agent naming their firmware, download what it points at, and come back
 * running it. The clock is the server's injected one; ticks are the service's own tick.
 */

const OLD = '96.86.0.40';
const MID = '96.86.0.70';
const NEW = '96.86.0.100';
const MINUTE = 60_000;

let server: PhoneServer;
let ids: Awaited<ReturnType<typeof seed>>;

beforeEach(async () => {
  // Starts Monday 2026-03-02 09:00Z = 10:00 in the site's zone (Europe/Berlin).
  server = await startPhoneServer();
  ids = await seed(server);
  for (const [file, version] of [
    [`T54W-${OLD}.rom`, OLD],
    [`T54W-${MID}.rom`, MID],
    [`T54W-${NEW}.rom`, NEW],
  ] as const) {
    expect(await uploadFirmware(server, file, version)).toBe(201);
  }
});
afterEach(async () => {
  await server.close();
});

async function phones(count: number, version = OLD): Promise<SimPhone[]> {
  const out: SimPhone[] = [];
  for (let i = 0; i < count; i += 1) {
    const mac = `805ec0${(0x100 + i).toString(16).padStart(6, '0')}`;
    const res = await server.api('POST', '/devices', { mac, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
    expect(res.status).toBe(201);
    const phone = new SimPhone(server, mac, version);
    await phone.fetchConfig();
    out.push(phone);
  }
  return out;
}

function rollout(body: Record<string, unknown>) {
  return server.api('POST', '/rollouts', {
    siteId: ids.siteId,
    model: 'yealink/t54w',
    targetVersion: NEW,
    file: `T54W-${NEW}.rom`,
    rings: [{ name: 'all' }],
    window: { start: '00:00', end: '00:00' },
    soakMinutes: 0,
    halt: { noReturnMinutes: 30, maxRegistrationLossRate: 0.5 },
    ...body,
  });
}

/** Every phone boots once, then the server ticks; returns the phones that installed something. */
async function cycle(fleet: SimPhone[]): Promise<SimPhone[]> {
  const upgraded: SimPhone[] = [];
  for (const phone of fleet) if ((await phone.boot()) !== null) upgraded.push(phone);
  server.front.phone.flush();
  server.front.rollouts.tick();
  return upgraded;
}

describe('firmware rollouts', () => {
  it('walks three rings in order inside the maintenance window and holds still outside it', async () => {
    const fleet = await phones(8);
    const created = await rollout({
      targetVersion: MID,
      file: `T54W-${MID}.rom`,
      // Counts keep the test deterministic (device ids are random); percent rings: unit tests.
      rings: [{ name: 'canary', devices: 1 }, { name: 'early', devices: 3 }, { name: 'all' }],
      // 02:00–03:00 in Berlin (01:00–02:00Z in March), every day.
      window: { start: '02:00', end: '03:00' },
      soakMinutes: 30,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const ringOf = new Map<string, number>((created.body.devices as Array<{ mac: string; ring: number }>).map((d) => [d.mac, d.ring]));
    expect([0, 1, 2].map((r) => [...ringOf.values()].filter((x) => x === r).length)).toEqual([1, 3, 4]);

    // Monday 10:00 local: outside the window, nobody is pointed at firmware.
    expect(await cycle(fleet)).toEqual([]);
    expect(fleet.every((p) => p.firmwareUrl === null)).toBe(true);

    // Walk the clock from Monday 10:00 to Wednesday 04:00 local: 10-minute steps around the
    // nightly window (01:00–03:00Z), two-hour steps in between.
    const upgradedAt: Array<{ mac: string; ring: number; at: number }> = [];
    const ringStarts: Array<{ ring: number; at: number }> = [];
    const insideWindow = (at: number) => new Date(at).getUTCHours() === 1; // 02:xx in Berlin (UTC+1 in March)
    let now = Date.parse('2026-03-02T09:00:00Z');
    let ring = 0;
    while (now < Date.parse('2026-03-04T03:00:00Z')) {
      const hour = new Date(now).getUTCHours();
      const step = (hour === 1 || hour === 2 ? 10 : 120) * MINUTE;
      server.advance(step);
      now += step;
      for (const phone of await cycle(fleet)) upgradedAt.push({ mac: phone.mac, ring: ringOf.get(phone.mac) ?? -1, at: now });
      const after = await server.api('GET', `/rollouts/${id}`);
      if (after.body.ring !== ring) ringStarts.push({ ring: after.body.ring, at: now });
      ring = after.body.ring;
      if (after.body.status === 'completed') break;
    }

    const final = await server.api('GET', `/rollouts/${id}`);
    expect(final.body.status).toBe('completed');
    expect(fleet.every((p) => p.version === MID)).toBe(true);
    expect(final.body.devices.every((d: { state: string }) => d.state === 'done')).toBe(true);
    // Every install happened inside the window.
    expect(upgradedAt.every((u) => insideWindow(u.at))).toBe(true);
    // Rings upgraded in order: no phone of a later ring before the last of an earlier ring.
    for (const later of upgradedAt) {
      for (const earlier of upgradedAt) if (earlier.ring < later.ring) expect(earlier.at).toBeLessThan(later.at);
    }
    expect(new Set(upgradedAt.map((u) => u.ring))).toEqual(new Set([0, 1, 2]));
    // Ring 2 opened after Tuesday's window had closed; its phones waited for Wednesday's.
    const day = (at: number) => new Date(at).toISOString().slice(0, 10);
    expect(ringStarts.map((s) => [s.ring, insideWindow(s.at)])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(new Set(upgradedAt.filter((u) => u.ring < 2).map((u) => day(u.at)))).toEqual(new Set(['2026-03-03']));
    expect(new Set(upgradedAt.filter((u) => u.ring === 2).map((u) => day(u.at)))).toEqual(new Set(['2026-03-04']));

    const audit = await server.api('GET', `/audit?entity=rollout&entityId=${id}&limit=500`);
    const actions = (audit.body.items as Array<{ action: string }>).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['rollout.create', 'rollout.offered', 'rollout.ring-completed', 'rollout.ring-started', 'rollout.completed']));
  }, 120_000);

  it('walks a two-hop upgrade path one hop per reboot', async () => {
    const [phone] = await phones(1);
    const created = await rollout({ upgradePath: [{ version: MID, file: `T54W-${MID}.rom` }] });
    expect(created.status).toBe(201);
    expect(await phone!.boot()).toBe(MID);
    expect(phone!.firmwareUrl).toBe(`${server.root}firmware/yealink/T54W-${MID}.rom`);
    expect(await phone!.boot()).toBe(NEW);
    expect(phone!.firmwareUrl).toBe(`${server.root}firmware/yealink/T54W-${NEW}.rom`);
    expect(await phone!.boot()).toBeNull();
    expect(phone!.firmwareUrl).toBeNull();
    expect(phone!.installed).toEqual([MID, NEW]);
    server.front.rollouts.tick();
    expect((await server.api('GET', `/rollouts/${created.body.id}`)).body).toMatchObject({ status: 'completed', devices: [{ version: NEW, state: 'done' }] });
  });

  it('halts when upgraded phones do not come back, alerts, and points the ring back at the previous release', async () => {
    const fleet = await phones(5);
    const created = await rollout({
      rings: [{ name: 'canary', devices: 2 }, { name: 'all' }],
      revert: { version: OLD, file: `T54W-${OLD}.rom` },
    });
    const id = created.body.id as string;
    const canaries = (created.body.devices as Array<{ mac: string; ring: number }>).filter((d) => d.ring === 0).map((d) => d.mac);
    const [lost, survivor] = fleet.filter((p) => canaries.includes(p.mac));
    const others = fleet.filter((p) => !canaries.includes(p.mac));

    await lost!.fetchConfig();
    expect(lost!.firmwareUrl).toContain(NEW);
    lost!.alive = false; // took the image and never came back
    await survivor!.boot();
    await survivor!.boot();
    expect(survivor!.version).toBe(NEW);
    server.advance(29 * MINUTE);
    expect(server.front.rollouts.tick()).toEqual([]);
    server.advance(2 * MINUTE);
    const decisions = server.front.rollouts.tick();
    expect(decisions).toEqual([{ rolloutId: id, decision: expect.objectContaining({ action: 'rollout.halted', ring: 0 }) }]);

    const halted = await server.api('GET', `/rollouts/${id}`);
    expect(halted.body).toMatchObject({ status: 'halted', haltReason: expect.stringMatching(/did not come back/) });
    expect(halted.body.devices.find((d: { mac: string }) => d.mac === lost!.mac).state).toBe('no-return');
    // The ring's target is the previous release again; the ring not yet open keeps what it runs.
    await survivor!.fetchConfig();
    expect(survivor!.firmwareUrl).toBe(`${server.root}firmware/yealink/T54W-${OLD}.rom`);
    for (const phone of others) {
      await phone.fetchConfig();
      expect(phone.firmwareUrl).toBeNull();
    }
    const alerts = await server.api('GET', '/firmware-alerts');
    expect(alerts.body.items).toEqual([expect.objectContaining({ code: 'ROLLOUT_HALTED', subject: id })]);
    const audit = await server.api('GET', `/audit?entity=rollout&entityId=${id}&limit=500`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('rollout.halted');

    // Resume: alert cleared, phones offered the target again.
    const resumed = await server.api('POST', `/rollouts/${id}/resume`);
    expect(resumed.body.status).toBe('active');
    expect((await server.api('GET', '/firmware-alerts')).body.items).toEqual([]);
  });

  it('halts when too many upgraded phones lose registration (agent reports)', async () => {
    const fleet = await phones(2);
    const created = await rollout({ halt: { noReturnMinutes: 30, maxRegistrationLossRate: 0.4 } });
    const id = created.body.id as string;
    for (const phone of fleet) {
      await phone.boot();
      await phone.fetchConfig();
    }
    const token = (mac: string) => server.api('POST', `/devices/${mac}/agent-token`);
    const report = async (mac: string, registered: boolean) => {
      const issued = await token(mac);
      expect(issued.status).toBeLessThan(300);
      const res = await fetch(`${server.root}api/v1/agent/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${issued.body.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `r-${mac}`, at: new Date(Date.parse('2026-03-02T09:00:00Z') + MINUTE).toISOString(), firmware: NEW, sip: { registered } }),
      });
      expect(res.status).toBeLessThan(300);
    };
    server.advance(MINUTE);
    await report(fleet[0]!.mac, true);
    await report(fleet[1]!.mac, false);
    server.advance(MINUTE);
    server.front.rollouts.tick();
    const after = await server.api('GET', `/rollouts/${id}`);
    expect(after.body).toMatchObject({ status: 'halted', haltReason: expect.stringMatching(/lost SIP registration/) });
  });

  it('never serves a corrupt firmware image, alerts, and refuses a rollout to it', async () => {
    const file = `T54W-${NEW}.rom`;
    const url = `${server.root}firmware/yealink/${file}`;
    expect((await fetch(url)).status).toBe(200);
    writeFileSync(join(server.dir, 'firmware', 'yealink', file), Buffer.alloc(64 * 1024, 0x00));
    const res = await fetch(url);
    expect(res.status).toBe(404);
    const alerts = await server.api('GET', '/firmware-alerts');
    expect(alerts.body.items).toEqual([expect.objectContaining({ code: 'FIRMWARE_CORRUPT', subject: `yealink/${file}` })]);
    const refused = await rollout({});
    expect(refused.status).toBe(422);
    expect(refused.body.error.field).toBe('file');
    // A fresh upload with its hash ends the alert and serves again.
    expect(await uploadFirmware(server, file, NEW)).toBe(200);
    expect((await fetch(url)).status).toBe(200);
    expect((await server.api('GET', '/firmware-alerts')).body.items).toEqual([]);
  });

  it('refuses a second rollout for the same site and model while one is active, and bad rings; a halted one may be superseded', async () => {
    const first = await rollout({});
    expect(first.status).toBe(201);
    expect((await rollout({})).status).toBe(409);
    const bad = await rollout({ rings: [{ name: 'canary', devices: 1 }] });
    expect(bad.status).toBe(422);
    expect((await server.api('POST', `/rollouts/${first.body.id}/halt`, { reason: 'wrong image' })).body.status).toBe('halted');
    const second = await rollout({ targetVersion: MID, file: `T54W-${MID}.rom` });
    expect(second.status).toBe(201);
    expect((await server.api('GET', '/firmware-alerts')).body.items).toEqual([]);
    const [phone] = await phones(1);
    expect(phone!.firmwareUrl).toBe(`${server.root}firmware/yealink/T54W-${MID}.rom`);
  });

  it('shows a site-scoped installer its own site’s rollouts only', async () => {
    const created = await rollout({});
    const other = await server.api('POST', '/sites', {
      name: 'Branch',
      timezone: 'UTC',
      networks: ['10.9.0.0/16'],
      extensionRange: { first: 5000, last: 5099 },
      registrar: { host: 'pbx.example.com' },
    });
    const own = (await server.api('POST', '/tokens', { name: 'HQ installer', role: 'installer', siteId: ids.siteId })).body.token as string;
    const foreign = (await server.api('POST', '/tokens', { name: 'Branch installer', role: 'installer', siteId: other.body.id })).body.token as string;
    const as = (token: string, path: string) => server.api('GET', path, undefined, { authorization: `Bearer ${token}` });
    expect((await as(own, '/rollouts')).body.items.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    expect((await as(foreign, '/rollouts')).body.items).toEqual([]);
    expect((await as(foreign, `/rollouts/${created.body.id}`)).status).toBe(403);
    expect((await server.api('POST', `/rollouts/${created.body.id}/halt`, {}, { authorization: `Bearer ${own}` })).status).toBe(403);
  });
});
