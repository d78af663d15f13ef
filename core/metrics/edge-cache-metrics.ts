import { Counter, type Registry } from 'prom-client';
import { cachedReading } from './cached-reading.ts';

/** Edge answer-cache counters as the Worker keeps them in Redis (it cannot be scraped itself). */
export interface EdgeCacheCounts {
  hits: number;
  misses: number;
}

/**
 * Registers `apfa_cache_hits_total` and `apfa_cache_misses_total` as Prometheus counters whose
 * values are the Redis counters read at scrape time (a prom-client Counter cannot be set, so each
 * scrape resets it and adds the value read). Exposed with type `counter`, so `rate()` works; a
 * Redis flush reads as a counter reset, which `rate()` handles. When Redis cannot be read the
 * last values read are kept: a scrape never fails on it.
 */
export function registerEdgeCacheMetrics(registry: Registry, read: (() => Promise<EdgeCacheCounts | null>) | undefined): void {
  let last: EdgeCacheCounts = { hits: 0, misses: 0 };
  // Both families are collected in the same scrape: one Redis read serves both.
  const reading = cachedReading(async () => (last = (read ? await read() : null) ?? last), { maxAgeMs: 250 });
  const counter = (name: string, help: string, pick: (counts: EdgeCacheCounts) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      async collect() {
        const counts = (await reading()) ?? last;
        this.reset();
        this.inc(Math.max(0, pick(counts)));
      },
    });
  counter('apfa_cache_hits_total', 'Edge answer-cache hits, as counted by the edge Worker in Redis.', (counts) => counts.hits);
  counter('apfa_cache_misses_total', 'Edge answer-cache misses, as counted by the edge Worker in Redis.', (counts) => counts.misses);
}
