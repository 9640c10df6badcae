import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../server/errors.ts';
import { createDirectoryFileSource } from '../../server/tftp/directory-file-source.ts';
import type { TftpFileSource } from '../../server/tftp/tftp-file-source.ts';
import { encodePacket } from '../../server/tftp/tftp-packet.ts';
import { startTftpServer, type TftpServer, type TftpServerConfig } from '../../server/tftp/tftp-server.ts';
import { RawTftpClient } from './helpers/tftp-raw-client.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const silentLogger = { debug() {}, info() {}, warn() {} };

let root: string;
let server: TftpServer | undefined;
const clients: RawTftpClient[] = [];
const big = randomBytes(512 * 40 + 17);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'deskprov-tftp-'));
  await writeFile(path.join(root, 'big.bin'), big);
  await writeFile(path.join(root, 'y000000000000.boot'), '#!version:1.0.0.1\ninclude:config "y000000000000.cfg"\n');
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

async function start(overrides: Partial<TftpServerConfig> = {}): Promise<number> {
  server = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    source: createDirectoryFileSource(root),
    logger: silentLogger,
    limits: { timeoutMs: 150, retries: 4, maxPerSource: 64, requestsPerSecondPerSource: 1000 },
    ...overrides,
  });
  return server.address().port;
}

async function client(): Promise<RawTftpClient> {
  const c = await RawTftpClient.open();
  clients.push(c);
  return c;
}

function errorSource(code: ErrorCode, silent: boolean): TftpFileSource {
  return { open: async () => ({ kind: 'error', code, silent }) };
}

describe('TFTP server over loopback', () => {
  it('serves a file lock-step without options, starting with DATA 1 (no OACK)', async () => {
    const port = await start();
    const result = await (await client()).fetch(port, 'big.bin');
    expect(sha(result.data)).toBe(sha(big));
    expect(result.oack).toBeUndefined();
    await expect.poll(() => server?.stats().served).toBe(1);
    expect(server?.stats()).toMatchObject({ active: 0, retransmits: 0 });
  });

  it('acknowledges only the options the client asked for', async () => {
    const port = await start();
    const c = await client();
    const result = await c.fetch(port, 'big.bin', { options: [['blksize', '1428']] });
    expect(result.oack).toEqual([['blksize', '1428']]);
    expect(sha(result.data)).toBe(sha(big));
  });

  it('caps a request for blksize 65464 and windowsize 1000 at the configured limits', async () => {
    const port = await start({ limits: { maxBlksize: 1024, maxWindowsize: 4, timeoutMs: 2000 } });
    const c = await client();
    c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [['blksize', '65464'], ['windowsize', '1000'], ['tsize', '0']] }, port);
    const oack = await c.packet();
    expect(oack.packet).toEqual({ op: 'OACK', options: [['blksize', '1024'], ['windowsize', '4'], ['tsize', String(big.length)]] });
    c.send({ op: 'ACK', block: 0 }, oack.port);
    const window = await Promise.all([1, 2, 3, 4].map(() => c.packet()));
    expect(window.map(({ packet }) => packet.op === 'DATA' && [packet.block, packet.data.length])).toEqual([
      [1, 1024], [2, 1024], [3, 1024], [4, 1024],
    ]);
  });

  it('serves a windowed transfer (RFC 7440) intact, with and without loss', async () => {
    const port = await start({ limits: { maxWindowsize: 16, timeoutMs: 150 } });
    const c = await client();
    const clean = await c.fetchWindowed(port, 'big.bin', 1024, 16);
    expect(sha(clean.data)).toBe(sha(big));
    expect(clean.dataDatagrams).toBe(Math.ceil(big.length / 1024));
    const lossy = await c.fetchWindowed(port, 'big.bin', 1024, 8, { dropEvery: 5 });
    expect(sha(lossy.data)).toBe(sha(big));
    await expect.poll(() => server?.stats().served).toBe(2);
  });

  it('completes through a link that drops every 5th DATA datagram, by retransmission', async () => {
    const port = await start();
    const result = await (await client()).fetch(port, 'big.bin', { dropEvery: 5 });
    expect(sha(result.data)).toBe(sha(big));
    await expect.poll(() => server?.stats().served).toBe(1);
    expect(server?.stats().retransmits).toBeGreaterThan(0);
  });

  it('sends each DATA block exactly once however many copies of each ACK arrive', async () => {
    const port = await start({ limits: { timeoutMs: 5000 } });
    const result = await (await client()).fetch(port, 'big.bin', { ackCopies: 3 });
    const blocks = Math.floor(big.length / 512) + 1;
    expect(sha(result.data)).toBe(sha(big));
    expect(result.dataDatagrams).toBe(blocks);
    await expect.poll(() => server?.stats().served).toBe(1);
    expect(server?.stats()).toMatchObject({ datagramsSent: blocks, retransmits: 0 });
  });

  it('answers a packet from a foreign transfer ID with error 5 and finishes the transfer', async () => {
    const port = await start({ limits: { timeoutMs: 2000 } });
    const c = await client();
    const stranger = await client();
    c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    const first = await c.packet();
    stranger.send({ op: 'ACK', block: 1 }, first.port);
    expect((await stranger.packet()).packet).toEqual({ op: 'ERROR', code: 5, message: 'UNKNOWN_TRANSFER_ID' });
    const chunks = [first.packet.op === 'DATA' ? first.packet.data : Buffer.alloc(0)];
    let block = 1;
    for (;;) {
      c.send({ op: 'ACK', block }, first.port);
      if ((chunks.at(-1)?.length ?? 0) < 512) break;
      const { packet } = await c.packet();
      if (packet.op !== 'DATA' || packet.block !== block + 1) throw new Error(`unexpected ${JSON.stringify(packet)}`);
      chunks.push(packet.data);
      block++;
    }
    expect(sha(Buffer.concat(chunks))).toBe(sha(big));
    await expect.poll(() => server?.stats()).toMatchObject({ served: 1, foreignTid: 1 });
  });

  it('answers a flood from a foreign transfer ID only within the per-source rate', async () => {
    const port = await start({ limits: { timeoutMs: 5000, requestsPerSecondPerSource: 5 }, now: () => 0 });
    const c = await client();
    const stranger = await client();
    c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    const first = await c.packet();
    for (let i = 0; i < 20; i++) stranger.send({ op: 'ACK', block: 1 }, first.port);
    await expect.poll(() => server?.stats().foreignTid).toBe(20);
    // One token went to the RRQ; the other four answer four of the twenty strays, and no more.
    expect(server?.stats().errorsSent).toBe(4);
    const replies = await Promise.all([1, 2, 3, 4].map(() => stranger.packet()));
    expect(replies.every((r) => r.packet.op === 'ERROR' && r.packet.code === 5)).toBe(true);
    c.send({ op: 'ACK', block: 1 }, first.port);
    expect((await c.packet()).packet).toMatchObject({ op: 'DATA', block: 2 });
  });

  it('survives an empty datagram and garbage sent to a transfer port', async () => {
    const port = await start({ limits: { timeoutMs: 2000 } });
    const c = await client();
    c.send({ op: 'RRQ', filename: 'y000000000000.boot', mode: 'octet', options: [] }, port);
    const first = await c.packet();
    c.send(Buffer.alloc(0), first.port);
    c.send(randomBytes(600), first.port);
    c.send({ op: 'ACK', block: 1 }, first.port);
    await expect.poll(() => server?.stats().served).toBe(1);
    const again = await (await client()).fetch(port, 'big.bin');
    expect(sha(again.data)).toBe(sha(big));
  });

  it.each([
    ['an empty datagram', Buffer.alloc(0)],
    ['a truncated RRQ', Buffer.from('\u0000\u0001../../etc/pas', 'latin1')],
    ['an unknown opcode', Buffer.from('\u0000\u0009big.bin\u0000octet\u0000', 'latin1')],
    ['600 random bytes with a bad opcode', Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(598)])],
    ['a stray ACK', encodePacket({ op: 'ACK', block: 1 })],
  ])('drops %s without an answer and serves the next request', async (_title, datagram) => {
    const port = await start();
    const c = await client();
    c.send(datagram, port);
    const result = await c.fetch(port, 'y000000000000.boot');
    expect(result.data.toString()).toContain('#!version');
    await expect.poll(() => server?.stats().served).toBe(1);
    expect(server?.stats().malformed).toBe(1);
  });

  it('stays up through 300 random datagrams at the main port and a transfer port, writing nothing', async () => {
    const port = await start({ limits: { requestsPerSecondPerSource: 10_000, maxPerSource: 500, timeoutMs: 2000 } });
    const c = await client();
    const noise = await client();
    c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    const first = await c.packet();
    for (let i = 0; i < 300; i++) {
      const datagram = randomBytes(i % 61 === 0 ? 0 : 1 + ((i * 37) % 700));
      noise.send(datagram, i % 2 === 0 ? port : first.port);
    }
    c.send({ op: 'ACK', block: 1 }, first.port);
    expect((await c.packet()).packet).toMatchObject({ op: 'DATA', block: 2 });
    const again = await (await client()).fetch(port, 'y000000000000.boot');
    expect(again.data.toString()).toContain('#!version');
    expect((await readdir(root)).sort()).toEqual(['big.bin', 'y000000000000.boot']);
  });

  it.each([
    ['../../etc/passwd', 2, 1],
    ['/etc/passwd', 2, 1],
    ['..\\..\\', 2, 1],
    ['a\u0001b.cfg', 2, 1],
    ['x'.repeat(300), 2, 1],
    // The source refused this one; it records its own misses, so the server reports none.
    ['missing.cfg', 1, 0],
  ])('refuses %j with one short error %i and keeps serving', async (name, code, missCount) => {
    const misses: string[] = [];
    const port = await start({ onMiss: (ip) => misses.push(ip) });
    const c = await client();
    await expect(c.fetch(port, name)).rejects.toMatchObject({ tftpCode: code });
    expect(misses).toEqual(Array(missCount).fill('127.0.0.1'));
    expect((await c.fetch(port, 'y000000000000.boot')).data.length).toBeGreaterThan(0);
  });

  it('refuses mode mail with an illegal-operation error', async () => {
    const port = await start();
    await expect((await client()).fetch(port, 'big.bin', { mode: 'mail' })).rejects.toMatchObject({ tftpCode: 4 });
  });

  it('refuses a write request with an access violation and writes nothing', async () => {
    const port = await start();
    const c = await client();
    c.send({ op: 'WRQ', filename: 'new.cfg', mode: 'octet', options: [] }, port);
    expect((await c.packet()).packet).toEqual({ op: 'ERROR', code: 2, message: 'FORBIDDEN' });
    c.send({ op: 'DATA', block: 1, data: Buffer.from('evil') }, port);
    expect((await c.fetch(port, 'y000000000000.boot')).data.length).toBeGreaterThan(0);
    expect((await readdir(root)).sort()).toEqual(['big.bin', 'y000000000000.boot']);
  });

  it('answers nothing when the source refuses silently, and one error when it refuses aloud', async () => {
    const port = await start({ source: errorSource('FORBIDDEN', true) });
    const c = await client();
    c.send({ op: 'RRQ', filename: 'a.cfg', mode: 'octet', options: [] }, port);
    c.send({ op: 'WRQ', filename: 'a.cfg', mode: 'octet', options: [] }, port);
    // The WRQ's error is the first datagram back: the silent refusal sent nothing before it.
    expect((await c.packet()).packet).toMatchObject({ op: 'ERROR', code: 2 });
    expect(server?.stats()).toMatchObject({ refused: 2 });
  });

  it('answers banned sources with nothing at all', async () => {
    const port = await start({ isBanned: (ip) => ip === '127.0.0.1' });
    const c = await client();
    c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    await expect.poll(() => server?.stats().banned).toBe(1);
    expect(server?.stats()).toMatchObject({ active: 0, served: 0, refused: 0 });
  });

  it('drops requests over the per-source rate without answering', async () => {
    const port = await start({ limits: { requestsPerSecondPerSource: 2 }, now: () => 0 });
    const c = await client();
    for (let i = 0; i < 3; i++) c.send({ op: 'WRQ', filename: 'x', mode: 'octet', options: [] }, port);
    await c.packet();
    await c.packet();
    await expect.poll(() => server?.stats().rateLimited).toBe(1);
    expect(server?.stats().refused).toBe(2);
  });

  it('refuses a transfer beyond the per-source limit with one short error', async () => {
    const port = await start({ limits: { maxPerSource: 2, timeoutMs: 5000 } });
    const cs = [await client(), await client(), await client()];
    for (const c of cs) {
      c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
      await expect.poll(() => server?.stats().requests).toBe(cs.indexOf(c) + 1);
    }
    const replies = await Promise.all(cs.map((c) => c.packet()));
    expect(replies.map((r) => r.packet.op)).toEqual(['DATA', 'DATA', 'ERROR']);
    expect(replies.find((r) => r.packet.op === 'ERROR')?.packet).toEqual({ op: 'ERROR', code: 0, message: 'RATE_LIMITED' });
    expect(server?.stats()).toMatchObject({ active: 2, busy: 1 });
  });

  it('does not count a transfer waiting only for its last ACK: the phone may ask for its next file at once', async () => {
    const port = await start({ limits: { maxTransfers: 1, maxPerSource: 1, timeoutMs: 5000 } });
    const phone = await client();
    // The boot file fits one block: its DATA 1 is the final block. Its ACK is not sent yet.
    phone.send({ op: 'RRQ', filename: 'y000000000000.boot', mode: 'octet', options: [] }, port);
    const last = await phone.packet();
    expect(last.packet).toMatchObject({ op: 'DATA', block: 1 });
    const next = await client();
    next.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    expect((await next.packet()).packet).toMatchObject({ op: 'DATA', block: 1 });
    // A third request while big.bin is mid-transfer is over both limits.
    const third = await client();
    third.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    expect((await third.packet()).packet).toEqual({ op: 'ERROR', code: 0, message: 'RATE_LIMITED' });
    phone.send({ op: 'ACK', block: 1 }, last.port);
    await expect.poll(() => server?.stats().served).toBe(1);
    expect(server?.stats()).toMatchObject({ active: 1, busy: 1 });
  });

  it('drops a retransmitted RRQ while the transfer for that client port is under way', async () => {
    const port = await start({ limits: { timeoutMs: 5000 } });
    const c = await client();
    for (let i = 0; i < 3; i++) c.send({ op: 'RRQ', filename: 'y000000000000.boot', mode: 'octet', options: [] }, port);
    const first = await c.packet();
    await expect.poll(() => server?.stats().duplicates).toBe(2);
    c.send({ op: 'ACK', block: 1 }, first.port);
    await expect.poll(() => server?.stats().served).toBe(1);
    expect(server?.stats()).toMatchObject({ datagramsSent: 1, active: 0 });
  });

  it('ends a transfer whose client went away after the retries, freeing its slot', async () => {
    const port = await start({ limits: { timeoutMs: 20, retries: 2 } });
    const c = await client();
    c.send({ op: 'RRQ', filename: 'big.bin', mode: 'octet', options: [] }, port);
    await expect.poll(() => server?.stats().failed).toBe(1);
    expect(server?.stats()).toMatchObject({ active: 0, retransmits: 2 });
  });

  it('serves a buffer source in netascii with CR LF line ends', async () => {
    const source: TftpFileSource = { open: async () => ({ kind: 'buffer', data: Buffer.from('a\nb\n') }) };
    const port = await start({ source });
    const result = await (await client()).fetch(port, 'x.cfg', { mode: 'netascii', options: [['tsize', '0'], ['blksize', '512']] });
    expect(result.data.toString('latin1')).toBe('a\r\nb\r\n');
    expect(result.oack).toEqual([['blksize', '512']]);
  });

  it('serves over IPv6 loopback, the transfer port bound to the same address', async () => {
    await start({ host: '::1' });
    expect(server?.address()).toMatchObject({ address: '::1', family: 'IPv6' });
    const c = await RawTftpClient.open('::1');
    clients.push(c);
    const result = await c.fetch(server?.address().port ?? 0, 'big.bin', { options: [['blksize', '1428']] });
    expect(sha(result.data)).toBe(sha(big));
  });

  it('answers INTERNAL when the source throws, and keeps serving', async () => {
    const port = await start({
      source: { open: async (name) => { if (name === 'boom') throw new Error('db down'); return { kind: 'buffer', data: Buffer.from('ok') }; } },
    });
    const c = await client();
    await expect(c.fetch(port, 'boom')).rejects.toMatchObject({ tftpCode: 0 });
    expect((await c.fetch(port, 'fine')).data.toString()).toBe('ok');
  });
});
