import { describe, expect, it } from 'vitest';
import { MAC } from './helpers/secure-server.ts';
import { replyOrSilence, withSecureServerAndTftp } from './helpers/tftp-over-pipeline.ts';

/** E911-SECURITY §2.5 item 13: TFTP RRQ for ../../etc/passwd, /etc/passwd, ..\..\, control characters → error. */

const env = withSecureServerAndTftp({ ban: { maxMisses: 1_000 } });

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
    await env.s.prestage();
    for (const filename of HOSTILE) {
      env.tftp.client.send({ op: 'RRQ', filename, mode: 'octet', options: [] }, env.tftp.port);
      const reply = await replyOrSilence(env.tftp.client);
      if (reply !== null) expect(reply.packet.op, filename).toBe('ERROR');
    }
    // The server still serves a legitimate name afterwards.
    expect((await env.tftp.client.fetch(env.tftp.port, 'y000000000000.boot')).data.length).toBeGreaterThan(0);
  });
});
