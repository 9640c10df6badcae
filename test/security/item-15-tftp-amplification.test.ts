import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TFTP_LIMITS } from '../../server/tftp/tftp-server-config.ts';
import { startSecureServer, type SecureServer } from './helpers/secure-server.ts';
import { replyOrSilence, tftpOver } from './helpers/tftp-over-pipeline.ts';

/**
 * E911-SECURITY §2.5 item 15: spoofed-source RRQ asking for blksize 65464 / a large windowsize →
 * capped; reachable only from phone networks. A spoofed source outside the sites' networks gets
 * no answer at all (no amplification); inside, the options are capped at the defaults.
 */

let s: SecureServer;
let tftp: Awaited<ReturnType<typeof tftpOver>>;
beforeEach(async () => {
  s = await startSecureServer();
  tftp = await tftpOver(s.server);
});
afterEach(async () => {
  await tftp.close();
  await s.close();
});

const GREEDY = { op: 'RRQ' as const, filename: 'y000000000000.boot', mode: 'octet', options: [['blksize', '65464'], ['windowsize', '65535']] as Array<[string, string]> };

describe('item 15: TFTP amplification', () => {
  it('caps blksize and windowsize at the defaults for a source inside the networks', async () => {
    tftp.client.send(GREEDY, tftp.port);
    const oack = await tftp.client.packet();
    expect(oack.packet).toEqual({
      op: 'OACK',
      options: [['blksize', String(DEFAULT_TFTP_LIMITS.maxBlksize)], ['windowsize', String(DEFAULT_TFTP_LIMITS.maxWindowsize)]],
    });
    expect(DEFAULT_TFTP_LIMITS.maxBlksize).toBeLessThanOrEqual(1468);
  });

  it('answers nothing to a source outside every site network', async () => {
    expect((await s.server.api('PATCH', `/sites/${s.ids.siteId}`, { networks: ['10.20.0.0/16'] })).status).toBe(200);
    tftp.client.send(GREEDY, tftp.port);
    expect(await replyOrSilence(tftp.client, 1_000)).toBeNull();
    expect(tftp.tftp.stats().served).toBe(0);
  });
});
