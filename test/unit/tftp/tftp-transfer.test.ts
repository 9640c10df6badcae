import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bufferReader, type SequentialReader } from '../../../server/tftp/tftp-content.ts';
import { decodePacket, type TftpPacket } from '../../../server/tftp/tftp-packet.ts';
import { TftpTransfer, type TransferOptions, type TransferResult } from '../../../server/tftp/tftp-transfer.ts';

/** Lets pending promise callbacks (block reads) run; setImmediate is not faked. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const ack = (block: number): TftpPacket => ({ op: 'ACK', block });
const bytes = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7) % 256));

function harness(data: Buffer, options: Partial<TransferOptions> = {}) {
  const sent: TftpPacket[] = [];
  const ends: TransferResult[] = [];
  const transfer = new TftpTransfer({
    reader: bufferReader(data),
    blksize: 512,
    windowsize: 1,
    timeoutMs: 100,
    retries: 3,
    oack: [],
    send: (datagram) => {
      const decoded = decodePacket(datagram);
      if (!decoded.ok) throw new Error(`sent a malformed datagram: ${decoded.reason}`);
      sent.push(decoded.packet);
    },
    onEnd: (result) => ends.push(result),
    ...options,
  });
  const blocks = () => sent.map((p) => (p.op === 'DATA' ? p.block : p.op));
  return { transfer, sent, ends, blocks };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TftpTransfer', () => {
  it('sends DATA 1 at once without options and ends when the short last block is acknowledged', async () => {
    const h = harness(bytes(1000));
    h.transfer.start();
    await settle();
    expect(h.blocks()).toEqual([1]);
    h.transfer.handle(ack(1));
    await settle();
    expect(h.blocks()).toEqual([1, 2]);
    expect(h.sent[1]).toMatchObject({ op: 'DATA', block: 2, data: bytes(1000).subarray(512) });
    h.transfer.handle(ack(2));
    expect(h.ends).toEqual([{ ok: true, bytes: 1000, sent: 2, retransmits: 0 }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends a file of whole blocks with an empty DATA block', async () => {
    const h = harness(bytes(1024));
    h.transfer.start();
    for (const block of [1, 2]) {
      await settle();
      h.transfer.handle(ack(block));
    }
    await settle();
    expect(h.sent[2]).toEqual({ op: 'DATA', block: 3, data: Buffer.alloc(0) });
    h.transfer.handle(ack(3));
    expect(h.ends[0]?.ok).toBe(true);
  });

  it('answers a duplicate ACK with nothing (no Sorcerer\'s Apprentice)', async () => {
    const h = harness(bytes(2000));
    h.transfer.start();
    await settle();
    h.transfer.handle(ack(1));
    await settle();
    h.transfer.handle(ack(1));
    h.transfer.handle(ack(1));
    h.transfer.handle(ack(0));
    await settle();
    expect(h.blocks()).toEqual([1, 2]);
  });

  it('retransmits lost DATA after the timeout, then carries on', async () => {
    const h = harness(bytes(700));
    h.transfer.start();
    await settle();
    await vi.advanceTimersByTimeAsync(99);
    expect(h.blocks()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.blocks()).toEqual([1, 1]);
    h.transfer.handle(ack(1));
    await settle();
    h.transfer.handle(ack(2));
    expect(h.ends).toEqual([{ ok: true, bytes: 700, sent: 3, retransmits: 1 }]);
  });

  it('gives up after the configured retries without progress', async () => {
    const h = harness(bytes(700), { retries: 2 });
    h.transfer.start();
    await settle();
    await vi.advanceTimersByTimeAsync(100 * 2);
    expect(h.blocks()).toEqual([1, 1, 1]);
    expect(h.ends).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.ends).toEqual([{ ok: false, reason: 'timeout', bytes: 512, sent: 3, retransmits: 2 }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.sent).toHaveLength(3);
  });

  it('restores the full retry budget after each step forward', async () => {
    const h = harness(bytes(1500), { retries: 1 });
    h.transfer.start();
    await settle();
    await vi.advanceTimersByTimeAsync(100);
    h.transfer.handle(ack(1));
    await settle();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.ends).toEqual([]);
    expect(h.blocks()).toEqual([1, 1, 2, 2]);
  });

  it('sends the OACK first, retransmits it, and starts DATA on ACK 0', async () => {
    const h = harness(bytes(100), { oack: [['tsize', '100']] });
    h.transfer.start();
    await settle();
    expect(h.sent).toEqual([{ op: 'OACK', options: [['tsize', '100']] }]);
    h.transfer.handle(ack(1));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.blocks()).toEqual(['OACK', 'OACK']);
    h.transfer.handle(ack(0));
    await settle();
    expect(h.blocks()).toEqual(['OACK', 'OACK', 1]);
  });

  it('rolls block numbers over from 65535 to 0 and finishes past the rollover', async () => {
    const blocks = 65_537;
    const data = bytes(8 * (blocks - 1) + 3);
    const h = harness(data, { blksize: 8 });
    h.transfer.start();
    for (let block = 1; block <= blocks; block++) {
      await settle();
      h.transfer.handle(ack(block & 0xffff));
    }
    const wire = h.sent.map((p) => (p.op === 'DATA' ? p.block : -1));
    expect(wire.slice(65_533, 65_537)).toEqual([65_534, 65_535, 0, 1]);
    // Buffer.equals, not a deep equal: half a megabyte compared element by element takes seconds.
    expect(Buffer.concat(h.sent.map((p) => (p.op === 'DATA' ? p.data : Buffer.alloc(0)))).equals(data)).toBe(true);
    expect(h.ends).toEqual([{ ok: true, bytes: data.length, sent: blocks, retransmits: 0 }]);
  });

  it('sends a whole window at once and the next window on the ACK of its last block', async () => {
    const h = harness(bytes(512 * 9 + 1), { windowsize: 4 });
    h.transfer.start();
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3, 4]);
    h.transfer.handle(ack(4));
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    h.transfer.handle(ack(4));
    await settle();
    expect(h.sent).toHaveLength(8);
  });

  it('resends from the block after a mid-window ACK, as RFC 7440 asks', async () => {
    const h = harness(bytes(512 * 9 + 1), { windowsize: 4 });
    h.transfer.start();
    await settle();
    h.transfer.handle(ack(2));
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3, 4, 3, 4, 5, 6]);
  });

  it('retransmits the whole unacknowledged window on timeout', async () => {
    const h = harness(bytes(512 * 3 + 1), { windowsize: 8 });
    h.transfer.start();
    await settle();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.blocks()).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    h.transfer.handle(ack(4));
    expect(h.ends[0]).toMatchObject({ ok: true, retransmits: 4 });
  });

  it('ends at once, sending nothing, when the peer sends an ERROR', async () => {
    const h = harness(bytes(2000));
    h.transfer.start();
    await settle();
    h.transfer.handle({ op: 'ERROR', code: 0, message: 'disk full' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.blocks()).toEqual([1]);
    expect(h.ends[0]).toMatchObject({ ok: false, reason: 'peer-error' });
  });

  it('sends ERROR 0 and ends when reading the file fails', async () => {
    const failing: SequentialReader = { next: () => Promise.reject(new Error('EIO')) };
    const h = harness(Buffer.alloc(0), { reader: failing });
    h.transfer.start();
    await settle();
    expect(h.sent).toEqual([{ op: 'ERROR', code: 0, message: 'INTERNAL' }]);
    expect(h.ends[0]).toMatchObject({ ok: false, reason: 'read-error' });
  });

  it('stops sending once aborted', async () => {
    const h = harness(bytes(2000));
    h.transfer.start();
    await settle();
    h.transfer.abort();
    h.transfer.handle(ack(1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.blocks()).toEqual([1]);
    expect(h.ends).toHaveLength(1);
    expect(h.transfer.finished).toBe(true);
  });
});
