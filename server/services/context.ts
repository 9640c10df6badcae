import type { Principal } from '../domain/roles.ts';
import { maskSecrets } from '../domain/audit.ts';
import { appError } from '../errors.ts';
import type { Catalog } from '../provisioning/types.ts';
import type { Page, Store } from '../store/repositories.ts';

/** What every application service is built from. */
export interface ServiceContext {
  store: Store;
  catalog: Catalog;
  now: () => Date;
  random: (bytes: number) => Buffer;
  newId: () => string;
}

/** The actor of writes nobody asked for over the API (retention job, start-up). */
export const SYSTEM: Principal = { tokenId: 'system', userId: null, role: 'super-admin', siteId: null, name: 'system' };

/** Records one audit event with secrets masked; call inside the write's transaction. */
export function audit(
  ctx: ServiceContext,
  actor: Principal,
  action: string,
  entity: { type: string; id: string | number },
  before: unknown,
  after: unknown,
): void {
  ctx.store.audit.append({
    at: ctx.now().toISOString(),
    actorId: actor === SYSTEM ? null : actor.tokenId,
    actorName: actor.name,
    action,
    entityType: entity.type,
    entityId: String(entity.id),
    before: before === undefined ? null : maskSecrets(before),
    after: after === undefined ? null : maskSecrets(after),
  });
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Paging from query parameters: `limit` (default 50, at most 500) and `offset`. */
export function pageFrom(q: { limit?: number; offset?: number }): Page {
  return { limit: Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT), offset: q.offset ?? 0 };
}

/** A listing page as the API returns it: `next` is the offset of the following page, or null. */
export function listing<T>(page: Page, result: { items: T[]; total: number }): { items: T[]; total: number; next: number | null } {
  const end = page.offset + result.items.length;
  return { items: result.items, total: result.total, next: end < result.total ? end : null };
}

export function notFound(what: string, id: string | number): never {
  throw appError('NOT_FOUND', `${what} ${id} does not exist`);
}

/** A body field names something that does not exist: 422 with the field (docs/errors.md). */
export function unknownReference(field: string, what: string, id: string | number): never {
  throw appError('UNKNOWN_REFERENCE', `${field}: ${what} ${id} does not exist`, { field });
}

/**
 * Installers (and admins whose token names a site) act only on their own site; `siteId` null
 * means a write that is not about one site (creating a site), which such tokens may not do.
 */
export function checkSiteScope(actor: Principal, siteId: string | null): void {
  if (actor.siteId !== null && actor.siteId !== siteId) {
    throw appError('FORBIDDEN', 'this token may only act on its own site');
  }
}
