import { describe, expect, it } from 'vitest';
import { DEFAULT_TFTP_LIMITS } from '../../server/tftp/tftp-server-config.ts';
import { replyOrSilence, withSecureServerAndTftp } from './helpers/tftp-over-pipeline.ts';

/**
 * E911-SECURITY §2.5 item 15: spoofed-source RRQ asking for blksize 65464 / a large windowsize →
 * capped; reachable only from phone networks. A spoofed source outside the sites' networks gets
 * no answer at all (no amplification); inside, the options are capped at the defaults.
 */

const env = withSecureServerAndTftp();

const GREEDY = { op: 'RRQ' as const, filename: 'y000000000000.boot', mode: 'octet', options: [['blksize', '65464'], ['windowsize', '65535']] as Array<[string, string]> };

describe('item 15: TFTP amplification', () => {
  it('caps blksize and windowsize at the defaults for a source inside the networks', async () => {
    env.tftp.client.send(GREEDY, env.tftp.port);
    const oack = await env.tftp.client.packet();
    expect(oack.packet).toEqual({
      op: 'OACK',
      options: [['blksize', String(DEFAULT_TFTP_LIMITS.maxBlksize)], ['windowsize', String(DEFAULT_TFTP_LIMITS.maxWindowsize)]],
    });
    expect(DEFAULT_TFTP_LIMITS.maxBlksize).toBeLessThanOrEqual(1468);
  });

  it('answers nothing to a source outside every site network', async () => {
    expect((await env.s.server.api('PATCH', `/sites/${env.s.ids.siteId}`, { networks: ['10.20.0.0/16'] })).status).toBe(200);
    env.tftp.client.send(GREEDY, env.tftp.port);
    expect(await replyOrSilence(env.tftp.client, 1_000)).toBeNull();
    expect(env.tftp.tftp.stats().served).toBe(0);
  });
});
