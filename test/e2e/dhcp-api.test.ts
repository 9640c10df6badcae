import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dhcpSnippet, dhcpVendorFacts, type DhcpFormat } from '../../server/discovery/dhcp-snippets.ts';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { runBin } from '../setup/cli-process.ts';
import { servedConfig } from '../integration/helpers/test-config.ts';

/**
 * `GET /api/v1/dhcp` and `deskprov dhcp` over a real server: both give exactly the pure
 * generator's fragment for the server's public URL, and that fragment passes `dhcpd -t -cf`.
 */

const run = promisify(execFile);
const ADMIN_TOKEN = 'dhcp-test-admin-token-0123456789';
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-dhcp-api-'));
  const config = servedConfig(join(dir, 'data'), ADMIN_TOKEN);
  server = await serve(config, { print: () => {}, logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function expected(format: DhcpFormat): string {
  return dhcpSnippet({
    format,
    publicUrl: server.httpUrl,
    tftpHost: '127.0.0.1',
    vendors: dhcpVendorFacts(server.services.models.list()),
  });
}

async function get(query: string, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.httpUrl}api/v1/dhcp${query}`, { headers: { authorization: `Bearer ${token}` } });
}

describe('DHCP fragments from the API and the CLI', { timeout: 60_000 }, () => {
  it.each(['isc', 'kea', 'dnsmasq'] as const)('GET /api/v1/dhcp?format=%s answers the generator output as text/plain', async (format) => {
    const response = await get(`?format=${format}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(expected(format));
  });

  it('refuses an unknown format and an unknown site', async () => {
    expect((await get('?format=bind')).status).toBe(400);
    const missing = await get('?format=isc&siteId=no-such-site');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');
  });

  it('refuses a caller without a token', async () => {
    expect((await fetch(`${server.httpUrl}api/v1/dhcp?format=isc`)).status).toBe(401);
  });

  it('the CLI prints the same fragment', async () => {
    const cli = await runBin(['dhcp', '--format', 'kea'], { DESKPROV_SERVER: server.httpUrl, DESKPROV_TOKEN: ADMIN_TOKEN });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(expected('kea'));
  });

  it('the CLI refuses an unknown format with exit code 2', async () => {
    const cli = await runBin(['dhcp', '--format', 'bind'], { DESKPROV_SERVER: server.httpUrl, DESKPROV_TOKEN: ADMIN_TOKEN });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--format is one of isc, kea, dnsmasq');
  });

  it('the API fragment passes dhcpd -t -cf inside a minimal config', async () => {
    const fragment = await (await get('?format=isc')).text();
    const file = join(dir, 'dhcpd.conf');
    writeFileSync(file, `${fragment}\nsubnet 192.0.2.0 netmask 255.255.255.0 {\n  range 192.0.2.100 192.0.2.199;\n}\n`);
    await expect(run('dhcpd', ['-t', '-cf', file], { timeout: 20_000 })).resolves.toBeDefined();
  });
});
