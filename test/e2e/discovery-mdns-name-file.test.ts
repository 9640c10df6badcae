import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMdnsAdvertiser } from '../../server/discovery/mdns-advertiser.ts';

/**
 * The advertiser's name file, in this process on the loopback interface only (no other host
 * can hear it; ciao's sends there fail quietly, which is fine for probing alone). What peers see
 * is discovery-mdns.test.ts's job.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'deskprov-mdns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mDNS advertiser name file', () => {
  it('starts under the name a previous conflict left in the file', async () => {
    const nameFile = path.join(dir, 'kept.json');
    writeFileSync(nameFile, JSON.stringify({ name: 'Front Desk (3)', hostname: 'Front-Desk-(3)' }));
    const adv = await startMdnsAdvertiser({ interfaces: ['lo'], port: 18080, nameFile, httpService: false });
    try {
      expect(adv.name()).toBe('Front Desk (3)');
    } finally {
      await adv.close();
    }
    expect(JSON.parse(readFileSync(nameFile, 'utf8'))).toEqual({ name: 'Front Desk (3)', hostname: 'Front-Desk-(3)' });
  });

  it('falls back to the default name when the file is damaged or absent', async () => {
    const damaged = path.join(dir, 'damaged.json');
    writeFileSync(damaged, '{"name": 12');
    const adv = await startMdnsAdvertiser({ interfaces: ['lo'], port: 18081, nameFile: damaged, httpService: false, defaultName: 'Lab Server' });
    try {
      expect(adv.name()).toBe('Lab Server');
    } finally {
      await adv.close();
    }
  });

  it('refuses an interface that does not exist, naming it', async () => {
    await expect(startMdnsAdvertiser({ interfaces: ['no-such-if0@if9'], port: 1, nameFile: path.join(dir, 'x.json') })).rejects.toMatchObject({
      code: 'INVALID_FIELD',
      field: 'discovery',
      message: expect.stringContaining('no-such-if0@if9'),
    });
  });
});
