import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { appError } from '../errors.ts';
import { checkFileName } from '../provisioning/file-name-guard.ts';

/**
 * Firmware images on disk: `<data>/firmware/<vendor>/<file>`. Uploads stream to a temporary file
 * beside the target while hashing and counting; only a complete file whose SHA-256 matches is
 * renamed into place (rename is atomic on one file system, so a phone never reads half an image).
 */

/** Vendor folder and file names: what phones request, nothing that walks paths. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._()+,-]{0,127}$/;

export interface FirmwareFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export function firmwareStore(root: string) {
  function locate(vendor: string, file: string): string | null {
    if (!SEGMENT.test(vendor) || !SEGMENT.test(file) || !checkFileName(file).ok || file.includes('..')) return null;
    return path.join(root, vendor, file);
  }

  return {
    root,
    locate,

    /** The stored image, or null when absent or the names are not acceptable. */
    async find(vendor: string, file: string): Promise<FirmwareFile | null> {
      const where = locate(vendor, file);
      if (where === null) return null;
      try {
        const info = await stat(where);
        return info.isFile() ? { path: where, size: info.size, mtimeMs: info.mtimeMs } : null;
      } catch {
        return null;
      }
    },

    /** Bytes `start..end` (inclusive) of a stored image as a stream. */
    read(file: FirmwareFile, range?: { start: number; end: number }): Readable {
      return createReadStream(file.path, range === undefined ? {} : { start: range.start, end: range.end });
    },

    /**
     * Streams `body` into place. Refuses (PAYLOAD_TOO_LARGE) past `maxBytes` while streaming and
     * (RULE_VIOLATION) when the SHA-256 differs from `sha256`; the partial file is removed.
     */
    async save(vendor: string, file: string, body: Readable, expect: { sha256: string; maxBytes: number }): Promise<{ size: number; sha256: string; replaced: boolean }> {
      const where = locate(vendor, file);
      if (where === null) throw appError('INVALID_FIELD', 'vendor and file must be plain names (letters, digits, . _ - ( ) + ,)', { field: 'file' });
      await mkdir(path.dirname(where), { recursive: true });
      const temp = `${where}.${randomUUID()}.part`;
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > expect.maxBytes) {
            done(appError('PAYLOAD_TOO_LARGE', `firmware larger than the limit of ${expect.maxBytes} bytes`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(body, meter, createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
        const actual = hash.digest('hex');
        if (actual !== expect.sha256.toLowerCase()) {
          throw appError('RULE_VIOLATION', `sha256 of the upload is ${actual}, not the one given`, { field: 'sha256' });
        }
        const handle = await open(temp, 'r');
        await handle.sync();
        await handle.close();
        const replaced = (await this.find(vendor, file)) !== null;
        await rename(temp, where);
        return { size, sha256: actual, replaced };
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
  };
}

export type FirmwareStore = ReturnType<typeof firmwareStore>;
