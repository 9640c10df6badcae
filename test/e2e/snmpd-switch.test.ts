import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnmpWalker } from '../../server/location/snmp-walker.ts';
import { loadOrCreateKeyFile } from '../../server/store/secret-box.ts';
import { runBin } from '../setup/cli-process.ts';
import { startLocationServer, type LocationServer } from '../integration/helpers/location-server.ts';

/**
 * Net-SNMP's own snmpd on 127.0.0.1 as the switch's agent: unlike the in-process simulated
 * switch, it answers a wrong v3 digest or an unknown user with a USM report (RFC 3414 §3.2), which
 * the poller must name an authentication failure; a wrong v2c community is still silence.
 */

const run = promisify(execFile);
const COMMUNITY = 'c0mmunity-ro';
const USER = { name: 'poller', authKey: 'authpass-1', privKey: 'privpass-1' };

let dir: string;
let snmpd: ChildProcess;
let port: number;
let api: LocationServer;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const p = socket.address().port;
      socket.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-snmpd-'));
  port = await freeUdpPort();
  writeFileSync(
    join(dir, 'snmpd.conf'),
    [`agentAddress udp:127.0.0.1:${port}`, `rocommunity ${COMMUNITY} 127.0.0.1`, `createUser ${USER.name} SHA "${USER.authKey}" AES "${USER.privKey}"`, `rouser ${USER.name} priv`].join('\n'),
  );
  // -C: only our config; -M /dev/null: no MIB files needed (numeric OIDs); -f: stay in the foreground.
  snmpd = spawn('snmpd', ['-f', '-Lo', '-C', '-c', join(dir, 'snmpd.conf'), '-M', '/dev/null', '-p', join(dir, 'snmpd.pid')], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist') },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await run('snmpget', ['-v2c', '-c', COMMUNITY, '-t', '0.5', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.5.0']);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
  api = await startLocationServer({ walker: createSnmpWalker({ timeoutMs: 500, retries: 1 }), switches: { minPollIntervalMs: 0 } });
});

afterAll(async () => {
  await api?.close();
  if (snmpd?.pid !== undefined && snmpd.exitCode === null) {
    const exited = new Promise((resolve) => snmpd.once('exit', resolve));
    snmpd.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces the inventory with one switch for snmpd under these credentials and polls it. */
async function poll(snmp: Record<string, unknown>, name: string) {
  for (const item of (await api.call('GET', '/switches')).body.items) await api.call('DELETE', `/switches/${item.id}`);
  const created = await api.call('POST', '/switches', { name, host: '127.0.0.1', port, snmp });
  expect(created.status).toBe(201);
  return (await api.call('POST', `/switches/${created.body.id}/poll`)).body;
}

describe('polling Net-SNMP snmpd', () => {
  it('walks it over SNMPv3 authPriv; a host without bridge tables locates nobody', async () => {
    expect(await poll({ version: '3', user: USER.name, authKey: USER.authKey, privKey: USER.privKey }, 'v3 good')).toMatchObject({ ok: true, macsSeen: 0, phonesLocated: 0 });
  });

  it('names a wrong v3 authentication key an authentication failure', async () => {
    const outcome = await poll({ version: '3', user: USER.name, authKey: 'wrong-authpass', privKey: USER.privKey }, 'v3 bad key');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'SWITCH_AUTH_FAILED' } });
    expect(JSON.stringify(outcome)).not.toContain('wrong-authpass');
  });

  it('names an unknown v3 user an authentication failure and a wrong community a timeout', async () => {
    expect(await poll({ version: '3', user: 'nobody', authKey: USER.authKey, privKey: USER.privKey }, 'v3 unknown user')).toMatchObject({ ok: false, error: { code: 'SWITCH_AUTH_FAILED' } });
    expect(await poll({ version: '2c', community: 'wrong-community' }, 'v2c wrong')).toMatchObject({ ok: false, error: { code: 'SWITCH_TIMEOUT' } });
    const alerts = (await api.call('GET', '/switch-alerts')).body.items;
    expect(alerts.map((a: { code: string }) => a.code)).toEqual(['SWITCH_TIMEOUT']);
  });

  it('keeps polling over SNMPv3 after deskprov keys rotate re-sealed the credentials from another process', async () => {
    const v3 = { version: '3', user: USER.name, authKey: USER.authKey, privKey: USER.privKey };
    expect(await poll(v3, 'v3 before rotation')).toMatchObject({ ok: true });
    const dataDir = api.dir;
    const before = loadOrCreateKeyFile(join(dataDir, 'secret.key')).current;
    const rotated = await runBin(['keys', 'rotate', '--data', dataDir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const after = loadOrCreateKeyFile(join(dataDir, 'secret.key')).current;
    expect(after).not.toBe(before);
    const stored = api.db.prepare('SELECT credentials FROM switches').pluck().all() as string[];
    expect(stored.map((v) => v.slice(0, 14))).toEqual([`enc1:${after}:`]);
    const [sw] = (await api.call('GET', '/switches')).body.items as Array<{ id: string }>;
    expect((await api.call('POST', `/switches/${sw?.id}/poll`)).body).toMatchObject({ ok: true, error: null });
  });
});
