import type { Device } from '../domain/device.ts';
import type { Profile } from '../domain/profile.ts';
import type { Site } from '../domain/site.ts';
import {
  noneAffected,
  profileChainFrom,
  sharedFilesChange,
  tallyDevice,
  type Affected,
  type ChainLink,
  type DeviceCase,
} from '../provisioning/blast-radius-core.ts';
import type { ResolveInput } from '../provisioning/resolve-settings.ts';
import type { ModelProfile, ProfileSettings } from '../provisioning/types.ts';
import type { DeviceFilter } from '../store/repositories.ts';
import type { ServiceContext } from './context.ts';
import { createPhoneReads } from './phone-reads.ts';

export type { Affected } from '../provisioning/blast-radius-core.ts';

/**
 * Blast radius of a profile or site edit (P2 item 10): how many devices, of which models, would
 * be served new bytes. Read-only: it renders every device the edit can reach with the stored
 * inputs and with the edited ones and compares the bytes; it never writes or audits.
 *
 * The public URL and the per-device HTTP credentials are the same on both sides of an edit, so a
 * fixed stand-in is rendered for them: they cannot make the two sides differ, and no secret is
 * read for a count.
 */

const ALL = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };
/**
 * Devices compared between two turns of the event loop. Comparing costs about 1.2 ms per device
 * whose settings change (two renders per file); slicing keeps phone fetches served by the same
 * process from waiting behind a large edit.
 */
const SLICE = 100;
const STAND_IN_URL = 'http://deskprov.invalid/';
/** Devices the pipeline serves a device file to (others get the uniform refusal either way). */
const SERVED_STATES = ['provisioned', 'retired'] as const;

export function createBlastRadius(ctx: ServiceContext) {
  const { store, catalog } = ctx;
  const reads = createPhoneReads(store);

  function servedDevices(filter: DeviceFilter): Device[] {
    return SERVED_STATES.flatMap((state) => store.devices.list({ ...filter, state }, ALL).items);
  }

  function resolveInput(device: Device, model: ModelProfile, site: Site, profileChain: ProfileSettings[]): ResolveInput {
    return {
      model,
      mac: device.mac,
      site: { timezone: site.timezone, registrar: site.registrar },
      profileChain,
      lines: reads.linesOf(device),
      publicUrl: STAND_IN_URL,
      credentials: { username: device.mac, password: 'stand-in' },
    };
  }

  const year = (): number => ctx.now().getUTCFullYear();

  async function tally(cases: Iterable<DeviceCase & { device: Device }>, sharedChanged?: (model: ModelProfile) => boolean, changed?: Device[]): Promise<Affected> {
    const out = noneAffected();
    const referenceYear = year();
    let n = 0;
    for (const c of cases) {
      const before = out.total;
      tallyDevice(out, c, referenceYear, sharedChanged);
      if (out.total > before) changed?.push(c.device);
      n += 1;
      if (n % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }

  return {
    /**
     * Devices whose profile chain holds `before` (the profile or a descendant) and would change
     * with `after`; those devices are also pushed onto `changed` when given (check-sync push).
     */
    ofProfileEdit(before: Profile, after: Profile, changed?: Device[]): Promise<Affected> {
      const profiles = new Map(store.profiles.list(ALL).items.map((p) => [p.id, p]));
      const getBefore = (id: string): ChainLink | undefined => profiles.get(id);
      const getAfter = (id: string): ChainLink | undefined => (id === after.id ? after : profiles.get(id));
      // The edited profile and its descendants: children point at it whatever its own parent is.
      const reached = new Set([before.id]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const p of profiles.values()) {
          if (p.parentId !== null && reached.has(p.parentId) && !reached.has(p.id)) {
            reached.add(p.id);
            grew = true;
          }
        }
      }
      const sites = new Map<string, Site | undefined>();
      const siteOf = (id: string): Site | undefined => {
        if (!sites.has(id)) sites.set(id, store.sites.get(id));
        return sites.get(id);
      };
      const devices = servedDevices({});
      function* cases(): Generator<DeviceCase & { device: Device }> {
        for (const device of devices) {
          if (device.profileId === null || !reached.has(device.profileId) || device.siteId === null) continue;
          const model = catalog.get(device.model);
          const site = siteOf(device.siteId);
          if (model === undefined || site === undefined) continue;
          yield {
            device,
            model,
            before: resolveInput(device, model, site, profileChainFrom(device.profileId, getBefore)),
            after: resolveInput(device, model, site, profileChainFrom(device.profileId, getAfter)),
          };
        }
      }
      return tally(cases(), undefined, changed);
    },

    /** Devices of the site whose files (their own or the site's shared ones) would change with `after`; see `changed` above. */
    ofSiteEdit(before: Site, after: Site, changed?: Device[]): Promise<Affected> {
      const devices = servedDevices({ siteId: before.id });
      function* cases(): Generator<DeviceCase & { device: Device }> {
        for (const device of devices) {
          const model = catalog.get(device.model);
          if (model === undefined) continue;
          const chain = reads.profileChainOf(device.profileId);
          yield { device, model, before: resolveInput(device, model, before, chain), after: resolveInput(device, model, after, chain) };
        }
      }
      const shared = new Map<string, boolean>();
      const sharedChanged = (model: ModelProfile): boolean => {
        let changed = shared.get(model.id);
        if (changed === undefined) {
          const side = (site: Site): ResolveInput => ({
            model,
            site: { timezone: site.timezone, registrar: site.registrar },
            profileChain: [],
            lines: { kind: 'none' },
            publicUrl: STAND_IN_URL,
          });
          changed = sharedFilesChange(model, side(before), side(after), year()).changed;
          shared.set(model.id, changed);
        }
        return changed;
      };
      return tally(cases(), sharedChanged, changed);
    },
  };
}

export type BlastRadius = ReturnType<typeof createBlastRadius>;
