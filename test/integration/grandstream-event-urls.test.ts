import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentDigest } from './helpers/fixtures.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';

/**
 * Grandstream action URLs (P8304 setup completed, P8305 registered, P8306 unregistered, P8311
 * outgoing call): the device file the phone fetches carries them, and a GET the way the phone
 * sends it, its variables filled in, changes the device status. A forged key writes nothing.
 */

const MODEL = 'grandstream/gxp2170';
const MAC = '000b82112233';
const UA = `Grandstream Model HW GXP2170 SW 1.0.11.3 DevId ${MAC}`;

let server: PhoneServer;
let siteId: string;

beforeEach(async () => {
  server = await startPhoneServer();
  ({ siteId } = await seed(server));
});
afterEach(async () => {
  await server.close();
});

/** The URL a P-value carries, XML text unescaped as the phone reads it. */
function pValue(file: string, p: string): string {
  const m = new RegExp(`<${p}>([^<]+)</${p}>`).exec(file);
  if (m === null) throw new Error(`${p} is not in the device file`);
  return (m[1] as string).replace(/&amp;/g, '&');
}

/** What the phone substitutes (GRP/GXP17xx guides' dynamic variables). */
function fill(url: string, vars: Record<string, string> = {}): string {
  const values: Record<string, string> = { mac: MAC, phone_ip: '127.0.0.1', program_version: '1.0.11.3', remote: '1001', ...vars };
  return url.replace(/\$([a-z_]+)/g, (whole, name: string) => values[name] ?? whole);
}

async function provisionAndFetch(): Promise<string> {
  const created = await server.api('POST', '/devices', { mac: MAC, model: MODEL, siteId, standalone: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await fetch(`${server.root}cfg${MAC}.xml`, { headers: { 'user-agent': UA } });
  expect(res.status).toBe(200);
  const text = await res.text();
  server.front.phone.flush();
  return text;
}

const status = async () => (await server.api('GET', `/devices/${MAC}/status`)).body;

describe('Grandstream action URLs', () => {
  it('the device file carries a keyed URL per event, escaped as XML, with the config revision on setup completed', async () => {
    const file = await provisionAndFetch();
    for (const [p, event] of [['P8304', 'setup_completed'], ['P8305', 'registered'], ['P8306', 'unregistered'], ['P8311', 'outgoing_call']]) {
      const url = pValue(file, p as string);
      expect(url.startsWith(`${server.root}api/v1/events/${MAC}`), url).toBe(true);
      expect(new URL(url).searchParams.get('event')).toBe(event);
    }
    expect(file).toMatch(/<P8304>[^<]*&amp;mac=\$mac&amp;ip=\$phone_ip&amp;firmware=\$program_version&amp;rev=\d+<\/P8304>/);
    expect(pValue(file, 'P8311')).toContain('&number=$remote');
  });

  it('a GET to the setup-completed and registered URLs, as the phone sends them, marks the revision applied and the line registered', async () => {
    const file = await provisionAndFetch();
    const setup = await fetch(fill(pValue(file, 'P8304')));
    expect(setup.status).toBe(204);
    let s = await status();
    expect(s.applied).toEqual({ revision: String(s.served.revision) });
    expect(s.firmware).toBe('1.0.11.3');
    expect(s.loop.slice(0, 2).map((step: { state: string }) => step.state)).toEqual(['ok', 'ok']);

    expect((await fetch(fill(pValue(file, 'P8305')))).status).toBe(204);
    s = await status();
    expect(s.sip).toEqual({ registered: true });
    expect(s.loop[2]).toEqual({ step: 'registered', state: 'ok', reason: null });

    expect((await fetch(fill(pValue(file, 'P8306')))).status).toBe(204);
    expect((await status()).sip).toEqual({ registered: false });
  });

  it('refuses a forged key and a MAC that is not the key\'s device with 403, and writes nothing', async () => {
    const file = await provisionAndFetch();
    const url = fill(pValue(file, 'P8305'));
    const key = /events\/([^?]+)/.exec(url)?.[1] as string;
    const before = contentDigest(server.db);
    const forged = await fetch(url.replace(key, `${MAC}${'B'.repeat(22)}`));
    expect(forged.status).toBe(403);
    const otherMac = await fetch(url.replace(`mac=${MAC}`, 'mac=000b82999999'));
    expect(otherMac.status).toBe(403);
    expect(contentDigest(server.db)).toBe(before);
    expect((await status()).sip).toBeNull();
  });
});
