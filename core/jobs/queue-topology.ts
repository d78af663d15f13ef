import type { QueueName } from '../ports/job-runner.ts';

/** The design's queues with their priorities (higher = more urgent, as in the design). */
export const QUEUES: Readonly<Record<QueueName, { priority: number }>> = {
  embedding: { priority: 9 },
  indexing: { priority: 7 },
  maintenance: { priority: 5 },
};

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** Job names, and the queue each runs on. */
export const JOB_QUEUE = {
  ingest: 'embedding',
  'embed-batch': 'embedding',
  'build-index': 'indexing',
  publish: 'indexing',
  cleanup: 'maintenance',
  stats: 'maintenance',
} as const satisfies Record<string, QueueName>;

export type JobName = keyof typeof JOB_QUEUE;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_QUEUE, name);
}

/** Default workers per queue (jobs processed at once per process). */
export const DEFAULT_CONCURRENCY: Readonly<Record<QueueName, number>> = { embedding: 2, indexing: 1, maintenance: 1 };
