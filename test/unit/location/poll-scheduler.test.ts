import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SwitchPollState, SwitchRecord } from '../../../server/domain/switch-inventory.ts';
import { startPollScheduler, type PollTarget } from '../../../server/location/poll-scheduler.ts';
import type { PollOutcome } from '../../../server/services/switches.ts';

/** An in-memory switch inventory whose polls finish when the test says so. */
function inventory(ids: string[]) {
  const states = new Map<string, SwitchPollState>();
  const pending: Array<{ id: string; finish: (ok: boolean) => void }> = [];
  const polls: string[] = [];
  let sweeps = 0;
  const target: PollTarget = {
    all: () => ids.map((id) => ({ id }) as SwitchRecord),
    pollState: (id) => states.get(id),
    sweep: () => {
      sweeps += 1;
      return [];
    },
    pollNow: (sw) => {
      polls.push(sw.id);
      return new Promise<PollOutcome>((resolve) => {
        pending.push({
          id: sw.id,
          finish: (ok) => {
            const at = new Date(Date.now()).toISOString();
            states.set(sw.id, { switchId: sw.id, lastPollAt: at, lastSuccessAt: ok ? at : null, error: ok ? null : { code: 'SWITCH_TIMEOUT', message: 'x' }, failingSince: null, macsSeen: 0, phonesLocated: 0, uplinks: [] });
            resolve({ ok, error: ok ? null : { code: 'SWITCH_TIMEOUT', message: 'x' }, macsSeen: 0, phonesLocated: 0, moved: [] });
          },
        });
      });
    },
  };
  return { target, pending, polls, sweeps: () => sweeps };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-24T12:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the switch poll scheduler', () => {
  it('walks at most `concurrency` switches at once and each switch once per interval', async () => {
    const inv = inventory(['a', 'b', 'c']);
    const scheduler = startPollScheduler(inv.target, { intervalMs: 60_000, tickMs: 1_000, concurrency: 2 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(inv.polls).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(inv.polls).toEqual(['a', 'b']);
    inv.pending.shift()!.finish(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(inv.polls).toEqual(['a', 'b', 'c']);
    for (const p of inv.pending.splice(0)) p.finish(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(inv.polls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(inv.polls.slice(3).sort()).toEqual(['a', 'b']);
    for (const p of inv.pending.splice(0)) p.finish(true);
    await scheduler.stop();
  });

  it('sweeps request evidence on its own period', async () => {
    const inv = inventory([]);
    const scheduler = startPollScheduler(inv.target, { sweepMs: 10_000, tickMs: 1_000 });
    await vi.advanceTimersByTimeAsync(25_000);
    expect(inv.sweeps()).toBe(3);
    await scheduler.stop();
  });

  it('keeps ticking when the service throws, and logs it', async () => {
    const inv = inventory(['a']);
    const warnings: string[] = [];
    let calls = 0;
    const scheduler = startPollScheduler(
      {
        ...inv.target,
        sweep: () => {
          calls += 1;
          throw new Error('database is locked');
        },
      },
      { sweepMs: 0, tickMs: 1_000 },
      { warn: (_obj, msg) => warnings.push(msg) },
    );
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(3);
    await scheduler.stop();
  });

  it('waits for polls in flight when stopped, and starts no new ones', async () => {
    const inv = inventory(['a', 'b']);
    const scheduler = startPollScheduler(inv.target, { tickMs: 1_000, concurrency: 1 });
    await vi.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    inv.pending.shift()!.finish(true);
    await stopping;
    expect(inv.polls).toEqual(['a']);
  });
});
