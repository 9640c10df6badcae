import type { EmergencyNotice } from '../domain/emergency-call.ts';

/**
 * One way of telling a notification target (a location's `notifyTargets[]` entry) that an
 * emergency call was made. Webhooks are built in; email (`mailto:`), SMS (`tel:`) or SIP MESSAGE
 * (`sip:`) channels plug in the same way (ServiceDeps.emergency.channels).
 */
export interface NotifyChannel {
  /** Whether this channel delivers to the target (by its URI scheme). */
  accepts(target: string): boolean;
  /**
   * Delivers one notice. Resolves when the target took it; rejects with a message that names no
   * secret (the target's URL may hold one) when it did not. Must stop when `signal` aborts.
   */
  send(target: string, notice: EmergencyNotice, signal: AbortSignal): Promise<void>;
}

/**
 * `http://` and `https://` targets: POST of the notice as JSON. The notice id goes in
 * `Idempotency-Key`, so a receiver that got a delivery whose answer was lost can drop the retry.
 * Redirects are not followed: a 3xx is a failure the admin must fix, not a hop for the notice.
 */
export function webhookChannel(userAgent = 'deskprov'): NotifyChannel {
  return {
    accepts: (target) => /^https?:\/\//i.test(target),
    async send(target, notice, signal) {
      let res: Response;
      try {
        res = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': notice.id, 'user-agent': userAgent },
          body: JSON.stringify(notice),
          redirect: 'manual',
          signal,
        });
      } catch (err) {
        // fetch's own errors name the URL; say only what happened.
        throw new Error(signal.aborted ? 'no answer within the time limit' : `cannot reach the target (${causeCode(err)})`);
      }
      // The body is not needed; reading it frees the connection.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) throw new Error(`the target answered HTTP ${res.status}`);
    },
  };
}

function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
