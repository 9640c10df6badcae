import type { Alert } from './e911-alerts.ts';
import type { LldpEvidence } from './e911-evidence.ts';
import { normaliseLldpId, type NetworkMapEntry } from './network-map.ts';

/**
 * A phone on a port the network map does not place, of a switch whose ports it does place: the
 * phone was moved (or a desk was never mapped). Resolution falls back to the switch, subnet or
 * site default, which is not the desk; the alert stays until a location is mapped to that port
 * (Cisco Emergency Responder lists such phones as "unlocated"). Switches mapped only as a whole
 * raise nothing: there the whole switch is one location.
 */
export function unmappedPortAlert(lldp: LldpEvidence | undefined, entries: readonly NetworkMapEntry[]): Alert | null {
  if (lldp === undefined) return null;
  const chassis = normaliseLldpId(lldp.chassisId.value, lldp.chassisId.type).value;
  const port = normaliseLldpId(lldp.portId.value, lldp.portId.type).value;
  const ports = entries.filter((e) => e.kind === 'switchPort' && e.chassisId?.value === chassis);
  if (ports.length === 0 || ports.some((e) => e.portId === port)) return null;
  return {
    code: 'PORT_UNMAPPED',
    severity: 'alert',
    message: `The phone is on port ${port} of switch ${chassis}, which the network map does not place; map that port to the desk's location.`,
  };
}
