import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLines, createNetnsLab, netnsSupport, type LineLog, type NetnsLab, type NetnsLink } from '../helpers/netns.ts';
import { startAvahi, type AvahiResolver } from '../helpers/netns-avahi.ts';

/**
 * mDNS/DNS-SD end to end: the advertiser runs in a "server" namespace; in a "client" namespace
 * a real resolver (avahi-daemon on a private D-Bus, browsed with avahi-browse) finds it, and a
 * passive multicast-dns listener sees the goodbye packets. A second server with the same name
 * in the client namespace must rename itself and keep the new name across a restart.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const CHILD = path.join(root, 'test/helpers/netns-discovery-child.ts');
const LISTENER = path.join(root, 'test/helpers/netns-mdns-listener.ts');

const support = netnsSupport();
if (!support.ok) throw new Error(`mDNS e2e needs network namespaces: ${support.reason}`);

let lab: NetnsLab;
let link: NetnsLink;
let avahi: AvahiResolver;
let listener: LineLog;
/** Listener on a second link of the server namespace that is NOT named: must hear nothing. */
let otherListener: LineLog;
const timings: Record<string, number> = {};

interface Advertiser {
  child: ChildProcess;
  out: LineLog;
  name: string;
}

async function startAdvertiser(ns: string, ifname: string, nameFile: string): Promise<Advertiser> {
  const child = lab.spawn(ns, process.execPath, ['--import', 'tsx', CHILD, 'mdns', JSON.stringify({ interfaces: [ifname], port: 8080, nameFile })], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = collectLines(child);
  const ready = await out.waitFor((l) => l.includes('"event":"ready"'), 20_000);
  return { child, out, name: (JSON.parse(ready) as { name: string }).name };
}

async function stopAdvertiser(adv: Advertiser): Promise<void> {
  const exited = new Promise((resolve) => adv.child.once('exit', resolve));
  adv.child.stdin?.write('close\n');
  await adv.out.waitFor((l) => l.includes('"event":"closed"'), 10_000);
  await exited;
}

let first: Advertiser;

beforeAll(async () => {
  lab = createNetnsLab();
  const serverNs = await lab.addNamespace('srv');
  const clientNs = await lab.addNamespace('cli');
  link = await lab.link(serverNs, clientNs);
  const otherNs = await lab.addNamespace('oth');
  const other = await lab.link(serverNs, otherNs, { ifname: 'veth1', subnet: 78 });
  let t = Date.now();
  avahi = await startAvahi(lab, clientNs, link.b.ifname);
  timings.avahi_start_ms = Date.now() - t;
  const listen = lab.spawn(clientNs, process.execPath, ['--import', 'tsx', LISTENER, link.b.ipv4], { cwd: root });
  listener = collectLines(listen);
  await listener.waitFor((l) => l.includes('"event":"ready"'), 15_000);
  otherListener = collectLines(lab.spawn(otherNs, process.execPath, ['--import', 'tsx', LISTENER, other.b.ipv4], { cwd: root }));
  await otherListener.waitFor((l) => l.includes('"event":"ready"'), 15_000);
  t = Date.now();
  first = await startAdvertiser(serverNs, link.a.ifname, path.join(lab.dir, 'server-a', 'mdns-name.json'));
  timings.advertiser_ready_ms = Date.now() - t;
}, 60_000);

afterAll(async () => {
  console.info(`TIMING ${Object.entries(timings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  await lab?.destroy();
});

describe('mDNS advertiser seen from another namespace', () => {
  it('is found and resolved by avahi-browse with its address, port and TXT', async () => {
    const t = Date.now();
    const found = await avahi.waitFor('_deskprov._tcp', (s) => s.address === link.a.ipv4, 10_000);
    timings.avahi_resolve_ms = Date.now() - t;
    expect(first.name).toBe('deskprov');
    expect(found).toMatchObject({ interface: link.b.ifname, protocol: 'IPv4', name: 'deskprov', type: '_deskprov._tcp', domain: 'local', host: 'deskprov.local', port: 8080 });
    expect([...found.txt].sort()).toEqual(['api=/api/v1', 'path=/', 'v=1']);
  });

  it('also publishes the web console as _http._tcp', async () => {
    const web = await avahi.waitFor('_http._tcp', (s) => s.address === link.a.ipv4 && s.name === 'deskprov', 10_000);
    expect(web).toMatchObject({ port: 8080, host: 'deskprov-web.local', txt: ['path=/'] });
  });

  it('renames a second server with the same name and keeps the new name across its restart', async () => {
    const nameFile = path.join(lab.dir, 'server-b', 'mdns-name.json');
    const second = await startAdvertiser(link.b.ns, link.b.ifname, nameFile);
    expect(second.name).toBe('deskprov (2)');
    expect(JSON.parse(readFileSync(nameFile, 'utf8'))).toEqual({ name: 'deskprov (2)', hostname: 'deskprov-(2)' });
    await stopAdvertiser(second);

    const again = await startAdvertiser(link.b.ns, link.b.ifname, nameFile);
    expect(again.name).toBe('deskprov (2)');
    const renamed = await avahi.waitFor('_deskprov._tcp', (s) => s.name === 'deskprov (2)' && s.address === link.b.ipv4, 10_000);
    expect(renamed.host).toBe('deskprov-(2).local');
    const renamedWeb = await avahi.waitFor('_http._tcp', (s) => s.name === 'deskprov (2)' && s.address === link.b.ipv4, 10_000);
    expect(renamedWeb.host).toBe('deskprov-web-(2).local');
    // The first server kept its name.
    await avahi.waitFor('_deskprov._tcp', (s) => s.name === 'deskprov' && s.address === link.a.ipv4, 5000);
    await stopAdvertiser(again);
  });

  it('answers a legacy unicast query (one-shot, from a port other than 5353) with a unicast reply', async () => {
    // RFC 6762 §6.7: the reply goes to the query's source port, with the query ID echoed.
    const code = `const packet=require('dns-packet');const s=require('node:dgram').createSocket('udp4');
s.on('message',(m,r)=>{const p=packet.decode(m);console.log(JSON.stringify({from:r.address,id:p.id,answers:p.answers.map(a=>({name:a.name,type:a.type,data:a.data}))}));process.exit(0);});
s.bind(0,()=>{s.send(packet.encode({type:'query',id:4242,questions:[{type:'SRV',name:'deskprov._deskprov._tcp.local'}]}),5353,'224.0.0.251');});
setTimeout(()=>{console.log('TIMEOUT');process.exit(1);},4000);`;
    const result = await lab.exec(link.b.ns, process.execPath, ['-e', code]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const reply = JSON.parse(result.stdout.trim()) as { from: string; id: number; answers: Array<{ name: string; type: string; data: { port: number; target: string } }> };
    expect(reply.from).toBe(link.a.ipv4);
    expect(reply.id).toBe(4242);
    expect(reply.answers).toContainEqual({ name: 'deskprov._deskprov._tcp.local', type: 'SRV', data: expect.objectContaining({ port: 8080, target: 'deskprov.local' }) });
  });

  it('announces its new address when the interface address changes', async () => {
    // ciao polls the interfaces every 15 s (NetworkManager.POLLING_TIME), hence the long wait.
    const from = listener.lines.length;
    const t = Date.now();
    // Without promote_secondaries, deleting the primary address would take the new one with it.
    await lab.exec(link.a.ns, 'sysctl', ['-qw', `net.ipv4.conf.${link.a.ifname}.promote_secondaries=1`]);
    await lab.exec(link.a.ns, 'ip', ['addr', 'add', '10.77.1.3/24', 'dev', link.a.ifname]);
    await lab.exec(link.a.ns, 'ip', ['addr', 'del', `${link.a.ipv4}/24`, 'dev', link.a.ifname]);
    const line = await listener.waitFor((l) => l.includes('"name":"deskprov.local","type":"A"') && l.includes('10.77.1.3'), 25_000, from);
    // The console service is re-probed and re-announced too (ciao cancels, without a goodbye, a
    // re-probe still running at shutdown, so the next test starts only after this one settled).
    await listener.waitFor((l) => l.includes('"name":"deskprov-web.local","type":"A"') && l.includes('10.77.1.3'), 10_000, from);
    timings.readdress_announce_ms = Date.now() - t;
    expect(JSON.parse(line)).toMatchObject({ ttl: expect.any(Number), data: '10.77.1.3' });
    expect((JSON.parse(line) as { ttl: number }).ttl).toBeGreaterThan(0);
  }, 30_000);

  it('sends goodbye packets (TTL 0) for its records when it shuts down', async () => {
    const from = listener.lines.length;
    const t = Date.now();
    await stopAdvertiser(first);
    const isGoodbye = (name: string, type: string) => (l: string) => {
      const r = JSON.parse(l) as { event: string; name?: string; type?: string; ttl?: number };
      return r.event === 'record' && r.name === name && r.type === type && r.ttl === 0;
    };
    await listener.waitFor(isGoodbye('_deskprov._tcp.local', 'PTR'), 5000, from);
    await listener.waitFor(isGoodbye('deskprov._deskprov._tcp.local', 'SRV'), 5000, from);
    await listener.waitFor(isGoodbye('deskprov.local', 'A'), 5000, from);
    await listener.waitFor(isGoodbye('deskprov._http._tcp.local', 'SRV'), 5000, from);
    timings.goodbye_ms = Date.now() - t;
  });

  it('never sent anything on the server’s other, unnamed interface', async () => {
    // Runs last: by now the server has probed, announced, answered and said goodbye.
    const records = otherListener.lines.filter((l) => l.includes('"event":"record"'));
    expect(listener.lines.filter((l) => l.includes('"event":"record"')).length).toBeGreaterThan(0);
    expect(records).toEqual([]);
  });
});
