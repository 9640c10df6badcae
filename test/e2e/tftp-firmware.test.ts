import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTftpServer, type TftpServer } from '../../server/tftp/tftp-server.ts';
import { seed, startPhoneServer, type PhoneServer } from '../integration/helpers/phone-server.ts';
import { firmwareImage, uploadFirmware } from '../integration/helpers/sim-phone.ts';

/**
 * Firmware images stream over TFTP from the firmware store (P3), under the same
 * `firmware/<vendor>/<file>` path HTTP serves, to real clients; an image whose bytes no longer
 * match its recorded sha256 is never served.
 */

const run = promisify(execFile);
const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let server: PhoneServer;
let tftp: TftpServer;
let n = 0;

beforeAll(async () => {
  server = await startPhoneServer();
  await seed(server);
  tftp = await startTftpServer({ host: '127.0.0.1', port: 0, source: server.front.tftpSource, isBanned: server.front.tftpIsBanned, logger: silentLogger });
});

afterAll(async () => {
  await tftp?.close();
  await server?.close();
});

async function curlTftp(name: string, extra: string[] = []): Promise<{ code: number; body: Buffer | null }> {
  const file = join(server.dir, `fw-${n++}`);
  try {
    await run('curl', ['-sS', '--max-time', '20', ...extra, '-o', file, `tftp://127.0.0.1:${tftp.address().port}/${name}`]);
    return { code: 0, body: await readFile(file) };
  } catch (err) {
    return { code: (err as { code?: number }).code ?? -1, body: null };
  }
}

describe('firmware over TFTP', () => {
  it('streams an uploaded image byte for byte at blksize 512 and 1428, as HTTP does', async () => {
    const file = 'T54W-96.86.0.90.rom';
    expect(await uploadFirmware(server, file, '96.86.0.90')).toBe(201);
    const expected = firmwareImage('96.86.0.90');
    const viaHttp = Buffer.from(await (await fetch(`${server.root}firmware/yealink/${file}`)).arrayBuffer());
    expect(sha256(viaHttp)).toBe(expected.sha256);
    for (const extra of [['--tftp-no-options'], ['--tftp-blksize', '1428']]) {
      const got = await curlTftp(`firmware/yealink/${file}`, extra);
      expect(got.code, extra.join(' ')).toBe(0);
      expect(sha256(got.body ?? Buffer.alloc(0)), extra.join(' ')).toBe(expected.sha256);
    }
  });

  it('never serves an image whose bytes no longer match its recorded hash, nor an unknown one', async () => {
    const file = 'T54W-96.86.0.91.rom';
    expect(await uploadFirmware(server, file, '96.86.0.91')).toBe(201);
    await writeFile(join(server.dir, 'firmware', 'yealink', file), Buffer.alloc(4096, 0x41));
    const corrupt = await curlTftp(`firmware/yealink/${file}`);
    expect(corrupt.code).not.toBe(0);
    expect(corrupt.body).toBeNull();
    const unknown = await curlTftp('firmware/yealink/no-such-image.rom');
    expect(unknown.code).not.toBe(0);
  });
});
