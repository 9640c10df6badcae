import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnmpWalker } from '../../server/location/snmp-walker.ts';
import { openDatabase } from '../../server/store/database.ts';
import { keyIdsInUse, loadOrCreateKeyFile, rotateKey, secretBoxOf } from '../../server/store/secret-box.ts';
import { sqliteSwitches } from '../../server/store/switch-repo.ts';
import { startSimulatedSwitch, type SimulatedSwitch } from '../helpers/snmp-switch-agent.ts';
import { walkOf } from '../helpers/synthetic-switch.ts';
import { startLocationServer, type LocationServer } from '../integration/helpers/location-server.ts';
import { everyStoredValue } from './helpers/stored-values.ts';

/** Switch SNMP credentials are secrets at rest like SIP secrets (E911-SECURITY §2.5, issue P12). */

const CHASSIS = 'aa:bb:cc:00:00:01';
const PHONE = '00:15:65:aa:bb:01';
const COMMUNITY = 'c0mmunity-at-rest-7f3a';
const V3 = { name: 'poller', authKey: 'authkey-at-rest-91b2', privKey: 'privkey-at-rest-c4d8' };
const SECRETS = [COMMUNITY, V3.authKey, V3.privKey];

let api: LocationServer;
let sim: SimulatedSwitch;
let copyDir: string;
let siteId: string;

const dbFile = () => api.dbFile;
const keyFile = () => join(dirname(dbFile()), 'secret.key');

async function ok<T = any>(method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const res = await api.call(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as T;
}

/** One v2c and one v3 switch (both answered by the simulated switch), created through the API. */
async function twoSwitches(): Promise<{ v2: string; v3: string }> {
  const v2 = await ok('POST', '/switches', { name: 'v2c', siteId, host: '127.0.0.1', port: sim.port, snmp: { version: '2c', community: COMMUNITY } }, 201);
  const v3 = await ok('POST', '/switches', {
    name: 'v3',
    siteId,
    host: 'localhost',
    port: sim.port,
    snmp: { version: '3', user: V3.name, authKey: V3.authKey, privKey: V3.privKey },
  }, 201);
  return { v2: v2.id, v3: v3.id };
}

beforeEach(async () => {
  api = await startLocationServer({ walker: createSnmpWalker({ timeoutMs: 500, retries: 1 }), switches: { minPollIntervalMs: 0 } });
  sim = await startSimulatedSwitch(walkOf({ chassisMac: CHASSIS, ports: [{ bridgePort: 1, ifIndex: 10101, ifName: 'Gi1/0/1', macs: [PHONE] }] }), {
    community: COMMUNITY,
    v3User: V3,
  });
  copyDir = mkdtempSync(join(tmpdir(), 'deskprov-switch-copy-'));
  siteId = (await ok('POST', '/sites', { name: 'HQ', timezone: 'America/Chicago', networks: ['10.0.0.0/8'], extensionRange: { first: 100, last: 199 }, registrar: { host: 'pbx.example.com' } }, 201)).id;
  await ok('POST', '/devices', { mac: PHONE, model: 'yealink/t54w', siteId, standalone: true }, 201);
});
afterEach(async () => {
  await sim.close();
  await api.close();
  rmSync(copyDir, { recursive: true, force: true });
});

describe('switch SNMP credentials at rest', () => {
  it('keeps the v2c community and the v3 keys out of the database file', async () => {
    await twoSwitches();
    api.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(dbFile()).toString('latin1');
    const values = everyStoredValue(dbFile());
    for (const secret of SECRETS) {
      expect(bytes).not.toContain(secret);
      expect(values.some((v) => v.includes(secret))).toBe(false);
    }
    const stored = api.db.prepare('SELECT credentials FROM switches').pluck().all() as string[];
    expect(stored).toHaveLength(2);
    for (const value of stored) expect(value).toMatch(/^enc1:[0-9a-f]{8}:/);
    // The server itself still reads them: both switches answer a poll with their own credentials.
    for (const sw of (await ok('GET', '/switches')).items as Array<{ id: string }>) {
      expect(await ok('POST', `/switches/${sw.id}/poll`)).toMatchObject({ ok: true, phonesLocated: 1 });
    }
  });

  it('yields no credential from a copied database without its key file', async () => {
    await twoSwitches();
    api.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    copyFileSync(dbFile(), join(copyDir, 'deskprov.db'));
    expect(() => openDatabase(join(copyDir, 'deskprov.db'))).toThrow(/sealed secrets .* is missing/);
    // A key from another installation opens none of them either.
    const other = join(copyDir, 'other');
    mkdirSync(other);
    openDatabase(join(other, 'deskprov.db')).close();
    copyFileSync(join(other, 'secret.key'), join(copyDir, 'secret.key'));
    expect(() => openDatabase(join(copyDir, 'deskprov.db'))).toThrow(/key file does not hold/);
    expect(JSON.stringify(everyStoredValue(join(copyDir, 'deskprov.db')))).not.toMatch(/at-rest/);
  });

  it('seals credentials an older version stored in clear when the database is opened', async () => {
    const { v2 } = await twoSwitches();
    api.db.prepare('UPDATE switches SET credentials = ? WHERE id = ?').run(JSON.stringify({ version: '2c', community: COMMUNITY }), v2);
    expect(api.db.prepare('SELECT credentials FROM switches WHERE id = ?').pluck().get(v2)).toContain(COMMUNITY);
    const reopened = openDatabase(dbFile());
    try {
      const stored = reopened.prepare('SELECT credentials FROM switches WHERE id = ?').pluck().get(v2) as string;
      expect(stored).toMatch(/^enc1:/);
      expect(JSON.parse(secretBoxOf(reopened).open(stored))).toEqual({ version: '2c', community: COMMUNITY });
      expect(sqliteSwitches(reopened).get(v2)?.snmp).toEqual({ version: '2c', community: COMMUNITY });
    } finally {
      reopened.close();
    }
    expect(await ok('POST', `/switches/${v2}/poll`)).toMatchObject({ ok: true, phonesLocated: 1 });
  });

  it('rotates the key over switch credentials and the running poller keeps answering', async () => {
    const { v2, v3 } = await twoSwitches();
    for (const id of [v2, v3]) expect(await ok('POST', `/switches/${id}/poll`)).toMatchObject({ ok: true });
    const oldId = loadOrCreateKeyFile(keyFile()).current;
    const { keyId, resealed } = rotateKey(api.db, keyFile());
    expect(keyId).not.toBe(oldId);
    // Both switches, besides the phone's own HTTP credentials (and any SIP line).
    const others = api.db.prepare('SELECT (SELECT count(*) FROM extensions) + (SELECT count(*) FROM device_http_credentials)').pluck().get() as number;
    expect(resealed).toBe(2 + others);
    expect(keyIdsInUse(api.db)).toEqual([keyId]);
    for (const value of api.db.prepare('SELECT credentials FROM switches').pluck().all() as string[]) {
      expect(value.startsWith(`enc1:${keyId}:`)).toBe(true);
    }
    for (const id of [v2, v3]) {
      expect(await ok('POST', `/switches/${id}/poll`)).toMatchObject({ ok: true, error: null, phonesLocated: 1 });
    }
    expect((await ok('GET', '/switch-alerts')).items).toEqual([]);
  });

  it('re-seals on update with the current key and never shows the credentials', async () => {
    const { v2 } = await twoSwitches();
    const patched = await ok('PATCH', `/switches/${v2}`, { snmp: { version: '2c', community: `${COMMUNITY}-2` } });
    expect(JSON.stringify(patched)).not.toContain(COMMUNITY);
    const stored = api.db.prepare('SELECT credentials FROM switches WHERE id = ?').pluck().get(v2) as string;
    expect(stored).toMatch(/^enc1:/);
    expect(sqliteSwitches(api.db).get(v2)?.snmp).toEqual({ version: '2c', community: `${COMMUNITY}-2` });
  });
});
