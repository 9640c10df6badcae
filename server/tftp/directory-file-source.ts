/**
 * A TftpFileSource serving one read-only folder (the firmware store, tests, benchmarks). Files are
 * streamed through a file handle, a block at a time, so a 40 MiB firmware never sits in memory.
 *
 * It never leaves its root: the name passes the shared guard again (this source may be used on its
 * own), and the real path (symlinks resolved) must lie inside the real root, so a symlink pointing
 * out of the folder is refused. The resolved path is what gets opened; swapping a link in between
 * needs write access to the folder, which the server never has.
 */
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode } from '../errors.ts';
import { checkFileName } from '../provisioning/file-name-guard.ts';
import { fileHandleReader, type TftpFile, type TftpFileSource } from './tftp-file-source.ts';

function errorOf(err: unknown): ErrorCode {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return 'NOT_FOUND';
  if (code === 'EACCES' || code === 'EPERM') return 'FORBIDDEN';
  return 'INTERNAL';
}

/** Serve the regular files below `root` (read-only). */
export function createDirectoryFileSource(root: string): TftpFileSource {
  const realRoot = realpath(root);
  return {
    async open(name): Promise<TftpFile> {
      const check = checkFileName(name);
      if (!check.ok) return { kind: 'error', code: check.code };
      const base = await realRoot;
      let resolved: string;
      try {
        resolved = await realpath(path.join(base, check.name));
      } catch (err) {
        return { kind: 'error', code: errorOf(err) };
      }
      if (!resolved.startsWith(base + path.sep)) return { kind: 'error', code: 'FORBIDDEN' };
      let handle;
      try {
        handle = await open(resolved, 'r');
      } catch (err) {
        return { kind: 'error', code: errorOf(err) };
      }
      const stat = await handle.stat().catch(() => undefined);
      if (stat === undefined || !stat.isFile()) {
        await handle.close();
        return { kind: 'error', code: 'NOT_FOUND' };
      }
      return fileHandleReader(handle, stat.size);
    },
  };
}
