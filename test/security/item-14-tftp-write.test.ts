import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentDigest } from '../integration/helpers/fixtures.ts';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';
import { replyOrSilence, tftpOver } from './helpers/tftp-over-pipeline.ts';

/** E911-SECURITY §2.5 item 14: TFTP WRQ → access denied; no file created. */

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

describe('item 14: TFTP writes', () => {
  it('refuses a write request with access violation; the data folder and database stay unchanged', async () => {
    await s.prestage();
    s.server.front.phone.flush();
    const files = readdirSync(s.server.dir).sort();
    const digest = contentDigest(s.server.db);
    for (const filename of [`${MAC}.cfg`, 'new.cfg', '../evil.cfg']) {
      tftp.client.send({ op: 'WRQ', filename, mode: 'octet', options: [] }, tftp.port);
      const reply = await replyOrSilence(tftp.client);
      expect(reply?.packet).toMatchObject({ op: 'ERROR', code: 2 });
      tftp.client.send({ op: 'DATA', block: 1, data: Buffer.from('static.auto_provision.server.url = http://evil/') }, tftp.port);
    }
    s.server.front.phone.flush();
    expect(readdirSync(s.server.dir).sort()).toEqual(files);
    expect(contentDigest(s.server.db)).toBe(digest);
  });
});
