import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killIfRunning, startServerProcess, type ServerProcess } from '../setup/server-process.ts';
import { adminRequest } from '../integration/helpers/admin-api.ts';

/**
 * Graceful shutdown with a real server process and a real client: tftp-hpa fetches a
 * multi-MiB firmware image while SIGTERM arrives; the transfer completes byte for byte, a new
 * request after the signal gets nothing, and a second SIGTERM ends the process at once. An HTTP
 * download in progress (curl) completes as well.
 */
const run = promisify(execFile);
const ADMIN_TOKEN = 'tftp-shutdown-admin-token-0123456789';
const IMAGE = randomBytes(8 * 1024 * 1024);
const IMAGE_SHA = createHash('sha256').update(IMAGE).digest('hex');
const IMAGE_NAME = 'T54W-96.86.0.100.rom';

let dir: string;
let server: ServerProcess | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-tftp-stop-'));
});
afterEach(async () => {
  await killIfRunning(server);
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server with a loopback site and the image uploaded; resolves with its TFTP port. */
async function startWithImage(name: string, extraArgs: string[] = []): Promise<{ server: ServerProcess; tftpPort: number }> {
  const started = await startServerProcess(
    ['--data', join(dir, name), '--http', '127.0.0.1:0', '--tftp', '127.0.0.1:0', '--log', 'warn', ...extraArgs],
    { DESKPROV_ADMIN_TOKEN: ADMIN_TOKEN },
  );
  const tftpPort = Number(/TFTP: +tftp:\/\/127\.0\.0\.1:(\d+)\//.exec(started.stderr())?.[1]);
  const api = (method: string, path: string, body: BodyInit, type: string, extra: Record<string, string> = {}) =>
    adminRequest(started.url, ADMIN_TOKEN, method, path, body, type, extra);
  const site = await api(
    'POST',
    '/sites',
    JSON.stringify({ name: 'HQ', timezone: 'Europe/Berlin', networks: ['127.0.0.0/8'], extensionRange: { first: 1000, last: 1999 }, registrar: { host: 'pbx.example.net' } }),
    'application/json',
  );
  expect(site.status).toBe(201);
  const upload = await api('PUT', `/firmware/yealink/${IMAGE_NAME}`, new Uint8Array(IMAGE), 'application/octet-stream', {
    'x-checksum-sha256': IMAGE_SHA,
  });
  expect(upload.status, await upload.text()).toBe(201);
  return { server: started, tftpPort };
}

/** tftp-hpa fetching the image in the background (blksize 512, lock-step: 16,385 blocks). */
function tftpGet(port: number, out: string) {
  const child = spawn('tftp', ['-m', 'binary', '127.0.0.1', String(port), '-c', 'get', `firmware/yealink/${IMAGE_NAME}`, out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
  return { child, exited };
}

/** Resolves once `file` has grown past `bytes` (the transfer is under way), polling every 20 ms. */
async function grownPast(file: string, bytes: number, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      size = 0;
    }
    if (size > bytes) return size;
    if (Date.now() > until) throw new Error(`${file} stayed at ${size} bytes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('graceful shutdown of TFTP', () => {
  it('lets a transfer in progress finish byte for byte after SIGTERM, serves no new request, then exits 0', async () => {
    const started = await startWithImage('drain');
    server = started.server;
    const out = join(dir, 'drain.rom');
    const startedAt = Date.now();
    const fetch1 = tftpGet(started.tftpPort, out);
    const sizeAtSignal = await grownPast(out, 1024 * 1024);
    const exited = server.stop('SIGTERM');

    // A request after the signal: the listening socket is closed, so curl gets no data at all.
    const late = join(dir, 'late.rom');
    const lateRun = await run('curl', ['-sS', '--max-time', '4', '-o', late, `tftp://127.0.0.1:${started.tftpPort}/firmware/yealink/${IMAGE_NAME}`]).then(
      () => 0,
      (err: { code?: number }) => err.code ?? -1,
    );
    expect(lateRun).not.toBe(0);
    expect(existsSync(late) ? statSync(late).size : 0).toBe(0);

    const client = await fetch1.exited;
    const transferMs = Date.now() - startedAt;
    expect(client.code, client.output).toBe(0);
    const got = readFileSync(out);
    expect(got.length).toBe(IMAGE.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(IMAGE_SHA);
    expect(sizeAtSignal).toBeLessThan(IMAGE.length);
    expect(await exited).toBe(0);
    // For docs/TFTP.md: how long the whole 8 MiB took, SIGTERM included.
    console.info(`tftp-hpa 8 MiB transfer across SIGTERM: ${transferMs} ms, ${sizeAtSignal} bytes in at the signal`);
    expect(server.stderr()).toContain('SIGTERM, shutting down');
  }, 120_000);

  /** curl downloads the image from `root` at 2 MiB/s and SIGTERM lands mid-download: every byte must still arrive. */
  async function downloadAcrossSigterm(running: ServerProcess, root: string, out: string): Promise<void> {
    // 2 MiB/s: about four seconds for the image. -k: HTTPS is self-signed on first use, and the
    // test checks the bytes, not the certificate.
    const download = run('curl', ['-sSk', '--fail', '--limit-rate', '2M', '-o', out, `${root}firmware/yealink/${IMAGE_NAME}`]);
    await grownPast(out, 1024 * 1024);
    const exited = running.stop('SIGTERM');
    await download;
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(IMAGE_SHA);
    expect(await exited).toBe(0);
  }

  it('lets an HTTP firmware download in progress finish after SIGTERM too', async () => {
    const started = await startWithImage('http');
    server = started.server;
    await downloadAcrossSigterm(started.server, started.server.url, join(dir, 'http.rom'));
  }, 120_000);

  it('lets an HTTPS firmware download in progress finish after SIGTERM as well', async () => {
    const started = await startWithImage('https', ['--https', '127.0.0.1:0']);
    server = started.server;
    const httpsUrl = /(https:\/\/127\.0\.0\.1:\d+\/)/.exec(started.server.stderr())?.[1];
    expect(httpsUrl, started.server.stderr()).toBeDefined();
    await downloadAcrossSigterm(started.server, httpsUrl as string, join(dir, 'https.rom'));
  }, 120_000);

  it('exits at once on a second SIGTERM, cutting the transfer off', async () => {
    const started = await startWithImage('again');
    server = started.server;
    const out = join(dir, 'again.rom');
    const fetch1 = tftpGet(started.tftpPort, out);
    await grownPast(out, 1024 * 1024);
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = await server.stop('SIGTERM');
    expect(exited).toBe(1);
    expect(server.stderr()).toContain('SIGTERM again, exiting now');
    // The client never gets the whole image: it either gives up or stops short.
    fetch1.child.kill('SIGKILL');
    await fetch1.exited;
    expect(statSync(out).size).toBeLessThan(IMAGE.length);
  }, 120_000);
});
