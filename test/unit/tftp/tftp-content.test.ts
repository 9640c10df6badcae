import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferReader, netasciiReader, sequentialReader, toNetascii } from '../../../server/tftp/tftp-content.ts';
import type { SequentialReader } from '../../../server/tftp/tftp-content.ts';

async function drain(reader: SequentialReader, blksize: number): Promise<Buffer[]> {
  const blocks: Buffer[] = [];
  for (;;) {
    const block = await reader.next(blksize);
    blocks.push(block);
    if (block.length < blksize) return blocks;
  }
}

/** What a netascii receiver does: CR LF → LF, CR NUL → CR. */
function fromNetascii(input: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte === 0x0d && (input[i + 1] === 0x0a || input[i + 1] === 0x00)) {
      out.push(input[i + 1] === 0x0a ? 0x0a : 0x0d);
      i++;
    } else out.push(byte);
  }
  return Buffer.from(out);
}

describe('netascii', () => {
  it('turns LF into CR LF and a bare CR into CR NUL', () => {
    expect(toNetascii(Buffer.from('a\nb\rc\r\n'))).toEqual(Buffer.from('a\r\nb\r\0c\r\0\r\n', 'latin1'));
  });

  it('leaves text without CR or LF as it is', () => {
    expect(toNetascii(Buffer.from('plain'))).toEqual(Buffer.from('plain'));
  });

  it('cuts converted text into full blocks, a CR LF pair split across blocks included', async () => {
    const text = Buffer.from('ab\ncd\n');
    const blocks = await drain(netasciiReader(bufferReader(text)), 3);
    expect(blocks.map((b) => b.toString('latin1'))).toEqual(['ab\r', '\ncd', '\r\n']);
  });

  it('round-trips any bytes through a netascii receiver', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 8, max: 600 }), async (raw, blksize) => {
        const blocks = await drain(netasciiReader(bufferReader(Buffer.from(raw))), blksize);
        expect(fromNetascii(Buffer.concat(blocks)).equals(Buffer.from(raw))).toBe(true);
        expect(blocks.slice(0, -1).every((b) => b.length === blksize)).toBe(true);
      }),
    );
  });
});

describe('sequential readers', () => {
  it('yields full blocks and a final empty one when the size is a multiple of the block size', async () => {
    const blocks = await drain(bufferReader(Buffer.alloc(1024, 7)), 512);
    expect(blocks.map((b) => b.length)).toEqual([512, 512, 0]);
  });

  it('keeps reading when a file handle returns fewer bytes than asked', async () => {
    const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 251));
    const stingy = sequentialReader(async (offset, length) => data.subarray(offset, offset + Math.min(length, 100)), data.length, 10);
    const blocks = await drain(stingy, 512);
    expect(blocks.map((b) => b.length)).toEqual([512, 512, 512, 464]);
    expect(Buffer.concat(blocks)).toEqual(data);
  });

  it('ends early, without looping, when a file shrinks under it', async () => {
    const reader = sequentialReader(async () => Buffer.alloc(0), 5000);
    expect((await reader.next(512)).length).toBe(0);
  });
});
