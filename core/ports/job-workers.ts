import type { JobName, JobPayloads, QueueName } from '../../shared/contracts/jobs.ts';
import type { FlowSpec } from './job-spec.ts';

/** What a processor sees of the job of name `N` it runs. */
export interface ProcessorContext<N extends JobName = JobName> {
  readonly id: string;
  readonly name: N;
  readonly queue: QueueName;
  /** As added; processors still validate it (it crossed Redis or a process boundary). */
  readonly data: JobPayloads[N];
  /** Attempts already made before this one (0 on the first run). */
  readonly attemptsMade: number;
  progress(value: number | Record<string, unknown>): Promise<void>;
  /** Return values of this job's direct children (flows). */
  childrenValues(): Promise<unknown[]>;
  /** Adds a flow from inside a job (ingest creates the embed/build/publish flow). */
  addFlow(flow: FlowSpec): Promise<string>;
}

/** Runs one job of name `N`; what it resolves to is the job's result. */
export type Processor<N extends JobName = JobName> = (context: ProcessorContext<N>) => Promise<unknown>;

/** One processor per job name. */
export type Processors = { [N in JobName]: Processor<N> };

/** What a runner reports about the jobs it runs (or, listening, the jobs run anywhere). */
export type RunnerEvent =
  | { type: 'progress'; queue: QueueName; jobId: string; name: string; progress: number | Record<string, unknown> }
  | { type: 'completed'; queue: QueueName; jobId: string; name: string; result: unknown }
  | { type: 'failed'; queue: QueueName; jobId: string; name: string; error: string; attemptsMade: number; willRetry: boolean }
  /** A job whose worker stopped renewing its lock (it died or was killed) was put back to run again (BullMQ only). */
  | { type: 'stalled'; queue: QueueName; jobId: string; name: string };

/** Where runner events come from. A listener that throws is logged and does not stop the others. */
export interface RunnerEvents {
  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: RunnerEvent) => void): () => void;
  /**
   * Reports the events of jobs run by any process, without running jobs here (an API process
   * serving the admin feed). In process every job runs here, so there is nothing more to hear.
   */
  listen(): Promise<void>;
}

/** The worker lifecycle: processing jobs with the given processors. */
export interface JobWorkers {
  /** Starts processing with these processors. Adding jobs works before. */
  start(processors: Processors): Promise<void>;
  /**
   * Stops processing and listening. Without `force` it waits for the jobs in flight to finish;
   * with `force` it stops at once and the jobs in flight are retried later (BullMQ: after their lock expires).
   */
  close(options?: { force?: boolean }): Promise<void>;
}
