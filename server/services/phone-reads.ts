import type { Device } from '../domain/device.ts';
import type { Site } from '../domain/site.ts';
import type { LineSource } from '../provisioning/resolve-settings.ts';
import type { DirectoryEntry, ProfileSettings } from '../provisioning/types.ts';
import type { Store } from '../store/repositories.ts';

/**
 * The reads the phone pipeline and the admin preview share, over the core repositories: a
 * device's profile chain, its lines, its site's directory. Read-only.
 */

const ALL = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };

/** `sites` lists every site; the phone repository's prepared read when given, else the core listing. */
export function createPhoneReads(store: Store, sites: () => Site[] = () => store.sites.list(ALL).items) {
  return {
    sites,

    /** The profile and its ancestors, root first; stops at a missing profile or a cycle. */
    profileChainOf(profileId: string | null): ProfileSettings[] {
      const chain: ProfileSettings[] = [];
      const seen = new Set<string>();
      let id = profileId;
      while (id !== null && !seen.has(id)) {
        seen.add(id);
        const profile = store.profiles.get(id);
        if (profile === undefined) break;
        chain.unshift(profile.settings);
        id = profile.parentId;
      }
      return chain;
    },

    /** User device: the user's extension; standalone: its own; unbound or retired: no line. */
    linesOf(device: Device): LineSource {
      const binding = device.state === 'provisioned' ? device.binding : null;
      if (binding === null) return { kind: 'none' };
      const ext = store.extensions.get(binding.extensionNumber);
      if (ext === undefined) return { kind: 'none' };
      const line = { number: ext.number, authUser: ext.authUser, secret: ext.secret, displayName: ext.displayName };
      return binding.kind === 'user' ? { kind: 'user', extension: line } : { kind: 'standalone', extension: line, label: device.label };
    },

    /** The site's users and their extensions, sorted by name (the company directory). */
    directoryOf(siteId: string | null): DirectoryEntry[] {
      if (siteId === null) return [];
      return store.users
        .list({ siteId }, ALL)
        .items.map((user) => ({ name: user.name, extension: String(user.extensionNumber) }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.extension.localeCompare(b.extension));
    },
  };
}

export type PhoneReads = ReturnType<typeof createPhoneReads>;
