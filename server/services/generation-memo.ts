/**
 * Remembers the results of a repository's read methods until the store's write generation moves
 * (store/write-generation.ts), so a boot storm reads each device's rows once per change instead
 * of once per file. Results are shared: callers must not mutate them. Other methods pass through.
 */
export function memoizeReads<T extends object>(
  repo: T,
  names: readonly (keyof T & string)[],
  generation: () => number,
  maxEntries = 100_000,
): T {
  const cache = new Map<string, unknown>();
  let cachedAt = -1;
  const view: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repo)) {
    if (typeof value !== 'function' || !names.includes(name as keyof T & string)) {
      view[name] = typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(repo) : value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    view[name] = (...args: unknown[]) => {
      const now = generation();
      if (now !== cachedAt) {
        cache.clear();
        cachedAt = now;
      }
      const key = args.length === 1 && typeof args[0] === 'string' ? `${name}\u0000${args[0]}` : `${name}\u0000${JSON.stringify(args)}`;
      if (cache.has(key)) return cache.get(key);
      const result = fn(...args);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, result);
      return result;
    };
  }
  return view as T;
}
