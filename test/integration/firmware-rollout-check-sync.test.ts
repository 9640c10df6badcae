import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendCheckSync } from '../../server/discovery/check-sync-sender.ts';
import { buildApp, type App } from '../../server/http/app.ts';
import { createPhoneFrontEnd, type PhoneFrontEnd } from '../../server/http/phone-front-end.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { testConfig } from './helpers/test-config.ts';
import { adminApiOk } from './helpers/admin-api.ts';

/**
 * Rollouts push check-sync to the open ring's phones inside the window: a UDP socket on loopback
 * plays the phone's SIP stack, answers 200 OK, and records each NOTIFY.
 */

const REPO = join(import.meta.dirname, '..', '..');
const MAC = '805ec0000001';
let dir: string;
let db: Database;
let app: App;
let front: PhoneFrontEnd;
let phoneSip: dgram.Socket;
let root: string;
let token: string;
let t = Date.parse('2026-03-02T09:00:00Z');
const notifies: string[] = [];

const api = (method: string, path: string, body?: unknown): Promise<any> => adminApiOk(root, token, method, path, body);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-fw-sync-'));
  db = openDatabase(join(dir, 'deskprov.db'));
  phoneSip = dgram.createSocket('udp4');
  phoneSip.on('message', (msg, from) => {
    const text = msg.toString();
    notifies.push(text);
    const headers = text.split('\r\n').filter((l) => /^(via|from|to|call-id|cseq):/i.test(l));
    phoneSip.send(Buffer.from(['SIP/2.0 200 OK', ...headers, 'Content-Length: 0', '', ''].join('\r\n')), from.port, from.address);
  });
  await new Promise<void>((resolve) => phoneSip.bind(0, '127.0.0.1', resolve));
  const sipPort = (phoneSip.address() as AddressInfo).port;
  const catalog = readCatalog(join(REPO, 'firmware-profiles'));
  const services = createServices({ db, catalog, now: () => new Date(t) });
  token = services.tokens.ensureBootstrap().token ?? '';
  const config = testConfig(dir);
  // What main.ts wires: check-sync to the phone's last address (here on the test's SIP port).
  front = createPhoneFrontEnd({
    db,
    catalog,
    config,
    services,
    now: () => t,
    checkSync: (device) => {
      if (device.lastSeen?.ip) void sendCheckSync(`sip:${device.lastSeen.ip}:${sipPort}`, { timeoutMs: 2000 });
    },
  });
  app = await buildApp({ config, services, catalog, extraPlugins: [front.plugin] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  root = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
  config.publicUrl = root;
});

afterEach(async () => {
  await app.close();
  phoneSip.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  notifies.length = 0;
});

describe('rollout check-sync', () => {
  it('nudges the open ring’s phones inside the window once per hop, and nobody outside it', async () => {
    const site = await api('POST', '/sites', {
      name: 'HQ',
      timezone: 'UTC',
      networks: ['127.0.0.0/8'],
      extensionRange: { first: 1000, last: 1999 },
      registrar: { host: 'pbx.example.com' },
    });
    await api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: site.id, standalone: true });
    const boot = await fetch(`${root}${MAC}.cfg`, { headers: { 'user-agent': 'Yealink SIP-T54W 96.86.0.40 80:5e:c0:00:00:01' } });
    expect(boot.status).toBe(200);
    front.phone.flush();
    const image = Buffer.alloc(2048, 9);
    const upload = await fetch(`${root}api/v1/firmware/yealink/T54W-96.86.0.70.rom`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-checksum-sha256': createHash('sha256').update(image).digest('hex') },
      body: new Uint8Array(image),
    });
    expect(upload.status).toBe(201);
    await api('POST', '/rollouts', {
      siteId: site.id,
      model: 'yealink/t54w',
      targetVersion: '96.86.0.70',
      file: 'T54W-96.86.0.70.rom',
      rings: [{ name: 'all' }],
      window: { start: '10:00', end: '11:00' },
      soakMinutes: 0,
      halt: { noReturnMinutes: 30, maxRegistrationLossRate: 0.5 },
    });

    front.rollouts.tick(); // 09:00 UTC: outside the window
    t += 60 * 60_000; // 10:00: inside
    front.rollouts.tick();
    front.rollouts.tick(); // the same hour: not again
    await expect.poll(() => notifies.length, { timeout: 3000 }).toBe(1);
    expect(notifies[0]).toMatch(/^NOTIFY sip:127\.0\.0\.1:\d+ SIP\/2\.0/);
    expect(notifies[0]).toMatch(/^Event: check-sync/im);
    const audit = await api('GET', '/audit?entity=rollout&action=rollout.check-sync');
    expect(audit.items).toEqual([expect.objectContaining({ after: { mac: MAC } })]);
  });
});
