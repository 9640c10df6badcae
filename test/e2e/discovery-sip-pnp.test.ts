import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLines, createNetnsLab, netnsSupport, type LineLog, type NetnsLab, type NetnsLink } from '../helpers/netns.ts';
import type { ChildProcess } from 'node:child_process';
import type { PnpStats } from '../../server/discovery/sip-pnp-responder.ts';

/**
 * SIP PnP end to end: the responder runs in a "server" namespace, sipp plays the booting phone in
 * a "phone" namespace and multicasts its SUBSCRIBE to 224.0.1.75:5060 across a veth link. Both
 * namespaces are made here and removed afterwards; no packet reaches any other interface.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const SCENARIO = path.join(root, 'test/fixtures/sipp/pnp-subscribe.xml');
const CHILD = path.join(root, 'test/helpers/netns-discovery-child.ts');

const support = netnsSupport();
if (!support.ok) throw new Error(`SIP PnP e2e needs network namespaces: ${support.reason}`);

let lab: NetnsLab;
let link: NetnsLink;
let server: ChildProcess;
let serverOut: LineLog;
let publicUrl: string;
let otherNs: string;

beforeAll(async () => {
  lab = createNetnsLab();
  const serverNs = await lab.addNamespace('srv');
  const phoneNs = await lab.addNamespace('phone');
  link = await lab.link(serverNs, phoneNs);
  // A second link of the server namespace that is not named for discovery.
  otherNs = await lab.addNamespace('oth');
  await lab.link(serverNs, otherNs, { ifname: 'veth1', subnet: 78 });
  publicUrl = `http://${link.a.ipv4}:8080/`;
  server = lab.spawn(serverNs, process.execPath, ['--import', 'tsx', CHILD, 'pnp', JSON.stringify({ interfaces: [`${link.a.ifname}@if2`], publicUrl, port: 5060 })], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  serverOut = collectLines(server);
  await serverOut.waitFor((l) => l.includes('"event":"ready"'), 15_000);
}, 30_000);

afterAll(async () => {
  await lab?.destroy();
});

/** Runs sipp once in the phone namespace with one injection line; returns its log lines. */
async function sippSubscribe(tag: string, macUser: string, vendor: string, model: string, version: string) {
  const inf = path.join(lab.dir, `${tag}.csv`);
  writeFileSync(inf, `SEQUENTIAL\n${macUser};${vendor};${model};${version};\n`);
  const log = path.join(lab.dir, `${tag}-actions.log`);
  const errors = path.join(lab.dir, `${tag}-errors.log`);
  const started = Date.now();
  const result = await lab.exec(link.b.ns, 'sipp', [
    '224.0.1.75:5060', '-sf', SCENARIO, '-inf', inf, '-i', link.b.ipv4, '-p', '5060', '-t', 'u1', '-m', '1',
    '-nostdin', '-timeout', '15s', '-timeout_error',
    '-trace_logs', '-log_file', log, '-trace_err', '-error_file', errors,
    '-trace_msg', '-message_file', path.join(lab.dir, `${tag}-messages.log`),
  ], { timeoutMs: 25_000 });
  const elapsedMs = Date.now() - started;
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return { code: result.code, elapsedMs, actions: read(log), errors: read(errors), output: result.stdout + result.stderr };
}

async function serverStats(): Promise<PnpStats> {
  const from = serverOut.lines.length;
  server.stdin?.write('stats\n');
  const line = await serverOut.waitFor((l) => l.includes('"event":"stats"'), 5000, from);
  return JSON.parse(line) as PnpStats;
}

async function sendRaw(payloads: string[], ns = link.b.ns): Promise<void> {
  // Plain node in the phone namespace: the bytes go to the group exactly as given.
  const code = `const d=require('node:dgram');const s=d.createSocket('udp4');const p=${JSON.stringify(payloads)};
let n=0;for(const x of p){s.send(Buffer.from(x,'latin1'),5060,'224.0.1.75',()=>{if(++n===p.length)s.close();});}`;
  const result = await lab.exec(ns, process.execPath, ['-e', code]);
  expect(result.code).toBe(0);
}

describe('SIP PnP responder in a network namespace, sipp as the phone', () => {
  it.each([
    ['Snom', 'MAC%3a000413A1B2C3', 'snom', 'snomD785', '10.1.54.13', '000413a1b2c3', (u: string) => `${u}snomD785-{mac}.htm`],
    ['Yealink', 'MAC:805EC0A1B2C3', 'Yealink', 'SIP-T54W', '96.86.0.100', '805ec0a1b2c3', (u: string) => u],
    ['Fanvil', 'MAC=0c383ea1b2c3', 'Fanvil', 'X4U', '2.12.1', '0c383ea1b2c3', (u: string) => u],
    ['Grandstream', '000b82a1b2c3', 'Grandstream', 'GRP2614', '1.0.5.33', '000b82a1b2c3', (u: string) => u],
  ])('answers a %s-style SUBSCRIBE with 200 then a NOTIFY carrying its URL', async (tag, macUser, vendor, model, version, mac, expectedUrl) => {
    const from = serverOut.lines.length;
    const run = await sippSubscribe(tag.toLowerCase(), macUser, vendor, model, version);
    expect(run.code, `${run.output}\n${run.errors}`).toBe(0);
    expect(run.actions).toContain('PNP-OK to-tag=;tag=');
    expect(run.actions).toContain(`PNP-NOTIFY content-type=application/url event=ua-profile state=terminated cseq=`);
    expect(run.actions).toContain(`url=${expectedUrl(publicUrl)} via=SIP/2.0/UDP ${link.a.ipv4}:5060`);
    const discovered = await serverOut.waitFor((l) => l.includes('"event":"discovered"'), 5000, from);
    expect(JSON.parse(discovered)).toEqual({ event: 'discovered', mac, vendor: vendor.toLowerCase(), model, version, ip: link.b.ipv4 });
    console.info(`TIMING sip_pnp_${tag.toLowerCase()}_sipp_ms=${run.elapsedMs}`);
  });

  it('drops garbage and oversized datagrams, counts them, and still answers the next phone', async () => {
    const before = await serverStats();
    await sendRaw([
      'hello there\r\n\r\n',
      '\u0000\u0001\u00ff binary',
      `SUBSCRIBE sip:MAC%3a000413A1B2C3@224.0.1.75 SIP/2.0\r\nVia: x\r\n\r\n${'A'.repeat(5000)}`,
      'SUBSCRIBE sip:x@224.0.1.75 SIP/2.0\r\nContent-Length: 99\r\n\r\nshort',
    ]);
    const run = await sippSubscribe('after-garbage', 'MAC%3a000413A1B2C4', 'snom', 'snomD385', '10.1.54.13');
    expect(run.code, `${run.output}\n${run.errors}`).toBe(0);
    expect(run.actions).toContain(`url=${publicUrl}snomD385-{mac}.htm`);
    const after = await serverStats();
    expect(after.malformed - before.malformed).toBe(3);
    expect(after.oversized - before.oversized).toBe(1);
    expect(after.notifyAcked).toBeGreaterThanOrEqual(5);
    expect(server.exitCode).toBeNull();
  });

  it('hears nothing from a link that was not named', async () => {
    const before = await serverStats();
    const subscribe = [
      'SUBSCRIBE sip:MAC%3a000413A1B2C5@224.0.1.75 SIP/2.0',
      'Via: SIP/2.0/UDP 10.78.2.2:5060;branch=z9hG4bKother;rport',
      'From: <sip:MAC%3a000413A1B2C5@224.0.1.75>;tag=1',
      'To: <sip:MAC%3a000413A1B2C5@224.0.1.75>',
      'Call-ID: other-link@10.78.2.2',
      'CSeq: 1 SUBSCRIBE',
      'Event: ua-profile;profile-type="device";vendor="snom";model="snomD785";version="10.1"',
      'Contact: <sip:10.78.2.2:5060>',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    await sendRaw([subscribe], otherNs);
    // A valid SUBSCRIBE from the named link right after, as a marker that traffic was processed.
    await sendRaw([subscribe.replaceAll('10.78.2.2', link.b.ipv4).replace('other-link', 'marker')]);
    const marker = await serverOut.waitFor((l) => l.includes('"event":"discovered"') && l.includes('000413a1b2c5'), 5000);
    expect(JSON.parse(marker)).toMatchObject({ ip: link.b.ipv4 });
    const after = await serverStats();
    expect(after.received - before.received).toBe(1);
  });

  it('stops answering a source that floods it, counting what it drops', async () => {
    const before = await serverStats();
    const junk = Array.from({ length: 40 }, (_, i) => `OPTIONS sip:x@224.0.1.75 SIP/2.0\r\nCall-ID: flood-${i}\r\n\r\n`);
    await sendRaw(junk);
    const deadline = Date.now() + 3000;
    let after = await serverStats();
    while (after.received - before.received < 40 && Date.now() < deadline) after = await serverStats();
    expect(after.received - before.received).toBe(40);
    expect(after.rateLimited - before.rateLimited).toBeGreaterThan(0);
    expect(server.exitCode).toBeNull();
  });
});
