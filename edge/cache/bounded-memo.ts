/** A per-isolate memo of a pure function's results by string key, bounded in entries and key size. */
export interface BoundedMemo<V> {
  get(key: string): V | undefined;
  /** Remembers `value` unless the key is too long to keep; the oldest entry goes first when full. */
  set(key: string, value: V): void;
  readonly size: number;
}

/**
 * For results that depend on the key alone (a text policy verdict, a content hash), so a
 * remembered one is exactly what computing it again would give. Memory is bounded: at most
 * `maxEntries` entries, keys longer than `maxKeyLength` characters are not kept, and the oldest
 * insertion is forgotten first (no reordering on reads: no work on the hot path beyond a Map get).
 */
export function createBoundedMemo<V>(options: { maxEntries: number; maxKeyLength: number }): BoundedMemo<V> {
  const entries = new Map<string, V>();
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      if (key.length > options.maxKeyLength || entries.has(key)) return;
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, value);
    },
    get size() {
      return entries.size;
    },
  };
}
