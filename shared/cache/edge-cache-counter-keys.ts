/** The Redis keys of the edge answer cache's hit and miss counters. */
export interface EdgeCacheCounterKeys {
  hit: string;
  miss: string;
}

/**
 * Where the edge counts answer-cache hits and misses (it increments them) and core reads them
 * for Prometheus: `<prefix>metrics:edge_cache:hit` and `<prefix>metrics:edge_cache:miss`.
 */
export function edgeCacheCounterKeys(prefix: string): EdgeCacheCounterKeys {
  return { hit: `${prefix}metrics:edge_cache:hit`, miss: `${prefix}metrics:edge_cache:miss` };
}
