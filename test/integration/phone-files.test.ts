import { describe, expect, it } from 'vitest';
import { digestHeader, withSeededPhoneServer } from './helpers/phone-server.ts';

const MAC = '44dbd2010203';
const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';

const env = withSeededPhoneServer({ ban: { maxMisses: 8, windowMs: 60_000, banMs: 120_000 } });

async function get(name: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(`${env.server.root}${name}`, { method, headers: { 'user-agent': UA, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function prestage(mac = MAC, model = 'yealink/t54w') {
  const res = await env.server.api('POST', '/devices', { mac, model, siteId: env.ids.siteId, userId: env.ids.userId });
  expect(res.status).toBe(201);
  return res.body;
}

/** Serves the first config (claim), then lets the grace period pass so credentials are required. */
async function claimAndClose(): Promise<string> {
  const first = await get(`${MAC}.cfg`);
  expect(first.status).toBe(200);
  const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(first.body.toString())?.[1];
  expect(password).toBeDefined();
  env.server.advance(11 * 60_000);
  return password as string;
}

async function digestGet(name: string, username: string, password: string, method = 'GET') {
  const challenge = await get(name, {}, method);
  expect(challenge.status).toBe(401);
  const header = challenge.headers.get('www-authenticate') ?? '';
  const md5 = header.split(/,\s*(?=Digest )/).find((c) => c.includes('algorithm=MD5')) ?? '';
  return get(name, { authorization: digestHeader(md5, method, `/${name}`, username, password) }, method);
}

describe('phone files over HTTP', () => {
  it('serves a pre-staged Yealink its files in request order on first boot (zero-touch)', async () => {
    await prestage();
    const boot = await get(`${MAC}.boot`);
    expect(boot.status).toBe(200);
    expect(boot.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await get('y000000000000.boot')).status).toBe(200);
    expect((await get('y000000000150.cfg')).status).toBe(200);
    const cfg = await get(`${MAC}.cfg`);
    expect(cfg.status).toBe(200);
    const text = cfg.body.toString();
    expect(text).toContain('pbx.example.com');
    expect(text).toContain(`static.auto_provision.server.username = ${MAC}`);
    expect(text).toContain(`account.1.user_name = ${env.ids.extension}`);
    expect(text).toMatch(/account\.1\.password = \S{16,}/);
    expect(cfg.headers.get('etag')).toMatch(/^"/);
    expect((await get(`yealink-directory.xml`)).body.toString()).toContain('Alice Example');
  });

  it('requires the handed-out credentials after the claim, via Digest, and refuses a wrong password uniformly', async () => {
    await prestage();
    const password = await claimAndClose();
    const plain = await get(`${MAC}.cfg`);
    expect(plain.status).toBe(401);
    expect(plain.body.toString()).not.toContain(password);
    const ok = await digestGet(`${MAC}.cfg`, MAC, password);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain(`account.1.enable = 1`);
    const wrong = await digestGet(`${MAC}.cfg`, MAC, 'not-the-password');
    expect(wrong.status).toBe(401);
    const head = await digestGet(`${MAC}.cfg`, MAC, password, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers.get('etag')).toBe(ok.headers.get('etag'));
  });

  it('answers unknown MAC, wrong credentials and an unclaimed device identically', async () => {
    await prestage();
    const password = await claimAndClose();
    const unknownMac = await get('44dbd2ffffff.cfg', { 'user-agent': 'Yealink SIP-T54W 96.86.0.70 44:db:d2:ff:ff:ff' });
    const noCreds = await get(`${MAC}.cfg`);
    const wrongCreds = await digestGet(`${MAC}.cfg`, MAC, `${password}x`);
    env.server.front.phone.flush();
    expect((await env.server.api('GET', '/devices/44dbd2ffffff')).body.state).toMatch(/discovered|awaiting-claim/);
    const discovered = await get('44dbd2ffffff.cfg', { 'user-agent': 'Yealink SIP-T54W 96.86.0.70 44:db:d2:ff:ff:ff' });
    const answers = [unknownMac, noCreds, wrongCreds, discovered];
    const shape = (a: (typeof answers)[number]) => ({
      status: a.status,
      size: a.body.length,
      body: a.body.toString(),
      headers: [...a.headers.entries()]
        .filter(([k]) => k !== 'date')
        .map(([k, v]) => [k, k === 'www-authenticate' ? v.replace(/nonce="[^"]+"/g, 'nonce=""').length : v]),
    });
    for (const a of answers) expect(shape(a)).toEqual(shape(unknownMac));
    expect(unknownMac.status).toBe(401);
  });

  it('refuses a device file to a User-Agent of another vendor, and serves it to its own vendor’s', async () => {
    await prestage();
    const foreign = await get(`${MAC}.cfg`, { 'user-agent': 'Cisco-CP-7832-3PCC/11.0.1 (44dbd2010203)' });
    const unknown = await get('44dbd2ffffff.cfg', { 'user-agent': 'Cisco-CP-7832-3PCC/11.0.1 (44dbd2ffffff)' });
    expect(foreign.status).toBe(unknown.status);
    expect(foreign.body.toString()).not.toContain('account.1');
    const own = await get(`${MAC}.cfg`);
    expect(own.status).toBe(200);
    expect(own.body.toString()).toContain('account.1.user_name');
  });

  it('records an unknown MAC of a recognised model as discovered', async () => {
    const res = await get('44dbd2aabbcc.cfg', { 'user-agent': 'Yealink SIP-T54W 96.86.0.70 44:db:d2:aa:bb:cc' });
    expect(res.status).toBe(401);
    env.server.front.phone.flush();
    const device = await env.server.api('GET', '/devices/44dbd2aabbcc');
    expect(device.status).toBe(200);
    expect(['discovered', 'awaiting-claim']).toContain(device.body.state);
    expect(device.body.model).toBe('yealink/t54w');
  });

  it('refuses another device’s credentials with 403', async () => {
    await prestage();
    const password = await claimAndClose();
    await prestage('44dbd2010204');
    const res = await get(`${MAC}.cfg`);
    const md5 = (res.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('MD5')) ?? '';
    const other = await get('44dbd2010204.cfg', {
      'user-agent': 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:04',
      authorization: digestHeader(md5, 'GET', '/44dbd2010204.cfg', MAC, password),
    });
    expect(other.status).toBe(403);
    expect(other.body.toString()).not.toMatch(/password|secret/i);
  });

  it('refuses every source outside the site networks with 403 before any lookup', async () => {
    await prestage();
    const patched = await env.server.api('PATCH', `/sites/${env.ids.siteId}`, { networks: ['10.20.0.0/16'] });
    expect(patched.status).toBe(200);
    for (const name of [`${MAC}.cfg`, '44dbd2ffffff.cfg', 'y000000000000.boot']) {
      const res = await get(name);
      expect(res.status).toBe(403);
    }
  });

  it('returns new bytes with a new ETag after a profile edit, and 304 while unchanged', async () => {
    const profile = await env.server.api('POST', '/profiles', { name: 'Office', settings: { raw: { yealink: { 'features.example': 'one' } } } });
    expect(profile.status).toBe(201);
    const device = await env.server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: env.ids.siteId, userId: env.ids.userId, profileId: profile.body.id });
    expect(device.status).toBe(201);
    const first = await get(`${MAC}.cfg`);
    expect(first.body.toString()).toContain('features.example = one');
    const etag = first.headers.get('etag') ?? '';
    expect((await get(`${MAC}.cfg`, { 'if-none-match': etag })).status).toBe(304);
    const edit = await env.server.api('PATCH', `/profiles/${profile.body.id}`, { settings: { raw: { yealink: { 'features.example': 'two' } } } }, { 'if-match': `"${profile.body.revision}"` });
    expect(edit.status).toBe(200);
    const second = await get(`${MAC}.cfg`, { 'if-none-match': etag });
    expect(second.status).toBe(200);
    expect(second.body.toString()).toContain('features.example = two');
    expect(second.headers.get('etag')).not.toBe(etag);
  });

  it('serves a site edit made after a profile edit at once: rows a config edit keeps are still read again after other writes', async () => {
    const profile = await env.server.api('POST', '/profiles', { name: 'Office', settings: { raw: { yealink: { 'features.example': 'one' } } } });
    await env.server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: env.ids.siteId, userId: env.ids.userId, profileId: profile.body.id });
    expect((await get(`${MAC}.cfg`)).body.toString()).toContain('pbx.example.com');
    const edit = await env.server.api('PATCH', `/profiles/${profile.body.id}`, { settings: { raw: { yealink: { 'features.example': 'two' } } } }, { 'if-match': `"${profile.body.revision}"` });
    expect(edit.status).toBe(200);
    const afterProfile = (await get(`${MAC}.cfg`)).body.toString();
    expect(afterProfile).toContain('features.example = two');
    expect(afterProfile).toContain('pbx.example.com');
    const site = await env.server.api('PATCH', `/sites/${env.ids.siteId}`, { registrar: { host: 'pbx2.example.com' } });
    expect(site.status).toBe(200);
    const afterSite = (await get(`${MAC}.cfg`)).body.toString();
    expect(afterSite).toContain('pbx2.example.com');
    expect(afterSite).toContain('features.example = two');
  });

  it('serves byte ranges with 206 and refuses ranges past the end with 416', async () => {
    await prestage();
    const full = await get('y000000000000.boot');
    const part = await get('y000000000000.boot', { range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${full.body.length}`);
    expect(part.body).toEqual(full.body.subarray(0, 10));
    const past = await get('y000000000000.boot', { range: `bytes=${full.body.length}-` });
    expect(past.status).toBe(416);
  });

  it('bans a source after N misses with 429 and one JSON log line fail2ban can match', async () => {
    for (let i = 0; i < 8; i++) {
      const mac = `44dbd2ee00${i.toString(16).padStart(2, '0')}`;
      expect((await get(`${mac}.cfg`, { 'user-agent': 'curl/8' })).status).toBe(401);
    }
    expect((await get('44dbd2ee00ff.cfg')).status).toBe(429);
    expect((await get('y000000000000.boot')).status).toBe(429);
    const bans = env.server.logs.filter((l) => l.event === 'deskprov.phone.ban');
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ ip: '127.0.0.1', misses: 8 });
  });

  it('never writes a secret or an Authorization header into the log', async () => {
    await prestage();
    const password = await claimAndClose();
    await digestGet(`${MAC}.cfg`, MAC, password);
    const ext = await env.server.api('GET', `/extensions/${env.ids.extension}/secret`);
    const sip = typeof ext.body === 'object' && ext.body !== null ? (ext.body as { secret?: string }).secret : undefined;
    const text = JSON.stringify(env.server.logs);
    expect(text).not.toContain(password);
    if (sip !== undefined) expect(text).not.toContain(sip);
    expect(text).not.toMatch(/Digest username|response=/);
    expect(env.server.logs.some((l) => l.event === 'deskprov.phone' && l.outcome === 'served')).toBe(true);
  });

  it('writes one log line per phone fetch, with the status actually sent and the response time', async () => {
    await prestage();
    const first = await get(`${MAC}.cfg`);
    const etag = first.headers.get('etag') ?? '';
    const again = await get(`${MAC}.cfg`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    await env.server.app.close();
    const ours = (l: Record<string, unknown>) => JSON.stringify(l).includes(`${MAC}.cfg`);
    const lines = env.server.logs.filter(ours);
    // No fastify "incoming request" / "request completed" pair for phone routes: one line each.
    expect(lines.map((l) => l.msg)).toEqual(['phone file', 'phone file']);
    expect(lines.map((l) => l.sent)).toEqual([200, 304]);
    for (const line of lines) expect(typeof line.responseTime).toBe('number');
    // Admin API requests keep fastify's request log.
    expect(env.server.logs.some((l) => l.msg === 'request completed')).toBe(true);
  });

  it('still logs a phone request the name check refuses before the pipeline', async () => {
    const res = await get('bad%20name.cfg');
    expect(res.status).toBe(400);
    await env.server.app.close();
    const line = env.server.logs.find((l) => l.msg === 'phone request refused');
    expect(line).toMatchObject({ url: '/bad%20name.cfg', sent: 400 });
  });

  it('lets a rotation of phone credentials refuse the old ones and reopen the claim window', async () => {
    await prestage();
    const old = await claimAndClose();
    const challenge = await get(`${MAC}.cfg`);
    const md5 = (challenge.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('MD5')) ?? '';
    const rotated = await env.server.api('POST', `/devices/${MAC}/phone-credentials`);
    expect(rotated.status).toBe(200);
    expect(JSON.stringify(rotated.body)).not.toContain(old);
    const withOld = await get(`${MAC}.cfg`, { authorization: digestHeader(md5, 'GET', `/${MAC}.cfg`, MAC, old) });
    expect(withOld.status).toBe(401);
    const fresh = await get(`${MAC}.cfg`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.toString()).not.toContain(old);
    const audit = await env.server.api('GET', `/audit?action=device.phone-credentials.rotate`);
    expect(JSON.stringify(audit.body)).toContain('device.phone-credentials.rotate');
  });

  it('asks the owner of a correct password on an expired nonce to retry with stale=true', async () => {
    await prestage();
    const password = await claimAndClose();
    const challenge = await get(`${MAC}.cfg`);
    const md5 = (challenge.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('MD5')) ?? '';
    env.server.advance(6 * 60_000);
    const stale = await get(`${MAC}.cfg`, { authorization: digestHeader(md5, 'GET', `/${MAC}.cfg`, MAC, password) });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toContain('stale=true');
    const wrongOnStale = await get(`${MAC}.cfg`, { authorization: digestHeader(md5, 'GET', `/${MAC}.cfg`, MAC, 'wrong') });
    expect(wrongOnStale.headers.get('www-authenticate')).not.toContain('stale=true');
    const retried = await digestGet(`${MAC}.cfg`, MAC, password);
    expect(retried.status).toBe(200);
  });
});
