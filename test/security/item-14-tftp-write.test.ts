import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '../integration/helpers/fixtures.ts';
import { MAC } from './helpers/secure-server.ts';
import { replyOrSilence, withSecureServerAndTftp } from './helpers/tftp-over-pipeline.ts';

/** E911-SECURITY §2.5 item 14: TFTP WRQ → access denied; no file created. */

const env = withSecureServerAndTftp();

describe('item 14: TFTP writes', () => {
  it('refuses a write request with access violation; the data folder and database stay unchanged', async () => {
    await env.s.prestage();
    env.s.server.front.phone.flush();
    const files = readdirSync(env.s.server.dir).sort();
    const digest = contentDigest(env.s.server.db);
    for (const filename of [`${MAC}.cfg`, 'new.cfg', '../evil.cfg']) {
      env.tftp.client.send({ op: 'WRQ', filename, mode: 'octet', options: [] }, env.tftp.port);
      const reply = await replyOrSilence(env.tftp.client);
      expect(reply?.packet).toMatchObject({ op: 'ERROR', code: 2 });
      env.tftp.client.send({ op: 'DATA', block: 1, data: Buffer.from('static.auto_provision.server.url = http://evil/') }, env.tftp.port);
    }
    env.s.server.front.phone.flush();
    expect(readdirSync(env.s.server.dir).sort()).toEqual(files);
    expect(contentDigest(env.s.server.db)).toBe(digest);
  });
});
