import type { ServedRecord } from '../store/phone-read-repo.ts';
import type { DiscoveredInput } from './device-service.ts';

/**
 * Writes what the phone pipeline saw, off the hot path (DESIGN.md "The flow": record "served",
 * batched). Requests only enqueue; a timer (unref'd, so it never keeps the process alive) or a
 * full queue flushes in one transaction. The queue is bounded: under a flood the oldest pending
 * records are dropped and counted rather than growing memory.
 */

/** A served file whose masked body is computed at flush time (if at all), not while the phone waits. */
export type PendingServed = ServedRecord;

export interface RecorderSinks {
  recordServed(batch: readonly ServedRecord[]): void;
  recordDiscovered(input: DiscoveredInput): void;
  /** Failures are reported, never thrown into a request. */
  onError(err: unknown): void;
}

export interface RecorderOptions {
  flushMs: number;
  maxBatch: number;
  maxPending: number;
}

export const DEFAULT_RECORDER_OPTIONS: RecorderOptions = { flushMs: 250, maxBatch: 200, maxPending: 10_000 };

export class ServedRecorder {
  readonly #sinks: RecorderSinks;
  readonly #options: RecorderOptions;
  #served = new Map<string, PendingServed>();
  #discovered = new Map<string, DiscoveredInput>();
  #timer: NodeJS.Timeout | undefined;
  dropped = 0;

  constructor(sinks: RecorderSinks, options: Partial<RecorderOptions> = {}) {
    this.#sinks = sinks;
    this.#options = { ...DEFAULT_RECORDER_OPTIONS, ...options };
  }

  /** Latest fetch of one device file wins within a batch: only the last one is written. */
  served(item: PendingServed): void {
    const key = `${item.deviceId}\u0000${item.file}`;
    this.#served.delete(key);
    this.#served.set(key, item);
    this.#bound(this.#served);
    this.#schedule();
  }

  /** A phone of a recognised model asked for a MAC we do not serve (yet). */
  discovered(input: DiscoveredInput): void {
    this.#discovered.delete(input.mac);
    this.#discovered.set(input.mac, input);
    this.#bound(this.#discovered);
    this.#schedule();
  }

  get pending(): number {
    return this.#served.size + this.#discovered.size;
  }

  /** Writes everything pending now (shutdown, tests, admin reads that must see the last fetch). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const served = [...this.#served.values()];
    const discovered = [...this.#discovered.values()];
    this.#served = new Map();
    this.#discovered = new Map();
    try {
      this.#sinks.recordServed(served);
    } catch (err) {
      this.#sinks.onError(err);
    }
    for (const input of discovered) {
      try {
        this.#sinks.recordDiscovered(input);
      } catch (err) {
        this.#sinks.onError(err);
      }
    }
  }

  #bound(map: Map<string, unknown>): void {
    while (map.size > this.#options.maxPending) {
      const oldest = map.keys().next();
      if (oldest.done === true) break;
      map.delete(oldest.value);
      this.dropped += 1;
    }
  }

  #schedule(): void {
    if (this.pending >= this.#options.maxBatch) {
      this.flush();
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), this.#options.flushMs).unref();
  }
}
