import { createBoundedMemo } from '../domain/bounded-memo.ts';

/**
 * Values computed from stored rows, kept until the store's write generation moves
 * (store/write-generation.ts); at most `maxEntries`, emptied when full. Values are shared:
 * callers must not mutate them.
 */
export function createGenerationMemo<V>(generation: () => number, maxEntries = 100_000) {
  const memo = createBoundedMemo<string, V>(maxEntries);
  let cachedAt = -1;
  return {
    /** The value kept for `key` in this generation, else `make()`'s, kept. */
    get(key: string, make: () => V): V {
      const now = generation();
      if (now !== cachedAt) {
        memo.clear();
        cachedAt = now;
      }
      return memo.get(key, make);
    },
  };
}

/**
 * Remembers the results of a repository's read methods until the store's write generation moves,
 * so a boot storm reads each device's rows once per change instead of once per file. Other
 * methods pass through.
 */
export function memoizeReads<T extends object>(
  repo: T,
  names: readonly (keyof T & string)[],
  generation: () => number,
  maxEntries = 100_000,
): T {
  const view: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repo)) {
    if (typeof value !== 'function' || !names.includes(name as keyof T & string)) {
      view[name] = typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(repo) : value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    // One memo per method: the usual single id is the key as it is, with nothing to join.
    const memo = createGenerationMemo<unknown>(generation, maxEntries);
    view[name] = (...args: unknown[]) => {
      const key = args.length === 1 && typeof args[0] === 'string' ? args[0] : `\u0000${JSON.stringify(args)}`;
      return memo.get(key, () => fn(...args));
    };
  }
  return view as T;
}
