import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { serve } from '../../server/main.ts';
import { RawTftpClient } from './helpers/tftp-raw-client.ts';
import { servedConfig } from './helpers/test-config.ts';
import { adminRequest } from './helpers/admin-api.ts';

/**
 * RunningServer.close({ graceMs }) keeps its deadline: a TFTP client that stops acknowledging and
 * an HTTP client that stops reading cannot hold the shutdown past it.
 */
const ADMIN_TOKEN = 'serve-shutdown-admin-token-0123456789';
const IMAGE = randomBytes(24 * 1024 * 1024);
const dir = mkdtempSync(join(tmpdir(), 'deskprov-serve-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve() shutdown deadline', () => {
  it('cuts off a stalled TFTP transfer and a stalled HTTP download once the grace period is over', async () => {
    const server = await serve(
      servedConfig(join(dir, 'data'), ADMIN_TOKEN, { tftp: { host: '127.0.0.1', port: 0 } }),
      { print: () => {}, logger: createLogger({ level: 'silent' }) },
    );
    const api = (method: string, path: string, body: BodyInit, type: string, extra: Record<string, string> = {}) =>
      adminRequest(server.httpUrl, ADMIN_TOKEN, method, path, body, type, extra);
    const site = { name: 'HQ', timezone: 'Europe/Berlin', networks: ['127.0.0.0/8'], extensionRange: { first: 1000, last: 1999 }, registrar: { host: 'pbx.example.net' } };
    expect((await api('POST', '/sites', JSON.stringify(site), 'application/json')).status).toBe(201);
    const sha = createHash('sha256').update(IMAGE).digest('hex');
    const upload = await api('PUT', '/firmware/yealink/T54W-96.86.0.7.rom', new Uint8Array(IMAGE), 'application/octet-stream', { 'x-checksum-sha256': sha });
    expect(upload.status).toBe(201);

    // TFTP: the first DATA arrives and is never acknowledged.
    const tftpClient = await RawTftpClient.open();
    tftpClient.send({ op: 'RRQ', filename: 'firmware/yealink/T54W-96.86.0.7.rom', mode: 'octet', options: [] }, server.tftp!.address().port);
    expect((await tftpClient.packet()).packet.op).toBe('DATA');

    // HTTP: the response starts and the client stops reading, so the server cannot finish it.
    let received = 0;
    let paused: http.IncomingMessage | undefined;
    let draining = false;
    const httpEnded = new Promise<void>((resolve) => {
      const request = http.get(`${server.httpUrl}firmware/yealink/T54W-96.86.0.7.rom`, (response) => {
        paused = response;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (!draining) response.pause();
        });
        response.on('close', () => resolve());
      });
      request.on('error', () => resolve());
    });
    while (received === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    const began = Date.now();
    await server.close({ graceMs: 400 });
    const tookMs = Date.now() - began;
    expect(tookMs).toBeGreaterThanOrEqual(390);
    expect(tookMs).toBeLessThan(15_000);
    // Reading again drains what was already on its way; the connection is gone, so the image stays short.
    draining = true;
    paused!.resume();
    await httpEnded;
    expect(received).toBeLessThan(IMAGE.length);
    expect(server.tftp!.stats()).toMatchObject({ failed: 1, served: 0, active: 0 });
    await tftpClient.close();
  }, 15_000);
});
