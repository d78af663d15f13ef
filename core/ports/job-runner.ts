/** The three job queues of the design, most urgent first. */
export type QueueName = 'embedding' | 'indexing' | 'maintenance';

/** Job states, named as BullMQ names them; the in-process runner uses the same ones. */
export type JobState = 'waiting' | 'waiting-children' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed';

/** One job to run. `id` makes adding idempotent: adding an id that already exists is a no-op. */
export interface JobSpec {
  id: string;
  name: string;
  queue: QueueName;
  data: unknown;
  /** Total attempts (first run included). */
  attempts?: number | undefined;
  /** First retry delay; doubles on each further retry (exponential backoff). */
  backoffMs?: number | undefined;
  /** Within one queue: lower runs first (BullMQ semantics); undefined = plain FIFO. */
  priority?: number | undefined;
}

/** A parent job that runs once all its children completed; a child failing for good fails the parent. */
export interface FlowSpec extends JobSpec {
  children?: FlowSpec[] | undefined;
}

/** When a scheduled job repeats: a cron pattern (with optional time zone) or a fixed interval. */
export type RepeatSpec = { pattern: string; tz?: string | undefined } | { every: number };

/** What a processor sees of the job it runs. */
export interface ProcessorContext {
  readonly id: string;
  readonly name: string;
  readonly queue: QueueName;
  readonly data: unknown;
  /** Attempts already made before this one (0 on the first run). */
  readonly attemptsMade: number;
  progress(value: number | Record<string, unknown>): Promise<void>;
  /** Return values of this job's direct children (flows). */
  childrenValues(): Promise<unknown[]>;
  /** Adds a flow from inside a job (ingest creates the embed/build/publish flow). */
  addFlow(flow: FlowSpec): Promise<string>;
}

export type Processor = (context: ProcessorContext) => Promise<unknown>;

/** What a runner reports; the job system turns these into the admin feed's events. */
export type RunnerEvent =
  | { type: 'progress'; queue: QueueName; jobId: string; name: string; progress: number | Record<string, unknown> }
  | { type: 'completed'; queue: QueueName; jobId: string; name: string; result: unknown }
  | { type: 'failed'; queue: QueueName; jobId: string; name: string; error: string; attemptsMade: number; willRetry: boolean };

export type QueueCounts = Record<QueueName, Partial<Record<JobState, number>>>;

/** A job as the admin API shows it. Times are epoch milliseconds. */
export interface JobInfo {
  id: string;
  name: string;
  queue: QueueName;
  state: JobState;
  data: unknown;
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

/**
 * Runs named jobs on the three queues: BullMQ on Redis, or an in-process runner for the
 * embedded default. Both call the same processors, report the same events and use the same
 * job states.
 */
export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  add(job: JobSpec): Promise<string>;
  addFlow(flow: FlowSpec): Promise<string>;
  /** Creates or updates a repeating job (BullMQ job scheduler). */
  schedule(schedulerId: string, repeat: RepeatSpec, job: Omit<JobSpec, 'id'>): Promise<void>;
  unschedule(schedulerId: string): Promise<void>;
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
  /** Starts processing jobs (workers). Adding jobs works before. */
  start(): Promise<void>;
  /**
   * Stops processing. Without `force` it waits for the jobs in flight to finish; with `force`
   * it stops at once and the jobs in flight are retried later (BullMQ: after their lock expires).
   */
  close(options?: { force?: boolean }): Promise<void>;
}
