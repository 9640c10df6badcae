import { describe, expect, it } from 'vitest';
import { contentDigest } from './helpers/fixtures.ts';
import { withSeededPhoneServer } from './helpers/phone-server.ts';

/** `POST /api/v1/profiles/preview`: a profile's files for a sample phone, before saving. */

const env = withSeededPhoneServer();

type Preview = { model: string; mac: string; files: Array<{ name: string; kind: string; perDevice: boolean; contentType: string; body: string }> };

async function preview(body: Record<string, unknown>) {
  return env.server.api<Preview & { error: { code: string; field?: string; message: string } }>('POST', '/profiles/preview', { siteId: env.ids.siteId, ...body });
}

describe('profile preview', () => {
  it('renders every file of a sample phone of the model with the settings, secrets masked', async () => {
    const res = await preview({ model: 'yealink/t54w', settings: { time: { ntp: 'ntp.preview.example', timezone: 'Asia/Kolkata' }, raw: { yealink: { 'features.dnd.enable': '1' } } } });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('yealink/t54w');
    expect(res.body.mac).toMatch(/^[0-9a-f]{6}000001$/);
    const device = res.body.files.find((f) => f.kind === 'device');
    expect(device?.name).toBe(`${res.body.mac}.cfg`);
    expect(device?.perDevice).toBe(true);
    expect(device?.body).toContain('local_time.ntp_server1 = ntp.preview.example');
    expect(device?.body).toContain('local_time.time_zone = +5:30');
    expect(device?.body).toContain('features.dnd.enable = 1');
    expect(device?.body).toContain('account.1.password = ********');
    expect(device?.body).toContain('static.auto_provision.server.password = ********');
    expect(device?.body).toContain(`${env.server.root}`);
    const common = res.body.files.find((f) => f.kind === 'common');
    expect(common?.perDevice).toBe(false);
    expect(common?.body).not.toContain('ntp.preview.example');
    expect(res.body.files.map((f) => f.kind)).toEqual(['boot', 'boot', 'common', 'device', 'directory']);
  });

  it('renders only the file asked for, by the name the phone asks for', async () => {
    const all = await preview({ model: 'poly/vvx450', settings: { network: { vlan: 42 } } });
    const name = all.body.files.find((f) => f.kind === 'device')?.name as string;
    const one = await preview({ model: 'poly/vvx450', settings: { network: { vlan: 42 } }, file: name });
    expect(one.status).toBe(200);
    expect(one.body.files).toHaveLength(1);
    expect(one.body.files[0]?.body).toContain('device.net.vlanId="42"');
    const missing = await preview({ model: 'poly/vvx450', settings: {}, file: 'nothing.cfg' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.field).toBe('file');
  });

  it('applies the parent’s settings first, as a saved child profile would', async () => {
    const parent = await env.server.api('POST', '/profiles', { name: 'Parent', settings: { time: { ntp: 'ntp.parent.example' }, network: { vlan: 7 } } });
    const res = await preview({ model: 'cisco/cp-8841-3pcc', parentId: parent.body.id, settings: { network: { vlan: 8 } } });
    expect(res.status).toBe(200);
    const device = res.body.files.find((f) => f.kind === 'device')?.body ?? '';
    expect(device).toContain('<Primary_NTP_Server ua="na">ntp.parent.example</Primary_NTP_Server>');
    expect(device).toContain('<VLAN_ID ua="na">8</VLAN_ID>');
  });

  it('refuses what a save refuses, with the same answer', async () => {
    for (const settings of [{ time: { ntp: 'bad\nkey' } }, { firmware: { 'yealink/t99': { version: '1', file: 'x.rom' } } }, { colour: 'red' }]) {
      const saved = await env.server.api('POST', '/profiles', { name: 'Checked', settings });
      expect(saved.status).toBeGreaterThanOrEqual(400);
      const previewed = await preview({ model: 'yealink/t54w', settings });
      expect(previewed.status).toBe(saved.status);
      expect(previewed.body.error).toEqual(saved.body.error);
    }
  });

  it('names an unknown model, site or parent, and a setting the vendor file cannot hold', async () => {
    const model = await preview({ model: 'yealink/t99', settings: {} });
    expect(model.status).toBe(422);
    expect(model.body.error).toMatchObject({ code: 'UNKNOWN_MODEL', field: 'model' });
    const site = await preview({ model: 'yealink/t54w', settings: {}, siteId: 'no-such-site' });
    expect(site.body.error).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'siteId' });
    const parent = await preview({ model: 'yealink/t54w', settings: {}, parentId: 'no-such-profile' });
    expect(parent.body.error).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'parentId' });
    const raw = await preview({ model: 'yealink/t54w', settings: { raw: { yealink: { 'bad=key': '1' } } } });
    expect(raw.body.error).toMatchObject({ code: 'RULE_VIOLATION', field: 'bad=key' });
  });

  it('writes nothing and is for admins only', async () => {
    const before = contentDigest(env.server.db);
    expect((await preview({ model: 'snom/d385', settings: { time: { ntp: 'x.example' } } })).status).toBe(200);
    expect(contentDigest(env.server.db)).toBe(before);
    const token = await env.server.api('POST', '/tokens', { name: 'installer', role: 'installer', siteId: env.ids.siteId });
    expect(token.status).toBe(201);
    const asInstaller = await env.server.api('POST', '/profiles/preview', { model: 'snom/d385', siteId: env.ids.siteId, settings: {} }, { authorization: `Bearer ${token.body.token}` });
    expect(asInstaller.status).toBe(403);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await env.server.api('GET', '/openapi.json')).body;
    const op = doc.paths['/api/v1/profiles/preview'].post;
    expect(op.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['settings', 'model', 'siteId']));
    expect(op.responses['200'].content['application/json'].schema.properties.files).toBeDefined();
  });
});
