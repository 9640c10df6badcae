import { checkNoCycle, type Profile } from '../domain/profile.ts';
import type { Principal } from '../domain/roles.ts';
import { checkText } from '../domain/text.ts';
import { appError } from '../errors.ts';
import type { ProfileSettings } from '../provisioning/types.ts';
import type { Page } from '../store/repositories.ts';
import { audit, listing, notFound, type ServiceContext, unknownReference } from './context.ts';

export interface ProfileInput {
  name: string;
  parentId?: string | null;
  settings: ProfileSettings;
}

export type ProfilePatch = Partial<ProfileInput>;

// Raw vendor values end up in key=value files: a CR/LF would inject a key.
const CONTROL = /[\u0000-\u001f\u007f]/u;

function checkSettingsText(value: unknown, path: string): void {
  if (typeof value === 'string' && CONTROL.test(value)) {
    throw appError('INVALID_FIELD', `${path} must not contain control characters`, { field: path });
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (CONTROL.test(k)) throw appError('INVALID_FIELD', `${path} has a key with control characters`, { field: path });
      checkSettingsText(v, `${path}.${k}`);
    }
  }
}

/** Profiles: settings bundles with a parent chain and optimistic concurrency on the revision. */
export function createProfileService(ctx: ServiceContext) {
  const { store, catalog } = ctx;

  function mustGet(id: string): Profile {
    return store.profiles.get(id) ?? notFound('profile', id);
  }

  function checkSettings(settings: ProfileSettings): void {
    checkSettingsText(settings, 'settings');
    for (const model of Object.keys(settings.firmware ?? {})) {
      if (catalog.get(model) === undefined) {
        throw appError('UNKNOWN_MODEL', `settings.firmware: model ${model} is not in the catalogue`, {
          field: `settings.firmware.${model}`,
          details: { closeMatches: catalog.closeMatches(model) },
        });
      }
    }
  }

  function checkName(name: string, exceptId: string | null): void {
    const other = store.profiles.getByName(name);
    if (other !== undefined && other.id !== exceptId) {
      throw appError('CONFLICT', `a profile named ${name} already exists`, { field: 'name' });
    }
  }

  function checkParent(id: string, parentId: string | null): void {
    if (parentId === null) return;
    if (store.profiles.get(parentId) === undefined) unknownReference('parentId', 'profile', parentId);
    checkNoCycle(id, parentId, (p) => store.profiles.get(p)?.parentId ?? null);
  }

  /** The profile and every profile below it (children point at their parent). */
  function withDescendants(id: string): string[] {
    const all = store.profiles.list({ limit: Number.MAX_SAFE_INTEGER, offset: 0 }).items;
    const reached = new Set([id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all) {
        if (p.parentId !== null && reached.has(p.parentId) && !reached.has(p.id)) {
          reached.add(p.id);
          grew = true;
        }
      }
    }
    return [...reached];
  }

  /** Optimistic concurrency: the caller's If-Match revision must be the stored one. */
  function checkRevision(profile: Profile, expected: number | 'any' | null): void {
    if (expected === null) {
      throw appError('PRECONDITION_REQUIRED', 'send If-Match with the profile revision (its ETag)');
    }
    if (expected !== 'any' && expected !== profile.revision) {
      throw appError('PRECONDITION_FAILED', `profile ${profile.id} is at revision ${profile.revision}, not ${expected}`);
    }
  }

  function planUpdate(
    id: string,
    expected: number | 'any' | null,
    patch: ProfilePatch,
    replace = false,
  ): { before: Profile; after: Profile } {
    const name = patch.name === undefined ? undefined : checkText(patch.name, 'name');
    if (patch.settings !== undefined) checkSettings(patch.settings);
    const before = mustGet(id);
    checkRevision(before, expected);
    if (name !== undefined) checkName(name, id);
    const parentId = replace ? (patch.parentId ?? null) : patch.parentId === undefined ? before.parentId : patch.parentId;
    checkParent(id, parentId);
    const after: Profile = {
      ...before,
      name: name ?? before.name,
      parentId,
      settings: patch.settings ?? before.settings,
      revision: before.revision + 1,
      updatedAt: ctx.now().toISOString(),
    };
    return { before, after };
  }

  return {
    create(actor: Principal, input: ProfileInput): Profile {
      const name = checkText(input.name, 'name');
      checkSettings(input.settings);
      return store.transaction(() => {
        checkName(name, null);
        const id = ctx.newId();
        checkParent(id, input.parentId ?? null);
        const at = ctx.now().toISOString();
        const profile: Profile = {
          id,
          name,
          parentId: input.parentId ?? null,
          settings: input.settings,
          revision: 1,
          createdAt: at,
          updatedAt: at,
        };
        store.profiles.insert(profile);
        audit(ctx, actor, 'profile.create', { type: 'profile', id }, null, profile);
        return profile;
      });
    },

    get: mustGet,

    list: (page: Page) => listing(page, store.profiles.list(page)),

    /** The checks a save makes on settings (control characters, pinned models), without saving. */
    checkSettings,

    /**
     * The profile a change would give, with every check a save makes (revision, name, parent,
     * settings) and nothing written: dry runs and the blast radius use it.
     */
    plan: planUpdate,

    /**
     * Applies a change if the caller saw the current revision (`expected`, from If-Match):
     * PATCH replaces the given top-level fields, PUT (`replace`) all of them.
     */
    update(actor: Principal, id: string, expected: number | 'any' | null, patch: ProfilePatch, replace = false): Profile {
      return store.transaction(() => {
        const { before, after } = planUpdate(id, expected, patch, replace);
        store.profiles.update(after);
        audit(ctx, actor, 'profile.update', { type: 'profile', id }, before, after);
        // A settings change is a new config for every device under the profile: their config
        // revision moves ahead of what they applied until they fetch and report it (issue P5 §6).
        if (JSON.stringify([before.parentId, before.settings]) !== JSON.stringify([after.parentId, after.settings])) {
          store.devices.bumpConfigRevision(withDescendants(id), after.updatedAt);
        }
        return after;
      });
    },

    remove(actor: Principal, id: string, expected: number | 'any' | null): void {
      store.transaction(() => {
        const before = mustGet(id);
        checkRevision(before, expected);
        if (store.profiles.children(id) > 0 || store.devices.usingProfile(id) > 0) {
          throw appError('CONFLICT', `profile ${id} is still a parent or used by devices`);
        }
        store.profiles.delete(id);
        audit(ctx, actor, 'profile.delete', { type: 'profile', id }, before, null);
      });
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
