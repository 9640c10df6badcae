import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { appError } from '../errors.ts';
import { checkFileName } from '../provisioning/file-name-guard.ts';

/**
 * Firmware images on disk: `<data>/firmware/<vendor>/<file>`. Uploads stream to a temporary file
 * beside the target while hashing and counting; only a complete file whose SHA-256 matches is
 * renamed into place (rename is atomic on one file system, so a phone never reads half an image).
 *
 * Integrity (docs/FIRMWARE.md): the SHA-256 checked at upload is kept beside the image in
 * `<data>/firmware/.sha256/<vendor>/<file>` (a leading dot is no acceptable vendor name, so phones
 * cannot ask for it). `verifyAll()` re-hashes every image at start, and `find()` re-hashes an image
 * whose size or modification time changed since it was last checked; an image that is missing its
 * recorded hash, or whose bytes no longer match it, is reported to `onProblem` and never found.
 */

/** Why an image may not be served. */
export type FirmwareProblem = 'corrupt' | 'unverified' | 'missing';

export interface FirmwareStoreOptions {
  /** Told about every image found unfit (once per change of the file). */
  onProblem?: (vendor: string, file: string, problem: FirmwareProblem) => void;
  /** Told when an upload was stored with its hash (earlier problems of that image are over). */
  onStored?: (vendor: string, file: string) => void;
}

/** Vendor folder and file names: what phones request, nothing that walks paths. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._()+,-]{0,127}$/;

export interface FirmwareFile {
  path: string;
  size: number;
  mtimeMs: number;
}

const HASH_DIR = '.sha256';

async function hashFile(where: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(where), hash);
  return hash.digest('hex');
}

export function firmwareStore(root: string, options: FirmwareStoreOptions = {}) {
  function locate(vendor: string, file: string): string | null {
    if (!SEGMENT.test(vendor) || !SEGMENT.test(file) || !checkFileName(file).ok || file.includes('..')) return null;
    return path.join(root, vendor, file);
  }
  const hashPath = (vendor: string, file: string): string => path.join(root, HASH_DIR, vendor, file);
  /** Outcome of the last check per image, valid while its size and mtime stay the same. */
  const checked = new Map<string, { size: number; mtimeMs: number; problem: FirmwareProblem | null }>();
  const inFlight = new Map<string, Promise<FirmwareProblem | null>>();

  async function check(vendor: string, file: string, where: string, info: { size: number; mtimeMs: number }): Promise<FirmwareProblem | null> {
    const key = `${vendor}/${file}`;
    const known = checked.get(key);
    if (known !== undefined && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.problem;
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = (async () => {
        const expected = (await readFile(hashPath(vendor, file), 'utf8').catch(() => '')).trim().toLowerCase();
        const problem: FirmwareProblem | null = expected === '' ? 'unverified' : (await hashFile(where)) === expected ? null : 'corrupt';
        checked.set(key, { size: info.size, mtimeMs: info.mtimeMs, problem });
        if (problem !== null) options.onProblem?.(vendor, file, problem);
        return problem;
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  async function statFile(where: string): Promise<FirmwareFile | null> {
    try {
      const info = await stat(where);
      return info.isFile() ? { path: where, size: info.size, mtimeMs: info.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  /** The stored image, or null when absent, unfit (corrupt, no recorded hash) or the names are not acceptable. */
  async function find(vendor: string, file: string): Promise<FirmwareFile | null> {
    const where = locate(vendor, file);
    if (where === null) return null;
    const found = await statFile(where);
    if (found === null) return null;
    return (await check(vendor, file, where, found)) === null ? found : null;
  }

  return {
    root,
    locate,

    find,

    /** True when the image exists and matches its recorded hash. */
    async isServable(vendor: string, file: string): Promise<boolean> {
      return (await find(vendor, file)) !== null;
    },

    /**
     * Re-hashes every stored image against its recorded hash, and names recorded hashes whose
     * image is gone. Each problem also goes to `onProblem`.
     */
    async verifyAll(): Promise<Array<{ vendor: string; file: string; problem: FirmwareProblem }>> {
      checked.clear();
      const problems: Array<{ vendor: string; file: string; problem: FirmwareProblem }> = [];
      const names = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).filter((n) => SEGMENT.test(n));
      const seen = new Set<string>();
      for (const vendor of await names(root)) {
        for (const file of await names(path.join(root, vendor))) {
          const where = locate(vendor, file);
          const found = where === null || file.endsWith('.part') ? null : await statFile(where);
          if (where === null || found === null) continue;
          seen.add(`${vendor}/${file}`);
          const problem = await check(vendor, file, where, found);
          if (problem !== null) problems.push({ vendor, file, problem });
        }
      }
      for (const vendor of await names(path.join(root, HASH_DIR))) {
        for (const file of await names(path.join(root, HASH_DIR, vendor))) {
          if (seen.has(`${vendor}/${file}`)) continue;
          problems.push({ vendor, file, problem: 'missing' });
          options.onProblem?.(vendor, file, 'missing');
        }
      }
      return problems;
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
        const replaced = (await statFile(where)) !== null;
        // The hash is written beside the image before the image moves in, and moved in right after:
        // a crash in between leaves a mismatch, which the start-up check reports (never a silent pass).
        const recorded = hashPath(vendor, file);
        await mkdir(path.dirname(recorded), { recursive: true });
        await writeFile(`${recorded}.part`, `${actual}\n`);
        await rename(temp, where);
        await rename(`${recorded}.part`, recorded);
        const info = await stat(where);
        checked.set(`${vendor}/${file}`, { size: info.size, mtimeMs: info.mtimeMs, problem: null });
        options.onStored?.(vendor, file);
        return { size, sha256: actual, replaced };
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
  };
}

export type FirmwareStore = ReturnType<typeof firmwareStore>;
