import { parseSourceAddress } from '../domain/site-network-guard.ts';
import type { PhoneFiles, PhoneResult } from '../services/phone-files.ts';
import type { TftpClient, TftpFile, TftpFileSource } from './tftp-file-source.ts';

/**
 * The TFTP face of the phone pipeline: the same identification, guards, rendering and cache as
 * HTTP, with transport `tftp` (no credentials; a device's file carries secrets only where its site
 * allows TFTP secrets, else they are withheld). Sources outside every site network get no answer
 * at all, so the server cannot be used to amplify spoofed traffic (E911-SECURITY §2.3).
 */

export interface PipelineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The ban list to give the TFTP server's `isBanned` hook (shared with HTTP). */
export function tftpBanCheck(phone: PhoneFiles): (ip: string) => boolean {
  return (ip) => phone.bans.isBanned(parseSourceAddress(ip)?.toString() ?? ip);
}

function toTftp(result: PhoneResult): TftpFile {
  if (result.status === 200 && result.body !== undefined) return { kind: 'buffer', data: result.body };
  if (result.status === 403) return { kind: 'error', code: 'FORBIDDEN', silent: true };
  if (result.status === 429) return { kind: 'error', code: 'RATE_LIMITED', silent: true };
  return { kind: 'error', code: 'NOT_FOUND' };
}

export function pipelineFileSource(phone: PhoneFiles, logger?: PipelineLogger): TftpFileSource {
  return {
    async open(name: string, client: TftpClient): Promise<TftpFile> {
      const result = phone.fetch({ path: name, ip: parseSourceAddress(client.address)?.toString() ?? client.address, transport: 'tftp' });
      logger?.info(result.logEvent, result.status === 200 ? 'phone file' : 'phone file refused');
      if (result.ban !== undefined) logger?.warn({ event: 'deskprov.phone.ban', ip: result.ban.ip, misses: result.ban.misses }, 'phone source banned');
      return toTftp(result);
    },
  };
}
