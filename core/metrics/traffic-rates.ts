import type { Registry } from 'prom-client';

/** Running totals read from the metrics registry at one moment. */
export interface TrafficTotals {
  /** HTTP requests this process answered (apfa_requests_total). */
  requests: number;
  /** Of those, answered 4xx. */
  clientErrors: number;
  /** Of those, answered 5xx. */
  serverErrors: number;
  /** Edge answer-cache hits and misses (apfa_cache_hits_total / apfa_cache_misses_total, counted by the edge in Redis). */
  cacheHits: number;
  cacheMisses: number;
}

/** Rates over the last window, and the totals they come from. */
export interface TrafficRates {
  /** Seconds the rates span; null on the first reading (nothing to compare with yet). */
  windowSeconds: number | null;
  requestsPerSecond: number | null;
  clientErrorsPerSecond: number | null;
  serverErrorsPerSecond: number | null;
  /** Edge cache hits / (hits + misses) in the window; null when the edge looked nothing up in it. */
  cacheHitRatio: number | null;
  /** Cache lookups (hits + misses) in the window; null on the first reading. */
  cacheLookups: number | null;
  totals: TrafficTotals;
}

export interface TrafficRatesOptions {
  /** How far back rates look (default 60 s). */
  windowMs?: number;
  /** Readings closer together than this are not kept as a new sample (default 1 s). */
  minSpanMs?: number;
  now?: () => number;
}

type MetricValues = { values: { labels: Record<string, string | number | undefined>; value: number }[] };

async function metricValues(registry: Registry, name: string): Promise<MetricValues['values']> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return [];
  return ((await metric.get()) as MetricValues).values;
}

// A value that is not a finite count (a garbled Redis counter) counts as nothing.
const sum = (values: MetricValues['values'], keep: (labels: Record<string, string | number | undefined>) => boolean = () => true) =>
  values.reduce((total, entry) => (keep(entry.labels) && Number.isFinite(entry.value) && entry.value > 0 ? total + Math.floor(entry.value) : total), 0);

/** The totals the registry holds now (the edge cache counters are read from Redis by their collect). */
export async function readTrafficTotals(registry: Registry): Promise<TrafficTotals> {
  const [requests, hits, misses] = await Promise.all([
    metricValues(registry, 'apfa_requests_total'),
    metricValues(registry, 'apfa_cache_hits_total'),
    metricValues(registry, 'apfa_cache_misses_total'),
  ]);
  const status = (labels: Record<string, string | number | undefined>) => String(labels.status ?? '');
  return {
    requests: sum(requests),
    clientErrors: sum(requests, (labels) => status(labels).startsWith('4')),
    serverErrors: sum(requests, (labels) => status(labels).startsWith('5')),
    cacheHits: sum(hits),
    cacheMisses: sum(misses),
  };
}

/**
 * Request, 4xx and 5xx rates of this process and the edge cache hit ratio over the last minute,
 * from the counters the metrics registry already keeps (what Prometheus' `rate()` would say).
 * Each call reads the totals and compares them with the oldest sample kept within the window;
 * samples are kept at most one per `minSpanMs`, so any number of callers keeps it bounded. A
 * counter that went down (a Redis flush of the edge counters) reads as a reset: its delta is
 * the new value.
 */
export function createTrafficRates(read: () => Promise<TrafficTotals>, options: TrafficRatesOptions = {}): () => Promise<TrafficRates> {
  const { windowMs = 60_000, minSpanMs = 1000, now = Date.now } = options;
  const samples: { at: number; totals: TrafficTotals }[] = [];
  return async () => {
    const totals = await read();
    const at = now();
    while (samples.length > 0 && (samples[0]?.at ?? at) < at - windowMs) samples.shift();
    const base = samples[0];
    const last = samples[samples.length - 1];
    if (last === undefined || at - last.at >= minSpanMs) samples.push({ at, totals });
    if (base === undefined || at - base.at < minSpanMs) {
      return { windowSeconds: null, requestsPerSecond: null, clientErrorsPerSecond: null, serverErrorsPerSecond: null, cacheHitRatio: null, cacheLookups: null, totals };
    }
    const seconds = (at - base.at) / 1000;
    const delta = (key: keyof TrafficTotals) => (totals[key] >= base.totals[key] ? totals[key] - base.totals[key] : totals[key]);
    const perSecond = (key: keyof TrafficTotals) => delta(key) / seconds;
    const lookups = delta('cacheHits') + delta('cacheMisses');
    return {
      windowSeconds: seconds,
      requestsPerSecond: perSecond('requests'),
      clientErrorsPerSecond: perSecond('clientErrors'),
      serverErrorsPerSecond: perSecond('serverErrors'),
      cacheHitRatio: lookups > 0 ? delta('cacheHits') / lookups : null,
      cacheLookups: lookups,
      totals,
    };
  };
}
