import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, type TftpPacket } from '../../../server/tftp/tftp-packet.ts';

const text = (minLength: number) =>
  fc.string({ unit: 'grapheme', minLength, maxLength: 40 }).filter((s) => !s.includes('\0'));
const lower = (minLength: number) => text(minLength).filter((s) => s === s.toLowerCase());
const option = fc.tuple(lower(1), text(0)).map(([n, v]) => [n, v] as const);
/** Names in a request are unique in practice; decode keeps duplicates, so allow them too. */
const options = fc.array(option, { maxLength: 5 });

const packet: fc.Arbitrary<TftpPacket> = fc.oneof(
  fc.record({
    op: fc.constantFrom('RRQ' as const, 'WRQ' as const),
    filename: text(0),
    mode: lower(1),
    options,
  }),
  fc.record({
    op: fc.constant('DATA' as const),
    block: fc.integer({ min: 0, max: 65535 }),
    data: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
  }),
  fc.record({ op: fc.constant('ACK' as const), block: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({
    op: fc.constant('ERROR' as const),
    code: fc.integer({ min: 0, max: 65535 }),
    message: fc.string({ unit: 'binary-ascii', maxLength: 60 }).filter((s) => !s.includes('\0')),
  }),
  fc.record({ op: fc.constant('OACK' as const), options: fc.array(option, { minLength: 1, maxLength: 5 }) }),
);

/** NUL-terminated fields, as TFTP writes strings. */
const nul = (...fields: string[]): string => fields.map((f) => `${f}\u0000`).join('');
const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('TFTP packets', () => {
  it('decodes every encoded packet back to itself', () => {
    fc.assert(
      fc.property(packet, (p) => {
        expect(decodePacket(encodePacket(p))).toEqual({ ok: true, packet: p });
      }),
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (raw) => {
        const result = decodePacket(Buffer.from(raw));
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('decodes the RRQ curl sends with --tftp-blksize 1428, and lower-cases an option name sent in capitals', () => {
    const rrq = bytes([0, 1], nul('y000000000000.boot', 'octet', 'tsize', '0', 'BLKSIZE', '1428', 'timeout', '1'));
    expect(decodePacket(rrq)).toEqual({
      ok: true,
      packet: {
        op: 'RRQ',
        filename: 'y000000000000.boot',
        mode: 'octet',
        options: [['tsize', '0'], ['blksize', '1428'], ['timeout', '1']],
      },
    });
  });

  it('lower-cases the mode, since RFC 1350 modes are case-insensitive', () => {
    const result = decodePacket(bytes([0, 1], 'a.cfg\0NetASCII\0'));
    expect(result.ok && result.packet.op === 'RRQ' && result.packet.mode).toBe('netascii');
  });

  it('ignores a dangling option name without a value', () => {
    const result = decodePacket(bytes([0, 1], 'a.cfg\0octet\0blksize\0'));
    expect(result).toEqual({ ok: true, packet: { op: 'RRQ', filename: 'a.cfg', mode: 'octet', options: [] } });
  });

  it.each([
    ['an empty datagram', bytes(), 'too-short'],
    ['a lone opcode', bytes([0, 1]), 'too-short'],
    ['opcode 0', bytes([0, 0, 0, 0]), 'unknown-opcode'],
    ['opcode 7', bytes([0, 7], 'a\0octet\0'), 'unknown-opcode'],
    ['an RRQ cut before the name ends', bytes([0, 1], 'etc/pas'), 'missing-terminator'],
    ['an RRQ without a mode', bytes([0, 1], 'a.cfg\0'), 'missing-terminator'],
    ['an RRQ with the mode unterminated', bytes([0, 1], 'a.cfg\0oct'), 'missing-terminator'],
    ['an RRQ with an empty mode', bytes([0, 1], 'a.cfg\0\0'), 'empty-mode'],
    ['an RRQ whose name is not UTF-8', bytes([0, 1], [0xff, 0xfe, 0], 'octet\0'), 'bad-encoding'],
  ])('refuses %s as malformed', (_title, raw, reason) => {
    expect(decodePacket(raw)).toEqual({ ok: false, reason });
  });

  it('accepts an ERROR whose message lacks the final NUL', () => {
    expect(decodePacket(bytes([0, 5, 0, 1], 'gone'))).toEqual({ ok: true, packet: { op: 'ERROR', code: 1, message: 'gone' } });
  });

  it('writes block numbers modulo 65536', () => {
    expect(encodePacket({ op: 'DATA', block: 65536, data: Buffer.alloc(0) }).readUInt16BE(2)).toBe(0);
    expect(encodePacket({ op: 'ACK', block: 65537 }).readUInt16BE(2)).toBe(1);
  });
});
