import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/http/app.ts';
import { createPhoneFrontEnd } from '../../server/http/phone-front-end.ts';
import { uiPlugin } from '../../server/http/ui-plugin.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { testConfig } from '../integration/helpers/test-config.ts';
import { adminApiOk } from '../integration/helpers/admin-api.ts';

/** The console's firmware page in Debian's Chromium: rollouts, rings, device progress, halt/resume. */

const REPO = join(import.meta.dirname, '..', '..');
const HOSTILE = '<img src=x onerror=alert(1)>';
let dir: string;
let db: Database;
let app: App;
let base: string;
let adminToken: string;
let browser: Browser;
let rolloutId: string;

const api = (method: string, path: string, body?: unknown): Promise<any> => adminApiOk(`${base}/`, adminToken, method, path, body);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-console-fw-'));
  db = openDatabase(join(dir, 'deskprov.db'));
  const catalog = readCatalog(join(REPO, 'firmware-profiles'));
  const services = createServices({ db, catalog });
  adminToken = services.tokens.ensureBootstrap().token ?? '';
  const config = testConfig(dir);
  const front = createPhoneFrontEnd({ db, catalog, config, services });
  app = await buildApp({ config, services, catalog, extraPlugins: [front.plugin, uiPlugin] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const site = await api('POST', '/sites', {
    name: 'Head office',
    timezone: 'Europe/Berlin',
    networks: ['127.0.0.0/8'],
    extensionRange: { first: 2000, last: 2099 },
    registrar: { host: 'pbx.example.com' },
  });
  await api('POST', '/devices', { mac: '00:15:65:aa:bb:01', model: 'yealink/t54w', siteId: site.id, standalone: true, label: HOSTILE });
  const image = Buffer.alloc(4096, 1);
  const upload = await fetch(`${base}/api/v1/firmware/yealink/T54W-96.86.0.100.rom`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/octet-stream', 'x-checksum-sha256': createHash('sha256').update(image).digest('hex') },
    body: new Uint8Array(image),
  });
  expect(upload.status).toBe(201);
  const rollout = await api('POST', '/rollouts', {
    siteId: site.id,
    model: 'yealink/t54w',
    targetVersion: '96.86.0.100',
    file: 'T54W-96.86.0.100.rom',
    rings: [{ name: 'canary', devices: 1 }, { name: 'all' }],
    window: { start: '22:00', end: '04:00' },
    soakMinutes: 60,
    halt: { noReturnMinutes: 30, maxRegistrationLossRate: 0.2 },
  });
  rolloutId = rollout.id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('web console firmware page', () => {
  it('shows each rollout with its rings and devices, and an admin halts and resumes it', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${base}/ui/`);
    await page.fill('#token', adminToken);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#nav a');
    await page.click('#nav a[href="#/rollouts"]');
    const card = page.locator(`section.rollout[data-id="${rolloutId}"]`);
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toContain('yealink/t54w → 96.86.0.100');
    expect(await card.locator('.ring-open').textContent()).toContain('canary');
    expect(await card.locator('tbody tr').count()).toBe(1);
    expect(await card.locator('tbody tr td').nth(4).textContent()).toBe('waiting');

    await card.locator('button', { hasText: 'Halt rollout' }).click();
    await page.locator(`section.rollout[data-id="${rolloutId}"] .badge-error`).waitFor();
    expect(await page.locator('section.alerts').textContent()).toContain('ROLLOUT_HALTED');
    expect((await api('GET', `/rollouts/${rolloutId}`)).status).toBe('halted');

    await page.locator(`section.rollout[data-id="${rolloutId}"] button`, { hasText: 'Resume rollout' }).click();
    await page.locator(`section.rollout[data-id="${rolloutId}"] .badge-ok`).first().waitFor();
    expect((await api('GET', `/rollouts/${rolloutId}`)).status).toBe('active');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
