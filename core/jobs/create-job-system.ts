import type { Logger } from '../logger.ts';
import type { IndexPlan } from '../index/choose-index-kind.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import type { DocumentSource } from '../ports/document-source.ts';
import type { JobRunner } from '../ports/job-runner.ts';
import type { AnyJobSpec, QueueCounts } from '../ports/job-spec.ts';
import type { RunnerEvent } from '../ports/job-workers.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { BuildEmbedders } from './build-embedders.ts';
import type { ConfiguredJobRunner } from './create-job-runner.ts';
import type { JobEvent } from './job-events.ts';
import type { JobObserver } from './job-observer.ts';
import { observedProcessors } from './observed-processors.ts';
import { tracedProcessors } from './traced-processors.ts';
import type { Tracing } from '../tracing/tracing.ts';
import { jobIds } from './job-ids.ts';
import { JOB_QUEUE } from '../../shared/contracts/jobs.ts';
import { resultOf, type JobResults } from './job-results.ts';
import { resolveJobSettings, type JobSettings } from './job-settings.ts';
import type { ProcessorSandbox } from './sandbox/process-sandbox.ts';
import { sandboxBuildEmbedders, sandboxProcessors } from './sandbox/sandboxed-processors.ts';
import { createProcessors } from './processors/create-processors.ts';
import { QUEUE_NAMES } from './queue-topology.ts';
import { createQueueDepthReporter, numericCounts } from './queue-depth-reporter.ts';
import type { EvictionPolicyCheck } from './redis-eviction-policy.ts';
import { retryPolicy } from './retry-policy.ts';
import { createRunStore } from './run-store.ts';
import { whenIdle } from './when-idle.ts';
import { createCallbackSwapAnnouncer, noSwapAnnouncer, type SwapAnnouncer } from './swap-announcer.ts';
import type { SwapMessage } from './swap-message.ts';
import type { ChangePublisher } from '../segments/change-publisher.ts';

export interface JobSystemOptions {
  /** The runner chosen by the composition root (createJobRunner); its role says whether workers run here. The caller closes it. */
  runner: ConfiguredJobRunner;
  store: ObjectStore;
  repository: IndexRepository;
  /** Resolves the source named in an ingest job (e.g. 'corpus'). */
  sources: (name: string) => DocumentSource | undefined;
  embedders: BuildEmbedders;
  plan?: IndexPlan | ((count: number) => IndexPlan) | undefined;
  settings?: Partial<JobSettings> | undefined;
  /** Sources re-synced on the resync schedule. */
  resyncSources?: readonly string[] | undefined;
  /** Without a runner announcer (in process): called when a version is published (connect it to activateVersion). */
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
  /** Told each job run's duration, each outcome of this process's workers, each embedding batch (metrics). */
  observer?: JobObserver | undefined;
  /**
   * When enabled: jobs added here carry the current span's `traceparent` (an admin request's), and
   * each run is a span continuing it (core/jobs/traced-processors.ts).
   */
  tracing?: Tracing | undefined;
  /** Segments on: small syncs publish deltas through it (docs/segments.md); the caller closes it. */
  segments?: ChangePublisher | undefined;
  logger: Logger;
  now?: () => Date;
}

export interface JobSystem {
  readonly runner: JobRunner;
  readonly announcer: SwapAnnouncer;
  readonly settings: JobSettings;
  /**
   * Checks Redis (noeviction); with role 'all' installs the schedules and starts the workers,
   * with role 'producer' listens to every worker's events (BullMQ, events 'global'). Warnings are for the operator's log.
   */
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
  /**
   * Resolves once no job is waiting, delayed, active, waiting for children or prioritized: one
   * counts read now and one after each job completes or fails (runner events, no polling).
   * Only the jobs whose events this process hears count as finishing (in process: all of them).
   */
  whenIdle(): Promise<void>;
  /** Stops the workers and the sandbox; without force, waits for the jobs in flight. The runner is closed by its creator. */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * The job system: processors, schedules, the swap announcement and the admin feed's events,
 * over the runner the composition root chose (createJobRunner).
 */
export function createJobSystem(options: JobSystemOptions): JobSystem {
  const settings: JobSettings = resolveJobSettings(options.settings);
  const now = options.now ?? (() => new Date());
  const { runner, role } = options.runner;
  const announcer: SwapAnnouncer = options.runner.announcer
    ? options.runner.announcer
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
  const { observer } = options;
  // Outcomes are counted where the workers run (their local events); a producer hears every worker's and would count them twice.
  const countsOutcomes = role === 'all' && observer?.onJobOutcome !== undefined;
  const onRunnerEvent = (event: RunnerEvent) => {
    const at = now().toISOString();
    if (countsOutcomes && event.type !== 'progress') {
      const outcome = event.type === 'failed' ? (event.willRetry ? 'retried' : 'failed') : event.type;
      observer?.onJobOutcome?.({ queue: event.queue, name: event.name, outcome });
    }
    if (event.type === 'stalled') {
      options.logger.warn({ jobId: event.jobId, job: event.name, queue: event.queue }, 'job stalled (its worker stopped renewing the lock); put back to run again');
      return;
    }
    if (event.type !== 'progress') depths?.touch(event.queue);
    if (event.type === 'progress') emit({ type: 'job.progress', queue: event.queue, jobId: event.jobId, name: event.name, progress: event.progress, at });
    if (event.type === 'failed') {
      options.logger.warn({ jobId: event.jobId, job: event.name, attemptsMade: event.attemptsMade, willRetry: event.willRetry, error: event.error }, 'job failed');
      emit({ type: 'job.failed', queue: event.queue, jobId: event.jobId, name: event.name, error: event.error, attemptsMade: event.attemptsMade, willRetry: event.willRetry, at });
    }
    if (event.type === 'completed') {
      emit({ type: 'job.completed', queue: event.queue, jobId: event.jobId, name: event.name, result: event.result, at });
      if (event.name === 'publish') {
        const result = resultOf('publish', event.result);
        emit({ type: 'index.swapped', version: result.version, previous: result.previous, receivers: result.receivers, at });
      }
      if (event.name === 'ingest') {
        // A change published as a delta (segments on) makes a version live without a publish job.
        const published = (resultOf('ingest', event.result) as Partial<JobResults['ingest']> | null | undefined)?.published;
        if (published) emit({ type: 'index.swapped', version: published.version, previous: published.previous, receivers: published.receivers, at });
      }
      if (event.name === 'stats') {
        const result = resultOf('stats', event.result);
        for (const queue of QUEUE_NAMES) emit({ type: 'queue.depth', queue, counts: numericCounts(result.queues[queue]), at });
      }
    }
  };

  const unsubscribe = runner.subscribe(onRunnerEvent);
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
    segments: options.segments,
    now,
    logger: options.logger,
  });
  const placed = sandbox ? sandboxProcessors(inline, sandbox) : inline;
  const observed = observer ? observedProcessors(placed, observer) : placed;
  const { tracing } = options;
  const processors = tracing?.enabled ? tracedProcessors(observed, tracing) : observed;

  const retry = retryPolicy(settings);
  const add = async (job: AnyJobSpec) => {
    const traceparent = tracing?.traceparent();
    const id = await runner.add(traceparent === undefined ? job : ({ ...job, data: { ...job.data, traceparent } } as AnyJobSpec));
    depths?.touch(JOB_QUEUE[job.name]);
    return id;
  };
  return {
    runner,
    announcer,
    settings,
    async start() {
      const warnings: string[] = [];
      const evictionPolicy: EvictionPolicyCheck | null = await options.runner.check();
      if (evictionPolicy?.warning) warnings.push(evictionPolicy.warning);
      if (role === 'all') {
        const { resync, cleanup, stats } = settings.schedules;
        for (const source of options.resyncSources ?? []) {
          const id = `resync.${source.replace(/[^A-Za-z0-9_-]/g, '_')}`;
          if (resync) await runner.schedule(id, resync, { name: 'ingest', data: { source }, ...retry });
          else await runner.unschedule(id);
        }
        if (cleanup) await runner.schedule('cleanup', cleanup, { name: 'cleanup', data: {}, ...retry });
        else await runner.unschedule('cleanup');
        if (stats) await runner.schedule('stats', stats, { name: 'stats', data: {}, attempts: 1 });
        else await runner.unschedule('stats');
        await runner.start(processors);
      } else if (options.runner.events === 'global') {
        await runner.listen();
      }
      for (const warning of warnings) options.logger.warn({ jobs: runner.kind }, warning);
      return { warnings, evictionPolicy };
    },
    enqueueSync: (source, syncOptions = {}) =>
      add({
        id: jobIds.ingest(source, now().getTime()),
        name: 'ingest',
        data: { source, ...(syncOptions.force ? { force: true } : {}), ...(syncOptions.reembed ? { reembed: true } : {}) },
        ...retry,
      }),
    enqueuePublish: (version) => add({ id: jobIds.rollback(version, now().getTime()), name: 'publish', data: { version }, ...retry }),
    enqueueCleanup: (keep) =>
      add({ id: jobIds.cleanup(now().getTime()), name: 'cleanup', data: keep === undefined ? {} : { keep }, ...retry }),
    enqueueStats: () => add({ id: jobIds.stats(now().getTime()), name: 'stats', data: {}, attempts: 1 }),
    counts: () => runner.counts(),
    whenIdle: () => whenIdle(runner),
    async close(closeOptions = {}) {
      depths?.close();
      await runner.close(closeOptions);
      unsubscribe();
      await sandbox?.close(closeOptions);
    },
  };
}

