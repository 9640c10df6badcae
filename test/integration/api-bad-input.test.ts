import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './helpers/api-server.ts';
import { contentDigest, createSite, createUser, mac } from './helpers/fixtures.ts';

/**
 * Every refused request must leave the database exactly as it was: each case compares a digest
 * of every table before and after.
 */
let api: ApiServer;
let siteId: string;
let userId: string;
let profileId: string;
const DEVICE = () => ({ mac: mac(100), model: 'yealink/t54w', siteId, standalone: true as const });

beforeAll(async () => {
  api = await startApiServer();
  siteId = (await createSite(api)).id;
  userId = (await createUser(api, siteId)).id;
  await api.call('POST', '/devices', { mac: mac(1), model: 'yealink/t54w', siteId, userId });
  const profile = await api.call('POST', '/profiles', { name: 'base', settings: {} });
  profileId = profile.body.id;
  await api.call('POST', '/numbers', { e164: '+4930123456', region: 'DE' });
});
afterAll(async () => {
  await api.close();
});

interface Case {
  title: string;
  method: string;
  path: string | (() => string);
  body?: unknown | (() => unknown);
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
}

const CONTROL_CHARS: [string, string][] = [
  ['CR', 'a\rb'],
  ['LF', 'a\nb'],
  ['NUL', 'a\u0000b'],
  ['BEL', 'a\u0007b'],
  ['ESC', '\u001b[31mred'],
  ['DEL', 'a\u007fb'],
];

const BAD_MACS = ['00:15:65:aa:bb', '00:15:65:aa:bb:cc:dd', '00:15:65:aa:bb:zz', '01:00:5e:00:00:01', '000000000000', 'ff:ff:ff:ff:ff:ff', '00:15-65:aa:bb:cc'];

const cases: Case[] = [
  ...BAD_MACS.map((m): Case => ({
    title: `a device body with MAC ${m}`,
    method: 'POST',
    path: '/devices',
    body: () => ({ ...DEVICE(), mac: m }),
    status: 400,
    code: 'INVALID_MAC',
    field: 'mac',
  })),
  ...(['GET', 'PATCH', 'DELETE'] as const).map((method): Case => ({
    title: `${method} of a device by a malformed MAC`,
    method,
    path: '/devices/01005e000001',
    ...(method === 'PATCH' ? { body: { label: 'x' } } : {}),
    status: 400,
    code: 'INVALID_MAC',
  })),
  ...['restore', 'claim', 'agent-token'].map((action): Case => ({
    title: `${action} of a malformed MAC`,
    method: 'POST',
    path: `/devices/00155zaabbcc/${action}`,
    ...(action === 'claim' ? { body: { standalone: true } } : {}),
    status: 400,
    code: 'INVALID_MAC',
  })),
  {
    title: 'a duplicate MAC in another spelling',
    method: 'POST',
    path: '/devices',
    body: () => ({ ...DEVICE(), mac: mac(1).toUpperCase().match(/../g)!.join('-') }),
    status: 409,
    code: 'DUPLICATE_MAC',
    field: 'mac',
  },
  {
    title: 'an unknown model',
    method: 'POST',
    path: '/devices',
    body: () => ({ ...DEVICE(), model: 'yealink/t54x' }),
    status: 422,
    code: 'UNKNOWN_MODEL',
    field: 'model',
  },
  {
    title: 'an unknown site',
    method: 'POST',
    path: '/devices',
    body: () => ({ ...DEVICE(), siteId: 'no-such-site' }),
    status: 422,
    code: 'UNKNOWN_REFERENCE',
    field: 'siteId',
  },
  {
    title: 'an unknown user',
    method: 'POST',
    path: '/devices',
    body: () => ({ mac: mac(100), model: 'yealink/t54w', siteId, userId: 'no-such-user' }),
    status: 422,
    code: 'UNKNOWN_REFERENCE',
    field: 'userId',
  },
  {
    title: 'both userId and standalone',
    method: 'POST',
    path: '/devices',
    body: () => ({ ...DEVICE(), userId }),
    status: 400,
    code: 'INVALID_FIELD',
  },
  {
    title: 'neither userId nor standalone',
    method: 'POST',
    path: '/devices',
    body: () => ({ mac: mac(100), model: 'yealink/t54w', siteId }),
    status: 400,
    code: 'INVALID_FIELD',
    field: 'userId',
  },
  {
    title: 'a user extension outside the site range',
    method: 'POST',
    path: '/users',
    body: () => ({ name: 'Bo', email: 'bo@example.com', siteId, extension: 999 }),
    status: 422,
    code: 'EXTENSION_OUT_OF_RANGE',
    field: 'extension',
  },
  {
    title: 'a user extension already taken',
    method: 'POST',
    path: '/users',
    body: () => ({ name: 'Bo', email: 'bo@example.com', siteId, extension: 200 }),
    status: 409,
    code: 'EXTENSION_TAKEN',
    field: 'extension',
  },
  {
    title: 'a duplicate email in other letter case',
    method: 'POST',
    path: '/users',
    body: () => ({ name: 'Bo', email: 'ANA@example.com', siteId }),
    status: 409,
    code: 'DUPLICATE_EMAIL',
    field: 'email',
  },
  {
    title: 'an unknown site for a user',
    method: 'POST',
    path: '/users',
    body: { name: 'Bo', email: 'bo@example.com', siteId: 'nope' },
    status: 422,
    code: 'UNKNOWN_REFERENCE',
    field: 'siteId',
  },
  {
    title: 'a site with an unknown time zone',
    method: 'POST',
    path: '/sites',
    body: { name: 'X', timezone: 'Mars/Olympus', networks: [], extensionRange: { first: 1, last: 9 }, registrar: { host: 'pbx' } },
    status: 400,
    code: 'INVALID_FIELD',
    field: 'timezone',
  },
  {
    title: 'a site with a malformed CIDR',
    method: 'POST',
    path: '/sites',
    body: { name: 'X', timezone: 'UTC', networks: ['10.0.0.0/33'], extensionRange: { first: 1, last: 9 }, registrar: { host: 'pbx' } },
    status: 400,
    code: 'INVALID_FIELD',
    field: 'networks[0]',
  },
  {
    title: 'a site network with host bits set',
    method: 'POST',
    path: '/sites',
    body: { name: 'X', timezone: 'UTC', networks: ['2001:db8::1/48'], extensionRange: { first: 1, last: 9 }, registrar: { host: 'pbx' } },
    status: 400,
    code: 'INVALID_FIELD',
    field: 'networks[0]',
  },
  {
    title: 'a site range overlapping another site',
    method: 'POST',
    path: '/sites',
    body: { name: 'X', timezone: 'UTC', networks: [], extensionRange: { first: 250, last: 350 }, registrar: { host: 'pbx' } },
    status: 409,
    code: 'CONFLICT',
    field: 'extensionRange',
  },
  {
    title: 'a number that is not E.164',
    method: 'POST',
    path: '/numbers',
    body: { e164: '030123456', region: 'DE' },
    status: 400,
    code: 'INVALID_FIELD',
    field: 'e164',
  },
  {
    title: 'an outbound caller ID not in the inventory',
    method: 'PATCH',
    path: '/extensions/200',
    body: { outboundCallerId: '+4930999999' },
    status: 422,
    code: 'UNKNOWN_REFERENCE',
    field: 'outboundCallerId',
  },
  ...CONTROL_CHARS.flatMap(([name, text]): Case[] => [
    { title: `a site name with ${name}`, method: 'PATCH', path: () => `/sites/${siteId}`, body: { name: text }, status: 400, code: 'INVALID_FIELD', field: 'name' },
    { title: `a user name with ${name}`, method: 'PATCH', path: () => `/users/${userId}`, body: { name: text }, status: 400, code: 'INVALID_FIELD', field: 'name' },
    { title: `a device label with ${name}`, method: 'PATCH', path: `/devices/${mac(1)}`, body: { label: text }, status: 400, code: 'INVALID_FIELD', field: 'label' },
    { title: `a new device label with ${name}`, method: 'POST', path: '/devices', body: () => ({ ...DEVICE(), label: text }), status: 400, code: 'INVALID_FIELD', field: 'label' },
    { title: `a display name with ${name}`, method: 'PATCH', path: '/extensions/200', body: { displayName: text }, status: 400, code: 'INVALID_FIELD', field: 'displayName' },
    { title: `a caller ID name with ${name}`, method: 'POST', path: '/numbers', body: { e164: '+4930555', region: 'DE', callerIdName: text }, status: 400, code: 'INVALID_FIELD', field: 'callerIdName' },
    { title: `a profile name with ${name}`, method: 'POST', path: '/profiles', body: { name: text, settings: {} }, status: 400, code: 'INVALID_FIELD', field: 'name' },
    { title: `a token name with ${name}`, method: 'POST', path: '/tokens', body: { name: text, role: 'admin' }, status: 400, code: 'INVALID_FIELD', field: 'name' },
  ]),
  {
    title: 'a raw vendor key value with CR LF',
    method: 'POST',
    path: '/profiles',
    body: { name: 'p', settings: { raw: { yealink: { 'account.1.label': 'x\r\nstatic.security.user_password = admin' } } } },
    status: 400,
    code: 'INVALID_FIELD',
    field: 'settings.raw.yealink.account.1.label',
  },
  {
    title: 'a name longer than the 256-character limit (10,000 characters)',
    method: 'PATCH',
    path: () => `/users/${userId}`,
    body: { name: 'x'.repeat(10_000) },
    status: 400,
    code: 'INVALID_FIELD',
    field: 'name',
  },
  { title: 'invalid JSON', method: 'POST', path: '/sites', raw: '{"name": ', status: 400, code: 'INVALID_JSON' },
  {
    title: 'a wrong type',
    method: 'POST',
    path: '/users',
    body: () => ({ name: 'Bo', email: 'bo@example.com', siteId, extension: '201' }),
    status: 400,
    code: 'INVALID_FIELD',
    field: 'extension',
  },
  {
    title: 'an unknown field',
    method: 'POST',
    path: '/users',
    body: () => ({ name: 'Bo', email: 'bo@example.com', siteId, isAdmin: true }),
    status: 400,
    code: 'INVALID_FIELD',
  },
  {
    title: 'a 2 MiB body',
    method: 'POST',
    path: '/users',
    raw: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'bo@example.com', siteId: 'x' }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { title: 'a missing token', method: 'POST', path: '/sites', body: {}, headers: { 'x-no-token': '1' }, status: 401, code: 'UNAUTHORIZED' },
  {
    title: 'an invalid token',
    method: 'GET',
    path: '/devices',
    headers: { authorization: 'Bearer dpt_not-a-real-token' },
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    title: 'a stale If-Match on a profile',
    method: 'PATCH',
    path: () => `/profiles/${profileId}`,
    body: { name: 'renamed' },
    headers: { 'if-match': '"7"' },
    status: 412,
    code: 'PRECONDITION_FAILED',
  },
];

describe('bad input is refused and leaves the database unchanged', () => {
  it.each(cases.map((c) => [c.title, c] as const))('refuses %s', async (_title, c) => {
    const before = contentDigest(api.db);
    const path = typeof c.path === 'function' ? c.path() : c.path;
    const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
    const noToken = c.headers?.['x-no-token'] !== undefined || c.headers?.authorization !== undefined;
    const headers = { ...c.headers };
    delete headers['x-no-token'];
    const res = await api.call(c.method, path, body, {
      ...(noToken ? { token: null } : {}),
      headers,
      ...(c.raw === undefined ? {} : { raw: c.raw }),
    });
    expect(res.status).toBe(c.status);
    expect(res.body.error.code).toBe(c.code);
    if (c.field !== undefined) expect(res.body.error.field).toBe(c.field);
    expect(contentDigest(api.db)).toBe(before);
  });

  it('lists close catalogue matches for an unknown model', async () => {
    const res = await api.call('POST', '/devices', { ...DEVICE(), model: 'yealink/t54x' });
    expect(res.body.error.details.closeMatches).toContain('yealink/t54w');
  });

  it('refuses an extension when the site range is full and leaves the database unchanged', async () => {
    const tiny = await createSite(api, { name: 'Tiny', extensionRange: { first: 5000, last: 5000 } });
    await createUser(api, tiny.id, { email: 'solo@example.com' });
    const before = contentDigest(api.db);
    const res = await api.call('POST', '/devices', { mac: mac(200), model: 'yealink/t54w', siteId: tiny.id, standalone: true });
    expect([res.status, res.body.error.code]).toEqual([409, 'EXTENSION_RANGE_FULL']);
    const user = await api.call('POST', '/users', { name: 'Second', email: 'second@example.com', siteId: tiny.id });
    expect([user.status, user.body.error.code]).toEqual([409, 'EXTENSION_RANGE_FULL']);
    expect(contentDigest(api.db)).toBe(before);
  });
});

describe('hostile but printable strings are stored and returned exactly', () => {
  it.each([
    ['markup and quotes', `<script>alert("x")</script> & 'friends'`],
    ['a right-to-left override', 'Lobby \u202Egnp.exe'],
    ['emoji', 'Reception ☎️ 👩🏽‍💼'],
    ['the longest allowed name (256 characters, counted as characters)', '☎'.repeat(256)],
  ])('keeps %s in a device label and a user name', async (_what, text) => {
    const device = await api.call('PATCH', `/devices/${mac(1)}`, { label: text });
    expect(device.status).toBe(200);
    expect((await api.call('GET', `/devices/${mac(1)}`)).body.label).toBe(text);
    const user = await api.call('PATCH', `/users/${userId}`, { name: text });
    expect(user.status).toBe(200);
    expect((await api.call('GET', `/users/${userId}`)).body.name).toBe(text);
  });
});
