/**
 * The indexing pipeline end to end: synthetic JSONL source → ingest → embed-batch × n →
 * build-index → publish → two serving instances swapped to the new version, with the in-process
 * runner and with BullMQ (Redis at REDIS_URL, default 127.0.0.1:6379, a unique key prefix).
 * Reports documents/s through publish, swap time (announce → every instance serving), the
 * longest event-loop stall of the process running the jobs, and the same build with the
 * CPU-heavy processors inline (no sandbox) for comparison.
 *
 * Ingest throughput with the MiniLM-L6 architecture (random weights of the real shape, fp32 and
 * int8; speed depends on shape, not values) is measured on a smaller corpus, in-process runner.
 *
 * `npm run bench:indexing [-- --sizes 10000,100000 --runners in-process,bullmq --minilm-docs 2000 --minilm fp32,int8]`
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createLiveIndex, type LiveIndex } from '../core/advice/live-index.ts';
import { createEmbedderProvider, type EmbedderProvider } from '../core/embedding/embedder-provider.ts';
import { createServingIndexPreparer, type PrepareServingIndex } from '../core/serving/prepare-serving-index.ts';
import { watchEventLoop } from '../test/support/event-loop-watch.ts';
import { miniLmArchitectureGraph, writeModelDirectory } from '../test/support/onnx-graphs.ts';
import { ThreadedIndex } from '../core/index/threaded-index.ts';
import { loadIndex } from '../core/index/load-index.ts';
import { createIndexRepository, type IndexRepository } from '../core/indexing/index-repository.ts';
import { lexicalBuildEmbedders, providerBuildEmbedders } from '../core/jobs/build-embedders.ts';
import { createJobRunner } from '../core/jobs/create-job-runner.ts';
import { createJobSystem } from '../core/jobs/create-job-system.ts';
import type { JobEvent } from '../core/jobs/job-events.ts';
import { createProcessSandbox } from '../core/jobs/sandbox/process-sandbox.ts';
import type { SwapMessage } from '../core/jobs/swap-message.ts';
import { activateVersion } from '../core/serving/index-follower.ts';
import { subscribeToIndexSwaps, type SwapChannel } from '../core/serving/swap-channel.ts';
import { noLiveVersionPublisher } from '../core/serving/live-version-publisher.ts';
import { createDocumentSource } from '../core/sources/create-document-source.ts';
import { LocalFolderObjectStore } from '../core/storage/local-folder-object-store.ts';
import { round, saveResults } from './support/results.ts';
import { removeBenchKeys } from './support/remove-bench-keys.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';

const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const sizes = argument('sizes', '10000,100000').split(',').map(Number).filter((size) => size > 0);
const runners = argument('runners', 'in-process,bullmq').split(',') as Array<'in-process' | 'bullmq'>;
const miniLmDocs = Number(argument('minilm-docs', '2000'));
const miniLmVariants = argument('minilm', 'fp32,int8')
  .split(',')
  .filter((variant): variant is 'fp32' | 'int8' => variant === 'fp32' || variant === 'int8');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });
const BATCH = 1000;
const INSTANCES = 2;

interface Instance {
  live: LiveIndex;
  channel: SwapChannel | null;
  servingAt: Map<string, number>;
}

/** The embedder a run builds with: the lexical default, or an ONNX model directory (MiniLM-L6 architecture). */
type EmbedderChoice = { kind: 'lexical' } | { kind: 'onnx'; label: string; modelDir: string; provider: EmbedderProvider };

/** A serving instance as the composition root wires it: its own repository, live index and (with Redis) swap subscription. */
async function startInstance(root: string, prefix: string | null, prepare?: PrepareServingIndex): Promise<Instance & { activate(version: string): Promise<void> }> {
  const repository: IndexRepository = createIndexRepository(new LocalFolderObjectStore(root), {
    loadVectors: (bytes, manifest) => (manifest.count >= 20_000 ? ThreadedIndex.load(bytes) : loadIndex(bytes)),
  });
  const live = createLiveIndex();
  const servingAt = new Map<string, number>();
  let queue: Promise<void> = Promise.resolve();
  const activate = (version: string) => {
    const next = queue.then(async () => {
      if (live.current()?.loaded.manifest.version === version) return;
      await activateVersion({ repository, live, version, publisher: noLiveVersionPublisher, logger, prepare });
      servingAt.set(version, Date.now());
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const channel = prefix
    ? await subscribeToIndexSwaps({ redis: new Redis(redisUrl, { lazyConnect: true }), prefix, activate, current: () => live.current()?.loaded.manifest.version ?? null, logger })
    : null;
  return { live, channel, servingAt, activate };
}

async function runOnce(count: number, runner: 'in-process' | 'bullmq', sandboxed: boolean, embedder: EmbedderChoice = { kind: 'lexical' }, batchSize = BATCH) {
  const root = mkdtempSync(join(tmpdir(), 'apfa-bench-indexing-'));
  const corpus = join(root, 'corpus.jsonl');
  writeSyntheticCorpus(corpus, count);
  const objects = join(root, 'objects');
  const store = new LocalFolderObjectStore(objects);
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const useRedis = runner === 'bullmq';
  const prepare = embedder.kind === 'onnx' ? createServingIndexPreparer({ embedders: embedder.provider, retrieval: { mode: 'hybrid' } }) : undefined;
  const instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(objects, useRedis ? prefix : null, prepare)));
  const sandbox = sandboxed
    ? createProcessSandbox({
        spec: {
          store: { kind: 'local-folder', root: objects },
          embedders: embedder.kind === 'onnx' ? { kind: 'provider', mode: 'onnx', modelDir: embedder.modelDir, intraOpThreads: 1 } : { kind: 'lexical' },
        },
        size: 2,
        logger,
      })
    : undefined;
  let announced: SwapMessage | null = null;
  let published!: (event: Extract<JobEvent, { type: 'index.swapped' }>) => void;
  let failed!: (error: Error) => void;
  const done = new Promise<Extract<JobEvent, { type: 'index.swapped' }>>((resolve, reject) => {
    published = resolve;
    failed = reject;
  });
  const jobRunner = createJobRunner({ redis: useRedis ? redisUrl : null, prefix, logger, role: 'all' });
  const system = createJobSystem({
    runner: jobRunner,
    store,
    repository: createIndexRepository(store),
    sources: (name) => (name === 'corpus' ? createDocumentSource({ kind: 'jsonl', path: corpus, name: 'corpus' }) : undefined),
    embedders: embedder.kind === 'onnx' ? providerBuildEmbedders(embedder.provider) : lexicalBuildEmbedders(),
    sandbox,
    settings: { batchSize, schedules: { resync: null, cleanup: null, stats: null } },
    onSwap: async (message) => {
      announced = message;
      await Promise.all(instances.map((instance) => instance.activate(message.version)));
    },
    onEvent: (event) => {
      if (event.type === 'index.swapped') published(event);
      if (event.type === 'job.failed' && !event.willRetry) failed(new Error(`${event.name} failed: ${event.error}`));
    },
    logger,
  });
  await system.start();
  const loop = watchEventLoop();
  const started = performance.now();
  await system.enqueueSync('corpus');
  const swapped = await done;
  const throughPublishMs = performance.now() - started;
  const stallMs = loop.worst();
  // Swap: from the publish job's announcement to every instance serving the version.
  const announcedAt = announced !== null ? Date.parse((announced as SwapMessage).at) : Date.parse(swapped.at);
  while (!instances.every((instance) => instance.servingAt.has(swapped.version))) await new Promise((resolve) => setTimeout(resolve, 5));
  const swapMs = Math.max(...instances.map((instance) => instance.servingAt.get(swapped.version)!)) - announcedAt;
  loop.stop();

  await system.close();
  await jobRunner.close();
  for (const instance of instances) {
    await instance.channel?.close();
    instance.live.current()?.loaded.index.close();
  }
  if (useRedis) await removeBenchKeys(redisUrl, prefix);
  rmSync(root, { recursive: true, force: true });
  return {
    documents: count,
    batchSize,
    embedder: embedder.kind === 'onnx' ? embedder.label : 'lexical-hash-v1',
    runner,
    sandbox: sandboxed ? 'process x2' : 'inline',
    throughPublishS: round(throughPublishMs / 1000),
    documentsPerSecond: Math.round(count / (throughPublishMs / 1000)),
    swapToAllInstancesMs: round(swapMs, 1),
    maxEventLoopStallMs: round(stallMs, 1),
  };
}


const results = [];
for (const count of sizes) {
  for (const runner of runners) {
    const result = await runOnce(count, runner, true);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  // The same build inline, for the stall it causes (in-process runner: the embedded default).
  const inline = await runOnce(count, 'in-process', false);
  console.log(JSON.stringify(inline));
  results.push(inline);
}
// The MiniLM-L6 architecture: the real model's cost per document, on fewer documents.
for (const variant of miniLmVariants) {
  const modelDir = await writeModelDirectory(miniLmArchitectureGraph({ seed: 1, weights: variant }), { name: `all-MiniLM-L6-v2-${variant}` });
  const provider = await createEmbedderProvider({ mode: 'onnx', modelDir, intraOpThreads: 1 });
  // Smaller batches so both sandbox processes embed at once.
  const result = await runOnce(miniLmDocs, 'in-process', true, { kind: 'onnx', label: `MiniLM-L6 architecture ${variant} (random weights)`, modelDir, provider }, 250);
  console.log(JSON.stringify(result));
  results.push(result);
  await provider.close();
  await rm(dirname(modelDir), { recursive: true, force: true });
}
saveResults('indexing-pipeline', {
  embedders: 'lexical-hash-v1 (384 dimensions); MiniLM-L6 architecture with random weights (384 dimensions), one intra-op thread per sandbox process',
  index: 'Flat (IndexFlatIP) + BM25',
  store: 'local folder',
  servingInstances: INSTANCES,
  notes: [
    'throughPublishS: enqueueSync → publish job done (ingest, embed batches, build, save, latest pointer); documentsPerSecond = documents / that.',
    'swapToAllInstancesMs: the publish announcement → both serving instances have loaded, verified, warmed and swapped in the version (Redis pub/sub for bullmq, direct call in-process).',
    'maxEventLoopStallMs: longest 20 ms timer gap in the process running the jobs and both serving instances, enqueue → publish.',
    'sandbox "process x2": embed-batch, build-index and the lexical fit in two child processes; "inline": the same processors on the main thread.',
    'MiniLM runs: the embed-batch jobs run the ONNX graph in the two sandbox processes (2 cores), the serving instances embed queries with the same graph.',
  ],
  runs: results,
});
process.exit(0);
