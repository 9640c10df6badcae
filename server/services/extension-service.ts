import {
  checkInRange,
  type Extension,
  type ExtensionKind,
  generateSecret,
} from '../domain/extension.ts';
import type { Principal } from '../domain/roles.ts';
import type { Site } from '../domain/site.ts';
import { checkText } from '../domain/text.ts';
import { appError } from '../errors.ts';
import type { ExtensionFilter, Page } from '../store/repositories.ts';
import { audit, checkSiteScope, listing, notFound, type ServiceContext, unknownReference } from './context.ts';

export interface ExtensionPatch {
  displayName?: string;
  /** An E.164 number of the inventory, or null to clear. */
  outboundCallerId?: string | null;
  voicemail?: boolean;
}

/**
 * Creates an extension in the site's range: `number` when given (must be in range and free),
 * else the lowest free one. Call inside the write transaction: SQLite serialises writers, so
 * the number picked cannot be picked by a concurrent request.
 */
export function allocateExtension(
  ctx: ServiceContext,
  site: Site,
  kind: ExtensionKind,
  displayName: string,
  number?: number,
): Extension {
  const { first, last } = site.extensionRange;
  let chosen: number;
  if (number !== undefined) {
    checkInRange(site.extensionRange, number);
    if (ctx.store.extensions.get(number) !== undefined) {
      throw appError('EXTENSION_TAKEN', `extension ${number} is already taken`, { field: 'extension' });
    }
    chosen = number;
  } else {
    const free = ctx.store.extensions.lowestFree(first, last);
    if (free === null) {
      throw appError('EXTENSION_RANGE_FULL', `site ${site.id} has no free extension in ${first}-${last}`);
    }
    chosen = free;
  }
  const at = ctx.now().toISOString();
  const ext: Extension = {
    number: chosen,
    siteId: site.id,
    kind,
    authUser: String(chosen),
    secret: generateSecret(ctx.random),
    displayName,
    outboundCallerId: null,
    voicemail: false,
    retainedUntil: null,
    createdAt: at,
    updatedAt: at,
  };
  ctx.store.extensions.insert(ext);
  return ext;
}

/** Bumps the config revision of every device registering the extension (its config changed). */
export function touchDevicesOf(ctx: ServiceContext, number: number): void {
  const at = ctx.now().toISOString();
  for (const d of ctx.store.devices.usingExtension(number)) {
    if (d.binding?.extensionNumber === number) {
      ctx.store.devices.update({ ...d, configRevision: d.configRevision + 1, updatedAt: at });
    }
  }
}

/** Extensions: edits, and the audited secret reveal and rotation. */
export function createExtensionService(ctx: ServiceContext) {
  const { store } = ctx;

  function mustGet(number: number): Extension {
    return store.extensions.get(number) ?? notFound('extension', number);
  }

  return {
    get: mustGet,

    list: (filter: ExtensionFilter, page: Page) => listing(page, store.extensions.list(filter, page)),

    update(actor: Principal, number: number, patch: ExtensionPatch): Extension {
      const displayName = patch.displayName === undefined ? undefined : checkText(patch.displayName, 'displayName');
      return store.transaction(() => {
        const before = mustGet(number);
        checkSiteScope(actor, before.siteId);
        if (patch.outboundCallerId != null && store.numbers.get(patch.outboundCallerId) === undefined) {
          unknownReference('outboundCallerId', 'number', patch.outboundCallerId);
        }
        const after: Extension = {
          ...before,
          ...(displayName === undefined ? {} : { displayName }),
          ...(patch.outboundCallerId === undefined ? {} : { outboundCallerId: patch.outboundCallerId }),
          ...(patch.voicemail === undefined ? {} : { voicemail: patch.voicemail }),
          updatedAt: ctx.now().toISOString(),
        };
        store.extensions.update(after);
        touchDevicesOf(ctx, number);
        audit(ctx, actor, 'extension.update', { type: 'extension', id: number }, before, after);
        return after;
      });
    },

    /** The SIP secret, for a super-admin; the reveal itself is audited. */
    revealSecret(actor: Principal, number: number): { number: number; authUser: string; secret: string } {
      return store.transaction(() => {
        const ext = mustGet(number);
        audit(ctx, actor, 'extension.secret.reveal', { type: 'extension', id: number }, null, null);
        return { number, authUser: ext.authUser, secret: ext.secret };
      });
    },

    /** A new SIP secret; phones get it with their next config (their revision is bumped). */
    rotateSecret(actor: Principal, number: number): Extension {
      return store.transaction(() => {
        const before = mustGet(number);
        checkSiteScope(actor, before.siteId);
        const after: Extension = { ...before, secret: generateSecret(ctx.random), updatedAt: ctx.now().toISOString() };
        store.extensions.update(after);
        touchDevicesOf(ctx, number);
        audit(ctx, actor, 'extension.secret.rotate', { type: 'extension', id: number }, before, after);
        return after;
      });
    },
  };
}

export type ExtensionService = ReturnType<typeof createExtensionService>;
