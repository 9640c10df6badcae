import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { runBin } from '../setup/cli-process.ts';
import { servedConfig } from './helpers/test-config.ts';

const ADMIN_TOKEN = 'cli-test-admin-token-0123456789';
let dir: string;
let server: RunningServer;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-cli-'));
  const config = servedConfig(join(dir, 'data'), ADMIN_TOKEN);
  server = await serve(config, { print: () => {}, logger: createLogger({ level: 'silent' }) });
  env = { DESKPROV_SERVER: server.httpUrl, DESKPROV_TOKEN: ADMIN_TOKEN };
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function json(args: string[]): Promise<any> {
  const run = await runBin([...args, '--json'], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

// Each CLI run is a fresh Node process; on a busy 2-core machine a test of several runs takes a while.
describe('deskprov CLI against a running server', { timeout: 120_000 }, () => {
  let siteId: string;

  it('prints help for every command and exits 0', async () => {
    const run = await runBin(['devices', 'claim', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: deskprov devices claim [options] <mac>');
  });

  it('creates a site, a user, a user device and a standalone device, and lists them', async () => {
    const site = await json(['sites', 'add', 'Berlin', '--timezone', 'Europe/Berlin', '--range', '500-599',
      '--registrar', 'pbx.example.com:5060', '--network', '10.5.0.0/16']);
    siteId = site.id;
    expect(site).toMatchObject({ name: 'Berlin', extensionRange: { first: 500, last: 599 }, networks: ['10.5.0.0/16'] });

    const user = await json(['users', 'add', 'Ana <&> 🙂', '--email', 'ana@example.com', '--site', siteId]);
    expect(user).toMatchObject({ name: 'Ana <&> 🙂', extension: { number: 500 } });

    const userDevice = await json(['devices', 'add', '00:15:65:AA:BB:01', '--model', 'yealink/t54w', '--site', siteId, '--user', user.id]);
    expect(userDevice).toMatchObject({ mac: '001565aabb01', binding: { kind: 'user', extension: { number: 500 } } });

    const standalone = await json(['devices', 'add', '0015.65aa.bb02', '--model', 'yealink/t54w', '--site', siteId, '--standalone', '--label', 'Lobby']);
    expect(standalone.binding).toMatchObject({ kind: 'standalone', extension: { number: 501 } });

    const table = await runBin(['devices', 'list', '--site', siteId], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^MAC\s+MODEL\s+SITEID\s+STATE/);
    expect(table.stdout).toContain('001565aabb01');
    expect(table.stdout).toContain('001565aabb02');

    const found = await json(['users', 'list', '--search', 'ana@', '--site', siteId]);
    expect(found.items.map((u: { id: string }) => u.id)).toEqual([user.id]);

    const shown = await json(['devices', 'show', '00-15-65-aa-bb-02']);
    expect(shown.mac).toBe('001565aabb02');
  });

  it('adds and removes numbers and profiles', async () => {
    const number = await json(['numbers', 'add', '+4930123456', '--region', 'DE', '--caller-id-name', 'Reception']);
    expect(number).toMatchObject({ e164: '+4930123456', region: 'DE' });
    expect((await json(['numbers', 'list'])).items.map((n: { e164: string }) => n.e164)).toContain('+4930123456');
    expect(await json(['numbers', 'rm', '+4930123456'])).toEqual({ deleted: '+4930123456' });

    const profile = await json(['profiles', 'add', 'Quiet', '--settings', '{"language":"de"}']);
    expect(profile).toMatchObject({ name: 'Quiet', settings: { language: 'de' } });
    expect(await json(['profiles', 'rm', profile.id])).toEqual({ deleted: profile.id });
  });

  it('creates, lists and revokes API tokens; a revoked token is refused', async () => {
    const created = await json(['tokens', 'add', '--role', 'admin', '--name', 'ci']);
    expect(created.token).toMatch(/\S{20,}/);
    const listed = await json(['tokens', 'list']);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(await json(['tokens', 'rm', created.id])).toEqual({ revoked: created.id });
    const refused = await runBin(['sites', 'list'], { ...env, DESKPROV_TOKEN: created.token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: UNAUTHORIZED: the token is unknown or revoked\n');
  });

  it('exits non-zero with the server message on failure and 2 on bad usage', async () => {
    const badMac = await runBin(['devices', 'add', '01:00:5e:00:00:01', '--model', 'yealink/t54w', '--site', siteId, '--standalone'], env);
    expect(badMac.code).toBe(1);
    expect(badMac.stderr).toMatch(/^error: INVALID_MAC \(mac\): /);

    const unknownModel = await runBin(['devices', 'add', '001565aabb09', '--model', 'yealink/t54', '--site', siteId, '--standalone', '--json'], env);
    expect(unknownModel.code).toBe(1);
    expect(unknownModel.stderr).toMatch(/UNKNOWN_MODEL/);

    const usage = await runBin(['devices', 'add', '001565aabb09', '--model', 'yealink/t54w', '--site', siteId], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('error: give exactly one of --user <id> and --standalone\n');

    const unreachable = await runBin(['sites', 'list', '--server', 'http://127.0.0.1:9'], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('imports users and devices from one CSV file, naming sites by name', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, [
      'type,name,email,site,extension,role,mac,model,label,standalone',
      'user,Bo,bo@example.com,Berlin,,,,,,',
      'device,,bo@example.com,Berlin,,,00:15:65:cc:00:01,yealink/t54w,,',
      'device,,,Berlin,,,00:15:65:cc:00:02,yealink/t54w,Kitchen,true',
    ].join('\n'));
    const run = await runBin(['import', file], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('imported 1 user(s) and 2 device(s)\n');
    expect((await json(['devices', 'show', '001565cc0001'])).binding.kind).toBe('user');
  });

  it('imports nothing when one row of 500 is bad, and reports that row by line number', async () => {
    const before = (await json(['devices', 'list', '--limit', '500'])).total;
    const rows = ['type,name,email,site,extension,role,mac,model,label,standalone'];
    for (let i = 0; i < 500; i++) {
      const mac = `0015650d${i.toString(16).padStart(4, '0')}`;
      rows.push(`device,,,${siteId},,,${mac},${i === 250 ? 'yealink/no-such-model' : 'yealink/t54w'},,true`);
    }
    const file = join(dir, 'bad.csv');
    writeFileSync(file, rows.join('\n'));
    const run = await runBin(['import', file], env);
    expect(run.code).toBe(1);
    // Row 250 of the data is line 252 of the file (line 1 is the header).
    expect(run.stderr).toMatch(/^line 252 \(model\): /m);
    expect(run.stderr).toMatch(/nothing was imported/);
    expect((await json(['devices', 'list', '--limit', '500'])).total).toBe(before);
  });

  it('reports locally detectable bad rows without calling the server', async () => {
    const file = join(dir, 'local.csv');
    writeFileSync(file, 'type,name,email,site,extension,role,mac,model,label,standalone\ndevice,,,x,,,zz,yealink/t54w,,true\n');
    const run = await runBin(['import', file, '--json'], { ...env, DESKPROV_SERVER: 'http://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ imported: false, problems: [{ line: 2, field: 'mac', message: '"zz" is not a valid unicast MAC address' }] });
  });
});
