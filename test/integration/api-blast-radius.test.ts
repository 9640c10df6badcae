import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSeededPhoneServer } from './helpers/phone-server.ts';

/**
 * Blast radius (P2 item 10): a profile or site edit reports, before saving (`?dryRun=true`) and in
 * the answer of the save, how many devices of which models get new bytes.
 */

const env = withSeededPhoneServer();

const YEALINK_UA = (mac: string) => `Yealink SIP-T54W 150.86.0.70 ${mac.match(/../g)?.join(':')}`;

async function profile(name: string, settings: unknown, parentId?: string): Promise<string> {
  const res = await env.server.api('POST', '/profiles', { name, settings, ...(parentId === undefined ? {} : { parentId }) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function device(mac: string, model: string, profileId?: string, siteId = env.ids.siteId): Promise<void> {
  const res = await env.server.api('POST', '/devices', { mac, model, siteId, standalone: true, ...(profileId === undefined ? {} : { profileId }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** Three Yealink T54W and one Poly VVX 450 on "Office"; one T54W on "Lobby". */
async function building(): Promise<{ office: string; lobby: string }> {
  const office = await profile('Office', { time: { ntp: 'ntp.office.example' } });
  const lobby = await profile('Lobby', { time: { ntp: 'ntp.lobby.example' } });
  for (const mac of ['44dbd2000001', '44dbd2000002', '44dbd2000003']) await device(mac, 'yealink/t54w', office);
  await device('64167f000001', 'poly/vvx450', office);
  await device('44dbd2000009', 'yealink/t54w', lobby);
  return { office, lobby };
}

function dbBytes(): Buffer[] {
  return ['deskprov.db', 'deskprov.db-wal'].map((name) => {
    try {
      return readFileSync(join(env.server.dir, name));
    } catch {
      return Buffer.alloc(0);
    }
  });
}

describe('profile edits report their blast radius', () => {
  it('a dry run counts the devices per model that get new bytes, and writes and audits nothing', async () => {
    const { office } = await building();
    const auditBefore = (await env.server.api('GET', '/audit?limit=500')).body.items.length;
    const bytesBefore = dbBytes();
    const res = await env.server.api('PATCH', `/profiles/${office}?dryRun=true`, { settings: { time: { ntp: 'ntp.new.example' } } }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body.affected).toEqual({ total: 4, byModel: { 'yealink/t54w': 3, 'poly/vvx450': 1 }, unrenderable: 0 });
    expect(res.body.dryRun).toBe(true);
    expect(res.body.settings.time.ntp).toBe('ntp.new.example');
    expect(res.headers.get('etag')).toBe('"1"');
    const after = dbBytes();
    expect(after[0]?.equals(bytesBefore[0] as Buffer)).toBe(true);
    expect(after[1]?.equals(bytesBefore[1] as Buffer)).toBe(true);
    expect((await env.server.api('GET', '/audit?limit=500')).body.items.length).toBe(auditBefore);
    const stored = await env.server.api('GET', `/profiles/${office}`);
    expect(stored.body.settings.time.ntp).toBe('ntp.office.example');
    expect(stored.body.revision).toBe(1);
  });

  it('the save reports the same count, and exactly those phones then fetch new bytes', async () => {
    const { office } = await building();
    const etagOf = async (mac: string) => (await fetch(`${env.server.root}${mac}.cfg`, { headers: { 'user-agent': YEALINK_UA(mac) } })).headers.get('etag');
    const officeBefore = await etagOf('44dbd2000001');
    const lobbyBefore = await etagOf('44dbd2000009');
    const res = await env.server.api('PATCH', `/profiles/${office}`, { settings: { time: { ntp: 'ntp.new.example', timezone: 'Asia/Kolkata' } } }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body.affected).toEqual({ total: 4, byModel: { 'yealink/t54w': 3, 'poly/vvx450': 1 }, unrenderable: 0 });
    expect(res.body.dryRun).toBeUndefined();
    expect(res.body.revision).toBe(2);
    expect(await etagOf('44dbd2000001')).not.toBe(officeBefore);
    expect(await etagOf('44dbd2000009')).toBe(lobbyBefore);
  });

  it('an edit that changes no rendered byte affects no device', async () => {
    const { office } = await building();
    // Raw keys of a dialect none of these phones speak, and the same NTP server again.
    const res = await env.server.api(
      'PATCH',
      `/profiles/${office}?dryRun=true`,
      { settings: { time: { ntp: 'ntp.office.example' }, raw: { snom: { language: 'Deutsch' } } } },
      { 'if-match': '"1"' },
    );
    expect(res.status).toBe(200);
    expect(res.body.affected).toEqual({ total: 0, byModel: {}, unrenderable: 0 });
  });

  it('an edit of a parent counts the devices of its child profiles, unless the child overrides the setting', async () => {
    const base = await profile('Base', { network: { vlan: 10 } });
    const child = await profile('Child', {}, base);
    const pinned = await profile('Pinned', { network: { vlan: 99 } }, base);
    await device('44dbd2000001', 'yealink/t54w', child);
    await device('44dbd2000002', 'yealink/t54w', pinned);
    const res = await env.server.api('PUT', `/profiles/${base}?dryRun=true`, { name: 'Base', settings: { network: { vlan: 20 } } }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body.affected).toEqual({ total: 1, byModel: { 'yealink/t54w': 1 }, unrenderable: 0 });
  });

  it('a dry run refuses what a save refuses', async () => {
    const { office } = await building();
    const noIfMatch = await env.server.api('PATCH', `/profiles/${office}?dryRun=true`, { settings: {} });
    expect(noIfMatch.status).toBe(428);
    const stale = await env.server.api('PATCH', `/profiles/${office}?dryRun=true`, { settings: {} }, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const unknownModel = await env.server.api(
      'PATCH',
      `/profiles/${office}?dryRun=true`,
      { settings: { firmware: { 'yealink/t99': { version: '1', file: 'x.rom' } } } },
      { 'if-match': '"1"' },
    );
    expect(unknownModel.status).toBe(422);
    expect(unknownModel.body.error.field).toBe('settings.firmware.yealink/t99');
  });

  it('counts devices whose new values cannot be rendered', async () => {
    const { office } = await building();
    // A Yealink key holding `=` would split the line where the phone reads it: the writer refuses it.
    const res = await env.server.api(
      'PATCH',
      `/profiles/${office}?dryRun=true`,
      { settings: { raw: { yealink: { 'bad=key': '1' } } } },
      { 'if-match': '"1"' },
    );
    expect(res.status).toBe(200);
    expect(res.body.affected.unrenderable).toBe(3);
    expect(res.body.affected.byModel['yealink/t54w']).toBe(3);
  });
});

describe('site edits report their blast radius', () => {
  it('a time-zone change affects every device of the site; a rename affects none', async () => {
    await building();
    const other = await env.server.api('POST', '/sites', {
      name: 'Branch',
      timezone: 'Europe/Berlin',
      networks: ['10.9.0.0/16'],
      extensionRange: { first: 3000, last: 3999 },
      registrar: { host: 'pbx.branch.example' },
    });
    expect(other.status).toBe(201);
    await device('44dbd2000042', 'yealink/t54w', undefined, other.body.id as string);
    const bytesBefore = dbBytes();
    const tz = await env.server.api('PATCH', `/sites/${env.ids.siteId}?dryRun=true`, { timezone: 'America/New_York' });
    expect(tz.status).toBe(200);
    expect(tz.body.affected).toEqual({ total: 5, byModel: { 'yealink/t54w': 4, 'poly/vvx450': 1 }, unrenderable: 0 });
    expect(tz.body.timezone).toBe('America/New_York');
    expect(dbBytes()[0]?.equals(bytesBefore[0] as Buffer)).toBe(true);
    expect((await env.server.api('GET', `/sites/${env.ids.siteId}`)).body.timezone).toBe('Europe/Berlin');
    const rename = await env.server.api('PATCH', `/sites/${env.ids.siteId}`, { name: 'Headquarters' });
    expect(rename.status).toBe(200);
    expect(rename.body.affected).toEqual({ total: 0, byModel: {}, unrenderable: 0 });
    expect(rename.body.name).toBe('Headquarters');
  });

  it('a registrar change reaches the devices whose profile does not decide the registrar', async () => {
    await building();
    const res = await env.server.api('PATCH', `/sites/${env.ids.siteId}`, { registrar: { host: 'pbx2.example.com' } });
    expect(res.status).toBe(200);
    expect(res.body.affected.total).toBe(5);
    expect((await env.server.api('GET', `/sites/${env.ids.siteId}`)).body.registrar.host).toBe('pbx2.example.com');
  });
});

it('the OpenAPI document shows dryRun and the affected counts on profile and site edits', async () => {
  const doc = (await env.server.api('GET', '/openapi.json')).body;
  for (const [path, method] of [['/api/v1/profiles/{id}', 'patch'], ['/api/v1/profiles/{id}', 'put'], ['/api/v1/sites/{id}', 'patch']] as const) {
    const op = doc.paths[path][method];
    expect(op.parameters.some((p: { name: string; in: string }) => p.name === 'dryRun' && p.in === 'query')).toBe(true);
    const schema = op.responses['200'].content['application/json'].schema;
    expect(schema.properties.affected.properties.byModel).toBeDefined();
  }
});
