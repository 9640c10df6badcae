import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { createBackup, readBackupHeader, restoreBackup } from '../../server/backup/backup-service.ts';
import { contentDigest } from '../integration/helpers/fixtures.ts';
import { runBin } from '../setup/cli-process.ts';
import { servedConfig } from '../integration/helpers/test-config.ts';
import { adminApi, type AdminAnswer } from '../integration/helpers/admin-api.ts';

/** E911-SECURITY §2.5 item 22: backup then restore keeps secrets sealed, keeps N backups, can reset admin access. */

const ADMIN = 'backup-test-admin-token-0123456789';
const MAC = '44dbd2010203';
const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';
const COMMUNITY = 'backup-community-5e1d';

let dir: string;
let dataDir: string;
let server: RunningServer | null;

async function start(data = dataDir): Promise<RunningServer> {
  server = await serve(servedConfig(data, ADMIN), { print: () => {}, logger: createLogger({ level: 'silent' }) });
  return server;
}

async function stop(): Promise<void> {
  await server?.close();
  server = null;
}

function api(method: string, path: string, body?: unknown, token = ADMIN): Promise<AdminAnswer> {
  if (server === null) throw new Error('no server running');
  return adminApi(server.httpUrl, token, method, path, body);
}

/** Rows in most tables: sites, users, extensions, devices, credentials, served files, profiles, numbers, tokens, switches, audit. */
async function populate(): Promise<{ sip: string; token: string }> {
  const site = await api('POST', '/sites', {
    name: 'HQ',
    timezone: 'Europe/Berlin',
    networks: ['127.0.0.0/8', '::1/128'],
    extensionRange: { first: 1000, last: 1999 },
    registrar: { host: 'pbx.example.com' },
  });
  expect(site.status).toBe(201);
  const user = await api('POST', '/users', { name: 'Alice Example', email: 'alice@example.com', siteId: site.body.id });
  expect(user.status).toBe(201);
  expect((await api('POST', '/profiles', { name: 'Office', settings: { raw: { yealink: { 'features.x': '1' } } } })).status).toBe(201);
  expect((await api('POST', '/numbers', { e164: '+4930123456', region: 'DE' })).status).toBeLessThan(300);
  expect((await api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: site.body.id, userId: user.body.id })).status).toBe(201);
  const served = await fetch(new URL(`${MAC}.cfg`, server?.httpUrl), { headers: { 'user-agent': UA } });
  expect(served.status).toBe(200);
  await served.text();
  const token = await api('POST', '/tokens', { name: 'ops', role: 'admin' });
  expect(token.status).toBe(201);
  const sw = await api('POST', '/switches', { name: 'Floor 1', siteId: site.body.id, host: '127.0.0.1', port: 16161, snmp: { version: '2c', community: COMMUNITY } });
  expect(sw.status).toBe(201);
  const sip = await api('POST', `/extensions/${user.body.extension.number}/secret:reveal`);
  expect(sip.status).toBe(200);
  mkdirSync(join(dataDir, 'firmware', 'yealink'), { recursive: true });
  writeFileSync(join(dataDir, 'firmware', 'yealink', 'T54W-96.86.0.70.rom'), Buffer.alloc(4096, 7));
  return { sip: sip.body.secret as string, token: token.body.token as string };
}

function liveDigest(file: string): { digest: string; counts: Record<string, number> } {
  const db = new BetterSqlite3(file, { readonly: true });
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const counts = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
  const digest = contentDigest(db);
  db.close();
  return { digest, counts };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-backup-'));
  dataDir = join(dir, 'data');
  server = null;
});
afterEach(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore (item 22)', () => {
  it('backs up while serving and writing, restores every table exactly, secrets still sealed', async () => {
    await start();
    const { sip } = await populate();
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    // Admin writes keep landing while the online backup runs.
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing && i < 200; i++) await api('POST', '/numbers', { e164: `+4930777${String(i).padStart(4, '0')}`, region: 'DE' });
    })();
    const during = await createBackup({ dataDir, target: backups });
    writing = false;
    await writes;
    expect(readBackupHeader(during.file).database.bytes).toBeGreaterThan(0);

    // Served-file records are written in batches: write them now, so nothing lands after the backup.
    server?.phoneFrontEnd.phone.flush();
    const before = liveDigest(join(dataDir, 'deskprov.db'));
    const final = await createBackup({ dataDir, target: join(backups, 'final.dpbak') });
    expect(liveDigest(join(dataDir, 'deskprov.db')).digest).toBe(before.digest);
    const empty = Object.entries(before.counts).filter(([, n]) => n === 0).map(([t]) => t);
    // The fixture fills the tables that hold state an admin would miss.
    for (const table of ['sites', 'users', 'extensions', 'devices', 'device_http_credentials', 'device_served_files', 'profiles', 'numbers', 'api_tokens', 'switches', 'audit_events', 'installation']) {
      expect(empty).not.toContain(table);
    }
    expect(final.header.firmware).toEqual([{ path: 'yealink/T54W-96.86.0.70.rom', size: 4096, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const bytes = readFileSync(final.file).toString('latin1');
    expect(bytes).not.toContain(sip);
    expect(bytes).not.toContain(COMMUNITY);

    // Changes after the backup are undone by the restore.
    expect((await api('POST', '/numbers', { e164: '+4930999999', region: 'DE' })).status).toBeLessThan(300);
    await stop();
    const restored = await restoreBackup({ dataDir, file: final.file });
    expect(restored.firmwareProblems).toEqual([]);
    expect(restored.previous).not.toBeNull();
    const after = liveDigest(join(dataDir, 'deskprov.db'));
    expect(after.counts).toEqual(before.counts);
    expect(after.digest).toBe(before.digest);

    // The restored server serves the same secret.
    await start();
    expect((await api('POST', '/extensions/1000/secret:reveal')).body.secret).toBe(sip);
    expect(server?.services.switches.all().map((s) => s.snmp)).toEqual([{ version: '2c', community: COMMUNITY }]);
  });

  it('refuses a damaged backup and another installation’s backup, changing nothing', async () => {
    await start();
    await populate();
    const good = await createBackup({ dataDir, target: join(dir, 'good.dpbak') });
    await stop();
    const digest = liveDigest(join(dataDir, 'deskprov.db')).digest;

    const damaged = Buffer.from(readFileSync(good.file));
    const at = damaged.length - 100;
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    writeFileSync(join(dir, 'damaged.dpbak'), damaged);
    await expect(restoreBackup({ dataDir, file: join(dir, 'damaged.dpbak') })).rejects.toThrow(/damaged: the database does not match its SHA-256/);
    writeFileSync(join(dir, 'cut.dpbak'), damaged.subarray(0, 60));
    await expect(restoreBackup({ dataDir, file: join(dir, 'cut.dpbak') })).rejects.toThrow(/damaged/);
    writeFileSync(join(dir, 'other.txt'), 'hello');
    await expect(restoreBackup({ dataDir, file: join(dir, 'other.txt') })).rejects.toThrow(/not a deskprov backup/);

    const otherData = join(dir, 'other-data');
    await start(otherData);
    await stop();
    const foreign = await createBackup({ dataDir: otherData, target: join(dir, 'foreign.dpbak') });
    await expect(restoreBackup({ dataDir, file: foreign.file })).rejects.toThrow(/belongs to installation .* holds installation/);
    expect(liveDigest(join(dataDir, 'deskprov.db')).digest).toBe(digest);
    expect(readdirSync(dataDir).filter((n) => n.includes('restore'))).toEqual([]);
  });

  it('moves to an empty folder only with the key file, and --reset-admin revokes every token', async () => {
    await start();
    const { sip, token } = await populate();
    const backup = await createBackup({ dataDir, target: join(dir, 'move.dpbak') });
    await stop();
    const moved = join(dir, 'moved');
    await expect(restoreBackup({ dataDir: moved, file: backup.file })).rejects.toThrow(/sealed with key .* does not hold/);
    expect(existsSync(join(moved, 'deskprov.db'))).toBe(false);
    mkdirSync(moved, { recursive: true });
    copyFileSync(join(dataDir, 'secret.key'), join(moved, 'secret.key'));
    const restored = await restoreBackup({ dataDir: moved, file: backup.file, resetAdmin: true });
    expect(restored.revokedTokens).toBe(2);
    let printed = '';
    server = await serve(servedConfig(moved, ADMIN, { adminToken: undefined }), {
      print: (line) => (printed += line),
      logger: createLogger({ level: 'silent' }),
    });
    const fresh = /\n {2}(\S+)\n/.exec(printed)?.[1];
    expect(fresh).toBeDefined();
    expect((await api('GET', '/sites', undefined, ADMIN)).status).toBe(401);
    expect((await api('GET', '/sites', undefined, token)).status).toBe(401);
    expect((await api('POST', '/extensions/1000/secret:reveal', undefined, fresh)).body.secret).toBe(sip);
  });

  it('deskprov backup --keep N keeps the newest N, and deskprov restore says why it refuses', async () => {
    await start();
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    const env = { DESKPROV_DATA: dataDir };
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await runBin(['backup', backups, '--keep', '2'], env));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const run of runs) expect(run.stderr).toBe('');
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const kept = readdirSync(backups).sort();
    expect(kept).toHaveLength(2);
    expect(runs[2]?.stdout).toMatch(/removed old backup/);
    expect(kept.map((n) => join(backups, n))).toContain(/backup written: (\S+)/.exec(runs[2]?.stdout ?? '')?.[1]);
    writeFileSync(join(dir, 'junk.dpbak'), 'DESKPROV-BACKUP 1\n{"header":{}}\n');
    const refused = await runBin(['restore', join(dir, 'junk.dpbak'), '--data', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the backup is damaged: its header does not match its checksum/);
  });
});
