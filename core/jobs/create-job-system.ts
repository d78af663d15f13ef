import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { IndexPlan } from '../index/choose-index-kind.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import type { DocumentSource } from '../ports/document-source.ts';
import type { JobRunner, QueueCounts, RunnerEvent } from '../ports/job-runner.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { BuildEmbedders } from './build-embedders.ts';
import type { JobEvent } from './job-events.ts';
import { jobIds } from './job-ids.ts';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from './job-settings.ts';
import type { ProcessorSandbox } from './sandbox/process-sandbox.ts';
import { sandboxBuildEmbedders, sandboxProcessors } from './sandbox/sandboxed-processors.ts';
import { createProcessors } from './processors/create-processors.ts';
import type { PublishResult } from './processors/publish.ts';
import type { StatsResult } from './processors/stats.ts';
import { JOB_QUEUE, QUEUE_NAMES } from './queue-topology.ts';
import { createQueueDepthReporter, numericCounts } from './queue-depth-reporter.ts';
import { checkRedisEvictionPolicy, type EvictionPolicyCheck } from './redis-eviction-policy.ts';
import { createRunStore } from './run-store.ts';
import { BullmqJobRunner } from './runners/bullmq-job-runner.ts';
import { InProcessJobRunner } from './runners/in-process-job-runner.ts';
import { createCallbackSwapAnnouncer, createRedisSwapAnnouncer, noSwapAnnouncer, type SwapAnnouncer } from './swap-announcer.ts';
import type { SwapMessage } from './swap-message.ts';

export interface JobSystemOptions {
  /** BullMQ on this Redis when set (REDIS_URL); otherwise the in-process runner. */
  redisUrl?: string | undefined;
  /** KEY_PREFIX: BullMQ keys go under `<prefix>bull:`, the swap channel is `<prefix>index:swap`. */
  prefix: string;
  store: ObjectStore;
  repository: IndexRepository;
  /** Resolves the source named in an ingest job (e.g. 'corpus'). */
  sources: (name: string) => DocumentSource | undefined;
  embedders: BuildEmbedders;
  plan?: IndexPlan | ((count: number) => IndexPlan) | undefined;
  settings?: Partial<JobSettings> | undefined;
  /** Sources re-synced on the resync schedule. */
  resyncSources?: readonly string[] | undefined;
  /**
   * 'all' (default): run the workers and the schedules here. 'producer': only add jobs (an
   * API process with separate worker processes); with `events: 'global'` it still sees every job's events.
   */
  role?: 'all' | 'producer';
  /** Which job events reach onEvent under BullMQ (see BullmqJobRunner); default 'local' for 'all', 'global' for 'producer'. */
  events?: 'local' | 'global' | 'none';
  /** In-process runner only: called when a version is published (connect it to activateVersion). */
  onSwap?: ((message: SwapMessage) => Promise<void> | void) | undefined;
  onEvent?: ((event: JobEvent) => void) | undefined;
  /**
   * When set, a `queue.depth` event follows jobs finishing or failing (and jobs added here), at
   * most one counts read per this many milliseconds. Off by default.
   */
  queueDepthIntervalMs?: number | undefined;
  /**
   * Runs embed-batch, build-index and the lexical fit outside this event loop (see
   * createProcessSandbox); closed with the job system. Without it they run inline.
   */
  sandbox?: ProcessorSandbox | undefined;
  logger: Logger;
  now?: () => Date;
}

export interface JobSystem {
  readonly runner: JobRunner;
  readonly announcer: SwapAnnouncer;
  readonly settings: JobSettings;
  /** Checks Redis (noeviction), installs the schedules and starts the workers. Warnings are for the operator's log. */
  start(): Promise<{ warnings: string[]; evictionPolicy: EvictionPolicyCheck | null }>;
  /**
   * Reads the source and, if it changed, embeds, builds and publishes a new version. `force`
   * builds even when unchanged (stored vectors reused); `reembed` also embeds every document
   * again. Returns the ingest job id.
   */
  enqueueSync(source: string, options?: { force?: boolean; reembed?: boolean }): Promise<string>;
  /** Makes an existing version live again (rollback). */
  enqueuePublish(version: string): Promise<string>;
  enqueueCleanup(keep?: number): Promise<string>;
  enqueueStats(): Promise<string>;
  counts(): Promise<QueueCounts>;
  /** Without force, waits for the jobs in flight. */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * The job system: queues, processors, schedules and the swap announcement, over BullMQ when
 * REDIS_URL is set and the in-process runner otherwise.
 */
export function createJobSystem(options: JobSystemOptions): JobSystem {
  const settings: JobSettings = {
    ...DEFAULT_JOB_SETTINGS,
    ...options.settings,
    concurrency: { ...DEFAULT_JOB_SETTINGS.concurrency, ...options.settings?.concurrency },
    schedules: { ...DEFAULT_JOB_SETTINGS.schedules, ...options.settings?.schedules },
  };
  const now = options.now ?? (() => new Date());
  const role = options.role ?? 'all';
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true }) : null;
  redis?.on('error', (error: Error) => options.logger.warn({ err: error }, 'job system Redis connection error'));
  const announcer: SwapAnnouncer = redis
    ? createRedisSwapAnnouncer(redis, options.prefix)
    : options.onSwap
      ? createCallbackSwapAnnouncer(options.onSwap)
      : noSwapAnnouncer;

  const emit = (event: JobEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      options.logger.warn({ err: error }, 'job event listener failed');
    }
  };
  const depths =
    options.queueDepthIntervalMs === undefined
      ? null
      : createQueueDepthReporter({
          counts: () => runner.counts(),
          intervalMs: options.queueDepthIntervalMs,
          report: (queue, counts) => emit({ type: 'queue.depth', queue, counts, at: now().toISOString() }),
          onError: (error) => options.logger.warn({ err: error }, 'could not read queue depths'),
        });
  const onRunnerEvent = (event: RunnerEvent) => {
    const at = now().toISOString();
    if (event.type !== 'progress') depths?.touch(event.queue);
    if (event.type === 'progress') emit({ type: 'job.progress', queue: event.queue, jobId: event.jobId, name: event.name, progress: event.progress, at });
    if (event.type === 'failed') {
      options.logger.warn({ jobId: event.jobId, job: event.name, attemptsMade: event.attemptsMade, willRetry: event.willRetry, error: event.error }, 'job failed');
      emit({ type: 'job.failed', queue: event.queue, jobId: event.jobId, name: event.name, error: event.error, attemptsMade: event.attemptsMade, willRetry: event.willRetry, at });
    }
    if (event.type === 'completed') {
      emit({ type: 'job.completed', queue: event.queue, jobId: event.jobId, name: event.name, result: event.result, at });
      if (event.name === 'publish') {
        const result = event.result as PublishResult;
        emit({ type: 'index.swapped', version: result.version, previous: result.previous, receivers: result.receivers, at });
      }
      if (event.name === 'stats') {
        const result = event.result as StatsResult;
        for (const queue of QUEUE_NAMES) emit({ type: 'queue.depth', queue, counts: numericCounts(result.queues[queue]), at });
      }
    }
  };

  let runner: JobRunner;
  const { sandbox } = options;
  const inline = createProcessors({
    store: options.store,
    runs: createRunStore(options.store),
    repository: options.repository,
    sources: options.sources,
    embedders: sandbox ? sandboxBuildEmbedders(options.embedders, sandbox, { refitFraction: settings.refitFraction }) : options.embedders,
    announcer,
    plan: options.plan,
    batchSize: settings.batchSize,
    embedChunkSize: settings.embedChunkSize,
    attempts: settings.attempts,
    backoffMs: settings.backoffMs,
    keepVersions: settings.keepVersions,
    runGraceMs: settings.runGraceMs,
    queueCounts: () => runner.counts(),
    now,
    logger: options.logger,
  });
  const processors = sandbox ? sandboxProcessors(inline, sandbox) : inline;
  runner = redis
    ? new BullmqJobRunner({
        connection: redis,
        prefix: `${options.prefix}bull`,
        processors,
        concurrency: settings.concurrency,
        onEvent: onRunnerEvent,
        logger: options.logger,
        events: options.events ?? (role === 'all' ? 'local' : 'global'),
        lockDurationMs: settings.lockDurationMs,
        stalledIntervalMs: settings.stalledIntervalMs,
        maxStalledCount: settings.maxStalledCount,
      })
    : new InProcessJobRunner({ processors, concurrency: settings.concurrency, onEvent: onRunnerEvent });

  const retry = { attempts: settings.attempts, backoffMs: settings.backoffMs };
  const add = async (job: Parameters<JobRunner['add']>[0]) => {
    const id = await runner.add(job);
    depths?.touch(job.queue);
    return id;
  };
  return {
    runner,
    announcer,
    settings,
    async start() {
      const warnings: string[] = [];
      let evictionPolicy: EvictionPolicyCheck | null = null;
      if (redis) {
        if (redis.status === 'wait') await redis.connect();
        evictionPolicy = await checkRedisEvictionPolicy(redis);
        if (evictionPolicy.warning) warnings.push(evictionPolicy.warning);
      }
      if (role === 'all') {
        const { resync, cleanup, stats } = settings.schedules;
        for (const source of options.resyncSources ?? []) {
          const id = `resync.${source.replace(/[^A-Za-z0-9_-]/g, '_')}`;
          if (resync) await runner.schedule(id, resync, { name: 'ingest', queue: JOB_QUEUE.ingest, data: { source }, ...retry });
          else await runner.unschedule(id);
        }
        if (cleanup) await runner.schedule('cleanup', cleanup, { name: 'cleanup', queue: JOB_QUEUE.cleanup, data: {}, ...retry });
        else await runner.unschedule('cleanup');
        if (stats) await runner.schedule('stats', stats, { name: 'stats', queue: JOB_QUEUE.stats, data: {}, attempts: 1 });
        else await runner.unschedule('stats');
        await runner.start();
      } else if (runner instanceof BullmqJobRunner && (options.events ?? 'global') === 'global') {
        await runner.listen();
      }
      for (const warning of warnings) options.logger.warn({ jobs: runner.kind }, warning);
      return { warnings, evictionPolicy };
    },
    enqueueSync: (source, syncOptions = {}) =>
      add({
        id: jobIds.ingest(source, now().getTime()),
        name: 'ingest',
        queue: JOB_QUEUE.ingest,
        data: { source, ...(syncOptions.force ? { force: true } : {}), ...(syncOptions.reembed ? { reembed: true } : {}) },
        ...retry,
      }),
    enqueuePublish: (version) => add({ id: jobIds.rollback(version, now().getTime()), name: 'publish', queue: JOB_QUEUE.publish, data: { version }, ...retry }),
    enqueueCleanup: (keep) =>
      add({ id: jobIds.cleanup(now().getTime()), name: 'cleanup', queue: JOB_QUEUE.cleanup, data: keep === undefined ? {} : { keep }, ...retry }),
    enqueueStats: () => add({ id: jobIds.stats(now().getTime()), name: 'stats', queue: JOB_QUEUE.stats, data: {}, attempts: 1 }),
    counts: () => runner.counts(),
    async close(closeOptions = {}) {
      depths?.close();
      await runner.close(closeOptions);
      await sandbox?.close(closeOptions);
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
