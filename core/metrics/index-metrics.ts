import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { IndexStats } from '../jobs/index-stats.ts';
import { MIGRATION_THRESHOLDS } from '../jobs/migration-urgency.ts';
import { cachedReading } from './cached-reading.ts';

/** The version answering now, as read at scrape time. */
export interface LiveIndexReading {
  version: string;
  kind: string;
  /** When the version was built (manifest `created`, ISO 8601). */
  created: string;
  vectors: number;
  memoryBytes: number;
}

/** Observers and sources of the index families. */
export interface IndexMetrics {
  /** One vector search (FAISS, in process or on the search worker thread). */
  observeSearch(seconds: number): void;
  /** One activation of a stored version: load, verify, warm and swap (`failure`: the old index kept serving). */
  observeSwap(event: { seconds: number; outcome: 'success' | 'failure' }): void;
  /** Where the live version is read from at scrape time (processes that serve). */
  watchLive(read: () => LiveIndexReading | null): void;
  /** Where the migration outlook (stored versions' growth) is read from; read at most every 30 s. */
  watchOutlook(read: () => Promise<IndexStats>): void;
}

/** Registers the index families on `registry` (once per registry). */
export function registerIndexMetrics(registry: Registry, options: { now?: () => number } = {}): IndexMetrics {
  const now = options.now ?? Date.now;
  let readLive: (() => LiveIndexReading | null) | null = null;
  let readOutlook: (() => Promise<IndexStats | undefined>) | null = null;
  const live = () => readLive?.() ?? null;
  const liveGauge = (name: string, help: string, value: (reading: LiveIndexReading) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const reading = live();
        if (reading) this.set(value(reading));
        else this.reset();
      },
    });
  new Gauge({
    name: 'apfa_index_info',
    help: 'The live index version (always 1; the version and index kind are labels).',
    labelNames: ['version', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      const reading = live();
      if (reading) this.set({ version: reading.version, kind: reading.kind }, 1);
    },
  });
  liveGauge('apfa_index_age_seconds', 'Seconds since the live index version was built.', (reading) => Math.max(0, (now() - Date.parse(reading.created)) / 1000));
  liveGauge('apfa_index_vector_count', 'Vectors in the live index.', (reading) => reading.vectors);
  liveGauge('apfa_index_memory_bytes', 'Bytes the live index vectors take in memory (4 per dimension, 1 for SQ8).', (reading) => reading.memoryBytes);
  const search = new Histogram({
    name: 'apfa_faiss_search_seconds',
    help: 'FAISS vector search latency (in process or on the search worker thread).',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1],
    registers: [registry],
  });
  const swapDuration = new Histogram({
    name: 'apfa_index_swap_seconds',
    help: 'Time to activate a stored index version: download, checksum, FAISS load, warm-up and the swap.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const swaps = new Counter({
    name: 'apfa_index_swaps_total',
    help: 'Index version activations by outcome (success; failure: the previous index kept serving).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['success', 'failure']) swaps.inc({ outcome }, 0);
  const thresholds = new Gauge({
    name: 'apfa_index_migration_threshold_vectors',
    help: 'Vector counts at which the Flat index must move to IVF: warning (approaching) and critical (migration required).',
    labelNames: ['level'],
    registers: [registry],
  });
  thresholds.set({ level: 'warning' }, MIGRATION_THRESHOLDS.warning);
  thresholds.set({ level: 'critical' }, MIGRATION_THRESHOLDS.critical);
  const outlookGauge = (name: string, help: string, value: (stats: IndexStats) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const stats = await readOutlook?.();
        const measured = stats ? value(stats) : null;
        if (measured === null) this.reset();
        else this.set(measured);
      },
    });
  outlookGauge('apfa_index_growth_vectors_per_day', 'Vectors added per day between the oldest and newest stored index versions.', (stats) => stats.growthPerDay);
  outlookGauge(
    'apfa_index_days_until_critical',
    'Projected days until the index passes the critical (500k) migration threshold at the observed growth; absent when not growing, 0 when past it.',
    (stats) => stats.daysUntilCritical,
  );
  outlookGauge('apfa_index_migration_urgency', 'Migration urgency score 0-100: 50 at the warning threshold, 100 at the critical one; 0 once the index is IVF.', (stats) =>
    stats.version === null ? null : stats.urgency.score,
  );
  return {
    observeSearch: (seconds) => search.observe(seconds),
    observeSwap: ({ seconds, outcome }) => {
      swapDuration.observe(seconds);
      swaps.inc({ outcome });
    },
    watchLive: (read) => void (readLive = read),
    watchOutlook: (read) => void (readOutlook = cachedReading(read, { maxAgeMs: 30_000 })),
  };
}
