import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Device } from '../../server/domain/device.ts';
import type { Site } from '../../server/domain/site.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { noneAffected, type Affected } from '../../server/provisioning/blast-radius-core.ts';
import { SYSTEM, type ServiceContext } from '../../server/services/context.ts';
import { createSiteService } from '../../server/services/site-service.ts';
import { openDatabase, type Database } from '../../server/store/database.ts';
import { createSqliteStore } from '../../server/store/sqlite-store.ts';

/**
 * The site service's save around the blast radius count, on a real SQLite file: the count runs
 * outside the transaction, so a site changed meanwhile must refuse the save rather than bump
 * devices counted against the old site; otherwise the save, its audit and the bump are one write.
 */

const REPO = join(import.meta.dirname, '..', '..');
let dir: string;
let db: Database;
let ctx: ServiceContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-site-edit-'));
  db = openDatabase(join(dir, 'deskprov.db'));
  ctx = {
    store: createSqliteStore(db),
    catalog: readCatalog(join(REPO, 'firmware-profiles')),
    now: () => new Date('2026-03-02T09:00:00Z'),
    random: randomBytes,
    newId: randomUUID,
  };
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const INPUT = { name: 'HQ', timezone: 'Europe/Berlin', networks: [], extensionRange: { first: 100, last: 199 }, registrar: { host: 'pbx.example.com' } };

describe('site service edit', () => {
  it('refuses the save with 409 when the site changed while the edit was counted, writing nothing of its own', async () => {
    let sites = createSiteService(ctx, { ofSiteEdit: async () => noneAffected() });
    const site = sites.create(SYSTEM, INPUT);
    // A count during which another admin renames the site.
    sites = createSiteService(ctx, {
      ofSiteEdit: async (before: Site): Promise<Affected> => {
        ctx.store.sites.update({ ...before, name: 'Renamed meanwhile' });
        return noneAffected();
      },
    });
    await expect(sites.update(SYSTEM, site.id, { timezone: 'America/New_York' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(ctx.store.sites.get(site.id)).toMatchObject({ name: 'Renamed meanwhile', timezone: 'Europe/Berlin' });
    expect(ctx.store.audit.list({ action: 'site.update' }, { limit: 10, offset: 0 }).total).toBe(0);
  });

  it('saves, audits and moves the revision of the devices the count found changed, in one write', async () => {
    const counted: Device[] = [];
    const sites = createSiteService(ctx, {
      ofSiteEdit: async (_before: Site, _after: Site, changed?: Device[]): Promise<Affected> => {
        changed?.push(...counted);
        return { total: counted.length, byModel: {}, unrenderable: 0 };
      },
    });
    const site = sites.create(SYSTEM, INPUT);
    expect(site.checkSync).toEqual({ allowed: true });
    const at = ctx.now().toISOString();
    const device: Device = {
      id: 'd1', mac: '805ec0000001', model: 'yealink/t54w', siteId: site.id, profileId: null, label: null, state: 'provisioned',
      binding: null, restorable: null, restoreUntil: null, configRevision: 4, agentTokenHash: null, lastSeen: null, createdAt: at, updatedAt: at,
    };
    ctx.store.devices.insert(device);
    counted.push(device);

    const edit = await sites.update(SYSTEM, site.id, { registrar: { host: 'pbx2.example.com' }, checkSync: { allowed: false } });
    expect(edit.site).toMatchObject({ registrar: { host: 'pbx2.example.com' }, checkSync: { allowed: false } });
    expect(edit.changed.map((d) => d.id)).toEqual(['d1']);
    expect(ctx.store.devices.get('d1')?.configRevision).toBe(5);
    const audit = ctx.store.audit.list({ action: 'site.update' }, { limit: 10, offset: 0 }).items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { checkSync: { allowed: true } }, after: { checkSync: { allowed: false } } });
  });
});
