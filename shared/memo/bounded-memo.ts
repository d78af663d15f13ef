/**
 * Memoises a pure function of a string, keeping at most `maxEntries` results: the least recently
 * used goes first. For per-text analysis that requests repeat (stems of words, sentence analysis
 * of retrieved passages), where recomputing is safe but wasteful. Results are shared between
 * callers, so `compute` must return values nobody mutates.
 */
export function boundedMemo<T>(compute: (key: string) => T, maxEntries: number): (key: string) => T {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const entries = new Map<string, T>();
  return (key) => {
    const cached = entries.get(key);
    if (cached !== undefined || entries.has(key)) {
      // Re-inserted so the Map's insertion order is least recently used first.
      entries.delete(key);
      entries.set(key, cached as T);
      return cached as T;
    }
    const value = compute(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, value);
    return value;
  };
}
