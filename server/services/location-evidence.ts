import type { Device } from '../domain/device.ts';
import type { NetworkEvidence } from '../domain/e911-evidence.ts';
import { resolutionChanged, resolveLocation, type Resolution } from '../domain/e911-resolution.ts';
import {
  locatedBy,
  mergeEvidence,
  type EvidencePiece,
  type EvidenceSource,
  type EvidenceUse,
  type MergedEvidence,
} from '../domain/location-evidence.ts';
import type { NetworkMapEntry } from '../domain/network-map.ts';
import type { Principal } from '../domain/roles.ts';
import type { Alert } from '../domain/e911-alerts.ts';
import { unmappedPortAlert } from '../domain/switch-port-alerts.ts';
import type { DeviceE911State, E911Repository } from '../store/e911-repo.ts';
import type { SwitchRepository } from '../store/switch-repo.ts';
import { createNetworkMapCache } from '../location/network-map-cache.ts';
import { audit, type ServiceContext } from './context.ts';

/**
 * How long a piece of evidence counts. SNMP sightings are refreshed by every poll, so an hour
 * without one means the switch stopped answering; a request address counts for a week, since
 * phones fetch their config at boot and rarely otherwise. The agent's own evidence has no limit
 * here: P5 raises STALE_EVIDENCE for it instead.
 */
export const DEFAULT_EVIDENCE_MAX_AGE_MS: Partial<Record<EvidenceSource, number>> = {
  snmp: 3600_000,
  request: 7 * 24 * 3600_000,
};

/** The actor of location changes no person made (audit trail). */
export const LOCATOR: Principal = { tokenId: 'system:location', userId: null, role: 'super-admin', siteId: null, name: 'location evidence' };

/** Every piece of evidence the server holds for one device, agent, SNMP and request. */
export function evidencePieces(device: Device, state: DeviceE911State | undefined, switches: SwitchRepository): EvidencePiece[] {
  const pieces: EvidencePiece[] = [];
  const report = state?.lastReport;
  const agentAt = state?.lastEvidenceAt ?? state?.lastReportAt ?? null;
  if (report?.network !== undefined && agentAt !== null) pieces.push({ source: 'agent', at: agentAt, network: report.network });
  for (const s of switches.sightingsOfDevice(device.id)) {
    pieces.push({ source: 'snmp', at: s.observedAt, origin: s.switchId, network: s.network });
  }
  // The phone pipeline records the source address of the device's last provisioning fetch.
  if (device.lastSeen?.ip != null) {
    pieces.push({ source: 'request', at: device.lastSeen.at, origin: 'fetch', network: { ip: device.lastSeen.ip } });
  }
  for (const r of switches.requestSightingsOfDevice(device.id)) {
    pieces.push({ source: 'request', at: r.observedAt, origin: r.origin, network: { ip: r.ip } });
  }
  return pieces;
}

export interface LocationEvidenceOptions {
  maxAgeMs?: Partial<Record<EvidenceSource, number>>;
}

/**
 * Merges evidence and re-resolves devices when it changes outside an agent report (a switch poll,
 * a provisioning fetch from another subnet): a changed resolution is stored and audited as
 * `device.location`, the same event an agent report writes.
 */
export function createLocationEvidence(ctx: ServiceContext, e911: E911Repository, switches: SwitchRepository, opts: LocationEvidenceOptions = {}) {
  const maxAgeMs = { ...DEFAULT_EVIDENCE_MAX_AGE_MS, ...opts.maxAgeMs };
  const mapCache = createNetworkMapCache();

  const merged = (device: Device, state: DeviceE911State | undefined): MergedEvidence =>
    mergeEvidence(evidencePieces(device, state, switches), ctx.now(), maxAgeMs);

  function resolve(
    device: Device,
    state: DeviceE911State | undefined,
    entries: readonly NetworkMapEntry[] = e911.allMapEntries(),
  ): { resolution: Resolution; merged: MergedEvidence } {
    const m = merged(device, state);
    const siteDefault = device.siteId === null ? undefined : e911.siteDefault(device.siteId);
    const resolution = resolveLocation(m.network, mapCache.compiled(entries), {
      assignedLocationId: state?.assignedLocationId ?? null,
      siteDefaultLocationId: siteDefault?.id ?? null,
    });
    return { resolution, merged: m };
  }

  return {
    /** How long each source's evidence counts (the sweep looks for evidence that just aged out). */
    maxAgeMs,

    /** True when the device's agent has reported network evidence. */
    hasAgentEvidence: (deviceId: string): boolean => e911.getDeviceState(deviceId)?.lastReport?.network !== undefined,

    /** The network map, for callers re-resolving many devices at once. */
    mapEntries: (): NetworkMapEntry[] => e911.allMapEntries(),

    /** The merged network evidence resolution reads (handed to the E911 service). */
    networkFor: (device: Device, state: DeviceE911State): NetworkEvidence => merged(device, state).network,

    /** Alerts from merged evidence that P5's rules do not see: a phone on an unmapped port. */
    alertsFor(device: Device, state: DeviceE911State, entries: readonly NetworkMapEntry[] = e911.allMapEntries()): Alert[] {
      const alert = unmappedPortAlert(merged(device, state).network.lldp, entries);
      return alert === null ? [] : [alert];
    },

    /** The piece that placed the device under this resolution (shown in its status). */
    locatedByFor: (device: Device, state: DeviceE911State, resolution: Resolution): EvidenceUse | null =>
      locatedBy(merged(device, state), resolution.matchedBy),

    /** Every piece, the merged result, the resolution and which piece located the device. */
    explain(device: Device) {
      const state = e911.getDeviceState(device.id);
      const { resolution, merged: m } = resolve(device, state);
      return {
        pieces: evidencePieces(device, state, switches),
        merged: m.network,
        resolution,
        locatedBy: locatedBy(m, resolution.matchedBy) as EvidenceUse | null,
      };
    },

    /**
     * Re-resolves one device; stores and audits the resolution when it changed. Call inside the
     * transaction that changed its evidence. Returns true when it changed. A caller re-resolving
     * many devices passes the map entries, read once.
     */
    relocate(device: Device, entries?: readonly NetworkMapEntry[]): boolean {
      const before = e911.getDeviceState(device.id);
      const { resolution, merged: m } = resolve(device, before, entries);
      if (before !== undefined && !resolutionChanged(before.resolution, resolution)) return false;
      // A device nobody has seen and nothing places stays without a state row.
      if (before === undefined && resolution.locationId === null) return false;
      const at = ctx.now().toISOString();
      const by = locatedBy(m, resolution.matchedBy);
      audit(ctx, LOCATOR, 'device.location', { type: 'device', id: device.mac }, before?.resolution ?? null, { ...resolution, locatedBy: by });
      e911.putDeviceState({
        deviceId: device.id,
        assignedLocationId: before?.assignedLocationId ?? null,
        lastReport: before?.lastReport ?? null,
        lastReportAt: before?.lastReportAt ?? null,
        lastEvidenceAt: before?.lastEvidenceAt ?? null,
        resolution,
        updatedAt: at,
      });
      return true;
    },
  };
}

export type LocationEvidence = ReturnType<typeof createLocationEvidence>;
