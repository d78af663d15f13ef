import { DashboardBuilder, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { heatmap, JOBS, quantiles, stat, timeseries } from './dashboard-parts.ts';

const worker = `job="${JOBS.worker}"`;
const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;

/** APFA workers: live workers per queue, job durations, throughput, failures, and the worker processes' CPU and memory. */
export function workersDashboard(): Dashboard {
  return new DashboardBuilder('APFA workers')
    .uid('apfa-workers')
    .description('BullMQ workers: live workers, job durations, throughput and failures, process CPU and memory (docs/operations.md).')
    .tags(['apfa', 'generated'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .readonly()
    .withRow(new RowBuilder('Workers'))
    .withPanel(
      stat({
        title: 'Live workers by queue',
        description: 'Worker connections registered in Redis per queue (gone when a worker dies); every process reads the same count, hence max.',
        unit: 'short',
        width: 8,
        queries: [{ expr: 'max by (queue) (apfa_queue_workers)', legend: '{{queue}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Waiting jobs by queue',
        description: 'Jobs waiting for a worker (KEDA scales the worker Deployment on this).',
        unit: 'short',
        width: 16,
        queries: [{ expr: 'sum by (queue) (max by (queue, state) (apfa_queue_depth{state=~"waiting|prioritized"}))', legend: '{{queue}}' }],
      }),
    )
    .withRow(new RowBuilder('Jobs'))
    .withPanel(
      heatmap({
        title: 'Job duration heatmap',
        description: 'How long job runs take (all queues), from the apfa_job_duration_seconds buckets.',
        unit: 's',
        queries: [{ expr: `sum by (le) (increase(apfa_job_duration_seconds_bucket{${worker}}[$__rate_interval]))`, legend: '{{le}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Job duration by queue (p50, p95, p99)',
        description: 'Job run time by queue.',
        unit: 's',
        queries: quantiles(`apfa_job_duration_seconds_bucket{${worker}}`, ['queue']),
      }),
    )
    .withPanel(
      timeseries({
        title: 'Throughput',
        description: 'Jobs completed per second by queue and job name.',
        unit: 'ops',
        queries: [{ expr: `sum by (queue, name) (${rate(`apfa_jobs_total{${worker},outcome="completed"}`)})`, legend: '{{queue}} {{name}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Failures, retries and stalls',
        description: 'Jobs failed for good, failed and retried, and stalled (their worker died; put back), per second.',
        unit: 'ops',
        queries: [{ expr: `sum by (queue, name, outcome) (${rate(`apfa_jobs_total{${worker},outcome=~"failed|retried|stalled"}`)})`, legend: '{{queue}} {{name}} {{outcome}}' }],
      }),
    )
    .withRow(new RowBuilder('Processes'))
    .withPanel(
      timeseries({
        title: 'Worker CPU',
        description: 'CPU time used per second by each worker process (1 = one core).',
        unit: 'percentunit',
        queries: [{ expr: `${rate(`apfa_process_process_cpu_seconds_total{${worker}}`)}`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Worker memory',
        description: 'Resident memory and the V8 heap in use of each worker process.',
        unit: 'bytes',
        queries: [
          { expr: `apfa_process_process_resident_memory_bytes{${worker}}`, legend: '{{instance}} resident' },
          { expr: `apfa_process_nodejs_heap_size_used_bytes{${worker}}`, legend: '{{instance}} heap used' },
        ],
      }),
    )
    .build();
}
