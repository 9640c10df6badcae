/**
 * Where the TFTP server gets file content from. The provisioning pipeline implements this (it
 * identifies the phone from the name, checks the site networks and renders); the directory source
 * serves a read-only folder. The server itself never touches the file system.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ErrorCode } from '../errors.ts';

export interface TftpClient {
  address: string;
  port: number;
}

export interface TftpFileSource {
  /**
   * Resolve a requested name for a client. The name has already passed the shared file-name guard.
   * Resolve with `{ kind: 'error' }` for expected refusals; a rejection is logged and answered
   * with INTERNAL.
   */
  open(name: string, client: TftpClient): Promise<TftpFile>;
}

export type TftpFile =
  | { kind: 'buffer'; data: Buffer }
  | {
      kind: 'reader';
      size: number;
      /** Up to `length` bytes at `offset`; fewer only at end of file. */
      read(offset: number, length: number): Promise<Buffer>;
      /** Called once when the transfer ends, however it ends. */
      close?(): Promise<void>;
    }
  | {
      kind: 'error';
      /** Mapped to a TFTP error number with `tftpErrorOf()`. */
      code: ErrorCode;
      /** True: send nothing at all (sources outside the site networks: no amplification). */
      silent?: boolean;
    };

/** An open file as a TFTP reader of `size` bytes; the transfer closes the handle when it ends. */
export function fileHandleReader(handle: FileHandle, size: number): TftpFile {
  return {
    kind: 'reader',
    size,
    async read(offset, length) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}
