import { mkdtemp, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS, createHarness, SHARED_REDIS_URL, startOwnRedis, type Harness } from './job-system-harness.ts';

/** Holds embed calls whose texts contain `marker` until released. */
function gate(marker: string) {
  let release!: () => void;
  let entered!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  return {
    reached,
    release,
    hook: async (texts: readonly string[]) => {
      if (texts.some((text) => text.includes(marker))) {
        entered();
        await released;
      }
    },
  };
}

describe('BullMQ worker and Redis failures', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function sharedRoot(): Promise<string> {
    const root = await mkdtemp(path.join(tmpdir(), 'apfa-jobs-'));
    await copyFile(CORPUS, path.join(root, 'corpus.jsonl'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    return root;
  }

  it('a worker killed mid-batch: the batch is retried by another worker and the index is complete without duplicates', async () => {
    const root = await sharedRoot();
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const held = gate('escrow');
    const first: Harness = await createHarness({ redisUrl: SHARED_REDIS_URL, prefix, root, embedHook: held.hook });
    cleanups.push(() => first.close());
    const swapped = first.nextSwap();
    await first.system.enqueueSync('corpus');
    await held.reached;

    const second: Harness = await createHarness({ redisUrl: SHARED_REDIS_URL, prefix, root });
    cleanups.push(() => second.close());
    const swappedOnSecond = second.nextSwap();
    // Kill the first worker while it holds the batch: its lock is never renewed again.
    await first.system.close({ force: true });

    const swap = await swappedOnSecond;
    held.release();
    expect(second.embedded.some((text) => text.includes('escrow'))).toBe(true);
    const loaded = await second.repository.load(swap.version);
    expect(loaded.manifest.count).toBe(55);
    expect(new Set(loaded.documents.map((document) => document.id)).size).toBe(55);
    loaded.index.close();
    void swapped.catch(() => {});
  });

  it('Redis killed and restarted mid-run: queued jobs resume and none is lost', async () => {
    const redis = await startOwnRedis();
    const servers = [redis];
    cleanups.push(async () => {
      for (const server of servers) await server.stop();
      await rm(redis.dir, { recursive: true, force: true });
    });
    const held = gate('escrow');
    const harness = await createHarness({ redisUrl: redis.url, embedHook: held.hook, settings: { concurrency: { embedding: 1, indexing: 1, maintenance: 1 } } });
    cleanups.push(() => harness.close());
    const swapped = harness.nextSwap(60_000);
    await harness.system.enqueueSync('corpus');
    await held.reached;
    const before = await harness.system.counts();
    expect((before.embedding.waiting ?? 0) + (before.embedding.prioritized ?? 0)).toBeGreaterThan(0);

    await redis.stop('SIGKILL');
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const restarted = await startOwnRedis({ port: redis.port, dir: redis.dir });
    servers.push(restarted);

    const swap = await swapped;
    const loaded = await harness.repository.load(swap.version);
    expect(loaded.manifest.count).toBe(55);
    expect(new Set(loaded.documents.map((document) => document.id)).size).toBe(55);
    loaded.index.close();
    const after = await harness.system.counts();
    expect(after.embedding.completed).toBe(7);
    expect(after.embedding.failed ?? 0).toBe(0);
  });
});
