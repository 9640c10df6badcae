/**
 * Per-source ban after repeated misses (E911-SECURITY §2.5 item 3: a MAC sweep is banned after N
 * misses). Shared by HTTP and TFTP so a sweep cannot alternate protocols. In-memory state with an
 * injected clock; no timers, so tests drive time and nothing keeps the process alive.
 *
 * A miss is any uniform refusal (unknown MAC, wrong or missing credentials, unclaimed device).
 * A successful authenticated fetch forgives one miss, so a phone's own Digest round trip
 * (challenge, then success) nets zero, while a sweep only ever adds.
 */

export interface BanPolicy {
  /** Misses within `windowMs` that trigger a ban. */
  maxMisses: number;
  windowMs: number;
  /** How long a ban lasts. */
  banMs: number;
  /** Sources tracked at most; the oldest entries are dropped first so spoofed sources cannot exhaust memory. */
  maxSources: number;
}

export const DEFAULT_BAN_POLICY: BanPolicy = {
  maxMisses: 20,
  windowMs: 10 * 60_000,
  banMs: 15 * 60_000,
  maxSources: 10_000,
};

export interface MissVerdict {
  /** The source is banned now. */
  banned: boolean;
  /** This miss is the one that started the ban (log it once, for fail2ban). */
  justBanned: boolean;
  /** Misses counted in the current window. */
  misses: number;
}

interface Entry {
  /** Miss times (ms) within the window, oldest first. */
  misses: number[];
  bannedUntil: number;
}

export class BanList {
  readonly #policy: BanPolicy;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(policy: Partial<BanPolicy> = {}, now: () => number = Date.now) {
    this.#policy = { ...DEFAULT_BAN_POLICY, ...policy };
    this.#now = now;
  }

  /** True while `source` is banned. */
  isBanned(source: string): boolean {
    const entry = this.#entries.get(source);
    return entry !== undefined && entry.bannedUntil > this.#now();
  }

  /** Counts one miss from `source`; bans it when the window holds `maxMisses`. */
  recordMiss(source: string): MissVerdict {
    const now = this.#now();
    const entry = this.#touch(source);
    if (entry.bannedUntil > now) return { banned: true, justBanned: false, misses: entry.misses.length };
    this.#prune(entry, now);
    entry.misses.push(now);
    if (entry.misses.length >= this.#policy.maxMisses) {
      entry.bannedUntil = now + this.#policy.banMs;
      entry.misses = [];
      return { banned: true, justBanned: true, misses: this.#policy.maxMisses };
    }
    return { banned: false, justBanned: false, misses: entry.misses.length };
  }

  /** Forgives the most recent miss of `source` (after a successful authenticated fetch). */
  forgive(source: string): void {
    const entry = this.#entries.get(source);
    if (entry === undefined) return;
    entry.misses.pop();
    if (entry.misses.length === 0 && entry.bannedUntil <= this.#now()) this.#entries.delete(source);
  }

  /** Number of sources tracked (for metrics and the memory bound test). */
  get size(): number {
    return this.#entries.size;
  }

  #touch(source: string): Entry {
    let entry = this.#entries.get(source);
    if (entry === undefined) {
      entry = { misses: [], bannedUntil: 0 };
      if (this.#entries.size >= this.#policy.maxSources) this.#evictOldest();
    } else {
      this.#entries.delete(source);
    }
    // Re-inserting keeps Map order = least recently touched first.
    this.#entries.set(source, entry);
    return entry;
  }

  #evictOldest(): void {
    const now = this.#now();
    for (const [source, entry] of this.#entries) {
      if (entry.bannedUntil <= now) {
        this.#entries.delete(source);
        return;
      }
    }
    // Every tracked source is banned: drop the least recently touched one anyway to stay bounded.
    const first = this.#entries.keys().next();
    if (first.done !== true) this.#entries.delete(first.value);
  }

  #prune(entry: Entry, now: number): void {
    const since = now - this.#policy.windowMs;
    while (entry.misses.length > 0 && (entry.misses[0] ?? 0) <= since) entry.misses.shift();
  }
}
