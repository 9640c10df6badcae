import { open } from 'node:fs/promises';
import type { FirmwareStore } from '../io/firmware-store.ts';
import { fileHandleReader, type TftpFile, type TftpFileSource } from './tftp-file-source.ts';

/** `firmware/<vendor>/<file>`: the same path the HTTP firmware route serves. */
const FIRMWARE_NAME = /^firmware\/([^/]+)\/([^/]+)$/;

/**
 * Adds firmware images to a TFTP source: `firmware/<vendor>/<file>` streams from the firmware
 * store (only images whose recorded sha256 still matches; never loaded whole), every other name
 * goes to `inner`. Sources outside the site networks get no answer, as for config files, so a
 * large image cannot be used to amplify spoofed traffic (E911-SECURITY §2.3).
 */
export function withFirmware(inner: TftpFileSource, firmware: FirmwareStore, allowed: (address: string) => boolean): TftpFileSource {
  return {
    async open(name, client): Promise<TftpFile> {
      const match = FIRMWARE_NAME.exec(name);
      if (match === null) return inner.open(name, client);
      if (!allowed(client.address)) return { kind: 'error', code: 'FORBIDDEN', silent: true };
      const found = await firmware.find(match[1] ?? '', match[2] ?? '');
      if (found === null) return { kind: 'error', code: 'NOT_FOUND' };
      return fileHandleReader(await open(found.path, 'r'), found.size);
    },
  };
}
