import { getNextMillis } from 'bullmq';
import type { Logger } from '../../logger.ts';
import type { CancelOutcome, CleanRequest, JobInfo, JobListQuery, JobPage, RetryOutcome, WorkerInfo } from '../../ports/job-admin.ts';
import type { JobRunner } from '../../ports/job-runner.ts';
import type { AnyJobSpec, FlowSpec, JobSpec, JobState, QueueCounts, RepeatSpec } from '../../ports/job-spec.ts';
import type { ProcessorContext, Processors, RunnerEvent } from '../../ports/job-workers.ts';
import { JOB_QUEUE, type JobName, type QueueName } from '../../../shared/contracts/jobs.ts';
import { selectJobPage } from '../job-listing.ts';
import { errorMessage, isPermanentFailure } from '../permanent-failure.ts';
import { QUEUE_NAMES, QUEUES } from '../queue-topology.ts';
import { repeatOptions } from '../repeat-options.ts';
import { backoffDelayMs } from '../retry-policy.ts';
import { createRunnerEventEmitter } from './runner-event-emitter.ts';

interface InProcessJob {
  spec: AnyJobSpec;
  queue: QueueName;
  state: JobState;
  attemptsMade: number;
  sequence: number;
  parentId?: string | undefined;
  pendingChildren: Set<string>;
  childIds: string[];
  result?: unknown;
  failedReason?: string | undefined;
  progress: number | Record<string, unknown>;
  createdAt: number;
  processedAt?: number | undefined;
  finishedAt?: number | undefined;
  /** The backoff timer of a failed attempt waiting to be retried. */
  retryTimer?: NodeJS.Timeout | undefined;
}

export interface InProcessJobRunnerOptions {
  concurrency: Record<QueueName, number>;
  /** Where listener failures are reported. */
  logger: Logger;
  /** Finished jobs remembered (for state() and idempotent ids); older ones are forgotten. */
  keepFinished?: number;
  now?: () => number;
}

/**
 * The embedded default (no Redis): the same processors, job states, events, flows, retries and
 * schedules as the BullMQ runner, in this process. Waiting jobs are taken from the most urgent
 * queue first (the design's queue priority), then by job priority, then in order of arrival;
 * each queue runs at most its concurrency at once. Jobs live in memory: what was still waiting
 * when the process stops is not kept (the schedules add it again).
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process';
  readonly #options: InProcessJobRunnerOptions;
  readonly #jobs = new Map<string, InProcessJob>();
  readonly #active = new Map<string, Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #schedules = new Map<string, NodeJS.Timeout>();
  readonly #paused = new Set<QueueName>();
  #sequence = 0;
  #started = false;
  #startedAt = 0;
  #closing = false;
  #processors: Processors | null = null;
  readonly #events;

  constructor(options: InProcessJobRunnerOptions) {
    this.#options = options;
    this.#events = createRunnerEventEmitter(options.logger);
  }

  async add<N extends JobName>(job: JobSpec<N>): Promise<string> {
    this.#create(job as AnyJobSpec, undefined);
    this.#pump();
    return job.id;
  }

  async addFlow(flow: FlowSpec): Promise<string> {
    this.#createFlow(flow, undefined);
    this.#pump();
    return flow.id;
  }

  async schedule<N extends JobName>(schedulerId: string, repeat: RepeatSpec, job: Omit<JobSpec<N>, 'id'>): Promise<void> {
    await this.unschedule(schedulerId);
    const plan = (from: number) => {
      const next = getNextMillis(from, repeatOptions(repeat));
      if (next === undefined || this.#closing) return;
      // Timers cap at ~24.8 days; hop there and plan again.
      const delay = Math.min(Math.max(0, next - this.#now()), 2 ** 31 - 1);
      const timer = setTimeout(() => {
        if (this.#now() + 5 >= next) void this.add({ ...job, id: `repeat.${schedulerId}.${next}` } as JobSpec<N>);
        plan(Math.max(next, this.#now()));
      }, delay);
      timer.unref();
      this.#schedules.set(schedulerId, timer);
    };
    plan(this.#now());
  }

  async unschedule(schedulerId: string): Promise<void> {
    const timer = this.#schedules.get(schedulerId);
    if (timer) clearTimeout(timer);
    this.#schedules.delete(schedulerId);
  }

  async state(_queue: QueueName, id: string): Promise<JobState | null> {
    return this.#jobs.get(id)?.state ?? null;
  }

  async counts(): Promise<QueueCounts> {
    const counts = Object.fromEntries(QUEUE_NAMES.map((queue) => [queue, {}])) as QueueCounts;
    for (const job of this.#jobs.values()) {
      const queue = counts[job.queue];
      queue[job.state] = (queue[job.state] ?? 0) + 1;
    }
    return counts;
  }

  async list(query: JobListQuery): Promise<JobPage> {
    const entries = [...this.#jobs.values()].map((job) => ({ queue: job.queue, id: job.spec.id, state: job.state, createdAt: job.createdAt, job }));
    const { page, next } = selectJobPage(entries, query);
    return { items: page.map((entry) => this.#info(entry.job)), next };
  }

  async get(queue: QueueName, id: string): Promise<JobInfo | null> {
    const job = this.#find(queue, id);
    return job ? this.#info(job) : null;
  }

  async cancel(queue: QueueName, id: string): Promise<CancelOutcome> {
    const job = this.#find(queue, id);
    if (!job) return { outcome: 'not-found' };
    if (job.state === 'active') return { outcome: 'active' };
    if (job.state === 'completed' || job.state === 'failed') return { outcome: 'finished', state: job.state };
    const parent = job.parentId === undefined ? undefined : this.#jobs.get(job.parentId);
    if (parent) return { outcome: 'in-flow', parent: { queue: parent.queue, id: parent.spec.id } };
    const subtree = this.#subtree(job);
    if (subtree.some((member) => member.state === 'active')) return { outcome: 'active' };
    for (const member of subtree) {
      if (member.retryTimer) {
        clearTimeout(member.retryTimer);
        this.#timers.delete(member.retryTimer);
      }
      this.#jobs.delete(member.spec.id);
    }
    return { outcome: 'removed', state: job.state };
  }

  async retry(queue: QueueName, id: string): Promise<RetryOutcome> {
    const job = this.#find(queue, id);
    if (!job) return { outcome: 'not-found' };
    if (job.state !== 'failed') return { outcome: 'not-failed', state: job.state };
    job.state = 'waiting';
    job.attemptsMade = 0;
    job.failedReason = undefined;
    job.processedAt = undefined;
    job.finishedAt = undefined;
    this.#pump();
    return { outcome: 'retried' };
  }

  async pause(queue: QueueName): Promise<void> {
    this.#paused.add(queue);
  }

  async resume(queue: QueueName): Promise<void> {
    this.#paused.delete(queue);
    this.#pump();
  }

  async isPaused(queue: QueueName): Promise<boolean> {
    return this.#paused.has(queue);
  }

  async clean(queue: QueueName, request: CleanRequest): Promise<string[]> {
    const cutoff = this.#now() - request.olderThanMs;
    const candidates = [...this.#jobs.values()]
      .filter((job) => job.queue === queue && job.state === request.state && (job.finishedAt ?? 0) <= cutoff)
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || a.sequence - b.sequence);
    const removed: string[] = [];
    for (const job of candidates) {
      if (removed.length >= request.limit) break;
      // A parent still waiting reads its children's results; keep those.
      const parent = job.parentId === undefined ? undefined : this.#jobs.get(job.parentId);
      if (parent && parent.state !== 'completed' && parent.state !== 'failed') continue;
      this.#jobs.delete(job.spec.id);
      removed.push(job.spec.id);
    }
    return removed;
  }

  async workers(): Promise<WorkerInfo[]> {
    if (!this.#started || this.#closing) return [];
    const ageSeconds = Math.max(0, Math.floor((this.#now() - this.#startedAt) / 1000));
    return QUEUE_NAMES.map((queue) => ({ queue, name: `in-process (pid ${process.pid})`, address: null, ageSeconds, idleSeconds: null }));
  }

  subscribe(listener: (event: RunnerEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Every job runs in this process, so its events are all heard already. */
  async listen(): Promise<void> {}

  async start(processors: Processors): Promise<void> {
    this.#processors = processors;
    this.#started = true;
    this.#startedAt = this.#now();
    this.#pump();
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    this.#closing = true;
    for (const timer of this.#schedules.values()) clearTimeout(timer);
    this.#schedules.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (!options.force) await Promise.allSettled([...this.#active.values()]);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #create(spec: AnyJobSpec, parentId: string | undefined): InProcessJob {
    const existing = this.#jobs.get(spec.id);
    if (existing) return existing;
    const job: InProcessJob = {
      spec,
      queue: JOB_QUEUE[spec.name],
      state: 'waiting',
      attemptsMade: 0,
      sequence: this.#sequence++,
      parentId,
      pendingChildren: new Set(),
      childIds: [],
      progress: 0,
      createdAt: this.#now(),
    };
    this.#jobs.set(spec.id, job);
    return job;
  }

  #createFlow(flow: FlowSpec, parentId: string | undefined): InProcessJob {
    const known = this.#jobs.has(flow.id);
    const job = this.#create(flow, parentId);
    if (known) return job;
    const children = (flow.children ?? []).map((child) => this.#createFlow(child, flow.id));
    job.childIds = children.map((child) => child.spec.id);
    for (const child of children) if (child.state !== 'completed') job.pendingChildren.add(child.spec.id);
    if (job.pendingChildren.size > 0) job.state = 'waiting-children';
    return job;
  }

  /** Starts as many waiting jobs as the queues' concurrency allows, most urgent queue first. */
  #pump(): void {
    if (!this.#started || this.#closing) return;
    const running = new Map<QueueName, number>(QUEUE_NAMES.map((queue) => [queue, 0]));
    for (const id of this.#active.keys()) {
      const queue = this.#jobs.get(id)?.queue;
      if (queue) running.set(queue, (running.get(queue) ?? 0) + 1);
    }
    const waiting = [...this.#jobs.values()]
      .filter((job) => job.state === 'waiting' && !this.#paused.has(job.queue))
      .sort(
        (a, b) =>
          QUEUES[b.queue].priority - QUEUES[a.queue].priority ||
          (a.spec.priority ?? 0) - (b.spec.priority ?? 0) ||
          a.sequence - b.sequence,
      );
    for (const job of waiting) {
      const queue = job.queue;
      if ((running.get(queue) ?? 0) >= this.#options.concurrency[queue]) continue;
      running.set(queue, (running.get(queue) ?? 0) + 1);
      this.#run(job);
    }
  }

  #run(job: InProcessJob): void {
    job.state = 'active';
    job.processedAt = this.#now();
    const id = job.spec.id;
    const execution = (async () => {
      const processor = this.#processors?.[job.spec.name] as ((context: ProcessorContext) => Promise<unknown>) | undefined;
      try {
        if (!processor) throw new Error(`no processor for job "${job.spec.name}"`);
        const result = await processor(this.#context(job));
        this.#complete(job, result);
      } catch (error) {
        this.#fail(job, error);
      }
    })().finally(() => {
      this.#active.delete(id);
      this.#forgetOld();
      this.#pump();
    });
    this.#active.set(id, execution);
  }

  #context(job: InProcessJob): ProcessorContext {
    return {
      id: job.spec.id,
      name: job.spec.name,
      queue: job.queue,
      data: job.spec.data,
      attemptsMade: job.attemptsMade,
      progress: async (progress) => {
        job.progress = progress;
        this.#emit({ type: 'progress', queue: job.queue, jobId: job.spec.id, name: job.spec.name, progress });
      },
      childrenValues: async () => job.childIds.map((childId) => this.#jobs.get(childId)?.result),
      addFlow: (flow) => this.addFlow(flow),
    };
  }

  #complete(job: InProcessJob, result: unknown): void {
    job.state = 'completed';
    job.result = result;
    job.finishedAt = this.#now();
    const parent = job.parentId === undefined ? undefined : this.#jobs.get(job.parentId);
    if (parent && parent.state === 'waiting-children') {
      parent.pendingChildren.delete(job.spec.id);
      if (parent.pendingChildren.size === 0) parent.state = 'waiting';
    }
    this.#emit({ type: 'completed', queue: job.queue, jobId: job.spec.id, name: job.spec.name, result });
  }

  #fail(job: InProcessJob, error: unknown): void {
    job.attemptsMade++;
    const attempts = job.spec.attempts ?? 1;
    const willRetry = !this.#closing && !isPermanentFailure(error) && job.attemptsMade < attempts;
    const message = errorMessage(error);
    if (willRetry) {
      job.state = 'delayed';
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        job.retryTimer = undefined;
        job.state = 'waiting';
        this.#pump();
      }, backoffDelayMs(job.spec.backoffMs ?? 0, job.attemptsMade));
      this.#timers.add(timer);
      job.retryTimer = timer;
    } else {
      this.#markFailed(job, message);
    }
    // Reported once the job's state says what happened, as BullMQ does; then its parents fail.
    this.#emit({ type: 'failed', queue: job.queue, jobId: job.spec.id, name: job.spec.name, error: message, attemptsMade: job.attemptsMade, willRetry });
    if (!willRetry) this.#failParent(job, message);
  }

  #markFailed(job: InProcessJob, reason: string): void {
    job.state = 'failed';
    job.failedReason = reason;
    job.finishedAt = this.#now();
  }

  /** A child failing for good fails the parent waiting for it (and so on up the flow). */
  #failParent(job: InProcessJob, reason: string): void {
    const parent = job.parentId === undefined ? undefined : this.#jobs.get(job.parentId);
    if (!parent || parent.state !== 'waiting-children') return;
    const parentReason = `child ${job.spec.id} failed: ${reason}`;
    this.#markFailed(parent, parentReason);
    this.#emit({ type: 'failed', queue: parent.queue, jobId: parent.spec.id, name: parent.spec.name, error: parentReason, attemptsMade: parent.attemptsMade, willRetry: false });
    this.#failParent(parent, parentReason);
  }

  /** The job with this id on this queue (ids are unique across queues here). */
  #find(queue: QueueName, id: string): InProcessJob | undefined {
    const job = this.#jobs.get(id);
    return job?.queue === queue ? job : undefined;
  }

  /** The job and every job below it in its flow. */
  #subtree(job: InProcessJob): InProcessJob[] {
    const members: InProcessJob[] = [];
    const visit = (member: InProcessJob) => {
      members.push(member);
      for (const childId of member.childIds) {
        const child = this.#jobs.get(childId);
        if (child && child.parentId === member.spec.id) visit(child);
      }
    };
    visit(job);
    return members;
  }

  #info(job: InProcessJob): JobInfo {
    const parent = job.parentId === undefined ? undefined : this.#jobs.get(job.parentId);
    return {
      id: job.spec.id,
      name: job.spec.name,
      queue: job.queue,
      state: job.state,
      data: job.spec.data,
      progress: job.progress,
      attemptsMade: job.attemptsMade,
      attempts: job.spec.attempts ?? 1,
      createdAt: job.createdAt,
      processedAt: job.processedAt ?? null,
      finishedAt: job.finishedAt ?? null,
      failedReason: job.failedReason ?? null,
      result: job.state === 'completed' ? (job.result ?? null) : null,
      parent: parent ? { queue: parent.queue, id: parent.spec.id } : null,
    } as JobInfo;
  }

  #emit(event: RunnerEvent): void {
    this.#events.emit(event);
  }

  #forgetOld(): void {
    const keep = this.#options.keepFinished ?? 1000;
    const finished = [...this.#jobs.values()].filter((job) => job.state === 'completed' || job.state === 'failed');
    if (finished.length <= keep) return;
    finished.sort((a, b) => a.sequence - b.sequence);
    for (const job of finished.slice(0, finished.length - keep)) {
      // A parent still waiting reads its children's results; keep those.
      const parent = job.parentId === undefined ? undefined : this.#jobs.get(job.parentId);
      if (parent && parent.state !== 'completed' && parent.state !== 'failed') continue;
      this.#jobs.delete(job.spec.id);
    }
  }
}
