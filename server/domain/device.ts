import { appError } from '../errors.ts';

/**
 * Device life cycle (DESIGN.md): a phone seen asking for its files is `discovered` (or
 * `awaiting-claim` when it asked from a site's network); an admin or installer binds it
 * (`provisioned`); `retired` devices keep their history but get no lines.
 */
export const DEVICE_STATES = ['discovered', 'awaiting-claim', 'provisioned', 'retired'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

const NEXT: Record<DeviceState, readonly DeviceState[]> = {
  discovered: ['awaiting-claim', 'provisioned', 'retired'],
  'awaiting-claim': ['provisioned', 'retired'],
  provisioned: ['retired'],
  retired: ['provisioned'],
};

export function checkTransition(from: DeviceState, to: DeviceState): void {
  if (from !== to && !NEXT[from].includes(to)) {
    throw appError('RULE_VIOLATION', `a ${from} device cannot become ${to}`, { field: 'state' });
  }
}

export type BindingKind = 'user' | 'standalone';

export interface Binding {
  kind: BindingKind;
  /** Set for user devices. */
  userId: string | null;
  extensionNumber: number;
}

/** What an unbinding took away, kept so `restore` can put it back. */
export interface RestorableBinding extends Binding {
  /** The config revision the device had when unbound. */
  configRevision: number;
  /** Why: `unlicensed`, `user-deleted`. */
  reason: string;
}

export interface LastSeen {
  at: string;
  ip: string | null;
  userAgent: string | null;
  firmware: string | null;
  file: string | null;
  servedRevision: number | null;
}

export interface Device {
  id: string;
  /** Canonical 12 lowercase hex. */
  mac: string;
  /** Catalogue id `<vendor>/<model>`. */
  model: string;
  siteId: string | null;
  profileId: string | null;
  label: string | null;
  state: DeviceState;
  binding: Binding | null;
  restorable: RestorableBinding | null;
  restoreUntil: string | null;
  /** Bumped whenever anything that changes the device's rendered config changes. */
  configRevision: number;
  agentTokenHash: string | null;
  lastSeen: LastSeen | null;
  createdAt: string;
  updatedAt: string;
}
