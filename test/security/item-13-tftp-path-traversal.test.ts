import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';
import { replyOrSilence, tftpOver } from './helpers/tftp-over-pipeline.ts';

/** E911-SECURITY §2.5 item 13: TFTP RRQ for ../../etc/passwd, /etc/passwd, ..\..\, control characters → error. */

let s: SecureServer;
let tftp: Awaited<ReturnType<typeof tftpOver>>;
beforeEach(async () => {
  s = await startSecureServer({ ban: { maxMisses: 1_000 } });
  tftp = await tftpOver(s.server);
});
afterEach(async () => {
  await tftp.close();
  await s.close();
});

const HOSTILE = [
  '../../etc/passwd',
  '/etc/passwd',
  '..\\..\\windows\\win.ini',
  `${MAC}.cfg/../../../etc/shadow`,
  'y000000000000.boot\u0000.txt',
  'x\u0007\u001b[2J.cfg',
  '%2e%2e%2fetc%2fpasswd',
  `./${MAC}.cfg`,
];

describe('item 13: TFTP path validation', () => {
  it('answers every hostile name with an error (or nothing), never data', async () => {
    await s.prestage();
    for (const filename of HOSTILE) {
      tftp.client.send({ op: 'RRQ', filename, mode: 'octet', options: [] }, tftp.port);
      const reply = await replyOrSilence(tftp.client);
      if (reply !== null) expect(reply.packet.op, filename).toBe('ERROR');
    }
    // The server still serves a legitimate name afterwards.
    expect((await tftp.client.fetch(tftp.port, 'y000000000000.boot')).data.length).toBeGreaterThan(0);
  });
});
