import { describe, expect, it } from 'vitest';
import { contentDigest as contentDigestOf } from './helpers/fixtures.ts';
import { digestHeader, withSeededPhoneServer } from './helpers/phone-server.ts';

/**
 * Closes the loop between rendered configs and the status endpoint (issue P5 §5, §6): each vendor's
 * device file is fetched over HTTP as the phone fetches it, the event URL it carries is called
 * with the vendor's variables filled in the way the phone fills them, and the device status
 * changes. Keys are per device and derived from its credentials: forged, another device's and
 * rotated keys are refused alike and write nothing.
 */

interface Vendor {
  model: string;
  mac: string;
  deviceFile(mac: string): string;
  ua(mac: string): string;
  /** The setup (or, for Poly, registration) event URL in the device file, as the file writes it. */
  setupUrl(file: string): string;
  /** The vendor's variables substituted the way the phone does. */
  fill(url: string, mac: string): string;
  /** Poly POSTs an XML document to its one URL instead of calling a URL per event. */
  body?(mac: string): string;
}

const xmlText = (s: string) => s.replace(/&amp;/g, '&');
const match = (re: RegExp, text: string): string => {
  const m = re.exec(text);
  if (m === null) throw new Error(`no match for ${re} in the rendered file`);
  return m[1] as string;
};

const VENDORS: Vendor[] = [
  {
    model: 'yealink/t54w',
    mac: '44dbd2010203',
    deviceFile: (mac) => `${mac}.cfg`,
    ua: (mac) => `Yealink SIP-T54W 150.86.0.70 ${mac.match(/../g)?.join(':')}`,
    setupUrl: (file) => match(/^action_url\.setup_completed = (\S+)$/m, file),
    fill: (url, mac) =>
      url.replace('$mac', mac).replace('$ip', '127.0.0.1').replace('$model', 'SIP-T54W').replace('$firmware', '150.86.0.70'),
  },
  {
    model: 'snom/d785',
    mac: '00041396d9b4',
    deviceFile: (mac) => `snomd785-${mac.toUpperCase()}.htm`,
    ua: (mac) => `Mozilla/4.0 (compatible; snomD785-SIP 10.1.169.16 2010.12-00001-gd311851f1 (Feb 25 2019 - 14:19:43) ${mac.toUpperCase()} SXM:0 UXM:0 UXMC:0)`,
    setupUrl: (file) => xmlText(match(/<action_setup_url[^>]*>([^<]+)</, file)),
    fill: (url, mac) => url.replace('$mac', mac.toUpperCase()).replace('$active_user', '1000'),
  },
  {
    model: 'fanvil/x5u',
    mac: '0c383e557eb1',
    deviceFile: (mac) => `${mac}.cfg`,
    ua: (mac) => `Fanvil X5U-V2 2.12.16.17 ${mac}`,
    setupUrl: (file) => xmlText(match(/<BootCompletedUrl>([^<]+)</, file)),
    fill: (url) => url,
  },
  {
    model: 'aastra/6867i',
    mac: '00085d3a4b5c',
    deviceFile: (mac) => `${mac.toUpperCase()}.cfg`,
    ua: (mac) => `Aastra6867i MAC:${mac.toUpperCase().match(/../g)?.join('-')} V:5.1.0.2051-SIP`,
    setupUrl: (file) => match(/^action uri startup: (\S+)$/m, file),
    fill: (url) => url.replace('$$LOCALIP$$', '127.0.0.1'),
  },
  {
    model: 'poly/vvx450',
    mac: '64167f010203',
    deviceFile: (mac) => `${mac}-sip.cfg`,
    ua: () => 'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2494 Type/Application',
    setupUrl: (file) => xmlText(match(/apps\.telNotification\.URL="([^"]+)"/, file)),
    fill: (url) => url,
    body: (mac) =>
      `<?xml version="1.0"?><PolycomIPPhone><LineRegistrationEvent><PhoneIP>127.0.0.1</PhoneIP><MACAddress>${mac}</MACAddress><LineNumber>1</LineNumber><LineState>Registered</LineState><TimeStamp>2026-03-02T09:00:00</TimeStamp></LineRegistrationEvent></PolycomIPPhone>`,
  },
];

const env = withSeededPhoneServer();

async function provision(vendor: Vendor, mac = vendor.mac): Promise<void> {
  const res = await env.server.api('POST', '/devices', { mac, model: vendor.model, siteId: env.ids.siteId, standalone: true });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function fetchFile(name: string, ua: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.server.root}${name}`, { headers: { 'user-agent': ua, ...headers } });
  const text = await res.text();
  // "Served" records are written in batches (services/served-recorder.ts); write this one now.
  env.server.front.phone.flush();
  return { status: res.status, headers: res.headers, text };
}

/** What the phone sends for its event URL: GET for action URLs, POST of XML for Poly. */
async function callEvent(vendor: Vendor, url: string, mac = vendor.mac): Promise<number> {
  const res =
    vendor.body === undefined
      ? await fetch(url)
      : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: vendor.body(mac) });
  await res.arrayBuffer();
  return res.status;
}

const status = async (mac: string) => (await env.server.api('GET', `/devices/${mac}/status`)).body;
const contentDigest = () => contentDigestOf(env.server.db);

describe('event URLs in rendered configs', () => {
  for (const vendor of VENDORS) {
    it(`${vendor.model}: the URL its device file carries reaches the status endpoint and changes the device status`, async () => {
      await provision(vendor);
      const file = await fetchFile(vendor.deviceFile(vendor.mac), vendor.ua(vendor.mac));
      expect(file.status).toBe(200);
      const url = vendor.fill(vendor.setupUrl(file.text), vendor.mac);
      expect(url.startsWith(`${env.server.root}api/v1/events/${vendor.mac}`)).toBe(true);
      expect(url).not.toContain('$');
      expect(await callEvent(vendor, url)).toBe(204);
      const after = await status(vendor.mac);
      if (vendor.body === undefined) {
        expect(after.applied).toEqual({ revision: String(after.served.revision) });
        expect(after.loop.slice(0, 2)).toEqual([
          { step: 'served', state: 'ok', reason: null },
          { step: 'applied', state: 'ok', reason: null },
        ]);
      } else {
        expect(after.sip).toEqual({ registered: true });
        expect(after.loop[2]).toEqual({ step: 'registered', state: 'ok', reason: null });
      }
    });
  }

  it('refuses a forged key, another device\'s key and a rotated key alike, and writes nothing', async () => {
    const yealink = VENDORS[0] as Vendor;
    const other = '44dbd2010299';
    await provision(yealink);
    await provision(yealink, other);
    const mine = yealink.fill(yealink.setupUrl((await fetchFile(yealink.deviceFile(yealink.mac), yealink.ua(yealink.mac))).text), yealink.mac);
    const theirs = yealink.fill(yealink.setupUrl((await fetchFile(yealink.deviceFile(other), yealink.ua(other))).text), other);
    const key = /events\/([^?]+)/.exec(mine)?.[1] as string;
    const otherKey = /events\/([^?]+)/.exec(theirs)?.[1] as string;
    const before = contentDigest();

    const forgedTag = `${key.slice(0, 12)}${'A'.repeat(22)}`;
    const otherMacMyTag = `${other}${key.slice(12)}`;
    const refusals = await Promise.all(
      [
        mine.replace(key, forgedTag),
        mine.replace(key, otherMacMyTag),
        // Another device's key, with this device's MAC filled in by the phone.
        mine.replace(key, otherKey),
        mine.replace(key, 'dpa_not-a-real-agent-token'),
      ].map(async (url) => {
        const res = await fetch(url);
        return { status: res.status, body: await res.text() };
      }),
    );
    for (const r of refusals) expect(r).toEqual(refusals[0]);
    expect(refusals[0]?.status).toBe(403);
    expect(contentDigest()).toBe(before);

    // Rotating the device's HTTP credentials invalidates every URL its old files carried.
    expect((await env.server.api('POST', `/devices/${yealink.mac}/phone-credentials`)).status).toBe(200);
    const afterRotation = contentDigest();
    const rotated = await fetch(mine);
    expect(rotated.status).toBe(403);
    expect(await rotated.text()).toBe(refusals[0]?.body);
    expect(contentDigest()).toBe(afterRotation);
  });
});

describe('admin previews', () => {
  it('show the event URL with the key masked and the revision the phone gets', async () => {
    const yealink = VENDORS[0] as Vendor;
    await provision(yealink);
    const preview = await env.server.api('GET', `/devices/${yealink.mac}/files/${yealink.mac}.cfg`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatch(/^action_url\.setup_completed = http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events\/\*{8}\?event=setup_completed&.*&rev=1$/m);
    expect(preview.body).not.toContain(`events/${yealink.mac}`);
  });
});

describe('registrar answers reach the status', () => {
  it('aastra/6867i: a registration event with a SIP error code says the registrar rejected it with that code; all four action URIs fit 128 characters', async () => {
    const aastra = VENDORS[3] as Vendor;
    await provision(aastra);
    const file = (await fetchFile(aastra.deviceFile(aastra.mac), aastra.ua(aastra.mac))).text;
    const uris = [...file.matchAll(/^action uri [^:]+: (\S+)$/gm)].map((m) => m[1] as string);
    expect(uris.length).toBe(4);
    for (const uri of uris) expect(uri.length, uri).toBeLessThanOrEqual(128);
    const registration = match(/^action uri registration event: (\S+)$/m, file);
    expect(await callEvent(aastra, registration.replace('$$REGISTRATIONCODE$$', '403'))).toBe(204);
    let s = await status(aastra.mac);
    expect(s.loop[2]).toEqual({ step: 'registered', state: 'failed', reason: 'registrar answered 403' });
    expect(await callEvent(aastra, registration.replace('$$REGISTRATIONCODE$$', '200'))).toBe(204);
    s = await status(aastra.mac);
    expect(s.loop[2]).toEqual({ step: 'registered', state: 'ok', reason: null });
  });
});

describe('the closed loop over HTTP', () => {
  it('served and applied revisions agree after setup; a profile edit moves the config ahead until the phone fetches and reports again', async () => {
    const yealink = VENDORS[0] as Vendor;
    const { mac } = yealink;
    const profile = await env.server.api('POST', '/profiles', { name: 'Desk', settings: { time: { ntp: 'ntp1.example.com' } } });
    expect(profile.status).toBe(201);
    const created = await env.server.api('POST', '/devices', { mac, model: yealink.model, siteId: env.ids.siteId, standalone: true, profileId: profile.body.id });
    expect(created.status).toBe(201);

    // First boot: the claim window hands out the file with the phone's own credentials.
    const first = await fetchFile(yealink.deviceFile(mac), yealink.ua(mac));
    expect(first.status).toBe(200);
    const password = match(/^static\.auto_provision\.server\.password = (\S+)$/m, first.text);
    const username = match(/^static\.auto_provision\.server\.username = (\S+)$/m, first.text);
    env.server.advance(11 * 60_000);

    // Later fetches need Digest (RFC 7616), as a claimed phone sends it.
    const digestFetch = async () => {
      const name = yealink.deviceFile(mac);
      const challenge = await fetchFile(name, yealink.ua(mac));
      expect(challenge.status).toBe(401);
      const md5 = (challenge.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('algorithm=MD5')) ?? '';
      const res = await fetchFile(name, yealink.ua(mac), { authorization: digestHeader(md5, 'GET', `/${name}`, username, password) });
      expect(res.status).toBe(200);
      return res.text;
    };
    const served = await digestFetch();
    const setup = yealink.fill(yealink.setupUrl(served), mac);
    const rev = new URL(setup).searchParams.get('rev');
    expect(rev).not.toBeNull();
    expect(await callEvent(yealink, setup)).toBe(204);
    let s = await status(mac);
    expect(s.served.revision).toBe(Number(rev));
    expect(s.applied).toEqual({ revision: rev });
    expect(s.loop.slice(0, 2).map((step: { state: string }) => step.state)).toEqual(['ok', 'ok']);

    // The admin edits the profile: the device's config moves ahead of what was served and applied.
    const edit = await env.server.api('PATCH', `/profiles/${profile.body.id}`, { settings: { time: { ntp: 'ntp2.example.com' } } }, { 'if-match': String(profile.headers.get('etag') ?? '"1"') });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    s = await status(mac);
    expect(s.applied).toEqual({ revision: rev });
    expect(s.loop[0]).toMatchObject({ step: 'served', state: 'pending' });
    expect(s.loop[0].reason).toContain(`revision ${rev} was served`);
    expect(s.loop[1]).toMatchObject({ step: 'applied', state: 'pending' });

    // The phone fetches again: served moves ahead of applied until it reports setup again.
    const again = await digestFetch();
    expect(again).toContain('ntp2.example.com');
    const setup2 = yealink.fill(yealink.setupUrl(again), mac);
    const rev2 = new URL(setup2).searchParams.get('rev');
    expect(Number(rev2)).toBeGreaterThan(Number(rev));
    s = await status(mac);
    expect(s.served.revision).toBe(Number(rev2));
    expect(s.applied).toEqual({ revision: rev });
    expect(s.loop[0]).toMatchObject({ state: 'ok' });
    expect(s.loop[1]).toEqual({ step: 'applied', state: 'pending', reason: `the phone applied revision ${rev}; the current one is ${rev2}` });

    expect(await callEvent(yealink, setup2)).toBe(204);
    s = await status(mac);
    expect(s.applied).toEqual({ revision: rev2 });
    expect(s.loop[1]).toEqual({ step: 'applied', state: 'ok', reason: null });
  });
});

describe('pinned firmware through the pipeline', () => {
  it('yealink/t54w: a profile pinning firmware puts static.firmware.url in the device file the phone fetches', async () => {
    const yealink = VENDORS[0] as Vendor;
    const pin = { 'yealink/t54w': { version: '96.86.0.100', file: 'T54W-96.86.0.100.rom' } };
    const profile = await env.server.api('POST', '/profiles', { name: 'Pinned', settings: { firmware: pin } });
    expect(profile.status, JSON.stringify(profile.body)).toBe(201);
    const created = await env.server.api('POST', '/devices', {
      mac: yealink.mac,
      model: yealink.model,
      siteId: env.ids.siteId,
      standalone: true,
      profileId: profile.body.id,
    });
    expect(created.status).toBe(201);
    const file = await fetchFile(yealink.deviceFile(yealink.mac), yealink.ua(yealink.mac));
    expect(file.status).toBe(200);
    expect(file.text).toMatch(new RegExp(`^static\\.firmware\\.url = ${env.server.root}firmware/yealink/T54W-96\\.86\\.0\\.100\\.rom$`, 'm'));
  });
});

describe('the status says why a fetch failed', () => {
  const yealink = () => VENDORS[0] as Vendor;
  const servedStep = async (mac: string) => (await status(mac)).loop[0];

  it('outside the allowed networks', async () => {
    const other = await env.server.api('POST', '/sites', {
      name: 'Branch',
      timezone: 'Europe/Berlin',
      networks: ['10.20.0.0/16'],
      extensionRange: { first: 2000, last: 2999 },
      registrar: { host: 'pbx.example.com' },
    });
    expect(other.status).toBe(201);
    const { mac } = yealink();
    expect((await env.server.api('POST', '/devices', { mac, model: 'yealink/t54w', siteId: other.body.id, standalone: true })).status).toBe(201);
    expect((await fetchFile(`${mac}.cfg`, yealink().ua(mac))).status).not.toBe(200);
    expect(await servedStep(mac)).toEqual({
      step: 'served',
      state: 'failed',
      reason: `${mac}.cfg was not served: the phone fetched from an address outside its site's allowed networks`,
    });
  });

  it('outside every site\'s networks, refused before the device is looked up', async () => {
    const { mac } = yealink();
    await provision(yealink());
    const patched = await env.server.api('PATCH', `/sites/${env.ids.siteId}`, { networks: ['10.20.0.0/16'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await fetchFile(`${mac}.cfg`, yealink().ua(mac))).status).toBe(403);
    expect((await servedStep(mac)).reason).toBe(`${mac}.cfg was not served: the phone fetched from an address outside its site's allowed networks`);
  });

  it('bad credentials, cleared by the next good fetch', async () => {
    const { mac } = yealink();
    await provision(yealink());
    const first = await fetchFile(`${mac}.cfg`, yealink().ua(mac));
    const password = match(/^static\.auto_provision\.server\.password = (\S+)$/m, first.text);
    env.server.advance(11 * 60_000);
    const withPassword = async (pw: string) => {
      const challenge = await fetchFile(`${mac}.cfg`, yealink().ua(mac));
      const md5 = (challenge.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('algorithm=MD5')) ?? '';
      return fetchFile(`${mac}.cfg`, yealink().ua(mac), { authorization: digestHeader(md5, 'GET', `/${mac}.cfg`, mac, pw) });
    };
    // The unauthenticated first leg of a Digest exchange is no failure.
    expect((await servedStep(mac)).state).toBe('ok');
    expect((await withPassword('not-the-password')).status).toBe(401);
    expect(await servedStep(mac)).toEqual({
      step: 'served',
      state: 'failed',
      reason: `${mac}.cfg was not served: the phone sent bad credentials (wrong HTTP user name or password)`,
    });
    env.server.advance(1_000);
    expect((await withPassword(password)).status).toBe(200);
    expect(await servedStep(mac)).toEqual({ step: 'served', state: 'ok', reason: null });
  });

  it('a file of another model than the device\'s (unknown model for this device)', async () => {
    const { mac } = yealink();
    await provision(yealink());
    const snom = VENDORS[1] as Vendor;
    expect((await fetchFile(snom.deviceFile(mac), snom.ua(mac))).status).not.toBe(200);
    expect((await servedStep(mac)).reason).toBe(
      `${snom.deviceFile(mac)} was not served: the phone asked for a file its configured model does not use (unknown model for this device)`,
    );
  });
});
