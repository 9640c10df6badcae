import { compareVersions, nextHop, type FirmwareHop } from './firmware-version.ts';
import type { RingRule } from './firmware-rings.ts';

/**
 * The rollout state machine (docs/FIRMWARE.md): rings open one after another, each once the ring
 * before it has every device at the target and the soak time has passed; devices that took a new
 * release and did not come back, or came back unregistered too often, halt the rollout. Pure:
 * facts and `now` in, the next state and the decisions taken out (each becomes an audit event).
 */

export type RolloutStatus = 'active' | 'halted' | 'completed';

export interface HaltRule {
  /** A device offered a release must be seen running it within this many minutes. */
  noReturnMinutes: number;
  /** Share (0..1) of upgraded devices reporting SIP unregistered above which the rollout halts. */
  maxRegistrationLossRate: number;
  /**
   * A device not seen for this long, and not offered anything, stops holding its ring open (an
   * unplugged phone would otherwise stall the rollout forever). Absent: every device must finish.
   */
  absentAfterMinutes?: number;
}

export interface RolloutPlan {
  rings: readonly RingRule[];
  /** Every release to walk, oldest first; the last is the target. */
  path: readonly FirmwareHop[];
  soakMinutes: number;
  halt: HaltRule;
  /** What halted rings are pointed at instead; null: no firmware in their config (they keep what they run). */
  revert: FirmwareHop | null;
}

export interface RolloutState {
  status: RolloutStatus;
  /** Index of the newest open ring: rings 0..ring are open. */
  ring: number;
  ringStartedAt: string;
  /** When every device of the open ring reached the target (the soak starts), else null. */
  ringCompletedAt: string | null;
  haltReason: string | null;
}

/** What the server knows of one device in the rollout. */
export interface DeviceFacts {
  deviceId: string;
  ring: number;
  /** The release it last said it runs (User-Agent or agent report); null when never told. */
  version: string | null;
  /** The release its config first pointed it at (and when), while it has not installed it. */
  offered: { version: string; at: string } | null;
  /** SIP registration from the newest agent report; null when unknown. */
  registered: boolean | null;
  /** Newest fetch or report; null when never seen. */
  lastSeenAt?: string | null;
}

export type DeviceProgressState = 'waiting' | 'absent' | 'offered' | 'no-return' | 'upgraded' | 'done';

export type RolloutDecision =
  | { action: 'rollout.ring-completed'; ring: number }
  | { action: 'rollout.ring-started'; ring: number }
  | { action: 'rollout.completed' }
  | { action: 'rollout.halted'; ring: number; reason: string; devices: string[] };

const MINUTE = 60_000;

export function target(plan: RolloutPlan): FirmwareHop {
  const last = plan.path[plan.path.length - 1];
  if (last === undefined) throw new Error('a rollout plan needs a target');
  return last;
}

/** One device's progress: at the target, upgraded past a hop, waiting for a hop, or gone. */
export function deviceProgress(plan: RolloutPlan, device: DeviceFacts, now: Date): DeviceProgressState {
  if (device.version !== null && compareVersions(device.version, target(plan).version) >= 0) return 'done';
  if (device.offered === null) {
    const limit = plan.halt.absentAfterMinutes;
    if (limit === undefined) return 'waiting';
    const seen = device.lastSeenAt == null ? Number.NEGATIVE_INFINITY : Date.parse(device.lastSeenAt);
    return now.getTime() - seen >= limit * MINUTE ? 'absent' : 'waiting';
  }
  if (device.version !== null && compareVersions(device.version, device.offered.version) >= 0) return 'upgraded';
  const waited = now.getTime() - Date.parse(device.offered.at);
  return waited >= plan.halt.noReturnMinutes * MINUTE ? 'no-return' : 'offered';
}

/** A device is "upgraded" once it runs something newer than before the rollout offered it anything. */
function tookARelease(plan: RolloutPlan, device: DeviceFacts, now: Date): boolean {
  const state = deviceProgress(plan, device, now);
  return state === 'done' || state === 'upgraded';
}

/**
 * The halt rule over the open rings: any device that did not come back, or a registration-loss
 * rate among upgraded devices above the threshold. Null when the rollout may go on.
 */
export function haltCause(plan: RolloutPlan, state: RolloutState, devices: readonly DeviceFacts[], now: Date): { reason: string; devices: string[] } | null {
  const open = devices.filter((d) => d.ring >= 0 && d.ring <= state.ring);
  const gone = open.filter((d) => deviceProgress(plan, d, now) === 'no-return').map((d) => d.deviceId);
  if (gone.length > 0) {
    return { reason: `${gone.length} device(s) did not come back within ${plan.halt.noReturnMinutes} min of being offered a release`, devices: gone };
  }
  const upgraded = open.filter((d) => tookARelease(plan, d, now));
  const lost = upgraded.filter((d) => d.registered === false).map((d) => d.deviceId);
  if (upgraded.length > 0 && lost.length / upgraded.length > plan.halt.maxRegistrationLossRate) {
    return { reason: `${lost.length} of ${upgraded.length} upgraded device(s) lost SIP registration`, devices: lost };
  }
  return null;
}

/**
 * One step: halt if the rule says so, else close the open ring once all its devices are at the
 * target (or absent, when the plan allows it), open the next after the soak, and complete after the last. Halted and completed
 * rollouts stay as they are (resume is an admin decision).
 */
export function stepRollout(
  plan: RolloutPlan,
  state: RolloutState,
  devices: readonly DeviceFacts[],
  now: Date,
): { state: RolloutState; decisions: RolloutDecision[] } {
  if (state.status !== 'active') return { state, decisions: [] };
  const at = now.toISOString();
  const cause = haltCause(plan, state, devices, now);
  if (cause !== null) {
    return {
      state: { ...state, status: 'halted', haltReason: cause.reason },
      decisions: [{ action: 'rollout.halted', ring: state.ring, reason: cause.reason, devices: cause.devices }],
    };
  }
  const decisions: RolloutDecision[] = [];
  let next = state;
  if (next.ringCompletedAt === null) {
    const members = devices.filter((d) => d.ring === next.ring);
    const finished = (state: DeviceProgressState): boolean => state === 'done' || state === 'absent';
    if (members.every((d) => finished(deviceProgress(plan, d, now)))) {
      next = { ...next, ringCompletedAt: at };
      decisions.push({ action: 'rollout.ring-completed', ring: next.ring });
    }
  }
  if (next.ringCompletedAt !== null) {
    const isLast = next.ring >= plan.rings.length - 1;
    if (isLast) {
      next = { ...next, status: 'completed' };
      decisions.push({ action: 'rollout.completed' });
    } else if (now.getTime() - Date.parse(next.ringCompletedAt) >= plan.soakMinutes * MINUTE) {
      next = { ...next, ring: next.ring + 1, ringStartedAt: at, ringCompletedAt: null };
      decisions.push({ action: 'rollout.ring-started', ring: next.ring });
    }
  }
  return { state: next, decisions };
}

/**
 * The release one device's config points at under this rollout, or null for none (the phone keeps
 * what it runs). Open rings inside the window get the next hop from the version the phone runs;
 * halted rings get the revert release; everyone else, and a phone whose version is unknown, none.
 */
export function firmwareChoice(
  plan: RolloutPlan,
  state: RolloutState,
  ring: number,
  current: string | null,
  windowOpen: boolean,
): FirmwareHop | null {
  if (ring < 0 || ring > state.ring) return null;
  if (state.status === 'halted') return plan.revert;
  if (!windowOpen || current === null) return null;
  return nextHop(current, plan.path) ?? null;
}
