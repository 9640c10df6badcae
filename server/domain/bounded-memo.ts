/**
 * Values computed from a key and kept, at most `maxEntries`, emptied at once when full: cheaper
 * on a hot path than least-recently-used bookkeeping, and a storm refills what it uses. Any value
 * is kept, `undefined` and `null` included (a "no such row" is worth remembering too). Values are
 * shared: callers must not mutate them.
 */
export interface BoundedMemo<K, V> {
  /** The value kept for `key`, else `make()`'s, kept. */
  get(key: K, make: () => V): V;
  /** Forgets everything (a key reload, a write generation that moved). */
  clear(): void;
  readonly size: number;
}

export function createBoundedMemo<K, V>(maxEntries: number): BoundedMemo<K, V> {
  const kept = new Map<K, V>();
  return {
    get(key: K, make: () => V): V {
      const known = kept.get(key);
      if (known !== undefined || kept.has(key)) return known as V;
      const value = make();
      if (kept.size >= maxEntries) kept.clear();
      kept.set(key, value);
      return value;
    },
    clear: () => kept.clear(),
    get size() {
      return kept.size;
    },
  };
}
