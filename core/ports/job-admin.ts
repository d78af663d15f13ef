import type { JobName, JobPayloads, QueueName } from '../../shared/contracts/jobs.ts';
import type { JobState, QueueCounts } from './job-spec.ts';

/** A job as the admin API shows it. Times are epoch milliseconds. */
export type JobInfo = { [N in JobName]: JobInfoOf<N> }[JobName];

/** A job of name `N` as the admin API shows it. */
interface JobInfoOf<N extends JobName> {
  id: string;
  name: N;
  queue: QueueName;
  state: JobState;
  data: JobPayloads[N];
  /** The last value the processor reported (BullMQ starts at 0). */
  progress: number | Record<string, unknown>;
  attemptsMade: number;
  /** Total attempts allowed (first run included). */
  attempts: number;
  createdAt: number;
  processedAt: number | null;
  finishedAt: number | null;
  failedReason: string | null;
  /** The processor's return value once completed. */
  result: unknown;
  /** The job this one is a child of in a flow (`<queue>:<id>`), or null. */
  parent: { queue: QueueName; id: string } | null;
}

/** Where a page of jobs starts: after the job with this sort key (newest first by creation time). */
export interface JobCursor {
  createdAt: number;
  queue: QueueName;
  id: string;
}

export interface JobListQuery {
  /** Default: every queue. */
  queues?: readonly QueueName[] | undefined;
  /** Default: every state. */
  states?: readonly JobState[] | undefined;
  /** Created at or after (epoch ms). */
  from?: number | undefined;
  /** Created before (epoch ms). */
  to?: number | undefined;
  after?: JobCursor | undefined;
  limit: number;
}

export interface JobPage {
  items: JobInfo[];
  /** Pass as `after` for the next (older) page; null on the last page. */
  next: JobCursor | null;
}

/** What cancelling a job did. Only jobs that have not started are removed; nothing is interrupted. */
export type CancelOutcome =
  | { outcome: 'removed'; state: JobState }
  | { outcome: 'not-found' }
  /** It (or one of its children) is running: it finishes or fails on its own. */
  | { outcome: 'active' }
  | { outcome: 'finished'; state: 'completed' | 'failed' }
  /** A child in a flow: removing it alone would let its parent run without its result. */
  | { outcome: 'in-flow'; parent: { queue: QueueName; id: string } };

/** What retrying a job did: only failed jobs are retried, with their attempts counted afresh. */
export type RetryOutcome = { outcome: 'retried' } | { outcome: 'not-found' } | { outcome: 'not-failed'; state: JobState };

/** Finished jobs to remove from a queue's history. */
export interface CleanRequest {
  state: 'completed' | 'failed';
  /** Only jobs that finished at least this long ago. */
  olderThanMs: number;
  /** At most this many (oldest first). */
  limit: number;
}

/** A worker taking jobs from a queue. */
export interface WorkerInfo {
  queue: QueueName;
  name: string;
  /** host:port of its Redis connection (BullMQ); null in process. */
  address: string | null;
  /** Seconds since it connected (BullMQ) or started (in process). */
  ageSeconds: number | null;
  /** Seconds since its connection last ran a command (BullMQ); null in process. */
  idleSeconds: number | null;
}

/** What operators (the admin API, dashboards) do with jobs, queues and workers. */
export interface JobAdministration {
  readonly kind: 'bullmq' | 'in-process';
  /** State of a job, or null when the runner does not know it (never added, or removed). */
  state(queue: QueueName, id: string): Promise<JobState | null>;
  counts(): Promise<QueueCounts>;
  /** Jobs newest first (by creation time), filtered and paged. */
  list(query: JobListQuery): Promise<JobPage>;
  /** One job, or null when the runner does not know it. */
  get(queue: QueueName, id: string): Promise<JobInfo | null>;
  /** Removes a job that has not started (with its flow children); running jobs are left alone. */
  cancel(queue: QueueName, id: string): Promise<CancelOutcome>;
  /** Moves a failed job back to waiting with its attempts reset. */
  retry(queue: QueueName, id: string): Promise<RetryOutcome>;
  /** Stops starting new jobs of a queue (for every worker); jobs in flight finish. */
  pause(queue: QueueName): Promise<void>;
  resume(queue: QueueName): Promise<void>;
  isPaused(queue: QueueName): Promise<boolean>;
  /** Removes finished jobs from a queue's history; returns their ids. */
  clean(queue: QueueName, request: CleanRequest): Promise<string[]>;
  /** Workers alive now (BullMQ: connected to Redis, from any process; in process: this runner once started). */
  workers(): Promise<WorkerInfo[]>;
}
