import { describe, expect, it } from 'vitest';
import { MAC } from './helpers/secure-server.ts';
import { withSecureServerAndTftp } from './helpers/tftp-over-pipeline.ts';

/**
 * E911-SECURITY §2.5 item 8: secrets requested over plain HTTP/TFTP → refused, or encrypted per
 * device. Built: TFTP renders without secrets unless the site opts in; HTTP Basic (password on
 * the wire) is refused on plain HTTP. Not built: refusing plain-HTTP Digest by policy (docs/SECURITY.md).
 */

const env = withSecureServerAndTftp();

describe('item 8: secrets over plain transports', () => {
  it('serves a device file over TFTP with every secret withheld when the site has not opted in', async () => {
    await env.s.prestage();
    const sip = (await env.s.server.api('POST', `/extensions/${env.s.ids.extension}/secret:reveal`)).body.secret as string;
    const file = await env.tftp.client.fetch(env.tftp.port, `${MAC}.cfg`);
    const text = file.data.toString();
    expect(text).toContain('pbx.example.com');
    expect(text).not.toContain(sip);
    expect(text).not.toMatch(/auto_provision\.server\.password\s*=\s*\S/);
    expect(text).not.toMatch(/account\.1\.password\s*=\s*\S/);
    // The same file over HTTP inside the claim window carries them, so the difference is the withholding.
    const http = await env.s.get(`${MAC}.cfg`);
    expect(http.body.toString()).toContain(sip);
  });

  it('treats Basic credentials over plain HTTP as wrong: the password must not travel in the clear', async () => {
    await env.s.prestage();
    const password = await env.s.claim();
    const basic = `Basic ${Buffer.from(`${MAC}:${password}`).toString('base64')}`;
    const res = await env.s.get(`${MAC}.cfg`, { authorization: basic });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).not.toMatch(/Basic/);
    expect((await env.s.digestGet(`${MAC}.cfg`, MAC, password)).status).toBe(200);
  });
});
