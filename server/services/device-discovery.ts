import type { Device } from '../domain/device.ts';
import { parseMac } from '../domain/mac-address.ts';
import { addressInNetworks } from '../domain/site.ts';
import type { ServiceContext } from './context.ts';

/** What a phone request tells us about a device we may not know yet. */
export interface DiscoveredInput {
  mac: string;
  modelId: string;
  ip: string | null;
  ua: string | null;
  firmware: string | null;
  now: Date;
}

/**
 * Records a phone seen asking for its files: updates "last seen" of a known device, or adds an
 * unknown one as `discovered` (`awaiting-claim` when it called from a site's network, so the
 * installers of that site see it). Called by the phone pipeline, off the request's hot path.
 */
export function recordDiscovered(ctx: ServiceContext, input: DiscoveredInput): Device {
  const { store } = ctx;
  const mac = parseMac(input.mac);
  const at = input.now.toISOString();
  const lastSeen = {
    at,
    ip: input.ip,
    userAgent: input.ua,
    firmware: input.firmware,
    file: null,
    servedRevision: null,
  };
  return store.transaction(() => {
    const known = store.devices.getByMac(mac);
    if (known !== undefined) {
      // The served file and revision are the phone pipeline's to record; keep them.
      const seen: Device = {
        ...known,
        lastSeen: {
          ...lastSeen,
          file: known.lastSeen?.file ?? null,
          servedRevision: known.lastSeen?.servedRevision ?? null,
        },
      };
      store.devices.update(seen);
      return seen;
    }
    const site =
      input.ip === null
        ? undefined
        : store.sites
            .list({ limit: Number.MAX_SAFE_INTEGER, offset: 0 })
            .items.find((s) => addressInNetworks(input.ip as string, s.networks));
    const device: Device = {
      id: ctx.newId(),
      mac,
      model: input.modelId,
      siteId: site?.id ?? null,
      profileId: null,
      label: null,
      state: site === undefined ? 'discovered' : 'awaiting-claim',
      binding: null,
      restorable: null,
      restoreUntil: null,
      configRevision: 1,
      agentTokenHash: null,
      lastSeen,
      createdAt: at,
      updatedAt: at,
    };
    store.devices.insert(device);
    return device;
  });
}
