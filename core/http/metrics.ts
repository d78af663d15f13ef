import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Metric names follow the design notes (apfa_*). One registry per app instance. */
export interface CoreMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  responseTime: Histogram<'method' | 'route'>;
  pipelineStage: Histogram<'stage'>;
  faissSearch: Histogram;
  indexVectors: Gauge;
  indexMemoryBytes: Gauge;
  biasFlags: Counter<'characteristic'>;
  /** Seconds from a `POST /v1/advice/stream` request to its first token (retrieval and prompt evaluation included). */
  generationFirstToken: Histogram;
  /** Advice streams that ended with an `error` event, by problem code. */
  adviceStreamErrors: Counter<'code'>;
}

export interface CreateMetricsOptions {
  /** Reads edge answer-cache counters (the Worker cannot be scraped, so it counts in Redis). */
  readEdgeCacheCounters?: () => Promise<{ hits: number; misses: number } | null>;
  defaultMetrics?: boolean;
}

export function createMetrics(options: CreateMetricsOptions = {}): CoreMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'apfa_process_' });
  const read = options.readEdgeCacheCounters;
  let lastCounters: { hits: number; misses: number } | null = null;
  const refreshCounters = async () => {
    if (!read) return null;
    try {
      lastCounters = (await read()) ?? lastCounters;
    } catch {
      // Keep the last known values when Redis is unreachable; scraping must not fail.
    }
    return lastCounters;
  };
  new Gauge({
    name: 'apfa_cache_hits_total',
    help: 'Edge answer-cache hits, as counted by the edge Worker in Redis.',
    registers: [registry],
    async collect() {
      const counters = await refreshCounters();
      this.set(counters?.hits ?? 0);
    },
  });
  new Gauge({
    name: 'apfa_cache_misses_total',
    help: 'Edge answer-cache misses, as counted by the edge Worker in Redis.',
    registers: [registry],
    collect() {
      this.set(lastCounters?.misses ?? 0);
    },
  });
  return {
    registry,
    requests: new Counter({
      name: 'apfa_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    responseTime: new Histogram({
      name: 'apfa_response_time_seconds',
      help: 'HTTP response time by method and route.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    pipelineStage: new Histogram({
      name: 'apfa_pipeline_stage_seconds',
      help: 'Advice pipeline stage durations (embed, search, generate, bias).',
      labelNames: ['stage'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    faissSearch: new Histogram({
      name: 'apfa_faiss_search_seconds',
      help: 'FAISS search latency.',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    }),
    indexVectors: new Gauge({ name: 'apfa_index_vector_count', help: 'Vectors in the live index.', registers: [registry] }),
    indexMemoryBytes: new Gauge({ name: 'apfa_index_memory_bytes', help: 'Serialized size of the live index.', registers: [registry] }),
    biasFlags: new Counter({
      name: 'apfa_bias_flags_total',
      help: 'Protected-characteristic flags raised in answers, by characteristic.',
      labelNames: ['characteristic'],
      registers: [registry],
    }),
    generationFirstToken: new Histogram({
      name: 'apfa_generation_first_token_seconds',
      help: 'Time to first token of streamed advice: from the request to the first token written (retrieval and prompt evaluation included).',
      // Extractive answers arrive in milliseconds, a local CPU model in about a second, a slow provider in tens of seconds.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30],
      registers: [registry],
    }),
    adviceStreamErrors: new Counter({
      name: 'apfa_advice_stream_errors_total',
      help: 'Advice streams that ended with an error event after they started, by problem code.',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

/** The advice stream route's observers (`observeFirstToken`, `onStreamError`), recording into `metrics`. */
export function adviceStreamObservers(metrics: CoreMetrics): { observeFirstToken: (seconds: number) => void; onStreamError: (code: string) => void } {
  return {
    observeFirstToken: (seconds) => metrics.generationFirstToken.observe(seconds),
    onStreamError: (code) => metrics.adviceStreamErrors.inc({ code }),
  };
}

/** Counts every request and observes its latency, labelled by the matched route pattern. */
export function metricsMiddleware(metrics: CoreMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      let route = 'unmatched';
      try {
        const matched = routePath(c, -1);
        if (matched && matched !== '/*' && matched !== '*') route = matched;
      } catch {
        // no matched route (404)
      }
      const seconds = (performance.now() - started) / 1000;
      metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
      metrics.responseTime.observe({ method: c.req.method, route }, seconds);
    }
  };
}
