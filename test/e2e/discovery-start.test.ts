import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MdnsStats } from '../../server/discovery/mdns-advertiser.ts';
import type { PnpStats } from '../../server/discovery/sip-pnp-responder.ts';
import { startDiscovery } from '../../server/discovery/start-discovery.ts';
import { createServerMetrics } from '../../server/metrics/server-metrics.ts';
import { collectLines, createNetnsLab, netnsSupport, type NetnsLab, type NetnsLink } from '../helpers/netns.ts';

/**
 * `startDiscovery`, the one call main.ts makes: off without interfaces; with them, mDNS and SIP
 * PnP both answer; when another program owns UDP 5060 (a PBX on the same host), mDNS still runs.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = path.join(root, 'test/helpers/netns-discovery-child.ts');
const SCENARIO = path.join(root, 'test/fixtures/sipp/pnp-subscribe.xml');
const support = netnsSupport();
if (!support.ok) throw new Error(`discovery e2e needs network namespaces: ${support.reason}`);

let lab: NetnsLab;
let link: NetnsLink;

beforeAll(async () => {
  lab = createNetnsLab();
  const srv = await lab.addNamespace('srv');
  const cli = await lab.addNamespace('cli');
  link = await lab.link(srv, cli);
}, 20_000);
afterAll(async () => {
  await lab?.destroy();
});

function startChild(dataDir: string) {
  const child = lab.spawn(link.a.ns, process.execPath, ['--import', 'tsx', CHILD, 'discovery', JSON.stringify({
    interfaces: [link.a.ifname], httpPort: 8080, publicUrl: `http://${link.a.ipv4}:8080/`, dataDir,
  })], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, out: collectLines(child) };
}

async function stop(run: ReturnType<typeof startChild>): Promise<void> {
  const exited = new Promise((resolve) => run.child.once('exit', resolve));
  run.child.stdin?.write('close\n');
  await exited;
}

/** Legacy unicast SRV query from the client namespace; resolves with the SRV target or null. */
async function querySrv(): Promise<string | null> {
  const code = `const packet=require('dns-packet');const s=require('node:dgram').createSocket('udp4');
s.on('message',(m)=>{const a=packet.decode(m).answers.find(x=>x.type==='SRV');if(a){console.log(a.data.target);process.exit(0);}});
s.bind(0,()=>s.send(packet.encode({type:'query',id:7,questions:[{type:'SRV',name:'deskprov._deskprov._tcp.local'}]}),5353,'224.0.0.251'));
setTimeout(()=>process.exit(1),3000);`;
  const result = await lab.exec(link.b.ns, process.execPath, ['-e', code]);
  return result.code === 0 ? result.stdout.trim() : null;
}

describe('startDiscovery', () => {
  it('starts nothing when no interface is named', async () => {
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
    expect(await startDiscovery({ interfaces: [], httpPort: 8080, publicUrl: () => 'http://x/', dataDir: lab.dir, logger })).toBeNull();
  });

  it('runs mDNS and SIP PnP together on the named interface', async () => {
    const run = startChild(path.join(lab.dir, 'data-1'));
    const ready = JSON.parse(await run.out.waitFor((l) => l.includes('"event":"ready"'), 20_000)) as { name: string; pnp: boolean };
    expect(ready).toMatchObject({ name: 'deskprov', pnp: true });
    expect(await querySrv()).toBe('deskprov.local');
    const inf = path.join(lab.dir, 'phone.csv');
    writeFileSync(inf, 'SEQUENTIAL\nMAC%3a000413A1B2C3;snom;snomD785;10.1;\n');
    const log = path.join(lab.dir, 'start-actions.log');
    const sipp = await lab.exec(link.b.ns, 'sipp', ['224.0.1.75:5060', '-sf', SCENARIO, '-inf', inf, '-i', link.b.ipv4, '-p', '5060',
      '-t', 'u1', '-m', '1', '-nostdin', '-timeout', '15s', '-timeout_error', '-trace_logs', '-log_file', log], { timeoutMs: 25_000 });
    expect(sipp.code, sipp.stdout + sipp.stderr).toBe(0);
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toContain(`url=http://${link.a.ipv4}:8080/snomD785-{mac}.htm`);

    // The same counters /metrics reads: deskprov_discovery_events_total from this run.
    run.child.stdin?.write('stats\n');
    const stats = JSON.parse(await run.out.waitFor((l) => l.includes('"event":"stats"'), 5000)) as {
      pnp: PnpStats;
      mdns: MdnsStats;
    };
    const metrics = createServerMetrics({
      renderCache: () => ({ hits: 0, misses: 0 }),
      tftpStats: () => null,
      devicesInState: () => 0,
      alertCodes: () => [],
      discoveryStats: () => stats,
    });
    const text = await metrics.registry.metrics();
    // Two services announced: _deskprov._tcp and the console's _http._tcp.
    expect(text).toContain('deskprov_discovery_events_total{protocol="mdns",event="announced"} 2\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="mdns",event="conflict"} 0\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="answered"} 1\n');
    await stop(run);
  });

  it('keeps mDNS running when UDP 5060 is taken by another program, and says why PnP is off', async () => {
    const pbx = lab.spawn(link.a.ns, process.execPath, ['-e',
      "const s=require('node:dgram').createSocket('udp4');s.bind(5060,'0.0.0.0',()=>console.log('BOUND'));"]);
    await collectLines(pbx).waitFor((l) => l === 'BOUND', 5000);
    const run = startChild(path.join(lab.dir, 'data-2'));
    const ready = JSON.parse(await run.out.waitFor((l) => l.includes('"event":"ready"'), 20_000)) as { pnp: boolean };
    expect(ready.pnp).toBe(false);
    expect(run.out.lines.some((l) => l.includes('sip pnp responder not started') && l.includes('EADDRINUSE'))).toBe(true);
    expect(await querySrv()).toBe('deskprov.local');
    await stop(run);
    pbx.kill();
  });
});
