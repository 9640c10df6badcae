/** One recorded admin write (DESIGN.md "audit event"). */
export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string;
  /** `<entity>.<verb>`, e.g. `device.create`, `extension.secret.reveal`. */
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export type NewAuditEvent = Omit<AuditEvent, 'seq'>;

const SECRET_KEYS = new Set(['secret', 'password', 'token', 'agentTokenHash', 'hash', 'tokenHash']);
export const MASK = '***';

/** A deep copy with every secret-bearing key replaced by MASK, for before/after snapshots. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && v != null ? MASK : maskSecrets(v)]),
    );
  }
  return value;
}
