import type { SwitchService } from '../services/switches.ts';

/** When and how much the scheduler polls. */
export interface PollSchedulerOptions {
  /** Each switch is polled at most this often (default 5 min; FDB entries age out after 300 s, RFC 4188 dot1dTpAgingTime). */
  intervalMs: number;
  /** How often every device is re-resolved, for request evidence (default 60 s). */
  sweepMs: number;
  /** Switches walked at the same time (default 2). */
  concurrency: number;
  /** How often the scheduler looks for due work (default 5 s). */
  tickMs: number;
  /** The clock poll times are compared with (the services' clock). */
  now: () => number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedulerOptions = { intervalMs: 300_000, sweepMs: 60_000, concurrency: 2, tickMs: 5_000, now: () => Date.now() };

/** What the scheduler needs of the switch service. */
export type PollTarget = Pick<SwitchService, 'all' | 'pollState' | 'pollNow' | 'sweep'>;

export interface SchedulerLog {
  warn(obj: object, msg: string): void;
}

export interface PollScheduler {
  /** Runs one tick now (tests, and the first tick at start). */
  tick(): Promise<void>;
  /** Stops the timers and waits for polls in flight. */
  stop(): Promise<void>;
}

/**
 * Polls every switch on a schedule and sweeps request evidence. Each switch is polled at most once
 * per interval and never twice at once; at most `concurrency` switches are walked together. A
 * switch that fails is just marked (an alert) and tried again next interval. Timers are unref'd so
 * they never keep the process alive; nothing thrown here leaves the scheduler.
 */
export function startPollScheduler(switches: PollTarget, options: Partial<PollSchedulerOptions> = {}, log?: SchedulerLog): PollScheduler {
  const o = { ...DEFAULT_POLL_SCHEDULE, ...options };
  const running = new Set<Promise<unknown>>();
  let lastSweep = 0;
  let stopped = false;

  function due(now: number): string[] {
    return switches
      .all()
      .filter((sw) => {
        const last = switches.pollState(sw.id)?.lastPollAt;
        return last == null || now - Date.parse(last) >= o.intervalMs;
      })
      .map((sw) => sw.id);
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      const now = o.now();
      if (now - lastSweep >= o.sweepMs) {
        lastSweep = now;
        switches.sweep();
      }
      const queue = due(now);
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined && !stopped; id = queue.shift()) {
          const sw = switches.all().find((s) => s.id === id);
          if (sw === undefined) continue;
          const outcome = await switches.pollNow(sw);
          if (!outcome.ok && outcome.error !== null) log?.warn({ event: 'deskprov.switch.poll', switchId: id, code: outcome.error.code }, outcome.error.message);
        }
      };
      const workers = Array.from({ length: Math.max(1, o.concurrency) }, worker);
      const all = Promise.all(workers);
      running.add(all);
      await all.finally(() => running.delete(all));
    } catch (err) {
      log?.warn({ event: 'deskprov.switch.scheduler', err: (err as Error).message }, 'switch poll scheduler tick failed');
    }
  }

  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void tick().finally(() => {
      busy = false;
    });
  }, o.tickMs);
  timer.unref();

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
