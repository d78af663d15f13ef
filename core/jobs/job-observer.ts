import type { QueueName } from '../../shared/contracts/jobs.ts';

/** How a job run ended: completed, failed for good, failed and to be retried, or found stalled (its worker died) and put back. */
export type JobOutcome = 'completed' | 'failed' | 'retried' | 'stalled';

/**
 * What the job system reports for metrics (the process entry records it; nothing here knows
 * Prometheus). Only processes that run workers report runs and outcomes.
 */
export interface JobObserver {
  /** A processor run in this process ended (`ok`: it returned), after `seconds`. */
  onJobRun?(run: { queue: QueueName; name: string; seconds: number; ok: boolean }): void;
  /** A job of this process's workers reached an outcome. */
  onJobOutcome?(event: { queue: QueueName; name: string; outcome: JobOutcome }): void;
  /** One embed-batch job embedded `documents` documents in `seconds` (documents reused from an earlier run not counted). */
  onEmbeddingBatch?(batch: { seconds: number; documents: number }): void;
}
