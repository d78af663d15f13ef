import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { JobRunner } from '../ports/job-runner.ts';
import { resolveJobSettings, type JobSettings } from './job-settings.ts';
import { checkRedisEvictionPolicy, type EvictionPolicyCheck } from './redis-eviction-policy.ts';
import { BullmqJobRunner } from './runners/bullmq-job-runner.ts';
import { InProcessJobRunner } from './runners/in-process-job-runner.ts';
import { createRedisSwapAnnouncer, type SwapAnnouncer } from './swap-announcer.ts';

export interface JobRunnerOptions {
  /** BullMQ on this Redis (a URL such as REDIS_URL, or ioredis options); null: the in-process runner. */
  redis: string | RedisOptions | null;
  /** KEY_PREFIX: BullMQ keys go under `<prefix>bull:`, the swap channel is `<prefix>index:swap`. */
  prefix: string;
  /** Concurrency and the BullMQ lock/stall settings are read from here (defaults for the rest). */
  settings?: Partial<JobSettings> | undefined;
  logger: Logger;
  /**
   * 'all': this process runs the workers (events of its own jobs); 'producer': it only adds jobs
   * and, with BullMQ, hears every worker's events through `listen()` (an API process serving the admin feed).
   */
  role: 'all' | 'producer';
  /** Which job events BullMQ reports (see BullmqJobRunner); default 'local' for 'all', 'global' for 'producer'. */
  events?: 'local' | 'global' | 'none' | undefined;
}

/** The runner chosen for this process, with what comes with its transport. */
export interface ConfiguredJobRunner {
  readonly runner: JobRunner;
  /** Announces new versions over the runner's Redis (PUBLISH on `<prefix>index:swap`); null in process. */
  readonly announcer: SwapAnnouncer | null;
  /** What this process does with jobs ('all': runs them; 'producer': only adds them). */
  readonly role: 'all' | 'producer';
  /** Whether this runner hears every worker's events when listening ('global'), only its own, or none. */
  readonly events: 'local' | 'global' | 'none';
  /** Connects and checks Redis's eviction policy (BullMQ needs noeviction); null in process. */
  check(): Promise<EvictionPolicyCheck | null>;
  /** Closes the runner (without `force`, waiting for jobs in flight) and the connection it opened. */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * Picks the job runner from the config: BullMQ over its own Redis connection (made with
 * `maxRetriesPerRequest: null`, BullMQ's requirement) when `redis` is set, the in-process runner
 * otherwise. The composition root calls this and hands the result to createJobSystem.
 */
export function createJobRunner(options: JobRunnerOptions): ConfiguredJobRunner {
  const settings = resolveJobSettings(options.settings);
  const events = options.events ?? (options.role === 'all' ? 'local' : 'global');
  if (options.redis === null) {
    const runner = new InProcessJobRunner({ concurrency: settings.concurrency, logger: options.logger });
    return { runner, announcer: null, role: options.role, events, check: async () => null, close: (closeOptions) => runner.close(closeOptions) };
  }
  const connectionOptions: RedisOptions = { maxRetriesPerRequest: null, lazyConnect: true };
  const redis = typeof options.redis === 'string' ? new Redis(options.redis, connectionOptions) : new Redis({ ...options.redis, ...connectionOptions });
  redis.on('error', (error: Error) => options.logger.warn({ err: error }, 'job system Redis connection error'));
  const runner = new BullmqJobRunner({
    connection: redis,
    prefix: `${options.prefix}bull`,
    concurrency: settings.concurrency,
    logger: options.logger,
    events,
    lockDurationMs: settings.lockDurationMs,
    stalledIntervalMs: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
  });
  let closed: Promise<void> | null = null;
  return {
    runner,
    announcer: createRedisSwapAnnouncer(redis, options.prefix),
    role: options.role,
    events,
    async check() {
      if (redis.status === 'wait') await redis.connect();
      return checkRedisEvictionPolicy(redis);
    },
    close(closeOptions) {
      closed ??= (async () => {
        await runner.close(closeOptions);
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closed;
    },
  };
}
