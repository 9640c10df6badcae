import { afterEach, beforeEach } from 'vitest';
import { createLogger } from '../../../server/logger.ts';
import type { PhoneTrustOptions } from '../../../server/services/phone-files.ts';
import { startTftpServer, type TftpServer } from '../../../server/tftp/tftp-server.ts';
import type { TftpServerConfig } from '../../../server/tftp/tftp-server.ts';
import type { PhoneServer } from '../../integration/helpers/phone-server.ts';
import { RawTftpClient } from '../../integration/helpers/tftp-raw-client.ts';
import { startSecureServer, type SecureServer } from './secure-server.ts';

/** The TFTP listener over the same phone pipeline as HTTP (as `deskprov serve` wires it), on loopback. */
export async function tftpOver(server: PhoneServer, overrides: Partial<TftpServerConfig> = {}): Promise<{ tftp: TftpServer; port: number; client: RawTftpClient; close(): Promise<void> }> {
  const tftp = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    source: server.front.tftpSource,
    isBanned: server.front.tftpIsBanned,
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  });
  const client = await RawTftpClient.open();
  return {
    tftp,
    port: tftp.address().port,
    client,
    async close() {
      await client.close();
      await tftp.close();
    },
  };
}

/** The next reply, or null when the server stays silent for `ms`. */
export async function replyOrSilence(client: RawTftpClient, ms = 800) {
  try {
    return await client.packet(ms);
  } catch (err) {
    if (err instanceof Error && /no datagram within/.test(err.message)) return null;
    throw err;
  }
}

export type TftpOver = Awaited<ReturnType<typeof tftpOver>>;

/**
 * For a test file whose every test needs a secure server and TFTP over its pipeline: registers the
 * beforeEach that starts both and the afterEach that closes them; read `.s` and `.tftp` in tests.
 */
export function withSecureServerAndTftp(options: Partial<PhoneTrustOptions> = {}): { s: SecureServer; tftp: TftpOver } {
  const env = {} as { s: SecureServer; tftp: TftpOver };
  beforeEach(async () => {
    env.s = await startSecureServer(options);
    env.tftp = await tftpOver(env.s.server);
  });
  afterEach(async () => {
    await env.tftp.close();
    await env.s.close();
  });
  return env;
}
