import { hostname } from 'node:os';
import { FlowProducer, Queue, QueueEvents, UnrecoverableError, Worker, type FlowJob, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';
import type { CancelOutcome, CleanRequest, JobInfo, JobListQuery, JobPage, RetryOutcome, WorkerInfo } from '../../ports/job-admin.ts';
import type { JobRunner } from '../../ports/job-runner.ts';
import type { FlowSpec, JobSpec, JobState, QueueCounts, RepeatSpec } from '../../ports/job-spec.ts';
import type { ProcessorContext, Processors, RunnerEvent } from '../../ports/job-workers.ts';
import { JOB_QUEUE, type JobName, type QueueName } from '../../../shared/contracts/jobs.ts';
import { queryScope, selectJobPage, type JobListEntry } from '../job-listing.ts';
import { errorMessage, isPermanentFailure } from '../permanent-failure.ts';
import { QUEUE_NAMES } from '../queue-topology.ts';
import { repeatOptions } from '../repeat-options.ts';
import { bullmqBackoff } from '../retry-policy.ts';
import { createRunnerEventEmitter } from './runner-event-emitter.ts';

export interface BullmqJobRunnerOptions {
  /** A connection made with `maxRetriesPerRequest: null` (BullMQ's requirement); the runner does not close it. */
  connection: Redis;
  /** BullMQ key prefix, e.g. 'apfa:bull' → keys 'apfa:bull:embedding:…'. */
  prefix: string;
  concurrency: Record<QueueName, number>;
  logger: Logger;
  /**
   * 'local': events of the jobs this process runs (Worker events); 'global': of every worker
   * anywhere (QueueEvents over Redis streams), for a process that only serves the admin feed
   * (then `listen()` starts them without workers). Default 'local'.
   */
  events?: 'local' | 'global' | 'none';
  /** Lock of an active job; renewed at half of it while the job runs (BullMQ default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (their worker died) (default 30 s). */
  stalledIntervalMs?: number;
  /** Times a job may be found stalled and put back before it fails (default 3). */
  maxStalledCount?: number;
  /** Finished jobs kept in Redis per queue (for the admin views and idempotent ids). */
  keepCompleted?: number;
  keepFailed?: number;
  /** Names this process's workers in Redis (CLIENT LIST, `processedBy`); default `<host>:<pid>`. */
  workerName?: string;
}

/** BullMQ on Redis: one Queue and one Worker per queue, flows with a FlowProducer, job schedulers for repeats. */
export class BullmqJobRunner implements JobRunner {
  readonly kind = 'bullmq';
  readonly #options: BullmqJobRunnerOptions;
  readonly #queues: Record<QueueName, Queue>;
  readonly #flows: FlowProducer;
  readonly #workers: Worker[] = [];
  readonly #queueEvents: QueueEvents[] = [];
  readonly #ownConnections: Redis[] = [];
  readonly #events;
  #processors: Processors | null = null;
  #listening = false;
  #closed: Promise<void> | null = null;

  constructor(options: BullmqJobRunnerOptions) {
    this.#options = options;
    this.#events = createRunnerEventEmitter(options.logger);
    const { connection, prefix } = options;
    this.#queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })])) as Record<QueueName, Queue>;
    for (const queue of Object.values(this.#queues)) queue.on('error', (error) => options.logger.error({ err: error, queue: queue.name }, 'job queue error'));
    this.#flows = new FlowProducer({ connection, prefix });
    this.#flows.on('error', (error) => options.logger.error({ err: error }, 'flow producer error'));
  }

  /** The BullMQ queues, e.g. for @bull-board (BullMQ only: not part of the ports). */
  get queues(): Readonly<Record<QueueName, Queue>> {
    return this.#queues;
  }

  async add<N extends JobName>(job: JobSpec<N>): Promise<string> {
    const added = await this.#queues[JOB_QUEUE[job.name]].add(job.name, job.data, this.#jobOptions(job));
    return added.id ?? job.id;
  }

  async addFlow(flow: FlowSpec): Promise<string> {
    const node = await this.#flows.add(this.#flowJob(flow, true));
    return node.job.id ?? flow.id;
  }

  async schedule<N extends JobName>(schedulerId: string, repeat: RepeatSpec, job: Omit<JobSpec<N>, 'id'>): Promise<void> {
    const { jobId: _ignored, ...opts } = this.#jobOptions({ ...job, id: schedulerId });
    await this.#queues[JOB_QUEUE[job.name]].upsertJobScheduler(schedulerId, repeatOptions(repeat), { name: job.name, data: job.data, opts });
  }

  async unschedule(schedulerId: string): Promise<void> {
    await Promise.all(Object.values(this.#queues).map((queue) => queue.removeJobScheduler(schedulerId)));
  }

  async state(queue: QueueName, id: string): Promise<JobState | null> {
    const state = await this.#queues[queue].getJobState(id);
    return state === 'unknown' ? null : (state as JobState);
  }

  async counts(): Promise<QueueCounts> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const counts = await this.#queues[name].getJobCounts('waiting', 'waiting-children', 'prioritized', 'delayed', 'active', 'completed', 'failed');
        return [name, counts] as const;
      }),
    );
    return Object.fromEntries(entries) as QueueCounts;
  }

  async list(query: JobListQuery): Promise<JobPage> {
    const { queues, states } = queryScope(query);
    const entries = new Map<string, JobListEntry>();
    for (const queueName of queues) {
      const queue = this.#queues[queueName];
      const found: { id: string; state: JobState }[] = [];
      for (const state of states) {
        for (const id of await queue.getRanges([state], 0, -1, false)) found.push({ id, state });
      }
      if (found.length === 0) continue;
      // Creation times in one round trip; the full jobs are read for the page only.
      const pipeline = this.#options.connection.pipeline();
      for (const { id } of found) pipeline.hget(queue.toKey(id), 'timestamp');
      const timestamps = (await pipeline.exec()) ?? [];
      found.forEach(({ id, state }, index) => {
        const [error, value] = timestamps[index] ?? [null, null];
        const key = `${queueName}\n${id}`;
        // A job removed meanwhile has no hash; one seen in two states (it moved between reads) counts once.
        if (error || typeof value !== 'string' || entries.has(key)) return;
        entries.set(key, { queue: queueName, id, state, createdAt: Number(value) });
      });
    }
    const { page, next } = selectJobPage(entries.values(), query);
    const items: JobInfo[] = [];
    for (const entry of page) {
      const job = await this.#queues[entry.queue].getJob(entry.id);
      if (job) items.push(this.#info(entry.queue, job, entry.state));
    }
    return { items, next };
  }

  async get(queue: QueueName, id: string): Promise<JobInfo | null> {
    const job = await this.#queues[queue].getJob(id);
    if (!job) return null;
    const state = await job.getState();
    return state === 'unknown' ? null : this.#info(queue, job, state as JobState);
  }

  async cancel(queue: QueueName, id: string): Promise<CancelOutcome> {
    const job = await this.#queues[queue].getJob(id);
    const state = job ? await job.getState() : 'unknown';
    if (!job || state === 'unknown') return { outcome: 'not-found' };
    if (state === 'active') return { outcome: 'active' };
    if (state === 'completed' || state === 'failed') return { outcome: 'finished', state };
    const parent = this.#parentOf(job);
    if (parent && (await this.#queues[parent.queue].getJobState(parent.id)) !== 'unknown') return { outcome: 'in-flow', parent };
    try {
      // Refused (atomically, in Redis) when the job or any of its children holds a lock, i.e. runs.
      await job.remove({ removeChildren: true });
    } catch (error) {
      if (/locked/i.test(errorMessage(error))) return { outcome: 'active' };
      throw error;
    }
    return { outcome: 'removed', state: state as JobState };
  }

  async retry(queue: QueueName, id: string): Promise<RetryOutcome> {
    const job = await this.#queues[queue].getJob(id);
    const state = job ? await job.getState() : 'unknown';
    if (!job || state === 'unknown') return { outcome: 'not-found' };
    if (state !== 'failed') return { outcome: 'not-failed', state: state as JobState };
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Retried or removed by someone else between the read and the move.
      const now = await job.getState();
      if (now !== 'failed') return now === 'unknown' ? { outcome: 'not-found' } : { outcome: 'not-failed', state: now as JobState };
      throw error;
    }
    return { outcome: 'retried' };
  }

  async pause(queue: QueueName): Promise<void> {
    await this.#queues[queue].pause();
  }

  async resume(queue: QueueName): Promise<void> {
    await this.#queues[queue].resume();
  }

  async isPaused(queue: QueueName): Promise<boolean> {
    return this.#queues[queue].isPaused();
  }

  async clean(queue: QueueName, request: CleanRequest): Promise<string[]> {
    return this.#queues[queue].clean(request.olderThanMs, request.limit, request.state);
  }

  async workers(): Promise<WorkerInfo[]> {
    const lists = await Promise.all(
      QUEUE_NAMES.map(async (queue) =>
        (await this.#queues[queue].getWorkers()).map((client): WorkerInfo => {
          const raw = client.rawname ?? '';
          const named = raw.indexOf(':w:');
          return {
            queue,
            name: named >= 0 ? raw.slice(named + 3) : 'unnamed',
            address: client.addr ?? null,
            ageSeconds: client.age === undefined ? null : Number(client.age),
            idleSeconds: client.idle === undefined ? null : Number(client.idle),
          };
        }),
      ),
    );
    return lists.flat();
  }

  subscribe(listener: (event: RunnerEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  async start(processors: Processors): Promise<void> {
    const { connection, prefix, logger } = this.#options;
    this.#processors = processors;
    const workerName = this.#options.workerName ?? `${hostname()}:${process.pid}`;
    const events = this.#options.events ?? 'local';
    for (const name of QUEUE_NAMES) {
      const worker = new Worker(name, (job) => this.#process(name, job), {
        connection,
        prefix,
        name: workerName,
        concurrency: this.#options.concurrency[name],
        lockDuration: this.#options.lockDurationMs ?? 30_000,
        stalledInterval: this.#options.stalledIntervalMs ?? 30_000,
        maxStalledCount: this.#options.maxStalledCount ?? 3,
      });
      worker.on('error', (error) => logger.error({ err: error, queue: name }, 'job worker error'));
      if (events === 'local') this.#listenToWorker(name, worker);
      this.#workers.push(worker);
    }
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()));
    if (events === 'global') await this.listen();
  }

  /** Starts the global event listener (QueueEvents): the events of every worker anywhere. Once only. */
  async listen(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    for (const name of QUEUE_NAMES) this.#queueEvents.push(this.#listenGlobally(name));
    await Promise.all(this.#queueEvents.map((queueEvents) => queueEvents.waitUntilReady()));
  }

  /** Closes workers, listeners, queues and the connections it opened; the first call's options count. */
  close(options: { force?: boolean } = {}): Promise<void> {
    this.#closed ??= (async () => {
      // worker.close() waits for the jobs in flight; close(true) abandons them to the stalled check.
      await Promise.all(this.#workers.map((worker) => worker.close(options.force === true)));
      await Promise.all(this.#queueEvents.map((queueEvents) => queueEvents.close()));
      await Promise.all(this.#ownConnections.map((connection) => connection.quit().catch(() => connection.disconnect())));
      await Promise.all([...Object.values(this.#queues).map((queue) => queue.close()), this.#flows.close()]);
    })();
    return this.#closed;
  }

  async #process(queue: QueueName, job: Job): Promise<unknown> {
    const name = job.name as JobName;
    const processor = this.#processors && Object.hasOwn(this.#processors, name) ? (this.#processors[name] as (context: ProcessorContext) => Promise<unknown>) : null;
    if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}"`);
    // The payload crossed Redis as JSON; each processor validates it against its schema.
    const context = {
      id: job.id ?? '',
      name,
      queue,
      data: job.data,
      attemptsMade: job.attemptsMade,
      progress: (value: number | Record<string, unknown>) => job.updateProgress(value),
      childrenValues: async () => Object.values(await job.getChildrenValues()),
      addFlow: (flow: FlowSpec) => this.addFlow(flow),
    } as ProcessorContext;
    try {
      return await processor(context);
    } catch (error) {
      if (isPermanentFailure(error)) throw new UnrecoverableError(errorMessage(error));
      throw error;
    }
  }

  #info(queue: QueueName, job: Job, state: JobState): JobInfo {
    const progress = job.progress;
    // Jobs on these queues are added through the typed producer port only.
    return {
      id: job.id ?? '',
      name: job.name as JobName,
      queue,
      state,
      data: job.data,
      progress: typeof progress === 'number' || (typeof progress === 'object' && progress !== null) ? (progress as number | Record<string, unknown>) : 0,
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      createdAt: job.timestamp,
      processedAt: job.processedOn ?? null,
      finishedAt: job.finishedOn ?? null,
      failedReason: job.failedReason ? job.failedReason : null,
      result: state === 'completed' ? (job.returnvalue ?? null) : null,
      parent: this.#parentOf(job),
    } as JobInfo;
  }

  /** The parent of a flow child: BullMQ keeps its queue as a key, `<prefix>:<queue>`. */
  #parentOf(job: Job): { queue: QueueName; id: string } | null {
    const parent = job.parent;
    if (!parent?.id) return null;
    const queue = parent.queueKey.slice(this.#options.prefix.length + 1);
    return (QUEUE_NAMES as string[]).includes(queue) ? { queue: queue as QueueName, id: parent.id } : null;
  }

  #jobOptions(job: Pick<JobSpec, 'id' | 'attempts' | 'backoffMs' | 'priority'>): JobsOptions {
    return {
      jobId: job.id,
      attempts: job.attempts ?? 1,
      ...bullmqBackoff(job.backoffMs),
      ...(job.priority ? { priority: job.priority } : {}),
      removeOnComplete: { count: this.#options.keepCompleted ?? 1000 },
      removeOnFail: { count: this.#options.keepFailed ?? 5000 },
    };
  }

  #flowJob(flow: FlowSpec, root: boolean): FlowJob {
    const opts: JobsOptions = { ...this.#jobOptions(flow), ...(root ? {} : { failParentOnFailure: true }) };
    const children = flow.children?.map((child) => this.#flowJob(child, false));
    return { name: flow.name, queueName: JOB_QUEUE[flow.name], data: flow.data, prefix: this.#options.prefix, opts, ...(children && children.length > 0 ? { children } : {}) };
  }

  #emit(event: RunnerEvent): void {
    this.#events.emit(event);
  }

  #listenToWorker(queue: QueueName, worker: Worker): void {
    worker.on('progress', (job, progress) => {
      this.#emit({ type: 'progress', queue, jobId: job.id ?? '', name: job.name, progress: progress as number | Record<string, unknown> });
    });
    worker.on('completed', (job, result) => this.#emit({ type: 'completed', queue, jobId: job.id ?? '', name: job.name, result }));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const willRetry = !(error instanceof UnrecoverableError) && job.attemptsMade < attempts;
      this.#emit({ type: 'failed', queue, jobId: job.id ?? '', name: job.name, error: error.message, attemptsMade: job.attemptsMade, willRetry });
    });
    // Emitted by whichever worker's stalled check found the job (its own worker may be gone).
    worker.on('stalled', (jobId) => {
      void this.#queues[queue]
        .getJob(jobId)
        .catch(() => undefined)
        .then((job) => this.#emit({ type: 'stalled', queue, jobId, name: job?.name ?? jobId.split('.')[0] ?? 'unknown' }));
    });
  }

  #listenGlobally(queue: QueueName): QueueEvents {
    const { connection, prefix, logger } = this.#options;
    // QueueEvents blocks on XREAD, so it needs its own connection.
    const own = connection.duplicate();
    own.on('error', (error: Error) => logger.warn({ err: error, queue }, 'queue events Redis connection error'));
    this.#ownConnections.push(own);
    const queueEvents = new QueueEvents(queue, { connection: own, prefix });
    queueEvents.on('error', (error) => logger.error({ err: error, queue }, 'queue events error'));
    const nameOf = async (jobId: string) => (await this.#queues[queue].getJob(jobId))?.name ?? jobId.split('.')[0] ?? 'unknown';
    queueEvents.on('progress', ({ jobId, data }) => {
      void nameOf(jobId).then((name) => this.#emit({ type: 'progress', queue, jobId, name, progress: data as number | Record<string, unknown> }));
    });
    queueEvents.on('completed', ({ jobId, returnvalue }) => {
      void nameOf(jobId).then((name) => this.#emit({ type: 'completed', queue, jobId, name, result: returnvalue }));
    });
    queueEvents.on('failed', ({ jobId, failedReason }) => {
      void this.#queues[queue].getJob(jobId).then((job) => {
        const attemptsMade = job?.attemptsMade ?? 0;
        this.#emit({ type: 'failed', queue, jobId, name: job?.name ?? jobId.split('.')[0] ?? 'unknown', error: failedReason, attemptsMade, willRetry: false });
      });
    });
    return queueEvents;
  }
}
