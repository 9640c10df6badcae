/**
 * Sequential byte readers over a TftpFile, with the netascii conversion of RFC 1350 (RFC 764
 * NVT rules): the local newline LF becomes CR LF and a bare CR becomes CR NUL. Each source byte
 * maps on its own, so no state crosses read boundaries except the buffered overflow.
 */

/** Reads a file front to back; a short (or empty) result means end of file. */
export interface SequentialReader {
  next(length: number): Promise<Buffer>;
}

/** Random access, as a TftpFile reader offers it. */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/**
 * Reads ahead in chunks of at least `chunkSize` bytes: at blksize 512 one file-handle read per
 * block costs a thread-pool round trip each, which dominated transfer time on loopback.
 */
export function sequentialReader(readAt: ReadAt, size: number, chunkSize = 64 * 1024): SequentialReader {
  let offset = 0;
  let ahead: Buffer = Buffer.alloc(0);
  return {
    async next(length) {
      // A short read before the end is legal for file handles; only an empty one means the file
      // ended early (it shrank), and then the transfer ends with what there is.
      while (ahead.length < length && offset < size) {
        const chunk = await readAt(offset, Math.min(Math.max(chunkSize, length), size - offset));
        if (chunk.length === 0) break;
        ahead = ahead.length === 0 ? chunk : Buffer.concat([ahead, chunk]);
        offset += chunk.length;
      }
      const out = ahead.subarray(0, length);
      ahead = ahead.subarray(out.length);
      return out;
    },
  };
}

/** A reader over content already in memory (a rendered config file). */
export function bufferReader(data: Buffer): SequentialReader {
  return sequentialReader(async (offset, length) => data.subarray(offset, offset + length), data.length);
}

const CR = 0x0d;
const LF = 0x0a;

/** Convert local text (LF newlines) to netascii: LF → CR LF, CR → CR NUL. */
export function toNetascii(input: Buffer): Buffer {
  let extra = 0;
  for (const byte of input) if (byte === CR || byte === LF) extra++;
  if (extra === 0) return input;
  const out = Buffer.alloc(input.length + extra);
  let j = 0;
  for (const byte of input) {
    if (byte === LF) {
      out[j++] = CR;
      out[j++] = LF;
    } else if (byte === CR) {
      out[j++] = CR;
      out[j++] = 0;
    } else {
      out[j++] = byte;
    }
  }
  return out;
}

/** Wrap a reader so it yields netascii; blocks stay full-size even though conversion grows the data. */
export function netasciiReader(inner: SequentialReader): SequentialReader {
  let pending: Buffer = Buffer.alloc(0);
  let innerDone = false;
  return {
    async next(length) {
      while (pending.length < length && !innerDone) {
        const chunk = await inner.next(length);
        if (chunk.length === 0) innerDone = true;
        else pending = Buffer.concat([pending, toNetascii(chunk)]);
      }
      const out = pending.subarray(0, length);
      pending = pending.subarray(out.length);
      return out;
    },
  };
}
