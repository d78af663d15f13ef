import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { QUEUE_NAMES } from '../jobs/queue-topology.ts';
import type { JobObserver } from '../jobs/job-observer.ts';
import type { QueueCounts } from '../ports/job-spec.ts';
import type { WorkerInfo } from '../ports/job-admin.ts';
import { cachedReading } from './cached-reading.ts';

/** The job families: the observer the job system reports to, and the queue sources read at scrape time. */
export interface JobMetrics {
  observer: Required<JobObserver>;
  /** Reads queue depths and live workers from the runner (BullMQ: Redis) at scrape time, at most once a second. */
  watchQueues(sources: { counts: () => Promise<QueueCounts>; workers: () => Promise<WorkerInfo[]> }): void;
}

/** Registers the job families on `registry` (once per registry). */
export function registerJobMetrics(registry: Registry, options: { onError?: (error: unknown) => void } = {}): JobMetrics {
  let readCounts: (() => Promise<QueueCounts | undefined>) | null = null;
  let readWorkers: (() => Promise<WorkerInfo[] | undefined>) | null = null;
  new Gauge({
    name: 'apfa_queue_depth',
    help: 'Jobs per queue (embedding, indexing, maintenance) and state (waiting, active, delayed, prioritized, waiting-children, completed, failed), read from the job runner.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await readCounts?.();
      if (!counts) return;
      this.reset();
      for (const queue of QUEUE_NAMES) {
        for (const [state, value] of Object.entries(counts[queue] ?? {})) if (typeof value === 'number') this.set({ queue, state }, value);
      }
    },
  });
  new Gauge({
    name: 'apfa_queue_workers',
    help: 'Live workers per queue: BullMQ worker connections registered in Redis (gone when a worker dies), or this process in process.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const workers = await readWorkers?.();
      if (!workers) return;
      for (const queue of QUEUE_NAMES) this.set({ queue }, workers.filter((worker) => worker.queue === queue).length);
    },
  });
  const duration = new Histogram({
    name: 'apfa_job_duration_seconds',
    help: 'Job processor run time by queue and job name (failed runs included).',
    labelNames: ['queue', 'name'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'apfa_jobs_total',
    help: 'Job runs by queue, job name and outcome: completed, failed (for good), retried (failed, tried again), stalled (its worker died; put back).',
    labelNames: ['queue', 'name', 'outcome'],
    registers: [registry],
  });
  const batch = new Histogram({
    name: 'apfa_embedding_batch_seconds',
    help: 'Run time of one embed-batch job (reading the batch, embedding, storing the vectors).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const rate = new Gauge({
    name: 'apfa_embedding_documents_per_second',
    help: 'Documents embedded per second by the last embed-batch job that embedded any.',
    registers: [registry],
  });
  const documents = new Counter({
    name: 'apfa_embedded_documents_total',
    help: 'Documents embedded by embed-batch jobs (documents whose vectors were reused are not counted).',
    registers: [registry],
  });
  return {
    observer: {
      onJobRun: ({ queue, name, seconds }) => duration.observe({ queue, name }, seconds),
      onJobOutcome: ({ queue, name, outcome }) => outcomes.inc({ queue, name, outcome }),
      onEmbeddingBatch: ({ seconds, documents: count }) => {
        batch.observe(seconds);
        documents.inc(count);
        if (count > 0 && seconds > 0) rate.set(count / seconds);
      },
    },
    watchQueues({ counts, workers }) {
      const onError = options.onError;
      readCounts = cachedReading(counts, { maxAgeMs: 1000, ...(onError ? { onError } : {}) });
      readWorkers = cachedReading(workers, { maxAgeMs: 1000, ...(onError ? { onError } : {}) });
    },
  };
}
