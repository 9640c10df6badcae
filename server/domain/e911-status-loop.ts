import type { Alert } from './e911-alerts.ts';

/** One step of a device's closed loop: served → applied → registered → located. */
export interface LoopStep {
  step: 'served' | 'applied' | 'registered' | 'located';
  state: 'ok' | 'pending' | 'failed';
  /** Why the step is not ok, in words an installer can act on. */
  reason: string | null;
}

export interface LoopInput {
  /** What the server last served the phone, if anything. */
  served: { file: string | null; revision: number | null; at?: string } | null;
  /** The phone's last failed fetch, newer than anything served to it (domain/phone-refusal.ts). */
  fetchProblem?: { reason: string; file: string; at: string } | null;
  /** The device's current config revision. */
  configRevision: number;
  /** The revision the phone or its agent said it applied. */
  appliedRevision: string | null;
  sip: { registered: boolean; lastError?: string } | null;
  location: { name: string; status: string } | null;
  alerts: readonly Alert[];
}

/**
 * The closed loop per device (issue P5 §6): each step says ok, pending or failed and why, so an
 * installer sees where a phone is stuck without reading logs.
 */
export function closedLoop(input: LoopInput): LoopStep[] {
  let served: LoopStep;
  const problem = input.fetchProblem ?? null;
  if (problem !== null && (input.served?.at === undefined || problem.at >= input.served.at)) {
    served = { step: 'served', state: 'failed', reason: `${problem.file} was not served: ${problem.reason}` };
  } else if (input.served?.file == null) {
    served = { step: 'served', state: 'pending', reason: 'the phone has not fetched its configuration yet' };
  } else if (input.served.revision !== null && input.served.revision < input.configRevision) {
    served = {
      step: 'served',
      state: 'pending',
      reason: `revision ${input.served.revision} was served; the current one is ${input.configRevision}, which the phone has not fetched yet`,
    };
  } else {
    served = { step: 'served', state: 'ok', reason: null };
  }

  let applied: LoopStep;
  if (input.appliedRevision === null) {
    applied = { step: 'applied', state: 'pending', reason: 'no applied revision reported by the phone or its agent' };
  } else if (input.appliedRevision !== String(input.configRevision)) {
    applied = {
      step: 'applied',
      state: 'pending',
      reason: `the phone applied revision ${input.appliedRevision}; the current one is ${input.configRevision}`,
    };
  } else {
    applied = { step: 'applied', state: 'ok', reason: null };
  }

  let registered: LoopStep;
  if (input.sip === null) {
    registered = { step: 'registered', state: 'pending', reason: 'no SIP registration state reported' };
  } else if (input.sip.registered) {
    registered = { step: 'registered', state: 'ok', reason: null };
  } else {
    registered = { step: 'registered', state: 'failed', reason: input.sip.lastError ?? 'the phone is not registered' };
  }

  let located: LoopStep;
  if (input.location === null) {
    located = { step: 'located', state: 'failed', reason: 'no location match: no network map entry, assignment or site default' };
  } else if (input.location.status !== 'registered') {
    located = { step: 'located', state: 'failed', reason: `location "${input.location.name}" is ${input.location.status}, not registered for 911` };
  } else if (input.alerts.some((a) => a.code === 'LOCATION_UNRESOLVED' || a.code === 'STALE_EVIDENCE')) {
    const alert = input.alerts.find((a) => a.code === 'LOCATION_UNRESOLVED' || a.code === 'STALE_EVIDENCE')!;
    located = { step: 'located', state: 'pending', reason: alert.message };
  } else {
    located = { step: 'located', state: 'ok', reason: null };
  }
  return [served, applied, registered, located];
}
