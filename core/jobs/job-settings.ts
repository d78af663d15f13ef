import { z } from 'zod';
import type { RepeatSpec } from '../ports/job-spec.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';
import { DEFAULT_CONCURRENCY } from './queue-topology.ts';

/**
 * A schedule from the environment: 'off' (none), a number of milliseconds (every), or a cron
 * pattern with five or six fields ('0 * * * *').
 */
export const ScheduleSchema = z
  .string()
  .trim()
  .transform((value, context): RepeatSpec | null => {
    if (value === 'off' || value === '') return null;
    if (/^\d+$/.test(value)) {
      const every = Number(value);
      if (every < 1000) context.addIssue({ code: 'custom', message: 'an interval schedule must be at least 1000 ms' });
      return { every };
    }
    if (!/^(\S+\s+){4,5}\S+$/.test(value)) {
      context.addIssue({ code: 'custom', message: `"${value}" is not "off", milliseconds or a cron pattern with 5 or 6 fields` });
      return null;
    }
    return { pattern: value };
  });

const concurrency = (fallback: number) => z.coerce.number().int().min(1).max(64).default(fallback);

/** The environment variables of the job system; spread `.shape` into the core config schema. */
export const JobEnvSchema = z.object({
  WORKER_CONCURRENCY_EMBEDDING: concurrency(DEFAULT_CONCURRENCY.embedding),
  WORKER_CONCURRENCY_INDEXING: concurrency(DEFAULT_CONCURRENCY.indexing),
  WORKER_CONCURRENCY_MAINTENANCE: concurrency(DEFAULT_CONCURRENCY.maintenance),
  /** Documents per embed-batch job. */
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  JOB_BACKOFF_MS: z.coerce.number().int().min(0).default(2000),
  /** Lock of an active BullMQ job, also the stalled-check interval: a dead worker's jobs are retried within about twice this. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Index versions kept besides the live one (rollback targets). */
  INDEX_KEEP_VERSIONS: z.coerce.number().int().min(0).max(100).default(2),
  /** Share of changed documents above which the lexical embedder's IDF is refitted (all vectors recomputed). */
  LEXICAL_REFIT_FRACTION: z.coerce.number().min(0).max(1).default(0.1),
  SCHEDULE_RESYNC: ScheduleSchema.prefault('0 * * * *'),
  SCHEDULE_CLEANUP: ScheduleSchema.prefault('0 2 * * *'),
  SCHEDULE_STATS: ScheduleSchema.prefault('300000'),
  /** INDEX_SEGMENTS=on: a sync changing at most this share of the base's documents publishes a delta, not a full build. */
  INDEX_SEGMENTS_MAX_CHANGE: z.coerce.number().min(0).max(1).default(0.05),
  /** INDEX_SEGMENTS=on: merge (a background full build) once the chain has this many deltas… */
  INDEX_SEGMENTS_MERGE_DELTAS: z.coerce.number().int().min(1).max(1000).default(8),
  /** …or its deleted and replaced rows exceed this share of the base. */
  INDEX_SEGMENTS_MERGE_TOMBSTONES: z.coerce.number().min(0).max(1).default(0.05),
  /** Where embed-batch, build-index and the lexical fit run: 'process' (sandbox processes, off the event loop) or 'off' (inline). */
  JOB_SANDBOX: z.enum(['process', 'off']).default('process'),
  /** Sandbox processes at most (each runs one job at a time). */
  JOB_SANDBOX_PROCESSES: z.coerce.number().int().min(1).max(64).default(2),
  /** Time zone of the cron schedules (default: the process's). */
  SCHEDULE_TZ: z.string().optional(),
});
export type JobEnv = z.infer<typeof JobEnvSchema>;

/** Settings of the job system (all optional when calling createJobSystem). */
export interface JobSettings {
  concurrency: Record<QueueName, number>;
  batchSize: number;
  embedChunkSize: number;
  attempts: number;
  backoffMs: number;
  keepVersions: number;
  runGraceMs: number;
  refitFraction: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  schedules: { resync: RepeatSpec | null; cleanup: RepeatSpec | null; stats: RepeatSpec | null };
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  concurrency: { ...DEFAULT_CONCURRENCY },
  batchSize: 1000,
  embedChunkSize: 64,
  attempts: 5,
  backoffMs: 2000,
  keepVersions: 2,
  runGraceMs: 24 * 3600 * 1000,
  refitFraction: 0.1,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 3,
  schedules: { resync: { pattern: '0 * * * *' }, cleanup: { pattern: '0 2 * * *' }, stats: { every: 300_000 } },
};

/** Settings given in part, completed with the defaults (concurrency and schedules per entry). */
export function resolveJobSettings(settings: Partial<JobSettings> = {}): JobSettings {
  return {
    ...DEFAULT_JOB_SETTINGS,
    ...settings,
    concurrency: { ...DEFAULT_JOB_SETTINGS.concurrency, ...settings.concurrency },
    schedules: { ...DEFAULT_JOB_SETTINGS.schedules, ...settings.schedules },
  };
}

/** Settings from the parsed environment. */
export function jobSettingsFromEnv(env: JobEnv): JobSettings {
  const tz = env.SCHEDULE_TZ;
  const zoned = (spec: RepeatSpec | null) => (spec && 'pattern' in spec && tz ? { ...spec, tz } : spec);
  return {
    ...DEFAULT_JOB_SETTINGS,
    concurrency: { embedding: env.WORKER_CONCURRENCY_EMBEDDING, indexing: env.WORKER_CONCURRENCY_INDEXING, maintenance: env.WORKER_CONCURRENCY_MAINTENANCE },
    batchSize: env.INGEST_BATCH_SIZE,
    attempts: env.JOB_ATTEMPTS,
    backoffMs: env.JOB_BACKOFF_MS,
    lockDurationMs: env.JOB_LOCK_MS,
    // A job whose worker died (or lost Redis mid-completion) is found stalled within one lock period.
    stalledIntervalMs: env.JOB_LOCK_MS,
    keepVersions: env.INDEX_KEEP_VERSIONS,
    refitFraction: env.LEXICAL_REFIT_FRACTION,
    schedules: { resync: zoned(env.SCHEDULE_RESYNC), cleanup: zoned(env.SCHEDULE_CLEANUP), stats: zoned(env.SCHEDULE_STATS) },
  };
}
