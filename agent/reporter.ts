import type { AgentReport } from '../server/domain/e911-evidence.ts';
import type { ReportQueue } from './report-queue.ts';

/** What to do with a queued report after a POST: drop it, park it, or try again later. */
export type Delivery = 'delivered' | 'rejected' | 'retry';

/**
 * 2xx: taken. 409: the server already has this id (a resend after a lost answer), so it is
 * delivered too. 400/413/415/422: the server will never take this body; retrying would block the
 * queue forever, so it is parked. Everything else (401/403 until the token is fixed, 404 on an old
 * server, 408, 429, 5xx) may pass later.
 */
export function classifyStatus(status: number): Delivery {
  if ((status >= 200 && status < 300) || status === 409) return 'delivered';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'rejected';
  return 'retry';
}

/** Sends one report; resolves to the HTTP status, rejects when the server cannot be reached. */
export type PostReport = (report: AgentReport) => Promise<number>;

/** Posts to `POST /api/v1/agent/reports` with the device token (CONTRACT.md "Agent"). */
export function httpPoster(serverUrl: string, token: string, timeoutMs = 10_000): PostReport {
  const url = new URL('/api/v1/agent/reports', serverUrl).toString();
  return async (report) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  };
}

export interface FlushResult {
  delivered: number;
  rejected: number;
  /** True when a report is still waiting because the server was unreachable or said "later". */
  blocked: boolean;
  /** Why it is blocked, for the log (never the token). */
  reason?: string;
}

export interface FlushLog {
  warn(obj: object, msg: string): void;
}

/** Sends queued reports oldest first, stopping at the first one that must wait. */
export async function flushQueue(queue: ReportQueue, post: PostReport, log: FlushLog, limit = 10_000): Promise<FlushResult> {
  const result: FlushResult = { delivered: 0, rejected: 0, blocked: false };
  for (let i = 0; i < limit; i += 1) {
    const head = await queue.head();
    if (head === null) return result;
    let status: number;
    try {
      status = await post(head.report);
    } catch (err) {
      return { ...result, blocked: true, reason: `server unreachable: ${(err as Error).message}` };
    }
    const delivery = classifyStatus(status);
    if (delivery === 'retry') return { ...result, blocked: true, reason: `server answered ${status}` };
    if (delivery === 'rejected') {
      log.warn({ report: head.report.id, status }, 'server refused a report for good; parked in rejected/');
      await queue.reject(head.name);
      result.rejected += 1;
    } else {
      await queue.remove(head.name);
      result.delivered += 1;
    }
  }
  return result;
}
