import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLines, createNetnsLab, netnsSupport, type NetnsLab, type NetnsLink } from '../helpers/netns.ts';

/**
 * The agent finds the server by mDNS: the server's own advertiser (ciao, `_deskprov._tcp`) runs in
 * a "server" namespace, the agent browses from a "phone" namespace across a veth link.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const CHILD = path.join(root, 'test/helpers/netns-discovery-child.ts');
const BIN = path.join(root, 'bin/deskprov-agent.mjs');

const support = netnsSupport();
if (!support.ok) throw new Error(`agent mDNS e2e needs network namespaces: ${support.reason}`);

let lab: NetnsLab;
let link: NetnsLink;

beforeAll(async () => {
  lab = createNetnsLab();
  const serverNs = await lab.addNamespace('srv');
  const phoneNs = await lab.addNamespace('phone');
  link = await lab.link(serverNs, phoneNs);
  const child = lab.spawn(serverNs, process.execPath, ['--import', 'tsx', CHILD, 'mdns', JSON.stringify({
    interfaces: [link.a.ifname], port: 8080, nameFile: path.join(lab.dir, 'mdns-name.json'),
  })], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  await collectLines(child).waitFor((l) => l.includes('"event":"ready"'), 20_000);
}, 40_000);

afterAll(async () => {
  await lab?.destroy();
});

describe('agent server discovery', () => {
  it('finds the server URL by browsing _deskprov._tcp', async () => {
    const started = Date.now();
    const r = await lab.exec(link.b.ns, process.execPath, [BIN, '--find-server', '--discover-timeout', '15', '--log', 'warn'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`http://${link.a.ipv4}:8080/`);
    console.log(`agent mDNS e2e: server found in ${Date.now() - started} ms (agent start included)`);
  }, 40_000);

  it('gives up with exit code 1 when nobody answers', async () => {
    const lone = await lab.addNamespace('lone');
    const r = await lab.exec(lone, process.execPath, [BIN, '--find-server', '--discover-timeout', '2', '--log', 'error'], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  }, 40_000);
});
