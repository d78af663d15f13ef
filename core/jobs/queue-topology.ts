import type { QueueName } from '../../shared/contracts/jobs.ts';

/** The design's queues with their priorities (higher = more urgent, as in the design). */
export const QUEUES: Readonly<Record<QueueName, { priority: number }>> = {
  embedding: { priority: 9 },
  indexing: { priority: 7 },
  maintenance: { priority: 5 },
};

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** Default workers per queue (jobs processed at once per process). */
export const DEFAULT_CONCURRENCY: Readonly<Record<QueueName, number>> = { embedding: 2, indexing: 1, maintenance: 1 };
