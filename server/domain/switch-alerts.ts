import type { Alert } from './e911-alerts.ts';
import type { SwitchPollState } from './switch-inventory.ts';

/** Why a switch poll failed; each names an alert (docs/LOCATION.md "Alerts"). */
export const SWITCH_ALERT_CODES = ['SWITCH_TIMEOUT', 'SWITCH_AUTH_FAILED', 'SWITCH_UNREACHABLE', 'SWITCH_BAD_RESPONSE'] as const;
export type SwitchAlertCode = (typeof SWITCH_ALERT_CODES)[number];

/** A switch with a standing alert, as `GET /api/v1/alerts` and `/switch-alerts` list it. */
export interface SwitchAlerts {
  switchId: string;
  name: string;
  siteId: string | null;
  /** When the current run of failed polls began. */
  since: string;
  alerts: Alert[];
}

const isSwitchAlertCode = (code: string): code is SwitchAlertCode => (SWITCH_ALERT_CODES as readonly string[]).includes(code);

/**
 * The alert a switch raises while its last poll failed, cleared by the next poll that succeeds.
 * A switch that does not answer leaves its phones' SNMP evidence to age out: a location may
 * silently go stale, so it is an alert, not a warning. The poll's own message names the cause
 * and never carries a community or key (services/switches.ts).
 */
export function switchAlerts(sw: { id: string; name: string; siteId: string | null }, state: SwitchPollState | undefined): SwitchAlerts | null {
  if (state?.error == null) return null;
  const code = isSwitchAlertCode(state.error.code) ? state.error.code : 'SWITCH_BAD_RESPONSE';
  return {
    switchId: sw.id,
    name: sw.name,
    siteId: sw.siteId,
    since: state.failingSince ?? state.lastPollAt ?? '',
    alerts: [{ code, severity: 'alert', message: state.error.message }],
  };
}
