import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { lexicalBuildEmbedders } from '../../../core/jobs/build-embedders.ts';
import { createJobRunner } from '../../../core/jobs/create-job-runner.ts';
import { createJobSystem } from '../../../core/jobs/create-job-system.ts';
import type { JobEvent } from '../../../core/jobs/job-events.ts';
import { createProcessSandbox } from '../../../core/jobs/sandbox/process-sandbox.ts';
import { createIndexRepository } from '../../../core/indexing/index-repository.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { removeRedisKeys, SHARED_REDIS_URL, silentLogger } from './job-system-harness.ts';
import { watchEventLoop } from '../../support/event-loop-watch.ts';

/**
 * CPU-heavy processors (the lexical fit over the whole source, embed-batch, build-index with
 * BM25 and FAISS) run in sandbox processes, so the job's process keeps its event loop: BullMQ
 * renews a short lock on time and never reports the job stalled, and HTTP would keep answering.
 * Run inline (no sandbox), this 12,000-document corpus blocks the loop for seconds at a time.
 */
const DOCUMENTS = 12_000;
const LOCK_MS = 1000;

const WORDS = ['escrow', 'mortgage', 'insurance', 'premium', 'lender', 'borrower', 'refinance', 'closing', 'appraisal', 'equity', 'interest', 'payment', 'credit', 'score', 'income', 'debt', 'ratio', 'rural', 'veteran', 'funding'];

async function writeCorpus(file: string, count: number): Promise<void> {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 80 }, () => WORDS[Math.floor(next() * WORDS.length)]!);
    // A unique term per document grows the IDF table as a real corpus does.
    lines.push(JSON.stringify({ id: `doc-${i}`, title: `Note ${i} term${i}`, text: `${words.join(' ')} term${i}.` }));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
}

describe.each(['in-process', 'bullmq'] as const)('sandboxed processors (%s runner)', (runnerKind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`a ${DOCUMENTS}-document build keeps the event loop free: with a ${LOCK_MS} ms lock the jobs are never reported stalled`, async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'apfa-sandbox-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const corpus = path.join(root, 'corpus.jsonl');
    await writeCorpus(corpus, DOCUMENTS);
    const objects = path.join(root, 'objects');
    const store = new LocalFolderObjectStore(objects);
    const repository = createIndexRepository(store);
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const redisUrl = runnerKind === 'bullmq' ? SHARED_REDIS_URL : undefined;
    const sandbox = createProcessSandbox({ spec: { store: { kind: 'local-folder', root: objects }, embedders: { kind: 'lexical' } }, size: 2, logger: silentLogger });

    const events: JobEvent[] = [];
    let swapped: (version: string) => void;
    const published = new Promise<string>((resolve) => (swapped = resolve));
    // One stall is one too many: a job found stalled fails at once.
    const settings = { batchSize: 3000, lockDurationMs: LOCK_MS, stalledIntervalMs: 250, maxStalledCount: 0, attempts: 1, schedules: { resync: null, cleanup: null, stats: null } };
    const runner = createJobRunner({ redis: redisUrl ?? null, prefix, settings, logger: silentLogger, role: 'all' });
    const system = createJobSystem({
      runner,
      store,
      repository,
      sources: (name) => (name === 'corpus' ? createDocumentSource({ kind: 'jsonl', path: corpus, name: 'corpus' }) : undefined),
      embedders: lexicalBuildEmbedders(),
      sandbox,
      settings,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'index.swapped') swapped(event.version);
      },
      logger: silentLogger,
    });
    cleanups.push(async () => {
      await system.close({ force: true });
      await runner.close({ force: true });
      if (redisUrl) await removeRedisKeys(redisUrl, prefix);
    });

    const stalled: string[] = [];
    if (redisUrl) {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const listeners = ['embedding', 'indexing'].map((queue) => {
        const queueEvents = new QueueEvents(queue, { connection: connection.duplicate(), prefix: `${prefix}bull` });
        queueEvents.on('stalled', ({ jobId }) => stalled.push(jobId));
        return queueEvents;
      });
      await Promise.all(listeners.map((queueEvents) => queueEvents.waitUntilReady()));
      cleanups.push(async () => {
        await Promise.all(listeners.map((queueEvents) => queueEvents.close()));
        connection.disconnect();
      });
    }

    await system.start();
    const loop = watchEventLoop();
    await system.enqueueSync('corpus');
    const failed = new Promise<never>((_, reject) => {
      const check = setInterval(() => {
        const failure = events.find((event) => event.type === 'job.failed');
        if (failure) reject(new Error(`a job failed: ${JSON.stringify(failure)}`));
      }, 50);
      cleanups.push(async () => clearInterval(check));
    });
    const version = await Promise.race([published, failed]);
    const worstBlockMs = loop.stop();

    expect(events.filter((event) => event.type === 'job.failed')).toEqual([]);
    expect(stalled).toEqual([]);
    const completed = events.filter((event) => event.type === 'job.completed').map((event) => (event as { name: string }).name);
    expect(completed.filter((name) => name === 'embed-batch')).toHaveLength(4);
    expect(completed).toContain('build-index');
    // The event loop was never held as long as the lock lasts, so every renewal (at half of it) could run.
    expect(worstBlockMs).toBeLessThan(LOCK_MS);
    const loaded = await repository.load(version);
    expect(loaded.manifest.count).toBe(DOCUMENTS);
    expect(new Set(loaded.documents.map((document) => document.id)).size).toBe(DOCUMENTS);
    // The sandbox built the same index the inline processors would: queries find their document.
    const lexical = (await import('../../../core/embedding/lexical-embedder-state.ts')).lexicalEmbedderFromManifest(loaded.manifest);
    const [hit] = await loaded.index.search(await lexical.embed(['Note 4321 term4321']), 1);
    expect(loaded.documents[hit!.label]?.id).toBe('doc-4321');
    loaded.index.close();
  }, 120_000);
});
