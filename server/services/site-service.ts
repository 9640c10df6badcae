import type { Principal } from '../domain/roles.ts';
import { type Site, type SiteFields, validateSite } from '../domain/site.ts';
import { appError } from '../errors.ts';
import type { Page } from '../store/repositories.ts';
import { audit, checkSiteScope, listing, notFound, type ServiceContext } from './context.ts';

export type SiteInput = Omit<SiteFields, 'tftpSecrets'> & { tftpSecrets?: boolean };
export type SitePatch = Partial<SiteFields>;

/** Sites: time zone, networks, extension range (no overlaps between sites), registrar. */
export function createSiteService(ctx: ServiceContext) {
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
      const fields = validateSite({ ...input, tftpSecrets: input.tftpSecrets ?? false });
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

    update(actor: Principal, id: string, patch: SitePatch): Site {
      return store.transaction(() => {
        const { before, after } = planUpdate(actor, id, patch);
        store.sites.update(after);
        audit(ctx, actor, 'site.update', { type: 'site', id }, before, after);
        return after;
      });
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
