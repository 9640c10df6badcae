/**
 * Rendered bytes kept per (device, file, input revision), least recently used first out (nearly:
 * see `get`), bounded in entries and in bytes. Pure data structure: no clock, no I/O. A new
 * revision for the same device and file replaces the old entry at once, so an edited profile
 * never leaves stale bytes behind.
 */

export interface CachedFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface RenderCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_CACHE_LIMITS: RenderCacheLimits = { maxEntries: 5_000, maxBytes: 64 * 1024 * 1024 };

interface Slot {
  revision: string;
  file: CachedFile;
  /** The operation count when the slot took its place in the order. */
  placedAt: number;
}

export class RenderCache {
  readonly #limits: RenderCacheLimits;
  /** Key: `${deviceKey}\u0000${fileName}`; Map order is least recently used first. */
  readonly #slots = new Map<string, Slot>();
  #bytes = 0;
  #operations = 0;
  hits = 0;
  misses = 0;

  constructor(limits: Partial<RenderCacheLimits> = {}) {
    this.#limits = { ...DEFAULT_CACHE_LIMITS, ...limits };
  }

  /** The cached file when its revision is `revision`; counts a hit or a miss. */
  get(deviceKey: string, fileName: string, revision: string): CachedFile | undefined {
    const key = `${deviceKey}\u0000${fileName}`;
    const slot = this.#slots.get(key);
    if (slot === undefined || slot.revision !== revision) {
      this.misses += 1;
      return undefined;
    }
    // Moving a slot to the back is a delete and an insert in a map of tens of thousands: done only
    // for a slot placed more than half the map's size ago. A slot read at least that often is
    // moved before it can reach the front, where eviction takes from.
    this.#operations += 1;
    if (this.#operations - slot.placedAt > this.#slots.size / 2) {
      this.#slots.delete(key);
      this.#slots.set(key, slot);
      slot.placedAt = this.#operations;
    }
    this.hits += 1;
    return slot.file;
  }

  /** Stores a render; a file larger than the byte limit is not kept. */
  set(deviceKey: string, fileName: string, revision: string, file: CachedFile): void {
    const key = `${deviceKey}\u0000${fileName}`;
    this.#drop(key);
    if (file.body.length > this.#limits.maxBytes) return;
    this.#operations += 1;
    this.#slots.set(key, { revision, file, placedAt: this.#operations });
    this.#bytes += file.body.length;
    while (this.#slots.size > this.#limits.maxEntries || this.#bytes > this.#limits.maxBytes) {
      const oldest = this.#slots.keys().next();
      if (oldest.done === true) break;
      this.#drop(oldest.value);
    }
  }

  /** Forgets every file of a device (deleted or retired devices). */
  forgetDevice(deviceKey: string): void {
    const prefix = `${deviceKey}\u0000`;
    for (const key of [...this.#slots.keys()]) if (key.startsWith(prefix)) this.#drop(key);
  }

  get size(): number {
    return this.#slots.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #drop(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    this.#bytes -= slot.file.body.length;
    this.#slots.delete(key);
  }
}
