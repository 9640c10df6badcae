import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/http/app.ts';
import { createPhoneFrontEnd } from '../../server/http/phone-front-end.ts';
import { uiPlugin } from '../../server/http/ui-plugin.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { createServices, type Services } from '../../server/services/index.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { testConfig } from '../integration/helpers/test-config.ts';
import { adminApi, type AdminAnswer } from '../integration/helpers/admin-api.ts';

const REPO = join(import.meta.dirname, '..', '..');
/** Screenshots for people (git-ignored); copies are committed in docs/img/. */
const ARTIFACTS = join(REPO, 'test', 'artifacts');
const HOSTILE = '<img src=x onerror=alert(1)>';

let dir: string;
let db: Database;
let services: Services;
let app: App;
let base: string;
let adminToken: string;
let installerToken: string;
let browser: Browser;
let siteId: string;
let ada: { id: string; extension: { number: number } };
let profileId: string;

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = adminToken): Promise<AdminAnswer> =>
  adminApi(`${base}/`, token, method, path, body, headers);

async function created(method: string, path: string, body: unknown): Promise<any> {
  const res = await api(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A new tab (its own sessionStorage) signed in through the login form; fails the test on any page error. */
async function signedIn(token: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
  });
  await page.goto(`${base}/ui/`);
  await page.fill('#token', token);
  await page.click('form.login button[type=submit]');
  await page.waitForSelector('#nav a');
  return { page, problems };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-console-'));
  db = openDatabase(join(dir, 'deskprov.db'));
  const catalog = readCatalog(join(REPO, 'firmware-profiles'));
  services = createServices({ db, catalog });
  const first = services.tokens.ensureBootstrap();
  if (first.token === null) throw new Error('first start must return the generated token');
  adminToken = first.token;
  const config = testConfig(dir);
  // The same front ends serve() registers: phone files (and their admin previews) and the console.
  const phoneFrontEnd = createPhoneFrontEnd({ db, catalog, config, services });
  app = await buildApp({ config, services, catalog, extraPlugins: [phoneFrontEnd.plugin, uiPlugin] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const site = await created('POST', '/sites', {
    name: 'Head office',
    timezone: 'Europe/Berlin',
    // Loopback too: the diff test fetches a file as the phone itself.
    networks: ['10.1.0.0/16', '127.0.0.0/8'],
    extensionRange: { first: 2000, last: 2099 },
    registrar: { host: 'pbx.example.com' },
  });
  siteId = site.id;
  ada = await created('POST', '/users', { name: 'Ada Lovelace', email: 'ada@example.com', siteId });
  const grace = await created('POST', '/users', { name: 'Grace Hopper', email: 'grace@example.com', siteId });
  const hostile = await created('POST', '/users', { name: HOSTILE, email: 'mallory@example.com', siteId });
  const profile = await created('POST', '/profiles', { name: 'Head office phones', settings: { time: { ntp: 'ntp1.example.com' } } });
  profileId = profile.id;
  await created('POST', '/devices', { mac: '00:15:65:aa:bb:01', model: 'yealink/t54w', siteId, userId: grace.id, profileId });
  await created('POST', '/devices', { mac: '00:15:65:aa:bb:02', model: 'yealink/t57w', siteId, userId: hostile.id });
  await created('POST', '/devices', { mac: '00:15:65:aa:bb:04', model: 'yealink/t54w', siteId, standalone: true, label: 'Lobby' });
  installerToken = (await created('POST', '/tokens', { name: 'Ivo Installer', role: 'installer', siteId })).token;

  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('web console', () => {
  it('serves /ui/ with a strict Content-Security-Policy and no inline script', async () => {
    const res = await fetch(`${base}/ui/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(res.status).toBe(200);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('redirects /ui to /ui/ and serves the console scripts but nothing outside its folder', async () => {
    const bare = await fetch(`${base}/ui`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([302, '/ui/']);
    const script = await fetch(`${base}/ui/js/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'application/javascript; charset=utf-8']);
    const escape = await fetch(`${base}/ui/js/%2e%2e/%2e%2e/ui-plugin.ts`);
    expect(escape.status).toBeGreaterThanOrEqual(400);
  });

  it('tells a token holder its role and site through GET /api/v1/whoami', async () => {
    const installer = await api('GET', '/whoami', undefined, {}, installerToken);
    expect(installer.body).toMatchObject({ name: 'Ivo Installer', role: 'installer', siteId });
    expect(JSON.stringify(installer.body)).not.toContain(installerToken);
    expect((await api('GET', '/whoami', undefined, {}, 'dpt_unknown')).status).toBe(401);
  });

  it('signs in with a token kept in sessionStorage and never put in the URL', async () => {
    const { page, problems } = await signedIn(adminToken);
    expect(await page.evaluate(() => sessionStorage.getItem('deskprov.token'))).toBe(adminToken);
    expect(page.url()).not.toContain(adminToken);
    await expect(page.locator('#who').textContent()).resolves.toContain('super-admin');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('claims a discovered phone as a user device and shows it provisioned with the user extension', async () => {
    services.devices.recordDiscovered({ mac: '0004f2aabb03', modelId: 'poly/vvx450', ip: '10.1.2.3', ua: 'PolycomVVX-VVX_450-UA/6.4.0', firmware: '6.4.0', now: new Date() });
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/discovered`);
    const card = page.locator('section.discovered[data-mac="0004f2aabb03"]');
    await card.locator('select[name=userId]').selectOption(ada.id);
    await card.locator('button[type=submit]').click();

    await expect(page.locator('.claimed-extension').first().textContent({ timeout: 5000 })).resolves.toBe(String(ada.extension.number));
    await page.goto(`${base}/ui/#/live`);
    const row = page.locator('tr[data-mac="0004f2aabb03"]');
    await expect(row.locator('td[data-label=State]').textContent()).resolves.toBe('provisioned');
    await expect(row.locator('td[data-label=Extension]').textContent()).resolves.toBe(String(ada.extension.number));
    expect((await api('GET', '/devices/0004f2aabb03')).body.binding.extension.number).toBe(ada.extension.number);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('claims a discovered phone as a standalone device with a label and shows its new extension at once', async () => {
    services.devices.recordDiscovered({ mac: '0004f2aabb05', modelId: 'poly/vvx450', ip: '10.1.2.5', ua: null, firmware: null, now: new Date() });
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/discovered`);
    const card = page.locator('section.discovered[data-mac="0004f2aabb05"]');
    await card.locator('input[value=standalone]').check();
    expect(await card.locator('select[name=userId]').isVisible()).toBe(false);
    await card.locator('input[name=label]').fill('Break room');
    await card.locator('button[type=submit]').click();

    const shown = page.locator('.claimed .notice-ok', { hasText: '00:04:f2:aa:bb:05' });
    await shown.waitFor({ timeout: 5000 });
    const device = (await api('GET', '/devices/0004f2aabb05')).body;
    expect(device).toMatchObject({ state: 'provisioned', label: 'Break room', binding: { kind: 'standalone' } });
    await expect(shown.locator('.claimed-extension').textContent()).resolves.toBe(String(device.binding.extension.number));
    expect(await page.locator('section.discovered[data-mac="0004f2aabb05"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters the live view by state and by text', async () => {
    services.devices.recordDiscovered({ mac: '0004f2aabb07', modelId: 'poly/vvx450', ip: '10.1.2.7', ua: null, firmware: null, now: new Date() });
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/live`);
    await page.locator('tr[data-mac="001565aabb01"]').waitFor();
    await page.fill('input[name=text]', 'grace');
    await expect(page.locator('table.devices tbody tr').count()).resolves.toBe(1);
    await page.fill('input[name=text]', '');
    await page.locator('tr[data-mac="001565aabb02"]').waitFor();
    await page.selectOption('select[name=state]', 'awaiting-claim');
    await page.locator('table.devices tbody tr[data-mac="001565aabb01"]').waitFor({ state: 'detached' });
    const states = await page.locator('table.devices tbody td[data-label=State]').allTextContents();
    expect(new Set(states)).toEqual(new Set(['awaiting claim']));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('restores a user device unbound by unlicensing, from the device page within the 7-day window', async () => {
    const carol = await created('POST', '/users', { name: 'Carol Shaw', email: 'carol@example.com', siteId });
    await created('POST', '/devices', { mac: '00:15:65:aa:bb:06', model: 'yealink/t54w', siteId, userId: carol.id });
    expect((await api('PATCH', `/users/${carol.id}`, { licensed: false })).status).toBe(200);
    await created('PATCH', `/users/${carol.id}`, { licensed: true });
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/device/001565aabb06`);
    await page.locator('.restore .notice', { hasText: 'restorable until' }).waitFor();
    expect(await page.locator('.binding-extension').textContent()).toBe('—');

    await page.click('button:text("Restore binding")');
    await page.locator('.binding-extension', { hasText: String(carol.extension.number) }).waitFor({ timeout: 5000 });
    expect((await api('GET', '/devices/001565aabb06')).body.binding).toMatchObject({ kind: 'user', userId: carol.id });
    expect(await page.locator('.restore').count()).toBe(0);
    // The audit history lists the restore, newest first.
    await expect(page.locator('ol.history li strong').first().textContent()).resolves.toBe('device.restore');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a device state change made through the API in the live view within 2 s without a reload', async () => {
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/live`);
    const row = page.locator('tr[data-mac="001565aabb04"]');
    await row.waitFor();
    // A page reload would drop this marker.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const started = Date.now();
    expect((await api('PATCH', '/devices/001565aabb04', { state: 'retired' })).status).toBe(200);
    await row.locator('td[data-label=State]', { hasText: 'retired' }).waitFor({ timeout: 2000 });
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(2000);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a status report posted by the agent in the live view within 2 s without a reload (status stream)', async () => {
    const agentToken = (await created('POST', '/devices/001565aabb01/agent-token', undefined)).token as string;
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/live`);
    const registered = page.locator('tr[data-mac="001565aabb01"] td[data-label=Registered]');
    await registered.waitFor();
    await page.locator('.live-mode', { hasText: 'status stream' }).waitFor();
    expect(await registered.textContent()).not.toBe('registered');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

    const started = Date.now();
    const report = await api('POST', '/agent/reports', { id: 'console-e2e-1', at: new Date().toISOString(), sip: { registered: true, registrar: 'pbx.example.com' } }, {}, agentToken);
    expect(report.status).toBe(202);
    await registered.locator('.badge', { hasText: /^registered$/ }).waitFor({ timeout: 2000 });
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(2000);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('falls back to polling when the server has no status stream and still shows an agent report within 2 s', async () => {
    const agentToken = (await created('POST', '/devices/001565aabb04/agent-token', undefined)).token as string;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // What a server without the stream answers (its not-found handler), for this tab only.
    await page.route('**/api/v1/status/stream', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/status/stream' } }),
      }),
    );
    await page.goto(`${base}/ui/`);
    await page.fill('#token', adminToken);
    await page.click('form.login button[type=submit]');
    await page.locator('.live-mode', { hasText: 'no status stream' }).waitFor();
    const registered = page.locator('tr[data-mac="001565aabb04"] td[data-label=Registered]');
    expect(await registered.textContent()).not.toBe('not registered');

    const started = Date.now();
    const report = { id: 'console-e2e-poll', at: new Date().toISOString(), sip: { registered: false, lastError: '403 Forbidden' } };
    expect((await api('POST', '/agent/reports', report, {}, agentToken)).status).toBe(202);
    await registered.locator('.badge', { hasText: 'not registered' }).waitFor({ timeout: 2000 });

    expect(Date.now() - started).toBeLessThan(2000);
    await page.close();
  });

  it('adds and edits an emergency location, adds a network map entry, shows the status badge and the phones left unlocated', async () => {
    await created('POST', '/numbers', { e164: '+4930123456', region: 'DE' });
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/locations`);
    const form = page.locator('form.add-location');
    await form.waitFor();
    const fields: Array<[string, string]> = [
      ['name', 'Berlin HQ, floor 2'],
      ['callbackNumber', '+4930123456'],
      ['HNO', '12'],
      ['RD', 'Invalidenstraße'],
      ['A3', 'Berlin'],
      ['A1', 'Berlin'],
      ['PC', '10115'],
      ['country', 'DE'],
      ['FLR', '2'],
    ];
    for (const [name, value] of fields) {
      await form.locator(`input[name=${name}]`).fill(value);
    }
    await form.locator('button[type=submit]').click();
    const row = page.locator('main table tr', { hasText: 'Berlin HQ, floor 2' });
    await row.waitFor({ timeout: 5000 });
    const location = (await api('GET', '/locations')).body.items.find((l: { name: string }) => l.name === 'Berlin HQ, floor 2');
    await expect(row.locator('td[data-label=Status] .badge').textContent()).resolves.toBe(location.status);

    const mapForm = page.locator('form.add-map');
    await mapForm.locator('select[name=kind]').selectOption('subnet');
    await mapForm.locator('input[name=match]').fill('10.1.2.0/24');
    await mapForm.locator('button[type=submit]').click();
    await page.locator('main table tr', { hasText: '10.1.2.0/24' }).waitFor({ timeout: 5000 });
    expect((await api('GET', '/network-map')).body.items).toEqual([expect.objectContaining({ kind: 'subnet', locationId: location.id })]);
    // Phones with no report (no network evidence) stay listed as unlocated.
    await page.locator('main li a', { hasText: 'Grace Hopper' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'locations.png'), fullPage: true });

    await row.locator('button', { hasText: 'Edit' }).click();
    await page.fill('form.edit-location input[name=name]', 'Berlin HQ, floor 2 east');
    await page.click('form.edit-location button[type=submit]');
    await page.locator('main table td[data-label=Name]', { hasText: 'Berlin HQ, floor 2 east' }).waitFor({ timeout: 5000 });
    expect((await api('GET', `/locations/${location.id}`)).body.name).toBe('Berlin HQ, floor 2 east');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a hostile display name as text and runs nothing', async () => {
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/live`);
    const row = page.locator('tr[data-mac="001565aabb02"]');
    await expect(row.locator('.device-name').textContent()).resolves.toBe(HOSTILE);
    await expect(row.locator('td[data-label=User]').textContent()).resolves.toBe(HOSTILE);
    await page.goto(`${base}/ui/#/device/001565aabb02`);
    await expect(page.locator('main h1').textContent()).resolves.toContain(HOSTILE);
    await page.goto(`${base}/ui/#/discovered`);
    await page.locator('main h1').waitFor();

    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows an API validation message on the profile field it names', async () => {
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/profiles/${profileId}`);
    await page.fill('[data-path="settings.sip.port"]', '70000');
    await page.click('form.profile-editor button[type=submit]');
    await page.locator('.editor-message .notice-error').waitFor();
    expect(await page.locator('.editor-message').textContent()).toMatch(/port/i);
    expect(await page.locator('[data-path="settings.sip.port"].invalid').count()).toBe(1);
    expect((await api('GET', `/profiles/${profileId}`)).body.settings.sip).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('saves a profile with If-Match and shows a concurrent edit instead of overwriting it', async () => {
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/profiles/${profileId}`);
    await page.locator('[data-path="settings.time.ntp"]').waitFor();

    await page.fill('[data-path="settings.time.ntp"]', 'ntp2.example.com');
    await page.click('form.profile-editor button[type=submit]');
    await page.locator('.editor-message .notice-ok').waitFor();
    const saved = await api('GET', `/profiles/${profileId}`);
    expect(saved.body.settings.time.ntp).toBe('ntp2.example.com');

    // Someone else saves while the form is open.
    const theirs = await api('PATCH', `/profiles/${profileId}`, { settings: { time: { ntp: 'theirs.example.com' } } }, { 'if-match': saved.headers.get('etag') ?? '' });
    expect(theirs.status).toBe(200);
    await page.fill('[data-path="settings.time.ntp"]', 'mine.example.com');
    await page.click('form.profile-editor button[type=submit]');
    await page.locator('.editor-message .conflict').waitFor();

    expect(await page.locator('.editor-message').textContent()).toContain('Someone else changed this profile');
    expect(await page.inputValue('[data-path="settings.time.ntp"]')).toBe('mine.example.com');
    expect((await api('GET', `/profiles/${profileId}`)).body.settings.time.ntp).toBe('theirs.example.com');
    await page.screenshot({ path: join(ARTIFACTS, 'profile-editor-conflict.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the new rendered preview of a device using the profile after a profile edit', async () => {
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/profiles/${profileId}`);
    const preview = page.locator('section.preview pre.file-preview');
    await preview.waitFor();
    const before = (await preview.textContent()) ?? '';
    expect(before).not.toContain('custom.console_marker');

    await page.click('button:text("Add raw key")');
    const row = page.locator('tr.raw-row').last();
    await row.locator('[name=vendor]').fill('yealink');
    await row.locator('[name=key]').fill('custom.console_marker');
    await row.locator('[name=value]').fill('4242');
    await page.click('form.profile-editor button[type=submit]');
    await page.locator('.editor-message .notice-ok').waitFor();
    await page.locator('section.preview pre.file-preview', { hasText: 'custom.console_marker = 4242' }).waitFor({ timeout: 5000 });
    expect((await api('GET', `/profiles/${profileId}`)).body.settings.raw).toEqual({ yealink: { 'custom.console_marker': '4242' } });
    await page.screenshot({ path: join(ARTIFACTS, 'profile-editor.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('previews an unsaved profile edit for a sample phone and says what saving would change, saving nothing', async () => {
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/profiles/${profileId}`);
    const unsaved = page.locator('section.unsaved-preview pre.unsaved-file-preview');
    await unsaved.waitFor();
    expect(await page.inputValue('section.unsaved-preview [name=unsavedModel]')).toBe('yealink/t54w');
    const savedNtp = (await api('GET', `/profiles/${profileId}`)).body.settings.time.ntp as string;
    await page.locator('section.unsaved-preview pre.unsaved-file-preview', { hasText: `local_time.ntp_server1 = ${savedNtp}` }).waitFor();

    await page.fill('[data-path="settings.time.ntp"]', 'unsaved.example.com');
    await page.locator('section.unsaved-preview pre.unsaved-file-preview', { hasText: 'local_time.ntp_server1 = unsaved.example.com' }).waitFor({ timeout: 5000 });
    await page.locator('section.unsaved-preview .unsaved-impact', { hasText: 'Saving would change the files of 1 phone(s): 1 \u00d7 yealink/t54w' }).waitFor({ timeout: 5000 });
    expect(await unsaved.textContent()).toContain('account.1.password = ********');

    await page.selectOption('section.unsaved-preview [name=unsavedModel]', 'cisco/cp-8841-3pcc');
    await page.locator('section.unsaved-preview pre.unsaved-file-preview', { hasText: '<Primary_NTP_Server ua="na">unsaved.example.com</Primary_NTP_Server>' }).waitFor({ timeout: 5000 });
    expect((await api('GET', `/profiles/${profileId}`)).body.settings.time.ntp).toBe(savedNtp);
    await page.screenshot({ path: join(ARTIFACTS, 'profile-unsaved-preview.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('previews the files a device fetches with its SIP secret masked', async () => {
    const device = (await api('GET', '/devices/001565aabb01')).body;
    const secret = (await api('POST', `/extensions/${device.binding.extension.number}/secret:reveal`)).body.secret as string;
    expect(secret.length).toBeGreaterThan(0);
    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/device/001565aabb01`);
    await page.locator('table.file-list').waitFor();
    await page.locator('table.file-list tr', { hasText: '001565aabb01.cfg' }).locator('button', { hasText: 'Preview' }).click();
    const text = (await page.locator('pre.file-preview').textContent()) ?? '';

    expect(text).toContain(String(device.binding.extension.number));
    expect(text).not.toContain(secret);
    await page.screenshot({ path: join(ARTIFACTS, 'device-page.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows what changed in a device file since the phone last fetched it', async () => {
    const fetched = await fetch(`${base}/001565aabb01.cfg`, { headers: { 'user-agent': 'Yealink SIP-T54W 150.86.0.70 00:15:65:aa:bb:01' } });
    expect(fetched.status).toBe(200);
    await fetched.arrayBuffer();
    const current = await api('GET', `/profiles/${profileId}`);
    const settings = { ...current.body.settings, raw: { yealink: { 'custom.diff_marker': '7' } } };
    const edited = await api('PATCH', `/profiles/${profileId}`, { settings }, { 'if-match': current.headers.get('etag') ?? '' });
    expect(edited.status).toBe(200);

    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/device/001565aabb01`);
    const row = page.locator('table.file-list tr', { hasText: '001565aabb01.cfg' });
    await row.locator('td[data-label=Changed]', { hasText: 'changed' }).waitFor();
    await row.locator('button', { hasText: 'Diff vs served' }).click();
    // allTextContents() does not wait: the diff arrives from the API after the click.
    await page.locator('pre.file-diff .diff-add').first().waitFor();
    const added = await page.locator('pre.file-diff .diff-add').allTextContents();

    // Besides the raw key, the edit moves the config revision that the setup-completed event URL
    // echoes back (`rev=`), so exactly that one other line changes too.
    expect(added).toHaveLength(2);
    expect(added).toContain('+custom.diff_marker = 7\n');
    expect(added.find((line) => !line.startsWith('+custom.'))).toMatch(/^\+action_url\.setup_completed = \S*[?&]rev=\d+/);
    expect(await page.locator('pre.file-diff').textContent()).not.toMatch(/password = (?!\*)/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('gives an installer no edit controls for what the role cannot change', async () => {
    const { page, problems } = await signedIn(installerToken);
    await expect(page.locator('#who').textContent()).resolves.toContain('installer');
    await page.locator('table.devices').waitFor();
    expect(await page.inputValue('select[name=site]')).toBe(siteId);

    await page.goto(`${base}/ui/#/profiles/${profileId}`);
    await page.locator('form.profile-editor h1').waitFor();
    expect(await page.locator('form.profile-editor button').count()).toBe(0);
    expect(await page.locator('form.profile-editor input:not([disabled]), form.profile-editor select:not([disabled])').count()).toBe(0);

    await page.goto(`${base}/ui/#/profiles`);
    await page.locator('main h1', { hasText: 'Profiles' }).waitFor();
    expect(await page.locator('main form').count()).toBe(0);

    await page.goto(`${base}/ui/#/device/001565aabb01`);
    await page.locator('.binding-extension').waitFor();
    expect(await page.locator('form.edit-device').count()).toBe(0);
    expect(await page.locator('form.assign-location').count()).toBe(0);
    expect(await page.locator('main button', { hasText: 'Restore' }).count()).toBe(0);
    await page.locator('section.files p', { hasText: 'admins only' }).waitFor();

    await page.goto(`${base}/ui/#/locations`);
    await page.locator('main h1', { hasText: 'Emergency locations' }).waitFor();
    await page.locator('main h2', { hasText: 'Network map' }).waitFor();
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.locator('main button', { hasText: 'Edit' }).count()).toBe(0);

    // Installers may claim phones, at their own site only.
    services.devices.recordDiscovered({ mac: '0004f2aabb08', modelId: 'poly/vvx450', ip: '10.1.2.8', ua: null, firmware: null, now: new Date() });
    await page.goto(`${base}/ui/#/discovered`);
    const claim = page.locator('section.discovered[data-mac="0004f2aabb08"] form.claim');
    await claim.waitFor();
    expect(await claim.locator('select[name=siteId] option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual([siteId]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits every page into a 390-px-wide screen without sideways scrolling', async () => {
    const { page, problems } = await signedIn(adminToken, { width: 390, height: 844 });
    for (const [route, ready] of [
      ['#/live', 'table.devices'],
      ['#/discovered', 'main h1'],
      ['#/device/001565aabb01', 'table.file-list'],
      [`#/profiles/${profileId}`, 'form.profile-editor h1'],
      ['#/locations', 'main h2'],
    ] as const) {
      await page.goto(`${base}/ui/${route}`);
      await page.locator(ready).first().waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ route, width }).toEqual({ route, width: 390 });
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('saves screenshots of the live view at 1280 px and 390 px, readable without sideways scrolling', async () => {
    // One phone located through the network map, so the pictures show every column filled.
    await created('POST', '/numbers', { e164: '+4930123457', region: 'DE' });
    const reception = await created('POST', '/locations', {
      siteId,
      name: 'Berlin HQ, reception',
      address: { country: 'DE', A1: 'Berlin', A3: 'Berlin', RD: 'Invalidenstraße', HNO: '12', PC: '10115' },
      callbackNumber: '+4930123457',
    });
    await created('POST', '/network-map', { locationId: reception.id, kind: 'subnet', cidr: '10.1.3.0/24' });
    const agentToken = (await created('POST', '/devices/001565aabb02/agent-token', undefined)).token as string;
    const report = { id: 'console-shot-1', at: new Date().toISOString(), sip: { registered: true }, network: { ip: '10.1.3.40/24' } };
    expect((await api('POST', '/agent/reports', report, {}, agentToken)).status).toBe(202);

    const { page, problems } = await signedIn(adminToken);
    await page.goto(`${base}/ui/#/live`);
    await page.locator('tr[data-mac="001565aabb02"] td[data-label=Location]', { hasText: 'Berlin HQ, reception' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'live-view-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('tr[data-mac="001565aabb01"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'live-view-390.png'), fullPage: true });
    // At 390 px the table becomes cards: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
    await page.close();
  });
});
