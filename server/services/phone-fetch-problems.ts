import { refusalWords, type FetchProblem } from '../domain/phone-refusal.ts';
import type { PhoneLogEvent } from './phone-answers.ts';

/** Devices remembered at most; the oldest entry goes first (a phone retries within minutes). */
const MAX_DEVICES = 50_000;

/**
 * The last failed fetch of each known phone, in memory, for its status (issue P5 §6). Kept out of
 * the database on purpose: refusals must write nothing (E911-SECURITY §2.5 item 4), and a phone
 * that keeps failing shows up again on its next try after a restart. A served file clears it.
 */
export function createPhoneFetchProblems(now: () => Date) {
  const problems = new Map<string, FetchProblem>();
  return {
    /** Takes one phone pipeline answer (its log event). */
    observe(event: PhoneLogEvent): void {
      if (event.mac === undefined) return;
      if (event.outcome === 'served') {
        problems.delete(event.mac);
        return;
      }
      const reason = refusalWords(event.reason);
      if (reason === null) return;
      problems.delete(event.mac);
      if (problems.size >= MAX_DEVICES) {
        const oldest = problems.keys().next().value;
        if (oldest !== undefined) problems.delete(oldest);
      }
      problems.set(event.mac, { reason, file: event.file, at: now().toISOString() });
    },
    /** A render that threw for a device's file (the phone gets no file). */
    renderFailed(mac: string, file: string, message: string): void {
      problems.delete(mac);
      problems.set(mac, { reason: `render error: ${message}`, file, at: now().toISOString() });
    },
    of: (mac: string): FetchProblem | null => problems.get(mac) ?? null,
  };
}

export type PhoneFetchProblems = ReturnType<typeof createPhoneFetchProblems>;
