import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * packaging/deskprov.service checked by systemd's own tools, offline (no systemd as PID 1 needed):
 * `systemd-analyze verify` parses it and checks the commands exist, `security --offline` scores it.
 * Whether the hardened service then runs is not proven here (that needs a booted systemd).
 */
const run = promisify(execFile);
const UNIT = readFileSync(join(import.meta.dirname, '..', '..', 'packaging', 'deskprov.service'), 'utf8');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `systemd-analyze <args> <unit>` on `text` saved as deskprov.service; never throws. */
async function analyze(text: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, 'deskprov.service');
  writeFileSync(file, text);
  try {
    const { stdout, stderr } = await run('systemd-analyze', [...args, file], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every `Key=value` of the unit, in order. */
function settings(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

describe('packaging/deskprov.service', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    const result = await analyze(UNIT, ['verify', '--man=no']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('is really parsed by verify: a misspelt key or a missing program is reported', async () => {
    const misspelt = await analyze(UNIT.replace('ProtectHome=yes', 'ProtectHme=yes'), ['verify', '--man=no']);
    expect(misspelt.stderr).toContain("Unknown key 'ProtectHme'");
    const missing = await analyze(UNIT.replace('/usr/bin/node ', '/usr/bin/no-such-node '), ['verify', '--man=no']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('/usr/bin/no-such-node is not executable');
  });

  it('runs as its own user with only CAP_NET_BIND_SERVICE, a state directory and a health-checked start', () => {
    const map = new Map(settings(UNIT));
    expect(map.get('DynamicUser')).toBe('yes');
    expect(map.get('AmbientCapabilities')).toBe('CAP_NET_BIND_SERVICE');
    expect(map.get('CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE');
    expect(map.get('StateDirectory')).toBe('deskprov');
    expect(map.get('Type')).toBe('exec');
    expect(map.get('ExecStartPost')).toMatch(/curl .*--retry-connrefused .*\$\{DESKPROV_HEALTH_URL\}$/);
    for (const key of ['ProtectSystem', 'ProtectHome', 'NoNewPrivileges', 'PrivateTmp']) expect(map.has(key), key).toBe(true);
    expect(map.get('RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX AF_NETLINK');
    expect(map.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('scores as well hardened by systemd-analyze security (exposure below 2.5 of 10)', async () => {
    const result = await analyze(UNIT, ['security', '--offline=yes', '--no-pager']);
    const exposure = /Overall exposure level for deskprov\.service: ([\d.]+)/.exec(result.stdout + result.stderr);
    expect(exposure, result.stdout + result.stderr).not.toBeNull();
    expect(Number(exposure![1])).toBeLessThan(2.5);
  });
});
