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
  /** Starts processing jobs (workers). Adding jobs works before. */
  start(): Promise<void>;
  /**
   * Stops processing. Without `force` it waits for the jobs in flight to finish; with `force`
   * it stops at once and the jobs in flight are retried later (BullMQ: after their lock expires).
   */
  close(options?: { force?: boolean }): Promise<void>;
}
