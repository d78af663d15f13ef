/**
 * Reads something for a scrape at most once per `maxAgeMs`: concurrent and repeated scrapes share
 * the reading, and a failed read keeps the last good one (a scrape never fails on a metric source).
 */
export function cachedReading<T>(read: () => Promise<T>, options: { maxAgeMs: number; now?: () => number; onError?: (error: unknown) => void }): () => Promise<T | undefined> {
  const now = options.now ?? Date.now;
  let value: T | undefined;
  let readAt = -Infinity;
  let pending: Promise<T | undefined> | null = null;
  return () => {
    if (now() - readAt < options.maxAgeMs) return Promise.resolve(value);
    pending ??= read()
      .then(
        (next) => {
          value = next;
          readAt = now();
          return value;
        },
        (error: unknown) => {
          options.onError?.(error);
          return value;
        },
      )
      .finally(() => (pending = null));
    return pending;
  };
}
