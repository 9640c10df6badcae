import { normalizeEmail } from '../domain/email.ts';
import { restoreUntil } from '../domain/retention.ts';
import { type Principal, type Role, roleAtLeast } from '../domain/roles.ts';
import { checkText } from '../domain/text.ts';
import type { User } from '../domain/user.ts';
import { appError } from '../errors.ts';
import type { Page, UserFilter } from '../store/repositories.ts';
import { unbindUserDevices } from './binding.ts';
import { audit, checkSiteScope, listing, notFound, type ServiceContext, unknownReference } from './context.ts';
import { allocateExtension, touchDevicesOf } from './extension-service.ts';

export interface UserInput {
  name: string;
  email: string;
  siteId: string;
  /** Primary extension; allocated from the site's range when absent. */
  extension?: number;
  role?: Role;
  licensed?: boolean;
}

export interface UserPatch {
  name?: string;
  email?: string;
  role?: Role;
  licensed?: boolean;
}

/** Only a super-admin makes (or unmakes) admins: an admin may not raise anyone to their own rank. */
function checkRoleChange(actor: Principal, from: Role | undefined, to: Role | undefined): void {
  const sensitive = (r: Role | undefined) => r !== undefined && roleAtLeast(r, 'admin');
  if ((sensitive(from) || sensitive(to)) && from !== to && actor.role !== 'super-admin') {
    throw appError('FORBIDDEN', 'only a super-admin may give or take the admin roles', { field: 'role' });
  }
}

/** Users and their primary extension; licence removal and deletion unbind their devices. */
export function createUserService(ctx: ServiceContext) {
  const { store } = ctx;

  function mustGet(id: string): User {
    return store.users.get(id) ?? notFound('user', id);
  }

  function checkEmailFree(email: string, exceptId: string | null): void {
    const other = store.users.getByEmail(email);
    if (other !== undefined && other.id !== exceptId) {
      throw appError('DUPLICATE_EMAIL', `another user already has the email ${email}`, { field: 'email' });
    }
  }

  return {
    create(actor: Principal, input: UserInput): User {
      const name = checkText(input.name, 'name');
      const email = normalizeEmail(input.email);
      checkRoleChange(actor, undefined, input.role);
      return store.transaction(() => {
        const site = store.sites.get(input.siteId) ?? unknownReference('siteId', 'site', input.siteId);
        checkSiteScope(actor, site.id);
        checkEmailFree(email, null);
        const ext = allocateExtension(ctx, site, 'user', name, input.extension);
        const at = ctx.now().toISOString();
        const user: User = {
          id: ctx.newId(),
          name,
          email,
          role: input.role ?? 'user',
          siteId: site.id,
          licensed: input.licensed ?? true,
          extensionNumber: ext.number,
          createdAt: at,
          updatedAt: at,
        };
        store.users.insert(user);
        audit(ctx, actor, 'user.create', { type: 'user', id: user.id }, null, { ...user, extension: ext });
        return user;
      });
    },

    get: mustGet,

    list: (filter: UserFilter, page: Page) => listing(page, store.users.list(filter, page)),

    /** `licensed: false` unbinds the user's devices, restorable for the retention window. */
    update(actor: Principal, id: string, patch: UserPatch): User {
      const name = patch.name === undefined ? undefined : checkText(patch.name, 'name');
      const email = patch.email === undefined ? undefined : normalizeEmail(patch.email);
      return store.transaction(() => {
        const before = mustGet(id);
        checkSiteScope(actor, before.siteId);
        if (patch.role !== undefined) checkRoleChange(actor, before.role, patch.role);
        if (email !== undefined) checkEmailFree(email, id);
        const after: User = {
          ...before,
          ...(name === undefined ? {} : { name }),
          ...(email === undefined ? {} : { email }),
          ...(patch.role === undefined ? {} : { role: patch.role }),
          ...(patch.licensed === undefined ? {} : { licensed: patch.licensed }),
          updatedAt: ctx.now().toISOString(),
        };
        store.users.update(after);
        const ext = store.extensions.get(after.extensionNumber);
        // The line shows the user's name unless someone chose another display name.
        if (ext !== undefined && ext.displayName === before.name && after.name !== before.name) {
          store.extensions.update({ ...ext, displayName: after.name, updatedAt: after.updatedAt });
          touchDevicesOf(ctx, ext.number);
        }
        audit(ctx, actor, 'user.update', { type: 'user', id }, before, after);
        if (before.licensed && !after.licensed) unbindUserDevices(ctx, actor, id, 'unlicensed');
        return after;
      });
    },

    /**
     * Deletes the user. Their devices are unbound (restorable); the primary extension is kept
     * for the same window when a device may still be restored to it, else deleted.
     */
    remove(actor: Principal, id: string): void {
      store.transaction(() => {
        const before = mustGet(id);
        checkSiteScope(actor, before.siteId);
        unbindUserDevices(ctx, actor, id, 'user-deleted');
        store.users.delete(id);
        const ext = store.extensions.get(before.extensionNumber);
        if (ext !== undefined) {
          if (store.devices.usingExtension(ext.number).length > 0) {
            store.extensions.update({ ...ext, retainedUntil: restoreUntil(ctx.now()), updatedAt: ctx.now().toISOString() });
          } else {
            store.extensions.delete(ext.number);
          }
        }
        audit(ctx, actor, 'user.delete', { type: 'user', id }, before, null);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
