import type { CivicAddress } from './civic-address.ts';
import type { LldpId } from './network-map.ts';
import type { SipContact } from './sip-contact.ts';

/**
 * The location a switch announces in LLDP-MED (ANSI/TIA-1057 Location Identification TLV), with
 * civic fields already named as in RFC 5139 (the agent maps lldpd's CAtype names).
 */
export type MedLocation =
  | { format: 'civic'; civic: Partial<CivicAddress> }
  | { format: 'elin'; elin: string }
  | { format: 'coordinates'; latitude: string; longitude: string };

/** What LLDP tells the device about the switch port it is plugged into. */
export interface LldpEvidence {
  chassisId: LldpId;
  portId: LldpId;
  sysName?: string;
  portDescription?: string;
  medLocation?: MedLocation;
}

/** Network evidence of one report (CONTRACT.md `POST /api/v1/agent/reports` `network`). */
export interface NetworkEvidence {
  /** `<address>/<prefix>`. */
  ip?: string;
  gateway?: string;
  gatewayMac?: string;
  bssid?: string;
  lldp?: LldpEvidence;
}

/** SIP registration state as the agent saw it. */
export interface SipState {
  registered: boolean;
  registrar?: string;
  lastError?: string;
}

/**
 * A call the device placed, so the server can tell the people who must know of an emergency call
 * (Kari's Law, 47 CFR 9.16; services/emergency-notify.ts). Reported once, in the report about the call.
 */
export interface CallEvidence {
  /** The number as dialled; a SIP URI's user part counts (domain/emergency-call.ts). */
  dialled: string;
  /** When the call was placed (ISO 8601); the report's `at` when absent. */
  at?: string;
  /** The phone's call id, where it has one: one notification per call id. */
  callId?: string;
}

/** One agent report: the body of `POST /api/v1/agent/reports`. Shared by agent and server. */
export interface AgentReport {
  /** Idempotency key: a replayed report with the same id is accepted once. */
  id: string;
  /** ISO 8601 time the agent made the report. */
  at: string;
  /** The device the agent believes it runs for; the server refuses a report whose MAC is not the token's device. */
  mac?: string;
  firmware?: string;
  configRevision?: string;
  sip?: SipState;
  network?: NetworkEvidence;
  /** An outgoing call placed since the last report. */
  call?: CallEvidence;
  /** Where the phone's SIP user agent listens (domain/sip-contact.ts); check-sync prefers it. */
  sipContact?: SipContact;
}
