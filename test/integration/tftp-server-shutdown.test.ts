import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectoryFileSource } from '../../server/tftp/directory-file-source.ts';
import { startTftpServer, type TftpServer } from '../../server/tftp/tftp-server.ts';
import { RawTftpClient } from './helpers/tftp-raw-client.ts';

/** TftpServer.close({ graceMs }): stop reading requests, let transfers finish up to the deadline, then cut them off. */
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const silentLogger = { debug() {}, info() {}, warn() {} };
const big = randomBytes(512 * 200 + 3);

let root: string;
let server: TftpServer | undefined;
const clients: RawTftpClient[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'deskprov-tftp-stop-'));
  await writeFile(path.join(root, 'big.bin'), big);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

async function start(): Promise<number> {
  // Many retries: a stalled transfer must outlive the grace period rather than time out by itself.
  server = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    source: createDirectoryFileSource(root),
    logger: silentLogger,
    limits: { timeoutMs: 200, retries: 100, requestsPerSecondPerSource: 1000 },
  });
  return server.address().port;
}

async function client(): Promise<RawTftpClient> {
  const c = await RawTftpClient.open();
  clients.push(c);
  return c;
}

describe('TFTP server shutdown', () => {
  it('finishes a transfer in progress within the grace period and reads no new request', async () => {
    const port = await start();
    const reader = await client();
    const fetching = reader.fetch(port, 'big.bin');
    // Wait until the server counts the transfer as running, then ask it to close.
    while (server!.stats().active === 0) await new Promise((resolve) => setImmediate(resolve));
    const closed = server!.close({ graceMs: 30_000 });

    const late = await client();
    late.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    const got = await fetching;
    await closed;
    expect(sha(got.data)).toBe(sha(big));
    await expect(late.next(300)).rejects.toThrow('no datagram');
    expect(server!.stats()).toMatchObject({ served: 1, failed: 0, active: 0, requests: 1 });
  });

  it('cuts a stalled transfer off once the grace period is over', async () => {
    const port = await start();
    const stalled = await client();
    stalled.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    const first = await stalled.packet();
    expect(first.packet.op).toBe('DATA');
    // Never acknowledged: only the deadline ends it.
    const began = Date.now();
    await server!.close({ graceMs: 250 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(240);
    expect(server!.stats()).toMatchObject({ served: 0, failed: 1, active: 0 });
  });

  it('returns the same wait when closed twice', async () => {
    await start();
    const once = server!.close({ graceMs: 10 });
    const twice = server!.close();
    await Promise.all([once, twice]);
    expect(server!.stats().active).toBe(0);
  });
});
