import type { Device } from '../domain/device.ts';
import type { Principal } from '../domain/roles.ts';
import { DEFAULT_CHECK_SYNC, type CheckSyncPolicy, type Site, type SiteFields, validateSite } from '../domain/site.ts';
import { appError } from '../errors.ts';
import type { Page } from '../store/repositories.ts';
import type { Affected, BlastRadius } from './blast-radius.ts';
import { audit, checkSiteScope, listing, notFound, type ServiceContext } from './context.ts';

export type SiteInput = Omit<SiteFields, 'tftpSecrets' | 'checkSync'> & { tftpSecrets?: boolean; checkSync?: CheckSyncPolicy };
export type SitePatch = Partial<SiteFields>;

/** A saved site edit: the site, what it changed for phones, and the devices whose bytes changed. */
export interface SiteEdit {
  site: Site;
  affected: Affected;
  /** Devices served new bytes; each one's config revision moved one ahead with the save. */
  changed: Device[];
}

/** Sites: time zone, networks, extension range (no overlaps between sites), registrar, check-sync policy. */
export function createSiteService(ctx: ServiceContext, blastRadius: Pick<BlastRadius, 'ofSiteEdit'>) {
  const { store } = ctx;

  function mustGet(id: string): Site {
    return store.sites.get(id) ?? notFound('site', id);
  }

  function checkRange(fields: SiteFields, exceptId: string | null): void {
    const { first, last } = fields.extensionRange;
    const clash = store.sites.overlapping(first, last, exceptId)[0];
    if (clash !== undefined) {
      throw appError('CONFLICT', `extensionRange overlaps the range of site ${clash.id}`, { field: 'extensionRange' });
    }
  }

  function planUpdate(actor: Principal, id: string, patch: SitePatch): { before: Site; after: Site } {
    const before = mustGet(id);
    checkSiteScope(actor, id);
    const { id: _id, createdAt, updatedAt, ...current } = before;
    const fields = validateSite({ ...current, ...patch });
    checkRange(fields, id);
    const { first, last } = fields.extensionRange;
    const stray = store.extensions
      .list({ siteId: id }, { limit: Number.MAX_SAFE_INTEGER, offset: 0 })
      .items.find((e) => e.number < first || e.number > last);
    if (stray !== undefined) {
      throw appError('EXTENSION_OUT_OF_RANGE', `extension ${stray.number} would fall outside the new range`, {
        field: 'extensionRange',
      });
    }
    return { before, after: { ...before, ...fields, updatedAt: ctx.now().toISOString() } };
  }

  return {
    create(actor: Principal, input: SiteInput): Site {
      const fields = validateSite({ ...input, tftpSecrets: input.tftpSecrets ?? false, checkSync: input.checkSync ?? DEFAULT_CHECK_SYNC });
      checkSiteScope(actor, null);
      return store.transaction(() => {
        checkRange(fields, null);
        const at = ctx.now().toISOString();
        const site: Site = { id: ctx.newId(), ...fields, createdAt: at, updatedAt: at };
        store.sites.insert(site);
        audit(ctx, actor, 'site.create', { type: 'site', id: site.id }, null, site);
        return site;
      });
    },

    get: mustGet,

    list: (page: Page) => listing(page, store.sites.list(page)),

    /** The site a change would give, with every check a save makes and nothing written (dry runs). */
    plan: planUpdate,

    /**
     * Saves an edit. Devices whose rendered bytes change (the blast radius renders both sides)
     * get their config revision moved one ahead in the same transaction, as a profile edit does:
     * every served config carries its revision (issue P5 §6), so the phone's next fetch is a new
     * file and a new ETag, and its status shows the revision it has not applied yet. The count
     * renders outside the transaction (it yields to phone fetches); if the site changed meanwhile
     * the save is refused with 409 rather than bumping devices counted against an old site.
     */
    async update(actor: Principal, id: string, patch: SitePatch): Promise<SiteEdit> {
      const planned = planUpdate(actor, id, patch);
      const changed: Device[] = [];
      const affected = await blastRadius.ofSiteEdit(planned.before, planned.after, changed);
      const site = store.transaction(() => {
        const { before, after } = planUpdate(actor, id, patch);
        if (JSON.stringify(before) !== JSON.stringify(planned.before)) {
          throw appError('CONFLICT', `site ${id} changed while this edit was being counted; send it again`);
        }
        store.sites.update(after);
        audit(ctx, actor, 'site.update', { type: 'site', id }, before, after);
        if (changed.length > 0) store.devices.bumpConfigRevisionOf(changed.map((d) => d.id), after.updatedAt);
        return after;
      });
      return { site, affected, changed };
    },

    remove(actor: Principal, id: string): void {
      store.transaction(() => {
        const before = mustGet(id);
        checkSiteScope(actor, id);
        if (store.sites.isReferenced(id)) {
          throw appError('CONFLICT', 'the site still has users, devices, extensions or installer tokens');
        }
        store.sites.delete(id);
        audit(ctx, actor, 'site.delete', { type: 'site', id }, before, null);
      });
    },
  };
}

export type SiteService = ReturnType<typeof createSiteService>;
