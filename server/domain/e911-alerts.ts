import { civicDifferences, type CivicAddress } from './civic-address.ts';
import type { MedLocation } from './e911-evidence.ts';
import type { Resolution } from './e911-resolution.ts';
import type { SwitchAlertCode } from './switch-alerts.ts';

/** Registration state of an emergency location with the 911 provider. */
export type LocationStatus = 'pending' | 'registered' | 'failed';

export type AlertCode =
  | 'NO_REGISTERED_LOCATION'
  | 'LOCATION_UNRESOLVED'
  | 'STALE_EVIDENCE'
  | 'LLDP_MED_MISMATCH'
  /** Raised by agentless location (domain/switch-port-alerts.ts). */
  | 'PORT_UNMAPPED'
  /** An emergency call's notification reached not every target (services/emergency-notify.ts). */
  | 'EMERGENCY_NOTIFY_FAILED'
  /** A switch's last poll failed (domain/switch-alerts.ts). */
  | SwitchAlertCode;

/** An alert needs action before a 911 call goes wrong; a warning is worth a look. */
export interface Alert {
  code: AlertCode;
  severity: 'alert' | 'warning';
  message: string;
}

/** Everything the alert rules look at, for one device. */
export interface AlertInput {
  /** SIP registration state last reported; null when never reported. */
  sipRegistered: boolean | null;
  resolution: Resolution;
  /** The resolved location, when there is one. */
  location: { name: string; status: LocationStatus; civic: CivicAddress } | null;
  /** When the last network evidence arrived (ISO time); null when never. */
  lastEvidenceAt: string | null;
  now: Date;
  /** Evidence older than this is stale (e.g. three missed heartbeats). */
  staleAfterMs: number;
  /** The location the switch announced, if any. */
  medLocation?: MedLocation;
}

/**
 * Alert rules (DESIGN.md "E911"): a phone that can place calls (SIP registered) must resolve to a
 * location registered for 911, else a 911 call lands at a national call centre; stale evidence
 * means the location may be wrong; a switch announcing a different civic address than the map
 * is a warning (one of the two is out of date).
 */
export function deviceAlerts(input: AlertInput): Alert[] {
  const alerts: Alert[] = [];
  const { location, resolution } = input;
  if (input.sipRegistered === true && (location === null || location.status !== 'registered')) {
    const why =
      location === null
        ? 'it resolves to no emergency location'
        : `its location "${location.name}" is ${location.status}, not registered`;
    alerts.push({
      code: 'NO_REGISTERED_LOCATION',
      severity: 'alert',
      message: `The phone is registered and can dial 911, but ${why}.`,
    });
  }
  if (resolution.matchedBy === 'siteDefault') {
    alerts.push({
      code: 'LOCATION_UNRESOLVED',
      severity: 'alert',
      message: 'No network map entry or assignment matches this phone; it uses the site default location.',
    });
  }
  if (input.lastEvidenceAt !== null) {
    const age = input.now.getTime() - Date.parse(input.lastEvidenceAt);
    if (age > input.staleAfterMs) {
      alerts.push({
        code: 'STALE_EVIDENCE',
        severity: 'alert',
        message: `No network evidence for ${Math.round(age / 1000)} s; the phone may have moved.`,
      });
    }
  }
  const med = input.medLocation;
  if (med?.format === 'civic' && location !== null) {
    const diffs = civicDifferences(med.civic, location.civic);
    if (diffs.length > 0) {
      const list = diffs.map((d) => `${d.field} "${d.reported}" vs "${d.mapped}"`).join(', ');
      alerts.push({
        code: 'LLDP_MED_MISMATCH',
        severity: 'warning',
        message: `The switch announces a civic address that differs from "${location.name}": ${list}.`,
      });
    }
  }
  return alerts;
}
