/**
 * Retrieval index comparison on clustered synthetic 384-d vectors: Flat vs IVF-Flat vs IVF-SQ8
 * (build, serialise, load, bytes per vector, single-query latency, recall@10 against exact
 * search), and event-loop delay while 8 concurrent clients search in-thread vs via ThreadedIndex.
 * `npm run bench:retrieval [-- --max 1000000] [--skip-embedding]` (sizes 100k and 1M, those ≤ --max;
 * default 100k). It first runs bench/embedding.ts (ONNX MiniLM-architecture docs/s and query
 * latency, fp32 and int8, 1 and 2 threads) and includes its numbers under `embedding`.
 * Goals: Flat 100k build < 1 s, load < 300 ms; approximate p50 < 2 ms at recall@10 ≥ 0.95 (100k),
 * < 10 ms at 1M; no event-loop block > 5 ms from search.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bytesPerVector, chooseIndexKind } from '../core/index/choose-index-kind.ts';
import { FaissFlatIndex } from '../core/index/faiss-flat-index.ts';
import { setIvfProbeCount } from '../core/index/faiss-ivf-bytes.ts';
import { FaissIvfIndex } from '../core/index/faiss-ivf-index.ts';
import { ThreadedIndex } from '../core/index/threaded-index.ts';
import type { VectorIndex } from '../core/ports/vector-index.ts';
import { clusteredVectors, percentile, round, saveResults } from './support/results.ts';

const maxArg = process.argv.indexOf('--max');
const max = maxArg > 0 ? Number(process.argv[maxArg + 1]) : 100_000;
const sizes = [100_000, 1_000_000].filter((size) => size <= max);
const dimension = 384;
const queryCount = 200;
const k = 10;

const time = <T>(run: () => T): [T, number] => {
  const started = performance.now();
  const value = run();
  return [value, performance.now() - started];
};

/**
 * Frees closed FAISS indexes: a full GC (npm run bench:retrieval starts node with --expose-gc),
 * then a turn of the event loop, where the native finalisers run (searches that resolve in
 * microtasks never give them one: at 1M vectors five reloads piled up past 24 GiB), then again.
 */
const collect = async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let pass = 0; pass < 2; pass++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

const row = (matrix: Float32Array, index: number) => matrix.subarray(index * dimension, (index + 1) * dimension);

async function latencyAndRecall(index: VectorIndex, queries: Float32Array, truth: number[][], count: number) {
  const latencies: number[] = [];
  let recall = 0;
  for (let q = 0; q < count; q++) {
    const started = performance.now();
    const hits = await index.search(row(queries, q), k);
    latencies.push(performance.now() - started);
    const expected = new Set(truth[q]);
    recall += hits.filter((hit) => expected.has(hit.label)).length / k;
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((sum, value) => sum + value, 0) / latencies.length;
  return {
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
    queriesPerSecond: round(1000 / mean, 1),
    recallAt10: round(recall / count, 4),
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Max event-loop delay while 8 clients each run `perClient` sequential searches, each starting
 * on a new turn of the loop as HTTP requests would (without the yield an in-thread search chain
 * runs in microtasks and the delay monitor never gets a sample).
 */
async function eventLoopUnderLoad(index: VectorIndex, queries: Float32Array, perClient: number) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // Own probe too: the histogram records nothing for a single multi-second block.
  let last = performance.now();
  let maxGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last - 1);
    last = now;
  }, 1);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        await nextTurn();
        await index.search(row(queries, (client * perClient + i) % queryCount), k);
      }
    }),
  );
  const elapsed = performance.now() - started;
  histogram.disable();
  clearInterval(probe);
  maxGap = Math.max(maxGap, performance.now() - last - 1);
  return {
    maxTimerGapMs: round(maxGap, 2),
    searches: 8 * perClient,
    queriesPerSecond: round((8 * perClient * 1000) / elapsed, 1),
    eventLoopMaxDelayMs: round(histogram.max / 1e6, 2),
    eventLoopP99DelayMs: round(histogram.percentile(99) / 1e6, 2),
  };
}

const results: Record<string, unknown> = {};
if (!process.argv.includes('--skip-embedding')) {
  // Its own process: onnxruntime's threads and memory stay out of the index measurements.
  const embedding = spawnSync(process.execPath, ['--import', 'tsx', 'bench/embedding.ts'], { stdio: 'inherit' });
  if (embedding.status !== 0) throw new Error('bench/embedding.ts failed');
  results.embedding = (JSON.parse(readFileSync('bench/results/embedding.json', 'utf8')) as { results: unknown }).results;
}
for (const count of sizes) {
  const log = (message: string) => console.error(`[${count}] ${message}`);
  // One stream so queries come from the same clusters as the corpus; they are not in the index.
  const all = clusteredVectors(count + queryCount, dimension, 200, 1);
  const vectors = all.subarray(0, count * dimension);
  const queries = all.slice(count * dimension);
  const latencyQueries = count >= 1_000_000 ? 20 : 100;
  const entry: Record<string, unknown> = { vectors: count, dimension, queries: queryCount };

  // Flat (exact). Native memory is freed only when the JS wrapper is collected, hence collect().
  const [flat, flatBuildMs] = time(() => FaissFlatIndex.fromVectors(vectors, dimension));
  const [flatBytes, flatSerializeMs] = time(() => flat.toBytes());
  flat.close();
  await collect();
  const [flatLoaded, flatLoadMs] = time(() => FaissFlatIndex.fromBytes(flatBytes));
  const flatEntry: Record<string, unknown> = {
    buildMs: round(flatBuildMs),
    serializeMs: round(flatSerializeMs),
    loadMs: round(flatLoadMs),
    bytes: flatBytes.byteLength,
    bytesPerVector: round(flatBytes.byteLength / count, 1),
  };
  // Event loop: in-thread Flat vs ThreadedIndex (Flat is the longest single search).
  const perClient = count >= 1_000_000 ? 2 : 10;
  const inThreadLoop = await eventLoopUnderLoad(flatLoaded, queries, perClient);
  flatLoaded.close();
  await collect();
  // The bytes are transferred to the worker (no copy); it also gives the ground truth in one batched search.
  const threadedFlat = await ThreadedIndex.load(flatBytes);
  const truth = (await Promise.all(Array.from({ length: queryCount }, (_, q) => threadedFlat.search(row(queries, q), k)))).map((hits) =>
    hits.map((hit) => hit.label),
  );
  Object.assign(flatEntry, await latencyAndRecall(threadedFlat, queries, truth, latencyQueries), { latencyVia: 'ThreadedIndex' });
  entry.flat = flatEntry;
  log(`flat ${JSON.stringify(entry.flat)}`);
  const threadedLoop = await eventLoopUnderLoad(threadedFlat, queries, perClient);
  threadedFlat.close();
  entry.eventLoopFlat = { inThread: inThreadLoop, threaded: threadedLoop };
  log(`event loop ${JSON.stringify(entry.eventLoopFlat)}`);

  // IVF-Flat (written directly) and IVF-SQ8 (FAISS add), nlist from chooseIndexKind.
  const plan = chooseIndexKind(count, { threshold: 0 });
  if (plan.kind !== 'IVF') throw new Error('expected an IVF plan');
  for (const encoding of ['Flat', 'SQ8'] as const) {
    const [ivf, buildMs] = time(() => FaissIvfIndex.fromVectors(vectors, dimension, { nlist: plan.nlist, nprobe: plan.nprobe, encoding }));
    const [bytes, serializeMs] = time(() => ivf.toBytes());
    ivf.close();
    await collect();
    const [loaded, loadMs] = time(() => FaissIvfIndex.fromBytes(bytes));
    const kind = loaded.kind;
    loaded.close();
    await collect();
    const byProbe: Record<string, unknown> = {};
    for (const nprobe of [4, 8, 16, 32, 64]) {
      setIvfProbeCount(bytes, nprobe);
      const probed = FaissIvfIndex.fromBytes(bytes);
      byProbe[`nprobe${nprobe}`] = await latencyAndRecall(probed, queries, truth, queryCount);
      const last = nprobe === plan.nprobe && encoding === 'Flat';
      if (last) byProbe.eventLoopInThread = await eventLoopUnderLoad(probed, queries, 50);
      probed.close();
      await collect();
    }
    const ivfEntry: Record<string, unknown> = {
      kind,
      defaultNprobe: plan.nprobe,
      buildMs: round(buildMs),
      serializeMs: round(serializeMs),
      loadMs: round(loadMs),
      bytes: bytes.byteLength,
      bytesPerVector: round(bytes.byteLength / count, 1),
      bytesPerVectorExcludingFixed: bytesPerVector({ ...plan, encoding }, dimension),
      byProbe,
    };
    if (encoding === 'Flat') {
      setIvfProbeCount(bytes, plan.nprobe);
      const threaded = await ThreadedIndex.load(bytes);
      ivfEntry.eventLoopThreaded = await eventLoopUnderLoad(threaded, queries, 50);
      threaded.close();
    }
    entry[encoding === 'Flat' ? 'ivfFlat' : 'ivfSq8'] = ivfEntry;
    log(`${kind} ${JSON.stringify(ivfEntry)}`);
  }
  results[`n${count}`] = entry;
}

saveResults('retrieval', results);
