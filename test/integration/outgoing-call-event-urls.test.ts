import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOOK_SECRET, startReceiver, US_LOCATION, usLocation, type Receiver } from './helpers/emergency-receiver.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';

/**
 * The outgoing-call action URL of Yealink, Snom and Aastra/Mitel device files, end to end over
 * real HTTP on 127.0.0.1: the phone fetches its device file, calls the URL it carries with its
 * variables filled in (the dialled-number variable as the number dialled), and a 911 call reaches
 * the location's webhook receiver with the location; any other number sends nothing.
 */

interface Vendor {
  model: string;
  mac: string;
  deviceFile: string;
  ua: string;
  /** The outgoing-call URL as the phone reads it from its device file. */
  outgoingUrl(file: string): string;
  /** The vendor's variables as the phone fills them in, the dialled number as given. */
  vars: Record<string, string>;
  /** The dialled-number variable. */
  numberVar: string;
}

const xmlText = (s: string) => s.replace(/&amp;/g, '&');
const found = (re: RegExp, text: string): string => {
  const m = re.exec(text);
  if (m === null) throw new Error(`no match for ${re} in the device file`);
  return m[1] as string;
};

const VENDORS: Vendor[] = [
  {
    model: 'yealink/t54w',
    mac: '44dbd2010203',
    deviceFile: '44dbd2010203.cfg',
    ua: 'Yealink SIP-T54W 150.86.0.70 44:db:d2:01:02:03',
    outgoingUrl: (file) => found(/^action_url\.outgoing_call = (\S+)$/m, file),
    vars: { $mac: '44dbd2010203', $ip: '127.0.0.1', $model: 'SIP-T54W', $firmware: '150.86.0.70' },
    numberVar: '$remote',
  },
  {
    model: 'snom/d785',
    mac: '00041396d9b4',
    deviceFile: 'snomD785-00041396D9B4.htm',
    ua: 'Mozilla/4.0 (compatible; snomD785-SIP 10.1.169.16 2010.12-00001-gd311851f1 (Feb 25 2019 - 14:19:43) 00041396D9B4 SXM:0 UXM:0 UXMC:0)',
    outgoingUrl: (file) => xmlText(found(/<action_outgoing_url[^>]*>([^<]+)</, file)),
    vars: { $mac: '00041396D9B4', $active_user: '1000' },
    numberVar: '$remote',
  },
  {
    model: 'aastra/6867i',
    mac: '00085d3a4b5c',
    deviceFile: '00085D3A4B5C.cfg',
    ua: 'Aastra6867i MAC:00-08-5D-3A-4B-5C V:5.1.0.2051-SIP',
    outgoingUrl: (file) => found(/^action uri outgoing: (\S+)$/m, file),
    vars: {},
    numberVar: '$$REMOTENUMBER$$',
  },
];

/** The URL with every variable replaced, longest name first so that no name cuts into a longer one. */
function fill(vendor: Vendor, url: string, dialled: string): string {
  const vars: Record<string, string> = { ...vendor.vars, [vendor.numberVar]: dialled };
  let out = url;
  for (const name of Object.keys(vars).sort((a, b) => b.length - a.length)) out = out.split(name).join(vars[name] as string);
  return out;
}

let server: PhoneServer;
let ids: Awaited<ReturnType<typeof seed>>;
let hook: Receiver;

beforeEach(async () => {
  server = await startPhoneServer({}, { emergency: { attempts: 2, retryBaseMs: 20, retryMaxMs: 40, timeoutMs: 2000 } });
  ids = await seed(server);
  hook = await startReceiver();
});
afterEach(async () => {
  await server.services.emergencyNotify.close();
  await server.close();
  await hook.close();
});

/** Alice's phone of this vendor, its device file fetched as the phone fetches it; the outgoing-call URL in it. */
async function phone(vendor: Vendor): Promise<string> {
  const created = await server.api('POST', '/devices', { mac: vendor.mac, model: vendor.model, siteId: ids.siteId, userId: ids.userId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await fetch(`${server.root}${vendor.deviceFile}`, { headers: { 'user-agent': vendor.ua } });
  expect(res.status).toBe(200);
  const file = await res.text();
  server.front.phone.flush();
  return vendor.outgoingUrl(file);
}

const settled = () => server.services.emergencyNotify.idle();

describe('outgoing-call event URLs feed the emergency-call notification', () => {
  for (const vendor of VENDORS) {
    it(`${vendor.model}: the device file carries the keyed URL with ${vendor.numberVar}; 911 dialled reaches the webhook with the location, 5551234 sends nothing`, async () => {
      const loc = await usLocation(server, ids.siteId, [hook.url]);
      const url = await phone(vendor);
      expect(url.startsWith(`${server.root}api/v1/events/${vendor.mac}`), url).toBe(true);
      expect(url.endsWith(`&number=${vendor.numberVar}`), url).toBe(true);
      expect(url.length).toBeLessThanOrEqual(vendor.model.startsWith('aastra/') ? 128 : 511);

      const other = await fetch(fill(vendor, url, '5551234'));
      expect(other.status).toBe(204);
      await settled();
      expect(hook.received).toHaveLength(0);

      const emergency = await fetch(fill(vendor, url, '911'));
      expect(emergency.status).toBe(204);
      await settled();
      expect(hook.received).toHaveLength(1);
      const [got] = hook.received;
      expect(got?.body).toMatchObject({
        kind: 'emergency-call',
        test: false,
        dialled: '911',
        emergencyNumber: '911',
        device: { mac: vendor.mac, model: vendor.model },
        user: { name: 'Alice Example' },
        extension: ids.extension,
        callbackNumber: '+13125550100',
        location: { id: loc.id, name: US_LOCATION.name, civic: { ...US_LOCATION.address, ...US_LOCATION.place }, dispatchable: US_LOCATION.dispatchable },
      });
      expect(JSON.stringify(got?.body)).not.toContain(HOOK_SECRET);
      expect(JSON.stringify(got?.body)).not.toMatch(/events\//);
    });
  }

  it('yealink/t54w: a $remote filled in as a SIP URI counts by its user part', async () => {
    const yealink = VENDORS[0] as Vendor;
    await usLocation(server, ids.siteId, [hook.url]);
    const url = await phone(yealink);

    expect((await fetch(fill(yealink, url, 'sip:5551234@127.0.0.1'))).status).toBe(204);
    await settled();
    expect(hook.received).toHaveLength(0);

    expect((await fetch(fill(yealink, url, 'sip:911@127.0.0.1;user=phone'))).status).toBe(204);
    await settled();
    expect(hook.received.map((r) => [r.body.dialled, r.body.emergencyNumber])).toEqual([['sip:911@127.0.0.1;user=phone', '911']]);
  });

  it('snom/d785: a number with control characters is refused with 400 and tells no one', async () => {
    const snom = VENDORS[1] as Vendor;
    await usLocation(server, ids.siteId, [hook.url]);
    const url = await phone(snom);
    const res = await fetch(fill(snom, url, encodeURIComponent('911\r\nX: 1')));
    expect(res.status).toBe(400);
    await settled();
    expect(hook.received).toHaveLength(0);
  });
});
