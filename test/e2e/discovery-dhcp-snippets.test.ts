import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dhcpSnippet, dhcpVendorFacts, type DhcpFormat } from '../../server/discovery/dhcp-snippets.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';

/**
 * Every generated fragment is checked by the real server's own syntax check (none of them opens
 * a DHCP socket or starts serving in this mode): `dhcpd -t -cf`, `kea-dhcp4 -t`,
 * `dnsmasq --test`. Each is wrapped in a minimal config on the TEST-NET-1 range (RFC 5737),
 * and a deliberately broken copy must fail, so a passing check means something.
 */

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'deskprov-dhcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vendors = dhcpVendorFacts(readCatalog(path.join(root, 'firmware-profiles')).all());
const INPUT = { publicUrl: 'http://192.0.2.10:8080/', tftpHost: '192.0.2.10', vendors };

/** Writes the fragment inside a minimal valid config and returns the checker's command line. */
const wrap: Record<DhcpFormat, (fragment: string, tag: string) => [string, string[]]> = {
  isc(fragment, tag) {
    const file = path.join(dir, `${tag}.conf`);
    writeFileSync(file, `${fragment}\nsubnet 192.0.2.0 netmask 255.255.255.0 {\n  range 192.0.2.100 192.0.2.199;\n}\n`);
    return ['dhcpd', ['-t', '-cf', file]];
  },
  kea(fragment, tag) {
    const part = path.join(dir, `${tag}.fragment.json`);
    writeFileSync(part, fragment);
    const file = path.join(dir, `${tag}.json`);
    // Kea resolves an include path against the working directory, so it is given absolute.
    writeFileSync(file, `{ "Dhcp4": {\n  "interfaces-config": { "interfaces": [] },\n  "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.100 - 192.0.2.199" } ] } ],\n<?include "${part}"?>\n} }\n`);
    return ['kea-dhcp4', ['-t', file]];
  },
  dnsmasq(fragment, tag) {
    const file = path.join(dir, `${tag}.conf`);
    writeFileSync(file, `port=0\nno-resolv\ndhcp-range=192.0.2.100,192.0.2.199,12h\n${fragment}`);
    return ['dnsmasq', ['--test', `--conf-file=${file}`]];
  },
};

async function check(format: DhcpFormat, fragment: string, tag: string): Promise<{ code: number; output: string }> {
  const [cmd, args] = wrap[format](fragment, tag);
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 20_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** One way to break each format that its checker must catch. */
const BREAK: Record<DhcpFormat, (fragment: string) => string> = {
  isc: (f) => f.replace('option deskprov-provisioning-url code 160 = text;', ''),
  kea: (f) => f.replace('"type": "string"', '"type": "no-such-type"'),
  dnsmasq: (f) => f.replace('dhcp-option-force=tag:deskprov-poly,160', 'dhcp-option-force=tag:deskprov-poly,option:no-such-option'),
};

describe('DHCP snippets checked by the real servers', () => {
  it.each(['isc', 'kea', 'dnsmasq'] as const)('the %s fragment for the whole catalogue passes its syntax check', async (format) => {
    const fragment = dhcpSnippet({ format, ...INPUT });
    const result = await check(format, fragment, `${format}-good`);
    expect(result.code, result.output).toBe(0);
    if (format === 'dnsmasq') expect(result.output).toContain('syntax check OK');
  });

  it.each(['isc', 'kea', 'dnsmasq'] as const)('a broken %s fragment fails the same check', async (format) => {
    const broken = BREAK[format](dhcpSnippet({ format, ...INPUT }));
    expect(broken).not.toBe(dhcpSnippet({ format, ...INPUT }));
    const result = await check(format, broken, `${format}-bad`);
    expect(result.code).not.toBe(0);
  });

  it.each(['isc', 'kea', 'dnsmasq'] as const)('the %s fragment with a TFTP host name (no option 150) passes too', async (format) => {
    const fragment = dhcpSnippet({ format, publicUrl: 'https://prov.example.test/deskprov/', tftpHost: 'tftp.example.test', vendors });
    const result = await check(format, fragment, `${format}-named`);
    expect(result.code, result.output).toBe(0);
  });
});
