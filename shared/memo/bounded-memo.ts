/** Results of a pure function remembered by string key, bounded in entries (and optionally key length). */
export interface BoundedMemo<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** Remembers `value` unless the key is too long to keep or already kept; the first entry in line goes when full. */
  set(key: string, value: V): void;
  readonly size: number;
}

export interface BoundedMemoOptions {
  maxEntries: number;
  /** Keys longer than this many characters are not kept (default: any length). */
  maxKeyLength?: number;
  /**
   * The kept keys' characters in all, at most (default: no bound): for results whose size grows
   * with their key (the analysis of a passage keyed by its text), a bound on memory that a count of
   * entries alone is not. The first in line go until the new entry fits.
   */
  maxTotalKeyLength?: number;
  /**
   * 'lru': a read moves the entry to the back of the line, so the least recently used goes first
   * (work on every hit); 'insertion' (default): the oldest insertion goes first and a read is a
   * plain Map get — for a hot path such as the edge's.
   */
  order?: 'lru' | 'insertion';
}

/**
 * The one bounded memo of the project (web-standard: the edge and core both use it), for results
 * that depend on the key alone — a text policy verdict, a content hash, the stem of a word, the
 * sentence analysis of a passage — so a remembered one is exactly what computing it again would
 * give. Values are shared between callers, so nobody may mutate them.
 */
export function createBoundedMemo<V>(options: BoundedMemoOptions): BoundedMemo<V> {
  const { maxEntries, maxKeyLength = Number.POSITIVE_INFINITY, maxTotalKeyLength = Number.POSITIVE_INFINITY, order = 'insertion' } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  // The line is a linked list beside the Map, not the Map's own order: taking "the first key" of a
  // Map whose front entries were deleted walks past every deleted slot until V8 rehashes, which made
  // a memo that evicts on every miss (the stems of a 200k-document corpus) quadratic.
  const entries = new Map<string, Entry<V>>();
  const line: Line<V> = { first: undefined, last: undefined };
  let totalKeyLength = 0;
  const evictFirst = () => {
    const first = line.first!;
    unlink(line, first);
    entries.delete(first.key);
    totalKeyLength -= first.key.length;
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (order === 'lru' && entry !== line.last) {
        // Moved to the back of the line: the least recently used is first.
        unlink(line, entry);
        append(line, entry);
      }
      return entry.value;
    },
    has: (key) => entries.has(key),
    set(key, value) {
      if (key.length > maxKeyLength || key.length > maxTotalKeyLength || entries.has(key)) return;
      if (entries.size >= maxEntries) evictFirst();
      while (totalKeyLength + key.length > maxTotalKeyLength) evictFirst();
      const entry: Entry<V> = { key, value, previous: undefined, next: undefined };
      entries.set(key, entry);
      append(line, entry);
      totalKeyLength += key.length;
    },
    get size() {
      return entries.size;
    },
  };
}

interface Entry<V> {
  readonly key: string;
  readonly value: V;
  previous: Entry<V> | undefined;
  next: Entry<V> | undefined;
}

interface Line<V> {
  first: Entry<V> | undefined;
  last: Entry<V> | undefined;
}

function append<V>(line: Line<V>, entry: Entry<V>): void {
  entry.previous = line.last;
  entry.next = undefined;
  if (line.last) line.last.next = entry;
  else line.first = entry;
  line.last = entry;
}

function unlink<V>(line: Line<V>, entry: Entry<V>): void {
  if (entry.previous) entry.previous.next = entry.next;
  else line.first = entry.next;
  if (entry.next) entry.next.previous = entry.previous;
  else line.last = entry.previous;
  entry.previous = undefined;
  entry.next = undefined;
}

/**
 * Memoises a pure function of a string, keeping at most `maxEntries` results, the least recently
 * used going first: for per-text analysis that requests repeat (stems of words, sentence analysis
 * of retrieved passages), where recomputing is safe but wasteful.
 */
export function boundedMemo<T>(compute: (key: string) => T, maxEntries: number, options: Pick<BoundedMemoOptions, 'maxTotalKeyLength'> = {}): (key: string) => T {
  const memo = createBoundedMemo<T>({ maxEntries, order: 'lru', ...options });
  return (key) => {
    const cached = memo.get(key);
    if (cached !== undefined || memo.has(key)) return cached as T;
    const value = compute(key);
    memo.set(key, value);
    return value;
  };
}
