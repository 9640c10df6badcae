import type { Principal } from '../domain/roles.ts';
import { formatDiff, lineDiff } from '../domain/line-diff.ts';
import { parseMac } from '../domain/mac-address.ts';
import { appError } from '../errors.ts';
import { hasMacPlaceholder, renderFileName } from '../provisioning/file-pattern.ts';
import { renderFile } from '../provisioning/render.ts';
import { eventKeyFor } from '../provisioning/event-key.ts';
import { resolveSettings } from '../provisioning/resolve-settings.ts';
import type { Catalog, ModelFile } from '../provisioning/types.ts';
import { maskSecrets } from '../provisioning/withhold-secrets.ts';
import { strongEtag } from '../provisioning/content-etag.ts';
import type { HttpCredentials, PhoneReadRepo } from '../store/phone-read-repo.ts';
import type { Store } from '../store/repositories.ts';
import type { Device } from '../domain/device.ts';
import type { PhoneReads } from './phone-reads.ts';

/**
 * What admins see of a device's files (P2 item 7): the list the phone will fetch, each file as it
 * renders now with secrets masked, the real bytes for a super-admin (audited), and the change
 * since the bytes last served. Renders exactly as the phone pipeline does.
 */

export interface PreviewDeps {
  store: Store;
  catalog: Catalog;
  phoneRepo: PhoneReadRepo;
  reads: PhoneReads;
  credentialsFor: (device: Device) => HttpCredentials;
  publicUrl: () => string;
  now: () => number;
  /** Writes pending "served" records so a diff sees the last fetch. */
  flush: () => void;
  claimWindowMs: number;
}

/** Where the device stands in trust on first use (docs/SECURITY.md), never the secret. */
export interface ClaimView {
  username: string;
  /** When the credentials were first served in a config; null while not yet claimed. */
  handedOutAt: string | null;
  /** Until then the phone may fetch without credentials (when not yet claimed). */
  claimOpenUntil: string;
}

export interface FileSummary {
  name: string;
  kind: ModelFile['kind'];
  secrets: boolean;
  perDevice: boolean;
  contentType: string;
  size: number;
  etag: string;
  served: { at: string; etag: string; transport: string } | null;
  /** True when the phone would get different bytes than it was last served. */
  changedSinceServed: boolean | null;
}

export function createDeviceFilePreview(deps: PreviewDeps) {
  const { store, catalog, reads } = deps;

  function deviceOf(macText: string): Device {
    const mac = parseMac(macText);
    const device = store.devices.getByMac(mac);
    if (device === undefined) throw appError('NOT_FOUND', `device ${mac} does not exist`);
    return device;
  }

  /** Every file of the device's model rendered now; `reveal` keeps secrets. */
  function renderAll(device: Device, reveal: boolean) {
    const model = catalog.get(device.model);
    const site = device.siteId === null ? undefined : store.sites.get(device.siteId);
    if (model === undefined || site === undefined) return [];
    const creds = deps.credentialsFor(device);
    const publicUrl = deps.publicUrl();
    const full = resolveSettings({
      model,
      mac: device.mac,
      site,
      profileChain: reads.profileChainOf(device.profileId),
      lines: reads.linesOf(device),
      publicUrl,
      credentials: { username: creds.username, password: creds.secret },
      // As the phone gets it (services/phone-files.ts); masking hides the key in previews.
      eventKey: eventKeyFor(device.mac, creds.secret),
      configRevision: device.configRevision,
    });
    const own = reveal ? full : maskSecrets(full);
    const shared = resolveSettings({ model, site, profileChain: [], lines: { kind: 'none' }, publicUrl });
    const referenceYear = new Date(deps.now()).getUTCFullYear();
    return model.files.map((file) => {
      const perDevice = hasMacPlaceholder(file.name);
      const directory = file.kind === 'directory' ? reads.directoryOf(site.id) : undefined;
      const rendered = renderFile({
        model,
        file,
        settings: perDevice ? own : shared,
        referenceYear,
        ...(perDevice ? { mac: device.mac } : {}),
        ...(directory === undefined ? {} : { directory }),
      });
      return { file, perDevice, name: renderFileName(file.name, model.modelToken, device.mac), rendered };
    });
  }

  function findFile(device: Device, name: string, reveal: boolean) {
    const found = renderAll(device, reveal).find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (found === undefined) throw appError('NOT_FOUND', `device ${device.mac} does not fetch a file named ${name}`);
    return found;
  }

  return {
    list(macText: string): { mac: string; model: string; claim: ClaimView; files: FileSummary[] } {
      deps.flush();
      const device = deviceOf(macText);
      const creds = deps.credentialsFor(device);
      const claim: ClaimView = {
        username: creds.username,
        handedOutAt: creds.handedOutAt,
        claimOpenUntil: creds.claimOpenUntil ?? new Date(Date.parse(device.updatedAt) + deps.claimWindowMs).toISOString(),
      };
      const files = renderAll(device, false).map(({ file, perDevice, name, rendered }) => {
        const served = perDevice ? deps.phoneRepo.lastServed(device.id, name) : undefined;
        return {
          name,
          kind: file.kind,
          secrets: file.secrets,
          perDevice,
          contentType: rendered.contentType,
          size: rendered.body.length,
          etag: strongEtag(rendered.body),
          served: served === undefined ? null : { at: served.at, etag: served.etag, transport: served.transport },
          changedSinceServed: served === undefined ? null : !served.maskedBody.equals(rendered.body),
        };
      });
      return { mac: device.mac, model: device.model, claim, files };
    },

    /** The file as the phone would get it now; secrets masked unless a super-admin reveals (audited). */
    file(actor: Principal, macText: string, name: string, reveal: boolean): { name: string; contentType: string; body: Buffer } {
      if (reveal && actor.role !== 'super-admin') throw appError('FORBIDDEN', 'only a super-admin may reveal secrets');
      const device = deviceOf(macText);
      const found = findFile(device, name, reveal);
      if (reveal) {
        store.audit.append({
          at: new Date(deps.now()).toISOString(),
          actorId: actor.tokenId,
          actorName: actor.name,
          action: 'device.file.reveal',
          entityType: 'device',
          entityId: device.mac,
          before: null,
          after: { file: found.name },
        });
      }
      return { name: found.name, contentType: found.rendered.contentType, body: found.rendered.body };
    },

    /** What changes for the phone since the bytes last served, both sides masked. */
    diffServed(macText: string, name: string): { name: string; served: { at: string; etag: string } | null; changed: boolean; diff: string } {
      deps.flush();
      const device = deviceOf(macText);
      const found = findFile(device, name, false);
      const served = deps.phoneRepo.lastServed(device.id, found.name);
      const now = found.rendered.body.toString('utf8');
      const before = served?.maskedBody.toString('utf8') ?? '';
      return {
        name: found.name,
        served: served === undefined ? null : { at: served.at, etag: served.etag },
        changed: before !== now,
        diff: formatDiff(lineDiff(before, now)),
      };
    },
  };
}

export type DeviceFilePreview = ReturnType<typeof createDeviceFilePreview>;
