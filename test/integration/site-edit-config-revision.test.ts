import { describe, expect, it } from 'vitest';
import { withSeededPhoneServer } from './helpers/phone-server.ts';

/**
 * Site edits and the config revision (issue P5 §6: every rendered config carries its revision).
 * An edit that changes a device's rendered bytes moves its revision, so the file the phone fetches
 * over HTTP carries the new one and a new ETag; an edit that changes no bytes leaves both alone
 * and a conditional GET still answers 304. Fetches stay inside the claim window (no Digest).
 */

const env = withSeededPhoneServer();

const PLAIN = '44dbd2000201';
/** Its profile pins the SIP port, so a site edit of the registrar port cannot change its bytes. */
const PINNED = '44dbd2000202';
const ua = (mac: string) => `Yealink SIP-T54W 150.86.0.70 ${mac.match(/../g)?.join(':')}`;

async function device(mac: string, profileId?: string): Promise<void> {
  const res = await env.server.api('POST', '/devices', {
    mac, model: 'yealink/t54w', siteId: env.ids.siteId, standalone: true, ...(profileId === undefined ? {} : { profileId }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function fetchFile(mac: string, etag?: string): Promise<{ status: number; etag: string | null; text: string }> {
  const res = await fetch(`${env.server.root}${mac}.cfg`, { headers: { 'user-agent': ua(mac), ...(etag === undefined ? {} : { 'if-none-match': etag }) } });
  return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

/** The revision the file's setup-completed URL echoes back (`rev=`). */
function fileRevision(text: string): number {
  const rev = /^action_url\.setup_completed = \S*[?&]rev=(\d+)/m.exec(text)?.[1];
  expect(rev, 'the device file carries its config revision').toBeDefined();
  return Number(rev);
}

async function configRevision(mac: string): Promise<number> {
  return (await env.server.api('GET', `/devices/${mac}`)).body.configRevision as number;
}

async function editSite(patch: Record<string, unknown>, query = ''): Promise<Record<string, any>> {
  const res = await env.server.api('PATCH', `/sites/${env.ids.siteId}${query}`, patch);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, any>;
}

describe('site edits and the config revision', () => {
  it('a registrar edit moves the revision: the file over HTTP carries it, with a new ETag; 304 before and after', async () => {
    await device(PLAIN);
    const first = await fetchFile(PLAIN);
    expect(first.status).toBe(200);
    expect(fileRevision(first.text)).toBe(1);
    expect((await fetchFile(PLAIN, first.etag!)).status).toBe(304);

    const body = await editSite({ registrar: { host: 'pbx2.example.com', port: 5070 } });
    expect(body.affected.total).toBe(1);
    expect(await configRevision(PLAIN)).toBe(2);

    const second = await fetchFile(PLAIN, first.etag!);
    expect(second.status).toBe(200);
    expect(second.text).toContain('pbx2.example.com');
    expect(fileRevision(second.text)).toBe(2);
    expect(second.etag).not.toBe(first.etag);
    expect((await fetchFile(PLAIN, second.etag!)).status).toBe(304);
    // The device status shows the new revision as the one served (sightings are written in batches).
    env.server.front.phone.flush();
    expect((await env.server.api('GET', `/devices/${PLAIN}/status`)).body.served).toMatchObject({ revision: 2 });
  });

  it('a time zone edit moves the revision and the ETag', async () => {
    await device(PLAIN);
    const before = await fetchFile(PLAIN);
    expect((await editSite({ timezone: 'America/New_York' })).affected.total).toBe(1);
    expect(await configRevision(PLAIN)).toBe(2);
    const after = await fetchFile(PLAIN, before.etag!);
    expect(after.status).toBe(200);
    expect(fileRevision(after.text)).toBe(2);
    expect(after.text).toContain('local_time.time_zone = -5');
    expect(after.etag).not.toBe(before.etag);
  });

  it('an edit moves the revision only of devices whose bytes it changes', async () => {
    const pinned = await env.server.api('POST', '/profiles', { name: 'Pinned port', settings: { sip: { port: 5080 } } });
    expect(pinned.status).toBe(201);
    await device(PLAIN);
    await device(PINNED, pinned.body.id as string);
    const plainBefore = await fetchFile(PLAIN);
    const pinnedBefore = await fetchFile(PINNED);

    const body = await editSite({ registrar: { host: 'pbx.example.com', port: 5070 } });
    expect(body.affected.total).toBe(1);
    expect(await configRevision(PLAIN)).toBe(2);
    expect(await configRevision(PINNED)).toBe(1);

    const plainAfter = await fetchFile(PLAIN, plainBefore.etag!);
    expect(plainAfter.status).toBe(200);
    expect(fileRevision(plainAfter.text)).toBe(2);
    expect((await fetchFile(PINNED, pinnedBefore.etag!)).status).toBe(304);
  });

  it('edits that change no bytes (name, networks, check-sync, the same registrar) and dry runs leave the revision and the ETag alone', async () => {
    await device(PLAIN);
    const first = await fetchFile(PLAIN);
    for (const patch of [
      { name: 'HQ renamed' },
      { networks: ['127.0.0.0/8', '::1/128', '10.0.0.0/8'] },
      { checkSync: { allowed: false } },
      { registrar: { host: 'pbx.example.com' } },
    ]) {
      expect((await editSite(patch)).affected.total, JSON.stringify(patch)).toBe(0);
    }
    const dry = await editSite({ registrar: { host: 'pbx3.example.com' } }, '?dryRun=true');
    expect(dry).toMatchObject({ dryRun: true, affected: { total: 1 } });
    expect(await configRevision(PLAIN)).toBe(1);
    expect((await fetchFile(PLAIN, first.etag!)).status).toBe(304);
  });

  it('the revision bump is written with the site edit: a refused edit moves nothing', async () => {
    await device(PLAIN);
    const other = await env.server.api('POST', '/sites', {
      name: 'Branch', timezone: 'Europe/Paris', networks: ['10.30.0.0/16'], extensionRange: { first: 5000, last: 5099 }, registrar: { host: 'pbx.branch.example' },
    });
    expect(other.status).toBe(201);
    // Overlaps the other site's range: 409, and the time zone in the same patch is not saved either.
    const res = await env.server.api('PATCH', `/sites/${env.ids.siteId}`, { timezone: 'America/New_York', extensionRange: { first: 1000, last: 5050 } });
    expect(res.status).toBe(409);
    expect(await configRevision(PLAIN)).toBe(1);
    expect((await env.server.api('GET', `/sites/${env.ids.siteId}`)).body.timezone).toBe('Europe/Berlin');
  });
});
