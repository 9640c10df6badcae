import { summarize } from './stats.ts';

/**
 * What the soak benchmark measures, cut into windows: per kind of load, the latencies of the
 * answers that were what the client expected and the count (and reasons) of everything else.
 * Every `cut` closes the current window into a sample together with the server's RSS.
 */

export type SoakKind = 'phone' | 'tftp' | 'agent' | 'edit';
export const SOAK_KINDS: readonly SoakKind[] = ['phone', 'tftp', 'agent', 'edit'];

export interface KindWindow {
  count: number;
  p50: number;
  p99: number;
  errors: number;
  /** The window's latencies (ms), kept so pooled percentiles over several windows stay exact. */
  latencies: number[];
}

export interface SoakSample {
  /** Seconds since the load started, at the start and at the end of the window. */
  fromS: number;
  atS: number;
  rssMiB: number;
  /** CPU the server used in the window, in % of one core. */
  serverCpuPct: number;
  /** The machine's 1-minute load average at the end of the window (other work shares the cores). */
  load1: number;
  /** The window after the load stopped (answers still in flight): counted for errors, never judged. */
  drain: boolean;
  kinds: Record<SoakKind, KindWindow>;
}

const perKind = <T>(make: () => T): Record<SoakKind, T> => ({ phone: make(), tftp: make(), agent: make(), edit: make() });

export class SoakRecorder {
  #latencies = perKind<number[]>(() => []);
  #errors = perKind(() => 0);
  readonly reasons = perKind(() => new Map<string, number>());
  readonly samples: SoakSample[] = [];

  /** An expected answer and how long it took. */
  ok(kind: SoakKind, ms: number): void {
    this.#latencies[kind].push(ms);
  }

  /** Anything a phone, agent or admin would not expect: another status, a reset, a timeout, stale bytes. */
  error(kind: SoakKind, reason: string): void {
    this.#errors[kind] += 1;
    this.reasons[kind].set(reason, (this.reasons[kind].get(reason) ?? 0) + 1);
  }

  /** Closes the current window. */
  cut(atS: number, machine: { rssMiB: number; serverCpuPct: number; load1: number }, drain = false): SoakSample {
    const kinds = perKind<KindWindow>(() => ({ count: 0, p50: 0, p99: 0, errors: 0, latencies: [] }));
    for (const kind of SOAK_KINDS) {
      const latencies = this.#latencies[kind];
      const summary = summarize(latencies);
      kinds[kind] = { count: latencies.length, p50: summary.p50, p99: summary.p99, errors: this.#errors[kind], latencies };
      this.#latencies[kind] = [];
      this.#errors[kind] = 0;
    }
    const sample = { fromS: this.samples.at(-1)?.atS ?? 0, atS, ...machine, drain, kinds };
    this.samples.push(sample);
    return sample;
  }

  totalErrors(kind?: SoakKind): number {
    const kinds = kind === undefined ? SOAK_KINDS : [kind];
    return this.samples.reduce((n, s) => n + kinds.reduce((m, k) => m + s.kinds[k].errors, 0), 0);
  }
}
