import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strongEtag } from '../../server/provisioning/content-etag.ts';
import { MAC, startSecureServer, type SecureServer } from './helpers/secure-server.ts';

/**
 * E911-SECURITY §2.5 item 21: fetches during a config regeneration → never a partial file.
 * A phone fetches its config in a loop while an admin saves its profile again and again; every
 * body must be whole: its bytes match its strong ETag and carry exactly one complete version.
 */

let s: SecureServer;
beforeEach(async () => {
  s = await startSecureServer();
});
afterEach(async () => {
  await s.close();
});

const valueFor = (i: number) => `v${i}-${'x'.repeat(4_000)}-end${i}`;

describe('item 21: no partial file', () => {
  it('serves whole files while the profile is saved 40 times', async () => {
    const created = await s.server.api('POST', '/profiles', { name: 'Floor', settings: { raw: { yealink: { 'features.marker': valueFor(0) } } } });
    expect(created.status).toBe(201);
    let etag = created.headers.get('etag') as string;
    await s.prestage(MAC, { profileId: created.body.id });
    // Claimed by this source: for the boot grace it fetches without credentials.
    expect((await s.get(`${MAC}.cfg`)).status).toBe(200);

    let saving = true;
    const seen = new Set<number>();
    let fetched = 0;
    const phone = async () => {
      while (saving) {
        const res = await s.get(`${MAC}.cfg`);
        expect(res.status).toBe(200);
        expect(res.headers.get('etag')).toBe(strongEtag(res.body));
        const text = res.body.toString();
        const markers = [...text.matchAll(/features\.marker\s*=\s*v(\d+)-(x+)-end(\d+)/g)];
        expect(markers).toHaveLength(1);
        const [, first, xs, last] = markers[0] as RegExpMatchArray;
        expect(first).toBe(last);
        expect(xs?.length).toBe(4_000);
        seen.add(Number(first));
        fetched += 1;
      }
    };
    const admin = async () => {
      for (let i = 1; i <= 40; i++) {
        const res = await s.server.api('PATCH', `/profiles/${created.body.id}`, { settings: { raw: { yealink: { 'features.marker': valueFor(i) } } } }, { 'if-match': etag });
        expect(res.status).toBe(200);
        etag = res.headers.get('etag') as string;
      }
      saving = false;
    };
    await Promise.all([admin(), phone(), phone()]);
    expect(fetched).toBeGreaterThan(10);
    // The phones saw several versions, so fetches did overlap the saves.
    expect(seen.size).toBeGreaterThan(2);
  }, 60_000);
});
