import type { NetworkEvidence } from './e911-evidence.ts';
import type { MatchedBy } from './e911-resolution.ts';

/**
 * Where a piece of location evidence came from: the device's agent (LLDP, Wi-Fi, interface), a
 * switch the server polled over SNMP, or the source address of the device's own requests.
 */
export type EvidenceSource = 'agent' | 'snmp' | 'request';

export const EVIDENCE_SOURCES: readonly EvidenceSource[] = ['agent', 'snmp', 'request'];

/** One observation, kept with its source and time so the freshest can win. */
export interface EvidencePiece {
  source: EvidenceSource;
  /** ISO time the server observed it. */
  at: string;
  /** What produced it within the source: a switch id for SNMP, the transport for requests. */
  origin?: string;
  network: NetworkEvidence;
}

/** Which piece supplied a field of the merged evidence. */
export interface EvidenceUse {
  source: EvidenceSource;
  at: string;
  origin?: string;
}

export interface MergedEvidence {
  network: NetworkEvidence;
  used: { bssid?: EvidenceUse; lldp?: EvidenceUse; ip?: EvidenceUse };
}

/**
 * Among pieces of equal age the harder-to-spoof source wins: a switch's forwarding table cannot be
 * forged by the phone, the agent runs beside it, a request address may be NATed or relayed.
 */
const STRENGTH: Record<EvidenceSource, number> = { snmp: 3, agent: 2, request: 1 };

type Field = 'bssid' | 'lldp' | 'ip';

function better(a: { piece: EvidencePiece; t: number }, b: { piece: EvidencePiece; t: number } | undefined): boolean {
  if (b === undefined) return true;
  if (a.t !== b.t) return a.t > b.t;
  return STRENGTH[a.piece.source] > STRENGTH[b.piece.source];
}

/**
 * Merges evidence from every source into the one shape resolution reads (P5's resolveLocation),
 * field by field: for each of BSSID, LLDP switch port and IP address the freshest piece wins
 * (ties go to the stronger source); pieces older than their source's maximum age, or with an
 * unreadable time, are left out. Resolution then takes the strongest kind in Teams' order, so the
 * result is "freshest within a kind, strongest across kinds".
 */
export function mergeEvidence(
  pieces: readonly EvidencePiece[],
  now: Date,
  maxAgeMs: Partial<Record<EvidenceSource, number>> = {},
): MergedEvidence {
  const best: Partial<Record<Field, { piece: EvidencePiece; t: number }>> = {};
  for (const piece of pieces) {
    const t = Date.parse(piece.at);
    if (Number.isNaN(t)) continue;
    const limit = maxAgeMs[piece.source];
    if (limit !== undefined && now.getTime() - t > limit) continue;
    const candidate = { piece, t };
    for (const field of ['bssid', 'lldp', 'ip'] as const) {
      if (piece.network[field] === undefined) continue;
      if (better(candidate, best[field])) best[field] = candidate;
    }
  }
  const network: NetworkEvidence = {};
  const used: MergedEvidence['used'] = {};
  for (const field of ['bssid', 'lldp', 'ip'] as const) {
    const hit = best[field];
    if (hit === undefined) continue;
    const { source, at, origin } = hit.piece;
    used[field] = origin === undefined ? { source, at } : { source, at, origin };
    if (field === 'lldp') network.lldp = hit.piece.network.lldp!;
    else network[field] = hit.piece.network[field]!;
  }
  // The agent's gateway facts travel with its IP address.
  if (used.ip?.source === 'agent') {
    const agentIp = best.ip!.piece.network;
    if (agentIp.gateway !== undefined) network.gateway = agentIp.gateway;
    if (agentIp.gatewayMac !== undefined) network.gatewayMac = agentIp.gatewayMac;
  }
  return { network, used };
}

/** The piece that located the device, given how resolution matched; null for non-network matches. */
export function locatedBy(merged: MergedEvidence, matchedBy: MatchedBy | null): EvidenceUse | null {
  switch (matchedBy) {
    case 'bssid':
      return merged.used.bssid ?? null;
    case 'switchPort':
    case 'switch':
      return merged.used.lldp ?? null;
    case 'subnet':
      return merged.used.ip ?? null;
    default:
      return null;
  }
}
