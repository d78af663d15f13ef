import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestResult } from '../../../core/jobs/processors/ingest.ts';
import type { StatsResult } from '../../../core/jobs/processors/stats.ts';
import type { CleanupResult } from '../../../core/jobs/processors/cleanup.ts';
import { subscribeToIndexSwaps, type SwapChannel } from '../../../core/serving/swap-channel.ts';
import type { JobEvent } from '../../../core/jobs/job-events.ts';
import { createHarness, SHARED_REDIS_URL, silentLogger, type Harness } from './job-system-harness.ts';

export type RunnerKind = 'in-process' | 'bullmq';

const completedResult = (events: JobEvent[], jobId: string) => {
  const event = events.find((candidate) => candidate.type === 'job.completed' && candidate.jobId === jobId);
  return event?.type === 'job.completed' ? event.result : undefined;
};

/**
 * The same behaviour, asserted for both runners: a JSONL source through ingest, embed batches,
 * build and publish to a swap listener; vector reuse by content hash; retries without duplicate
 * vectors; cleanup; stats.
 */
export function describeJobSystemBehaviour(kind: RunnerKind): void {
  describe(`job system (${kind} runner)`, () => {
    let harness: Harness;
    let received: string[];
    let channel: SwapChannel | null;
    let redis: Redis | null;
    let hook: { failures: number; failOn?: string | undefined };

    const setUp = async () => {
      hook = { failures: 0 };
      harness = await createHarness({
        redisUrl: kind === 'bullmq' ? SHARED_REDIS_URL : undefined,
        embedHook: (texts) => {
          if (hook.failOn !== undefined && texts.some((text) => text.includes(hook.failOn!)) && hook.failures === 0) {
            hook.failures++;
            throw new Error('embedding service hiccup');
          }
        },
      });
      received = [];
      channel = null;
      redis = null;
      if (kind === 'bullmq') {
        redis = new Redis(SHARED_REDIS_URL);
        let current: string | null = null;
        channel = await subscribeToIndexSwaps({
          redis,
          prefix: harness.prefix,
          activate: async (version) => {
            received.push(version);
            current = version;
          },
          current: () => current,
          logger: silentLogger,
        });
      }
    };
    beforeEach(setUp);
    afterEach(async () => {
      await channel?.close();
      redis?.disconnect();
      await harness.close();
    });

    /** Versions the swap listener received (pub/sub subscriber under BullMQ, the in-process callback otherwise). */
    const swapsReceived = async () => {
      await channel?.idle();
      return kind === 'bullmq' ? received : harness.swaps.map((message) => message.version);
    };

    const sync = async (options: { force?: boolean } = {}) => {
      const swapped = harness.nextSwap();
      const jobId = await harness.system.enqueueSync('corpus', options);
      return { jobId, swap: await swapped };
    };

    it('ingests a JSONL source in batches, builds, publishes, and the swap listener gets the new latest version', async () => {
      const { jobId, swap } = await sync();
      const ingest = completedResult(harness.events, jobId) as IngestResult;
      expect(ingest).toMatchObject({ skipped: false, documents: 55, batches: 6, reused: 0, toEmbed: 55 });
      expect(harness.events.filter((event) => event.type === 'job.completed' && event.name === 'embed-batch')).toHaveLength(6);
      expect(harness.events.some((event) => event.type === 'job.progress' && event.name === 'embed-batch')).toBe(true);

      expect(await harness.repository.latestVersion()).toBe(swap.version);
      await expect.poll(swapsReceived).toEqual([swap.version]);
      const loaded = await harness.repository.load(swap.version);
      expect(loaded.manifest.count).toBe(55);
      expect(new Set(loaded.documents.map((document) => document.id)).size).toBe(55);
      expect(harness.embedded).toHaveLength(55);
      loaded.index.close();

      expect(await harness.system.runner.state('indexing', `publish.${ingest.run}`)).toBe('completed');
    });

    it('whenIdle resolves once the whole sync (ingest, every batch, build, publish) is done', async () => {
      await harness.system.whenIdle();
      const jobId = await harness.system.enqueueSync('corpus');
      await harness.system.whenIdle();
      const ingest = completedResult(harness.events, jobId) as IngestResult;
      expect(await harness.system.runner.state('indexing', `publish.${ingest.run}`)).toBe('completed');
      expect(harness.events.filter((event) => event.type === 'index.swapped')).toHaveLength(1);
      const counts = await harness.system.counts();
      for (const queue of Object.values(counts)) expect((queue.waiting ?? 0) + (queue.active ?? 0) + (queue.delayed ?? 0) + (queue['waiting-children'] ?? 0)).toBe(0);
    });

    it('skips an unchanged source, and a forced rebuild reuses every stored vector (embedder not called)', async () => {
      const first = await sync();
      harness.embedded.length = 0;

      const jobId = await harness.system.enqueueSync('corpus');
      await harness.waitFor((event) => event.type === 'job.completed' && event.jobId === jobId, 'skipped ingest');
      expect(completedResult(harness.events, jobId)).toMatchObject({ skipped: true, version: first.swap.version });

      const forced = await sync({ force: true });
      expect(completedResult(harness.events, forced.jobId)).toMatchObject({ skipped: false, reused: 55, toEmbed: 0 });
      expect(harness.embedded).toHaveLength(0);
      // Same documents, same vectors, same embedder state: the same content-addressed version.
      expect(forced.swap.version).toBe(first.swap.version);
    });

    it('a re-embed embeds every document again though nothing changed', async () => {
      const first = await sync();
      harness.embedded.length = 0;
      const swapped = harness.nextSwap();
      const jobId = await harness.system.enqueueSync('corpus', { reembed: true });
      const swap = await swapped;
      expect(completedResult(harness.events, jobId)).toMatchObject({ skipped: false, documents: 55, reused: 0, toEmbed: 55 });
      expect(harness.embedded).toHaveLength(55);
      // Same texts, same (refitted) embedder state: the same vectors, so the same content-addressed version.
      expect(swap.version).toBe(first.swap.version);
      expect(await harness.repository.latestVersion()).toBe(swap.version);
    });

    it('re-embeds only the document whose text changed', async () => {
      const first = await sync();
      harness.embedded.length = 0;
      await harness.rewriteCorpus((rows) =>
        rows.map((row, index) => (index === 7 ? { ...row, text: `${String(row.text)} Updated guidance: ask every lender for a written loan estimate.` } : row)),
      );
      const second = await sync();
      expect(harness.embedded).toHaveLength(1);
      expect(harness.embedded[0]).toContain('Updated guidance');
      expect(second.swap.version).not.toBe(first.swap.version);
      expect(second.swap.previous).toBe(first.swap.version);
      expect(await harness.repository.latestVersion()).toBe(second.swap.version);
      const loaded = await harness.repository.load(second.swap.version);
      expect(loaded.documents[7]?.text).toContain('Updated guidance');
      expect(loaded.manifest.count).toBe(55);
      loaded.index.close();
      await expect.poll(swapsReceived).toEqual([first.swap.version, second.swap.version]);
    });

    it('retries a batch that failed once and builds a complete index without duplicate vectors', async () => {
      hook.failOn = 'escrow';
      const { swap } = await sync();
      expect(hook.failures).toBe(1);
      const failed = harness.events.find((event) => event.type === 'job.failed');
      expect(failed).toMatchObject({ name: 'embed-batch', willRetry: true, attemptsMade: 1 });
      const loaded = await harness.repository.load(swap.version);
      expect(loaded.manifest.count).toBe(55);
      expect(new Set(loaded.documents.map((document) => document.id)).size).toBe(55);
      // Vectors identical to a clean build: the retried batch overwrote, never appended.
      const clean = await createHarness({ redisUrl: undefined });
      try {
        const cleanSwap = clean.nextSwap();
        await clean.system.enqueueSync('corpus');
        expect((await cleanSwap).version).toBe(swap.version);
      } finally {
        await clean.close();
      }
      loaded.index.close();
    });

    it('cleanup keeps the live version and N previous ones, and deletes older versions and batches', async () => {
      const versions: string[] = [];
      for (let round = 0; round < 4; round++) {
        await harness.rewriteCorpus((rows) => rows.map((row, index) => (index === 0 ? { ...row, text: `${String(row.text)} Revision ${round}.` } : row)));
        versions.push((await sync()).swap.version);
      }
      expect(new Set(versions).size).toBe(4);
      const jobId = await harness.system.enqueueCleanup(1);
      await harness.waitFor((event) => event.type === 'job.completed' && event.jobId === jobId, 'cleanup');
      const result = completedResult(harness.events, jobId) as CleanupResult;
      expect(result.live).toBe(versions[3]);
      expect((await harness.repository.listVersions()).sort()).toEqual([versions[2]!, versions[3]!].sort());
      expect(result.deletedVersions.sort()).toEqual([versions[0]!, versions[1]!].sort());
      expect(result.deletedRuns).toHaveLength(2);
      const remainingRuns = new Set((await harness.store.list('batches/')).map((key) => key.split('/')[1]));
      remainingRuns.delete('cache.json');
      expect(remainingRuns.size).toBe(2);
      // The live version still loads.
      (await harness.repository.load(versions[3]!)).index.close();
    });

    it('stats report the vector count, memory, migration urgency and queue depths', async () => {
      await sync();
      const jobId = await harness.system.enqueueStats();
      await harness.waitFor((event) => event.type === 'job.completed' && event.jobId === jobId, 'stats');
      const stats = completedResult(harness.events, jobId) as StatsResult;
      expect(stats).toMatchObject({ vectors: 55, dimension: 384, indexKind: 'Flat', memoryBytes: 55 * 384 * 4, thresholds: { warning: 400_000, critical: 500_000 } });
      expect(stats.urgency).toEqual({ score: 0, level: 'ok' });
      expect(stats.queues.embedding.completed).toBeGreaterThanOrEqual(7);
      const depths = harness.events.filter((event) => event.type === 'queue.depth');
      expect(depths.map((event) => (event.type === 'queue.depth' ? event.queue : '')).sort()).toEqual(['embedding', 'indexing', 'maintenance']);
    });

    it('reports queue depths as jobs finish, throttled to one counts read per interval', async () => {
      const reporting = await createHarness({ redisUrl: kind === 'bullmq' ? SHARED_REDIS_URL : undefined, queueDepthIntervalMs: 100 });
      try {
        const swapped = reporting.nextSwap();
        await reporting.system.enqueueSync('corpus');
        await swapped;
        const depthOf = (queue: string) =>
          reporting.events.filter((event): event is Extract<JobEvent, { type: 'queue.depth' }> => event.type === 'queue.depth' && event.queue === queue);
        // ingest + 6 embed batches finished on the embedding queue; the last report shows them all.
        await expect.poll(() => depthOf('embedding').at(-1)?.counts.completed ?? 0).toBe(7);
        await expect.poll(() => depthOf('indexing').at(-1)?.counts.completed ?? 0).toBe(2);
        const finished = reporting.events.filter((event) => event.type === 'job.completed' || event.type === 'job.failed').length;
        expect(depthOf('embedding').length).toBeLessThan(finished);
        expect(depthOf('maintenance')).toEqual([]);
      } finally {
        await reporting.close();
      }
    });

    it('a rollback publishes an older version again', async () => {
      const first = await sync();
      await harness.rewriteCorpus((rows) => rows.slice(0, 50));
      const second = await sync();
      expect(second.swap.version).not.toBe(first.swap.version);
      const swapped = harness.nextSwap();
      await harness.system.enqueuePublish(first.swap.version);
      expect(await swapped).toMatchObject({ version: first.swap.version, previous: second.swap.version });
      expect(await harness.repository.latestVersion()).toBe(first.swap.version);
    });
  });
}
