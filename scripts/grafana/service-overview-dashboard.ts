import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { gauge, JOBS, quantiles, stat, timeseries } from './dashboard-parts.ts';

const core = `job="${JOBS.core}"`;
const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;

/**
 * APFA service overview: requests and errors, latency by route, the edge answer cache, the advice
 * pipeline, embedding, the index against its migration thresholds, search latency and the job queues.
 */
export function serviceOverviewDashboard(): Dashboard {
  return new DashboardBuilder('APFA service overview')
    .uid('apfa-service-overview')
    .description('Requests, latency, cache, advice pipeline, index growth and migration, search and jobs (docs/operations.md).')
    .tags(['apfa', 'generated'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .readonly()
    .withRow(new RowBuilder('Requests'))
    .withPanel(
      timeseries({
        title: 'Request rate by route',
        description: 'HTTP requests per second handled by core, by matched route.',
        unit: 'reqps',
        width: 8,
        queries: [{ expr: `sum by (route) (${rate(`apfa_requests_total{${core}}`)})`, legend: '{{route}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Error rate',
        description: 'Share of responses that are 5xx (HighErrorRate fires above 5% for 5 minutes) and 4xx.',
        unit: 'percentunit',
        width: 8,
        min: 0,
        queries: [
          { expr: `sum(${rate(`apfa_requests_total{${core},status=~"5.."}`)}) / sum(${rate(`apfa_requests_total{${core}}`)})`, legend: '5xx' },
          { expr: `sum(${rate(`apfa_requests_total{${core},status=~"4.."}`)}) / sum(${rate(`apfa_requests_total{${core}}`)})`, legend: '4xx' },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Requests in flight',
        description: 'HTTP requests being handled now, per core replica.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (instance) (apfa_requests_in_flight{${core}})`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Latency by route (p50, p95, p99)',
        description: "Core's response time by matched route.",
        unit: 's',
        width: 24,
        queries: quantiles(`apfa_response_time_seconds_bucket{${core}}`, ['route']),
      }),
    )
    .withRow(new RowBuilder('Edge answer cache and advice pipeline'))
    .withPanel(
      stat({
        title: 'Edge cache hit rate',
        description: "The edge Worker's answer-cache hits over hits and misses (counted in Redis, exported by every core replica alike, hence max).",
        unit: 'percentunit',
        width: 6,
        queries: [
          {
            expr: `max(${rate('apfa_cache_hits_total')}) / (max(${rate('apfa_cache_hits_total')}) + max(${rate('apfa_cache_misses_total')}))`,
            legend: 'hit rate',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Pipeline stage breakdown (p95)',
        description: 'Advice pipeline stages: embed, search, generate, bias.',
        unit: 's',
        width: 9,
        queries: quantiles('apfa_pipeline_stage_seconds_bucket', ['stage'], '$__rate_interval', [0.95]),
      }),
    )
    .withPanel(
      timeseries({
        title: 'Answers by outcome',
        description: 'Answers per second by generator and outcome (answered, refused, degraded), and the first-token p95 of streams.',
        unit: 'short',
        width: 9,
        queries: [
          { expr: `sum by (generator, outcome) (${rate('apfa_answers_total')})`, legend: '{{generator}} {{outcome}}' },
          { expr: `histogram_quantile(0.95, sum by (le) (${rate('apfa_generation_first_token_seconds_bucket')}))`, legend: 'first token p95 (s)' },
        ],
      }),
    )
    .withRow(new RowBuilder('Embedding'))
    .withPanel(
      timeseries({
        title: 'Embedding batch duration (p95, p99)',
        description: 'Run time of embed-batch jobs (SlowEmbeddingBatches fires above 2 s p95).',
        unit: 's',
        queries: quantiles('apfa_embedding_batch_seconds_bucket', [], '$__rate_interval', [0.95, 0.99]),
      }),
    )
    .withPanel(
      timeseries({
        title: 'Embedding throughput',
        description: 'Documents embedded per second, over time and as measured by the last batch.',
        unit: 'short',
        queries: [
          { expr: `sum(${rate('apfa_embedded_documents_total')})`, legend: 'documents/s' },
          { expr: 'max(apfa_embedding_documents_per_second)', legend: 'last batch documents/s' },
        ],
      }),
    )
    .withRow(new RowBuilder('Index and migration'))
    .withPanel(
      timeseries({
        title: 'Vectors against the migration thresholds',
        description: 'Vectors in the live index, and the 400k (warning) and 500k (critical) thresholds where Flat must become IVF.',
        unit: 'short',
        width: 12,
        min: 0,
        queries: [
          { expr: `max(apfa_index_vector_count{${core}})`, legend: 'vectors' },
          { expr: 'max by (level) (apfa_index_migration_threshold_vectors)', legend: '{{level}} threshold' },
        ],
      }),
    )
    .withPanel(
      stat({
        title: 'Days until 500k',
        description: 'At the growth seen between the oldest and newest stored index versions; empty when the index is not growing.',
        unit: 'd',
        width: 6,
        queries: [{ expr: 'min(apfa_index_days_until_critical)', legend: 'days' }],
      }),
    )
    .withPanel(
      gauge({
        title: 'Migration urgency',
        description: '0-100: 50 at the warning threshold, 100 at the critical one; 0 once the index is IVF.',
        unit: 'none',
        width: 6,
        min: 0,
        max: 100,
        thresholds: [50, 90],
        queries: [{ expr: 'max(apfa_index_migration_urgency)', legend: 'urgency' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'FAISS search latency (p95, p99)',
        description: 'Vector search latency (HighFAISSSearchLatency fires above 200 ms p95).',
        unit: 's',
        width: 12,
        queries: quantiles(`apfa_faiss_search_seconds_bucket{${core}}`, [], '$__rate_interval', [0.95, 0.99]),
      }),
    )
    .withPanel(
      timeseries({
        title: 'Index memory',
        description: 'Bytes the live index vectors take in memory, per core replica (each replica holds the whole index).',
        unit: 'bytes',
        width: 12,
        queries: [{ expr: `max by (instance) (apfa_index_memory_bytes{${core}})`, legend: '{{instance}}' }],
      }),
    )
    .withRow(new RowBuilder('Jobs'))
    .withPanel(
      timeseries({
        title: 'Queue depth',
        description: 'Jobs per queue and state, read from Redis (JobQueueBacklog fires above 50 waiting for 10 minutes).',
        unit: 'short',
        queries: [{ expr: 'max by (queue, state) (apfa_queue_depth{state=~"waiting|prioritized|active|delayed"})', legend: '{{queue}} {{state}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Job success rate',
        description: 'Completed over finished jobs, by queue (HighJobFailureRate fires when failures pass 5%).',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [
          {
            expr: `sum by (queue) (${rate('apfa_jobs_total{outcome="completed"}')}) / sum by (queue) (${rate('apfa_jobs_total{outcome=~"completed|failed"}')})`,
            legend: '{{queue}}',
          },
        ],
      }),
    )
    .build();
}
