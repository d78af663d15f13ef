import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerAdviceMetrics, type AdviceMetrics } from '../metrics/advice-metrics.ts';
import { registerEdgeCacheMetrics, type EdgeCacheCounts } from '../metrics/edge-cache-metrics.ts';
import { registerIndexMetrics, type IndexMetrics } from '../metrics/index-metrics.ts';
import { registerJobMetrics, type JobMetrics } from '../metrics/job-metrics.ts';

/**
 * The service's metrics (apfa_*): one prom-client registry per process, created once by the
 * composition root. Domain code never imports prom-client: it is handed the observer functions
 * of `advice`, `index` and `jobs`. docs/operations.md lists every family.
 */
export interface CoreMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  responseTime: Histogram<'method' | 'route'>;
  /** HTTP requests being handled now. */
  inFlight: Gauge;
  pipelineStage: Histogram<'stage'>;
  biasFlags: Counter<'characteristic'>;
  /** Seconds from a `POST /v1/advice/stream` request to its first token (retrieval and prompt evaluation included). */
  generationFirstToken: Histogram;
  /** Advice streams that ended with an `error` event, by problem code. */
  adviceStreamErrors: Counter<'code'>;
  /** Answers by outcome, tokens, circuit breakers, semantic cache and single flight. */
  advice: AdviceMetrics;
  /** The live index, search latency, swaps and the migration outlook. */
  index: IndexMetrics;
  /** Queue depths, live workers, job durations and outcomes, embedding batches. */
  jobs: JobMetrics;
}

export interface CreateMetricsOptions {
  /** Reads edge answer-cache counters (the Worker cannot be scraped, so it counts in Redis). */
  readEdgeCacheCounters?: () => Promise<EdgeCacheCounts | null>;
  /** Node process metrics (CPU, memory, event loop, GC) as apfa_process_*. */
  defaultMetrics?: boolean;
  /** Told when a metric source (Redis, the job runner) cannot be read at scrape time. */
  onReadError?: (error: unknown) => void;
}

export function createMetrics(options: CreateMetricsOptions = {}): CoreMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'apfa_process_' });
  registerEdgeCacheMetrics(registry, options.readEdgeCacheCounters);
  const advice = registerAdviceMetrics(registry);
  const index = registerIndexMetrics(registry);
  const jobs = registerJobMetrics(registry, options.onReadError ? { onError: options.onReadError } : {});
  return {
    registry,
    advice,
    index,
    jobs,
    inFlight: new Gauge({ name: 'apfa_requests_in_flight', help: 'HTTP requests being handled now.', registers: [registry] }),
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
    metrics.inFlight.inc();
    try {
      await next();
    } finally {
      metrics.inFlight.dec();
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
