import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { JobEnvSchema, jobSettingsFromEnv } from '../../../core/jobs/job-settings.ts';
import { createHarness, SHARED_REDIS_URL, type Harness } from './job-system-harness.ts';

describe('job schedules', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('parses the defaults (hourly re-sync, cleanup at 02:00, stats every 5 minutes) and overrides', () => {
    const defaults = jobSettingsFromEnv(JobEnvSchema.parse({}));
    expect(defaults.schedules).toEqual({ resync: { pattern: '0 * * * *' }, cleanup: { pattern: '0 2 * * *' }, stats: { every: 300_000 } });
    expect(defaults.concurrency).toEqual({ embedding: 2, indexing: 1, maintenance: 1 });
    expect(defaults.batchSize).toBe(1000);
    const custom = jobSettingsFromEnv(JobEnvSchema.parse({ SCHEDULE_RESYNC: 'off', SCHEDULE_STATS: '60000', SCHEDULE_CLEANUP: '30 3 * * *', SCHEDULE_TZ: 'Europe/Paris', WORKER_CONCURRENCY_EMBEDDING: '4' }));
    expect(custom.schedules).toEqual({ resync: null, cleanup: { pattern: '30 3 * * *', tz: 'Europe/Paris' }, stats: { every: 60_000 } });
    expect(custom.concurrency.embedding).toBe(4);
    expect(JobEnvSchema.safeParse({ SCHEDULE_STATS: 'sometimes' }).success).toBe(false);
  });

  it('installs BullMQ job schedulers, and the stats schedule runs', async () => {
    harness = await createHarness({
      redisUrl: SHARED_REDIS_URL,
      resyncSources: ['corpus'],
      settings: { schedules: { resync: { pattern: '0 * * * *' }, cleanup: { pattern: '0 2 * * *' }, stats: { every: 1000 } } },
    });
    const connection = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const schedulers = async (name: string) => {
        const queue = new Queue(name, { connection, prefix: `${harness!.prefix}bull` });
        const list = await queue.getJobSchedulers();
        await queue.close();
        return list.map((scheduler) => ({ key: scheduler.key, pattern: scheduler.pattern ?? null, every: scheduler.every ?? null }));
      };
      expect(await schedulers('embedding')).toEqual([{ key: 'resync.corpus', pattern: '0 * * * *', every: null }]);
      expect((await schedulers('maintenance')).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'cleanup', pattern: '0 2 * * *', every: null },
        { key: 'stats', pattern: null, every: 1000 },
      ]);
      await harness.waitFor((event) => event.type === 'job.completed' && event.name === 'stats', 'scheduled stats', 10_000);
    } finally {
      connection.disconnect();
    }
  });

  it('the in-process runner runs the same schedules', async () => {
    harness = await createHarness({ settings: { schedules: { resync: null, cleanup: null, stats: { every: 1000 } } } });
    await harness.waitFor((event) => event.type === 'job.completed' && event.name === 'stats', 'scheduled stats', 10_000);
    expect(harness.events.some((event) => event.type === 'queue.depth')).toBe(true);
  });
});
