import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.ts';
import type { CliIo } from '../../server/cli/output.ts';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { servedConfig } from './helpers/test-config.ts';

/**
 * The same CLI as cli-admin.test.ts, called in this process through runCli with captured output:
 * fast enough to walk every command, and measured by coverage (child processes are not).
 */
const ADMIN_TOKEN = 'cli-in-process-admin-token-0123';
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-cli-ip-'));
  const config = servedConfig(join(dir, 'data'), ADMIN_TOKEN);
  server = await serve(config, { print: () => {}, logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], options: { tty?: boolean; token?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTty: options.tty === true,
    env: { DESKPROV_SERVER: server.httpUrl, DESKPROV_TOKEN: options.token ?? ADMIN_TOKEN },
  };
  const code = await runCli(['node', 'deskprov', ...args], io);
  return { code, stdout, stderr };
}

async function json(args: string[]): Promise<any> {
  const run = await cli([...args, '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

describe('the CLI, in process, against a running server', () => {
  it('walks every resource group: add, list, show and rm', async () => {
    const site = await json(['sites', 'add', 'Oslo', '--timezone', 'Europe/Oslo', '--range', '700-799', '--registrar', '[2001:db8::5]:5061', '--transport', 'tls', '--tftp-secrets']);
    expect(site).toMatchObject({ registrar: { host: '2001:db8::5', port: 5061, transport: 'tls' }, tftpSecrets: true });
    expect(site.checkSync).toEqual({ allowed: true });
    const quiet = await json(['sites', 'add', 'Quiet', '--timezone', 'Europe/Oslo', '--range', '800-809', '--registrar', 'pbx.example.com', '--no-check-sync']);
    expect(quiet.checkSync).toEqual({ allowed: false });
    expect((await cli(['sites', 'rm', quiet.id])).code).toBe(0);
    const human = await cli(['sites', 'show', site.id]);
    expect(human.stdout).toContain(`id: ${site.id}\n`);
    expect((await cli(['sites', 'list', '--limit', '10', '--offset', '0'])).stdout).toMatch(/^ID\s+NAME\s+TIMEZONE/);

    const user = await json(['users', 'add', 'Kari', '--email', 'kari@example.com', '--site', site.id, '--extension', '710', '--role', 'installer']);
    expect(user.extension).toEqual({ number: 710 });
    expect((await json(['users', 'show', user.id])).email).toBe('kari@example.com');

    const device = await json(['devices', 'add', '00:15:65:dd:00:01', '--model', 'yealink/t54w', '--site', site.id, '--user', user.id]);
    expect(device.binding.extension).toEqual({ number: 710 });
    expect((await json(['devices', 'list', '--state', device.state, '--model', 'yealink/t54w', '--user', user.id, '--search', 'dd00'])).total).toBe(1);
    expect(await json(['devices', 'rm', '001565dd0001'])).toEqual({ deleted: '001565dd0001' });

    expect((await cli(['numbers', 'add', '+4721000000', '--region', 'NO'])).code).toBe(0);
    expect((await cli(['numbers', 'show', '+4721000000'])).stdout).toContain('e164: +4721000000');
    expect((await cli(['numbers', 'rm', '+4721000000'])).stdout).toBe('deleted number +4721000000\n');

    const settings = join(dir, 'profile.json');
    writeFileSync(settings, '{"network":{"lldp":true}}');
    const profile = await json(['profiles', 'add', 'LLDP', '--settings', `@${settings}`]);
    const stale = await cli(['profiles', 'rm', profile.id, '--revision', String(profile.revision + 1)]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error: PRECONDITION_FAILED/);
    expect((await cli(['profiles', 'rm', profile.id, '--revision', String(profile.revision)])).code).toBe(0);

    expect((await cli(['users', 'rm', user.id])).code).toBe(0);
    expect((await cli(['sites', 'rm', site.id])).stdout).toBe(`deleted site ${site.id}\n`);
  });

  it('manages tokens and prints them for a person', async () => {
    const created = await cli(['tokens', 'add', '--role', 'admin', '--name', 'printer']);
    expect(created.stdout).toMatch(/^id: .*\ntoken: dpt_/ms);
    const list = await cli(['tokens', 'list']);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE/);
    const id = /^id: (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    expect((await cli(['tokens', 'rm', id])).stdout).toBe(`revoked token ${id}\n`);
  });

  it('claims a discovered device for a user', async () => {
    const site = await json(['sites', 'add', 'Bergen', '--timezone', 'Europe/Oslo', '--range', '800-899', '--registrar', 'pbx.example.com']);
    const user = await json(['users', 'add', 'Ola', '--email', 'ola@example.com', '--site', site.id]);
    server.services.devices.recordDiscovered({ mac: '001565dd0002', modelId: 'yealink/t54w', ip: '127.0.0.1', ua: null, firmware: null, now: new Date() });
    const claimed = await json(['devices', 'claim', '00:15:65:dd:00:02', '--site', site.id, '--model', 'yealink/t54w', '--user', user.id]);
    expect(claimed.binding).toMatchObject({ kind: 'user', extension: { number: 800 } });
  });

  it('draws a progress bar on a terminal while checking an import', async () => {
    const site = await json(['sites', 'add', 'Tromsø', '--timezone', 'Europe/Oslo', '--range', '900-999', '--registrar', 'pbx.example.com']);
    const file = join(dir, 'tty.csv');
    writeFileSync(file, `type,name,email,site\nuser,Per,per@example.com,${site.id}\nuser,Pål,paal@example.com,Tromsø\n`);
    const run = await cli(['import', file], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\rchecking [');
    expect(run.stdout).toMatch(/2\/2\nimported 2 user\(s\) and 0 device\(s\)\n$/);
  });

  it('reports server-side import problems as JSON with --json', async () => {
    const file = join(dir, 'dup.csv');
    writeFileSync(file, 'type,name,email,site\nuser,Dup,dup@example.com,Tromsø\nuser,Dup2,dup@example.com,Tromsø\n');
    const run = await cli(['import', file, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.imported).toBe(false);
    expect(report.problems[0]).toMatchObject({ line: 3 });
  });

  it('answers help with 0, unknown commands and bad options with 2, failures with 1', async () => {
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['sites', 'add', '--help'])).stdout).toContain('--timezone <iana>');
    expect((await cli(['nope'])).code).toBe(2);
    const badInt = await cli(['users', 'add', 'X', '--email', 'x@example.com', '--site', 's', '--extension', 'ten']);
    expect(badInt.code).toBe(2);
    expect(badInt.stderr).toContain('--extension must be an integer');
    expect((await cli(['sites', 'add', 'X', '--timezone', 'UTC', '--range', '1-', '--registrar', 'h'])).stderr).toBe(
      'error: --range must look like 1000-1999, got "1-"\n',
    );
    expect((await cli(['profiles', 'add', 'X', '--settings', '{'])).code).toBe(2);
    const missing = await cli(['sites', 'show', 'no-such-site']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: NOT_FOUND: /);
    const anonymous = await cli(['sites', 'list'], { token: '' });
    expect(anonymous.stderr).toBe('error: UNAUTHORIZED: a Bearer token is required\n');
    const badConfig = await cli(['serve', '--http', 'x']);
    expect(badConfig.code).toBe(2);
  });
});
