import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';
import { tftpOver } from './helpers/tftp-over-pipeline.ts';

/**
 * E911-SECURITY §2.5 item 8: secrets requested over plain HTTP/TFTP → refused, or encrypted per
 * device. Built: TFTP renders without secrets unless the site opts in; HTTP Basic (password on
 * the wire) is refused on plain HTTP. Not built: refusing plain-HTTP Digest by policy (docs/SECURITY.md).
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

describe('item 8: secrets over plain transports', () => {
  it('serves a device file over TFTP with every secret withheld when the site has not opted in', async () => {
    await s.prestage();
    const sip = (await s.server.api('POST', `/extensions/${s.ids.extension}/secret:reveal`)).body.secret as string;
    const file = await tftp.client.fetch(tftp.port, `${MAC}.cfg`);
    const text = file.data.toString();
    expect(text).toContain('pbx.example.com');
    expect(text).not.toContain(sip);
    expect(text).not.toMatch(/auto_provision\.server\.password\s*=\s*\S/);
    expect(text).not.toMatch(/account\.1\.password\s*=\s*\S/);
    // The same file over HTTP inside the claim window carries them, so the difference is the withholding.
    const http = await s.get(`${MAC}.cfg`);
    expect(http.body.toString()).toContain(sip);
  });

  it('treats Basic credentials over plain HTTP as wrong: the password must not travel in the clear', async () => {
    await s.prestage();
    const password = await s.claim();
    const basic = `Basic ${Buffer.from(`${MAC}:${password}`).toString('base64')}`;
    const res = await s.get(`${MAC}.cfg`, { authorization: basic });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).not.toMatch(/Basic/);
    expect((await s.digestGet(`${MAC}.cfg`, MAC, password)).status).toBe(200);
  });
});
