import type { JobName, JobPayloads, QueueName } from '../../shared/contracts/jobs.ts';

/** Job states, named as BullMQ names them; the in-process runner uses the same ones. */
export type JobState = 'waiting' | 'waiting-children' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed';

/** Jobs per state of each queue. */
export type QueueCounts = Record<QueueName, Partial<Record<JobState, number>>>;

/**
 * One job of name `N` to run, with that job's payload; its queue follows from the name
 * (`JOB_QUEUE`). `id` makes adding idempotent: adding an id that already exists is a no-op.
 */
export interface JobSpec<N extends JobName = JobName> {
  id: string;
  name: N;
  data: JobPayloads[N];
  /** Total attempts (first run included). */
  attempts?: number | undefined;
  /** First retry delay; doubles on each further retry (exponential backoff). */
  backoffMs?: number | undefined;
  /** Within one queue: lower runs first (BullMQ semantics); undefined = plain FIFO. */
  priority?: number | undefined;
}

/** Any job spec: a union over the job names, so `name` narrows `data`. */
export type AnyJobSpec = { [N in JobName]: JobSpec<N> }[JobName];

/** A parent job that runs once all its children completed; a child failing for good fails the parent. */
export type FlowSpec = { [N in JobName]: FlowSpecOf<N> }[JobName];

/** A flow whose top job is named `N`. */
interface FlowSpecOf<N extends JobName> extends JobSpec<N> {
  children?: FlowSpec[] | undefined;
}

/** When a scheduled job repeats: a cron pattern (with optional time zone) or a fixed interval. */
export type RepeatSpec = { pattern: string; tz?: string | undefined } | { every: number };
