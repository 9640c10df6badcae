/**
 * TFTP wire format (RFC 1350 §5, options RFC 2347 §2): pure encode/decode on Buffers.
 * `decodePacket` never throws: garbage gives `{ ok: false, reason }` so the socket owner can drop
 * it with a counter.
 *
 * Sample datagrams (NUL shown as `\0`); the two RRQs were captured from tftp-hpa 5.2 and curl 7.88:
 *   RRQ, tftp-hpa `-m binary … -c get SEP001122334455.cnf.xml` (no options):
 *     00 01 "SEP001122334455.cnf.xml\0" "octet\0"
 *   RRQ, curl `--tftp-blksize 1428 --max-time 1` (without --tftp-blksize it asks for 512):
 *     00 01 "y000000000000.boot\0" "octet\0" "tsize\0" "0\0" "blksize\0" "1428\0" "timeout\0" "1\0"
 *   DATA block 1:  00 03 00 01 <0..blksize bytes>
 *   ACK block 1:   00 04 00 01
 *   ERROR 1:       00 05 00 01 "NOT_FOUND\0"
 *   OACK:          00 06 "blksize\0" "1428\0" "tsize\0" "2048\0"
 */

/** RFC 1350 §5 opcodes, and 6 OACK from RFC 2347 §2. */
export const OPCODE = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** Option name (lower-cased, RFC 2347 §2: case-insensitive) → value, in the order the client sent them. */
export type TftpOptions = ReadonlyArray<readonly [name: string, value: string]>;

export type TftpPacket =
  | { op: 'RRQ' | 'WRQ'; filename: string; mode: string; options: TftpOptions }
  | { op: 'DATA'; block: number; data: Buffer }
  | { op: 'ACK'; block: number }
  | { op: 'ERROR'; code: number; message: string }
  | { op: 'OACK'; options: TftpOptions };

export type MalformedReason =
  | 'too-short'
  | 'unknown-opcode'
  | 'missing-terminator'
  | 'bad-encoding'
  | 'empty-mode';

export type DecodeResult = { ok: true; packet: TftpPacket } | { ok: false; reason: MalformedReason };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Split `bytes` at NULs into strings; every field must be NUL-terminated and valid UTF-8. */
function nulFields(bytes: Buffer): string[] | MalformedReason {
  const fields: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0, start);
    if (end === -1) return 'missing-terminator';
    try {
      fields.push(utf8.decode(bytes.subarray(start, end)));
    } catch {
      return 'bad-encoding';
    }
    start = end + 1;
  }
  return fields;
}

/**
 * Options as name/value pairs. A dangling name without value is ignored rather than refused: some
 * boot ROMs pad requests with NULs, and RFC 2347 asks servers to ignore what they do not understand.
 */
function pairs(fields: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as string;
    if (name === '') continue;
    out.push([name.toLowerCase(), fields[i + 1] as string]);
  }
  return out;
}

/** Decode one datagram. */
export function decodePacket(buf: Buffer): DecodeResult {
  if (buf.length < 4) return { ok: false, reason: 'too-short' };
  const opcode = buf.readUInt16BE(0);
  switch (opcode) {
    case OPCODE.RRQ:
    case OPCODE.WRQ: {
      const fields = nulFields(buf.subarray(2));
      if (typeof fields === 'string') return { ok: false, reason: fields };
      if (fields.length < 2) return { ok: false, reason: 'missing-terminator' };
      const mode = (fields[1] as string).toLowerCase();
      if (mode === '') return { ok: false, reason: 'empty-mode' };
      return {
        ok: true,
        packet: {
          op: opcode === OPCODE.RRQ ? 'RRQ' : 'WRQ',
          filename: fields[0] as string,
          mode,
          options: pairs(fields.slice(2)),
        },
      };
    }
    case OPCODE.DATA:
      return { ok: true, packet: { op: 'DATA', block: buf.readUInt16BE(2), data: buf.subarray(4) } };
    case OPCODE.ACK:
      // Bytes after the block number are ignored: harmless, and some embedded stacks pad.
      return { ok: true, packet: { op: 'ACK', block: buf.readUInt16BE(2) } };
    case OPCODE.ERROR: {
      // Lenient on the message: it is only ever logged, and some stacks omit the final NUL.
      const rest = buf.subarray(4);
      const end = rest.indexOf(0);
      const message = rest.subarray(0, end === -1 ? rest.length : end).toString('latin1');
      return { ok: true, packet: { op: 'ERROR', code: buf.readUInt16BE(2), message } };
    }
    case OPCODE.OACK: {
      const fields = nulFields(buf.subarray(2));
      if (typeof fields === 'string') return { ok: false, reason: fields };
      return { ok: true, packet: { op: 'OACK', options: pairs(fields) } };
    }
    default:
      return { ok: false, reason: 'unknown-opcode' };
  }
}

function header(opcode: number, value?: number): Buffer {
  const out = Buffer.alloc(value === undefined ? 2 : 4);
  out.writeUInt16BE(opcode, 0);
  if (value !== undefined) out.writeUInt16BE(value & 0xffff, 2);
  return out;
}

function strings(values: string[]): Buffer {
  return Buffer.concat(values.map((v) => Buffer.from(`${v}\0`, 'utf8')));
}

/** Encode one packet. Block numbers are taken modulo 65536 (RFC 1350 has 16-bit blocks). */
export function encodePacket(packet: TftpPacket): Buffer {
  switch (packet.op) {
    case 'RRQ':
    case 'WRQ':
      return Buffer.concat([
        header(OPCODE[packet.op]),
        strings([packet.filename, packet.mode, ...packet.options.flat()]),
      ]);
    case 'DATA':
      return Buffer.concat([header(OPCODE.DATA, packet.block), packet.data]);
    case 'ACK':
      return header(OPCODE.ACK, packet.block);
    case 'ERROR':
      return Buffer.concat([header(OPCODE.ERROR, packet.code), Buffer.from(`${packet.message}\0`, 'latin1')]);
    case 'OACK':
      return Buffer.concat([header(OPCODE.OACK), strings(packet.options.flat())]);
  }
}
