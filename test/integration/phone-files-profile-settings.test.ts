import { describe, expect, it } from 'vitest';
import { withSeededPhoneServer } from './helpers/phone-server.ts';

/**
 * Shared files are served without a profile (the phone is not known yet), so a profile's time,
 * NTP and raw keys can only reach a phone through its own device file. These walks fetch the
 * device files over HTTP, as the phones do, for two devices of one model with different profiles.
 */

interface Vendor {
  model: string;
  dialect: string;
  /** The device file name for a MAC. */
  deviceFile(mac: string): string;
  ua(mac: string): string;
  macs: [string, string];
  /** A raw key no template generates. */
  raw: [string, string];
  /** How the time zone reads in the file for Asia/Kolkata (+5:30) and America/New_York. */
  zone: { kolkata: string; newYork: string };
}

const VENDORS: Vendor[] = [
  {
    model: 'yealink/t54w',
    dialect: 'yealink',
    deviceFile: (mac) => `${mac}.cfg`,
    ua: (mac) => `Yealink SIP-T54W 150.86.0.70 ${mac.match(/../g)?.join(':')}`,
    macs: ['44dbd2010203', '44dbd2010204'],
    raw: ['features.intercom.allow', '0'],
    zone: { kolkata: 'local_time.time_zone = +5:30', newYork: 'local_time.time_zone = -5' },
  },
  {
    model: 'poly/vvx450',
    dialect: 'poly',
    deviceFile: (mac) => `${mac}-sip.cfg`,
    ua: () => 'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2494 Type/Application',
    macs: ['64167f010203', '64167f010204'],
    raw: ['feature.callRecording.enabled', '1'],
    zone: { kolkata: 'tcpIpApp.sntp.gmtOffset="19800"', newYork: 'tcpIpApp.sntp.gmtOffset="-18000"' },
  },
  {
    model: 'cisco/cp-8841-3pcc',
    dialect: 'cisco-mpp',
    deviceFile: (mac) => `${mac}.xml`,
    ua: (mac) => `Cisco-CP-8841-3PCC/11.3.7 (${mac})`,
    macs: ['00562b884101', '00562b884102'],
    raw: ['Call_Forward_Serv', 'No'],
    zone: { kolkata: '<Time_Zone ua="na">GMT+05:30</Time_Zone>', newYork: '<Time_Zone ua="na">GMT-05:00</Time_Zone>' },
  },
];

const env = withSeededPhoneServer();

async function fetchFile(name: string, ua: string): Promise<string> {
  const res = await fetch(`${env.server.root}${name}`, { headers: { 'user-agent': ua } });
  expect(res.status, name).toBe(200);
  return res.text();
}

async function profile(name: string, settings: unknown): Promise<string> {
  const res = await env.server.api('POST', '/profiles', { name, settings });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function device(vendor: Vendor, mac: string, profileId: string): Promise<void> {
  const res = await env.server.api('POST', '/devices', { mac, model: vendor.model, siteId: env.ids.siteId, standalone: true, profileId });
  expect(res.status).toBe(201);
}

describe.each(VENDORS)('a $model device file fetched over HTTP', (vendor) => {
  it('carries its profile’s NTP server, time zone and raw key, and the shared file does not decide them', async () => {
    const india = await profile('India', {
      time: { ntp: 'ntp.india.example', timezone: 'Asia/Kolkata' },
      raw: { [vendor.dialect]: { [vendor.raw[0]]: vendor.raw[1] } },
    });
    await device(vendor, vendor.macs[0], india);
    const text = await fetchFile(vendor.deviceFile(vendor.macs[0]), vendor.ua(vendor.macs[0]));
    expect(text).toContain('ntp.india.example');
    expect(text).toContain(vendor.zone.kolkata);
    expect(text).toContain(vendor.raw[0]);
    // The site is in Berlin and the shared file knows no profile: without the device file the
    // phone would keep the site's time.
    expect(text).not.toContain('pool.ntp.org');
  });

  it('gives two devices of the model with different profiles different values', async () => {
    const india = await profile('India', { time: { ntp: 'ntp.india.example', timezone: 'Asia/Kolkata' } });
    const newYork = await profile('New York', { time: { ntp: 'ntp.ny.example', timezone: 'America/New_York' }, network: { vlan: 42 } });
    await device(vendor, vendor.macs[0], india);
    await device(vendor, vendor.macs[1], newYork);
    const first = await fetchFile(vendor.deviceFile(vendor.macs[0]), vendor.ua(vendor.macs[0]));
    const second = await fetchFile(vendor.deviceFile(vendor.macs[1]), vendor.ua(vendor.macs[1]));
    expect(first).toContain('ntp.india.example');
    expect(first).toContain(vendor.zone.kolkata);
    expect(first).not.toContain('ntp.ny.example');
    expect(second).toContain('ntp.ny.example');
    expect(second).toContain(vendor.zone.newYork);
    expect(second).toMatch(/42/);
    expect(second).not.toContain('ntp.india.example');
  });
});
