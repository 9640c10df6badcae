import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../setup/cli-process.ts';
import { startServerProcess, type ServerProcess } from '../setup/server-process.ts';

let dir: string | undefined;
let running: ServerProcess | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) await running.stop('SIGKILL');
  running = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('deskprov serve configuration errors', () => {
  it('exits with code 2 and one clear line per problem, without a stack trace', async () => {
    const run = await runBin(['serve', '--http', '127.0.0.1:70000', '--tftp', 'nohost', '--discovery', 'no-such-if0', '--log', 'loud']);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('error: --http / DESKPROV_HTTP: port 70000 is out of range (0-65535)');
    expect(lines[1]).toMatch(/^error: --tftp \/ DESKPROV_TFTP: "nohost" is not host:port/);
    expect(lines[2]).toMatch(/^error: --discovery \/ DESKPROV_DISCOVERY: no network interface "no-such-if0"/);
    expect(lines[3]).toMatch(/^error: --log \/ DESKPROV_LOG: "loud" is not a log level/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads settings from the environment and refuses a short admin token', async () => {
    const run = await runBin(['serve'], { DESKPROV_HTTP: 'not-an-address', DESKPROV_ADMIN_TOKEN: 'short' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --http / DESKPROV_HTTP: "not-an-address" is not host:port');
    expect(run.stderr).toContain('error: DESKPROV_ADMIN_TOKEN: must be at least 20 characters');
    expect(run.stderr).not.toContain('short\n');
  });
});

/** One RFC 1350 read request; resolves with the first DATA packet's payload. */
function tftpFirstBlock(port: number, file: string): Promise<Buffer> {
  const socket = dgram.createSocket('udp4');
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no TFTP answer')), 10_000);
    socket.on('message', (packet, peer) => {
      clearTimeout(timer);
      // ACK block 1 so the server finishes cleanly (the file fits one 512-byte block).
      socket.send(Buffer.from([0, 4, 0, 1]), peer.port, peer.address, () => {
        socket.close();
        if (packet.readUInt16BE(0) === 3) resolve(packet.subarray(4));
        else reject(new Error(`TFTP answered opcode ${packet.readUInt16BE(0)}: ${packet.subarray(4).toString()}`));
      });
    });
    const rrq = Buffer.concat([Buffer.from([0, 1]), Buffer.from(`${file}\0octet\0`, 'ascii')]);
    socket.send(rrq, port, '127.0.0.1');
  });
}

describe('deskprov serve', () => {
  it('prints the first-start token once, serves /healthz, the API, the console and TFTP, and stops cleanly on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskprov-serve-'));
    const args = ['--data', join(dir, 'data'), '--http', '127.0.0.1:0', '--tftp', '127.0.0.1:0'];
    running = await startServerProcess(args);
    const token = /first start.*\n\s+(\S+)/.exec(running.stderr())?.[1];
    expect(token).toMatch(/^dpt_/);
    expect(running.stderr()).toContain(`  API:       ${running.url}api/v1`);
    const tftpPort = Number(/TFTP: +tftp:\/\/127\.0\.0\.1:(\d+)\//.exec(running.stderr())?.[1]);
    expect(tftpPort).toBeGreaterThan(0);
    expect((await tftpFirstBlock(tftpPort, 'y000000000000.boot')).toString('utf8')).toMatch(/^#!version:1\.0\.0\.1\n/);
    expect(await (await fetch(`${running.url}healthz`)).json()).toEqual({ status: 'ok' });
    const sites = await fetch(`${running.url}api/v1/sites`, { headers: { authorization: `Bearer ${token}` } });
    expect(sites.status).toBe(200);
    // The front ends main.ts wires in: the web console and the phone file routes.
    const ui = await fetch(`${running.url}ui/`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(running.stdout()).not.toContain(token);
    // Logs are JSON lines on stdout.
    for (const line of running.stdout().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();

    running = await startServerProcess(args);
    expect(running.stderr()).not.toContain('first start');
    const again = await fetch(`${running.url}api/v1/sites`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    expect(await running.stop('SIGINT')).toBe(0);
  }, 120_000);

  it('serves the same app over HTTPS with a certificate it creates in the data folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskprov-https-'));
    running = await startServerProcess(['--data', join(dir, 'data'), '--http', '127.0.0.1:0', '--https', '127.0.0.1:0', '--tftp', 'off']);
    const httpsUrl = /HTTPS: +(https:\/\/\S+) \(certificate SHA-256 [0-9A-F:]+\)/.exec(running.stderr())?.[1];
    expect(httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const ca = readFileSync(join(dir, 'data', 'tls', 'cert.pem'));
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${httpsUrl}healthz`, { ca }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({ status: 'ok' });
    expect(await running.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
