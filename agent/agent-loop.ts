import { randomUUID } from 'node:crypto';
import type { AgentReport } from '../server/domain/e911-evidence.ts';
import { Backoff } from './backoff.ts';
import { sameSnapshot, type Snapshot } from './evidence.ts';
import type { ReportQueue } from './report-queue.ts';
import { flushQueue, type FlushLog, type PostReport } from './reporter.ts';

export interface AgentLoopDeps {
  queue: ReportQueue;
  post: PostReport;
  gather: () => Promise<Snapshot>;
  log: FlushLog & { info(obj: object, msg: string): void };
  /** How often evidence is gathered (ms): a change is queued and sent within one interval. */
  pollMs: number;
  /** A report is sent at least this often even when nothing changed (ms). */
  heartbeatMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
}

/** Makes a report from a snapshot: a fresh idempotency key and the time. */
export function makeReport(snap: Snapshot, at: Date, id: string): AgentReport {
  return { id, at: at.toISOString(), ...snap };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The agent's main loop: gather, queue a report when something changed or a heartbeat is due,
 * and send the queue in order, backing off with jitter while the server is away. Heartbeats are
 * not queued behind waiting reports: those already tell the server the agent is alive.
 */
export async function runAgentLoop(deps: AgentLoopDeps, signal: AbortSignal): Promise<void> {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const backoff = new Backoff({ baseMs: deps.retryBaseMs, maxMs: deps.retryMaxMs, random: deps.random ?? Math.random });
  let last: Snapshot | null = null;
  let lastQueuedAt = Number.NEGATIVE_INFINITY;
  let retryAt = 0;
  let wasBlocked = false;
  while (!signal.aborted) {
    const snap = await deps.gather();
    const t = now();
    const changed = !sameSnapshot(last, snap);
    const heartbeatDue = t - lastQueuedAt >= deps.heartbeatMs;
    if (changed || (heartbeatDue && (await deps.queue.size()) === 0)) {
      await deps.queue.enqueue(makeReport(snap, new Date(t), newId()));
      last = snap;
      lastQueuedAt = t;
    }
    if (t >= retryAt) {
      const result = await flushQueue(deps.queue, deps.post, deps.log);
      if (result.blocked) {
        const delay = backoff.next();
        retryAt = now() + delay;
        if (!wasBlocked) deps.log.warn({ reason: result.reason, retryInMs: delay }, 'reports queued until the server answers');
        wasBlocked = true;
      } else {
        if (wasBlocked) deps.log.info({ delivered: result.delivered }, 'server reachable again; queue sent');
        wasBlocked = false;
        backoff.reset();
        retryAt = 0;
      }
    }
    const untilRetry = retryAt > 0 ? retryAt - now() : deps.pollMs;
    await sleep(Math.min(deps.pollMs, Math.max(untilRetry, 0)), signal);
  }
}
