import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticCorpus } from '../../../bench/support/synthetic-corpus.ts';
import { QUEUE_NAMES } from '../../../core/jobs/queue-topology.ts';
import { freePort, spawnTsx, waitUntil } from '../../support/spawned-process.ts';
import { removeRedisKeys } from '../jobs/job-system-harness.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const children: ChildProcess[] = [];
const prefix = `test:worker-shutdown:${randomBytes(4).toString('hex')}:`;
const dataDir = mkdtempSync(join(tmpdir(), 'apfa-worker-shutdown-'));

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await removeRedisKeys(REDIS_URL, prefix);
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * SIGTERM to a BullMQ worker process (`core/main.ts worker`) while the corpus sync it queued is
 * running: it takes no new job, exits 0 within the grace period, nothing has failed; a second
 * worker then finishes the flow (the jobs left in Redis) and publishes — no job is lost.
 */
describe('worker shutdown (BullMQ)', () => {
  it('SIGTERM mid-sync: exits 0 within the grace, and the next worker finishes the flow with no job failed', async () => {
    const corpusPath = join(dataDir, 'corpus.jsonl');
    writeSyntheticCorpus(corpusPath, 4000);
    const env = async () => ({
      REDIS_URL,
      KEY_PREFIX: prefix,
      APFA_DATA_DIR: dataDir,
      CORPUS_PATH: corpusPath,
      APFA_ADMIN_PASSWORD: 'worker-shutdown-password-7',
      LOG_FORMAT: 'json',
      REQUIRE_EDGE_SIGNATURE: 'false',
      INGEST_BATCH_SIZE: '200',
      SHUTDOWN_GRACE_SECONDS: '20',
      WORKER_METRICS_PORT: String(await freePort()),
    });
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: redis, prefix: `${prefix}bull` }));
    const counts = async () => {
      const all = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'waiting-children', 'prioritized', 'delayed', 'active', 'completed', 'failed')));
      return all.reduce<Record<string, number>>((sum, one) => {
        for (const [state, count] of Object.entries(one)) sum[state] = (sum[state] ?? 0) + count;
        return sum;
      }, {});
    };
    const indexing = queues[QUEUE_NAMES.indexOf('indexing')]!;
    const publishedRuns = async () => (await indexing.getJobs(['completed'])).filter((job) => job.name === 'publish').length;
    try {
      const first = spawnTsx(['core/main.ts', 'worker'], await env(), children);
      // Signal once embedding is under way and some of the flow is still to run.
      await waitUntil(async () => {
        const now = await counts();
        return (now.completed ?? 0) >= 2 && (now.active ?? 0) + (now.waiting ?? 0) + (now['waiting-children'] ?? 0) > 0;
      }, 150_000, 'the sync to be under way');
      const signalledAt = Date.now();
      first.child.kill('SIGTERM');
      const exit = await Promise.race([first.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 35_000))]);
      expect(exit, first.output().slice(-3000)).not.toBeNull();
      expect(exit!.code, first.output().slice(-3000)).toBe(0);
      expect(exit!.at - signalledAt).toBeLessThan(30_000);
      const afterFirst = await counts();
      expect(afterFirst.failed ?? 0, JSON.stringify(afterFirst)).toBe(0);
      // Work was left: the flow had not finished when the first worker stopped.
      expect((afterFirst.waiting ?? 0) + (afterFirst['waiting-children'] ?? 0) + (afterFirst.prioritized ?? 0) + (afterFirst.active ?? 0)).toBeGreaterThan(0);
      expect(await publishedRuns()).toBe(0);

      const second = spawnTsx(['core/main.ts', 'worker'], await env(), children);
      let last: Record<string, number> = {};
      await waitUntil(async () => {
        const now = await counts();
        last = now;
        // Delayed jobs are the repeat schedules (resync, cleanup, stats): they stay delayed by design.
        const pending = (now.waiting ?? 0) + (now['waiting-children'] ?? 0) + (now.prioritized ?? 0) + (now.active ?? 0);
        return pending === 0 && (await publishedRuns()) >= 1;
      }, 240_000, 'the second worker to finish the flow and publish').catch((error: Error) => {
        throw new Error(`${error.message}; counts ${JSON.stringify(last)}; worker log: ${second.output().slice(-2500)}`);
      });
      const final = await counts();
      expect(final.failed ?? 0, JSON.stringify(final)).toBe(0);
      second.child.kill('SIGTERM');
      const secondExit = await Promise.race([second.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 35_000))]);
      expect(secondExit?.code, second.output().slice(-3000)).toBe(0);
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
      redis.disconnect();
    }
  }, 480_000);
});
