import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KnowledgeDocument } from '../../core/ports/document.ts';
import type { ObjectStore } from '../../core/ports/object-store.ts';
import { fitLexicalEmbedder } from '../../core/embedding/lexical-embedder-state.ts';
import { buildIndexVersion } from '../../core/indexing/build-index.ts';
import { createIndexRepository } from '../../core/indexing/index-repository.ts';
import type { IndexManifest } from '../../core/indexing/index-manifest.ts';
import { ThreadedIndex } from '../../core/index/threaded-index.ts';
import { Bm25Retriever } from '../../core/retrieval/bm25-retriever.ts';
import { decodeBm25Postings, encodeBm25Postings } from '../../core/retrieval/bm25-postings.ts';
import { createServingIndexPreparer, resolveRetrievalMode, type RetrievalSetting } from '../../core/serving/prepare-serving-index.ts';
import { round } from './results.ts';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The version ids of one corpus stored in each layout. */
export interface StoredLayouts {
  /** The first layout: documents.json, bm25.json, the embedder state in the manifest. */
  json: string;
  /** documents.bin, bm25.bin without scoring tables, the embedder state in the manifest. */
  binaryV1: string;
  /** documents.bin, bm25.bin with scoring tables, embedder.bin (what builds write now). */
  binaryV2: string;
}

/**
 * Builds one version of `documents` (binary-v2, Flat: the vector index is not what these loads
 * compare) and stores it three times, re-encoded as the earlier layouts wrote it under other
 * version ids, so a load of each can be timed on the same data.
 */
export async function storeLayouts(store: ObjectStore, documents: readonly KnowledgeDocument[]): Promise<StoredLayouts> {
  const repository = createIndexRepository(store);
  const built = await buildIndexVersion({ documents, embedder: fitLexicalEmbedder(documents), sourceName: 'bench', plan: { kind: 'Flat' } });
  built.index.close();
  await repository.save(built, { setLatest: false });
  const postings = decodeBm25Postings(built.bm25Bytes!, 'bm25.bin');
  const { layout: _layout, ...rest } = built.manifest;
  const derived = async (tag: string, layout: 'binary-v1' | undefined, documentsBytes: Uint8Array, bm25Bytes: Uint8Array) => {
    const manifest: IndexManifest = {
      ...rest,
      ...(layout ? { layout } : {}),
      version: sha256(new TextEncoder().encode(`${built.manifest.version} ${tag}`)).slice(0, 16),
      checksums: { index: built.manifest.checksums.index, documents: sha256(documentsBytes), bm25: sha256(bm25Bytes) },
    };
    await repository.save({ ...built, manifest, documentsBytes, bm25Bytes, embedderBytes: undefined }, { setLatest: false });
    return manifest.version;
  };
  const binaryV1 = await derived('binary-v1', 'binary-v1', built.documentsBytes, encodeBm25Postings(postings, { scoring: false }));
  const documentsJson = new TextEncoder().encode(JSON.stringify(documents.map(({ id, title, text, url }) => (url === undefined ? { id, title, text } : { id, title, text, url }))));
  const json = await derived('json', undefined, documentsJson, new TextEncoder().encode(JSON.stringify(Bm25Retriever.fromJSON(postings).toJSON())));
  return { json, binaryV1, binaryV2: built.manifest.version };
}

/** One timed load of a stored version as a serving instance does it (activateVersion's steps, without the swap). */
export interface LoadMeasurement {
  /** Download + verify + read (repository.load). */
  repositoryLoadMs: number;
  /** repository.load + the retriever prepared + one warm-up query: what an API instance waits before it can swap. */
  loadMs: number;
  /** Longest the event loop was blocked during the load (a 1 ms timer's worst lateness). */
  maxEventLoopBlockMs: number;
  /**
   * Process RSS before the load and after it (the loaded version still held), each after a full
   * garbage collection, and at its highest during the load (sampled every 10 ms). `after −
   * before` is what one loaded version keeps resident.
   */
  rssMiB: { before: number; peak: number; after: number };
}

/**
 * Stand-in for the requests a serving instance answers while it loads: every turn of the event
 * loop runs `busyMsPerTurn` of synchronous work (a chain of setImmediate callbacks), so each
 * step of a load that waits for a turn (an I/O completion, a yield) waits behind that much work,
 * as it waits behind requests' handlers in an API instance answering clients without pause.
 */
export interface SimulatedTraffic {
  busyMsPerTurn: number;
}

/** Starts {@link SimulatedTraffic}; returns its stop. */
function simulateTraffic({ busyMsPerTurn }: SimulatedTraffic): () => void {
  let running = true;
  const turn = () => {
    if (!running) return;
    const until = performance.now() + busyMsPerTurn;
    while (performance.now() < until) {
      // Busy: a request's handler holding the event loop.
    }
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    running = false;
  };
}

/** A full garbage collection, for RSS figures that hold no garbage (V8's `gc`, exposed at run time). */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Loads `version` the way the API does (FAISS on a worker thread unless the retrieval mode needs
 * no vectors, in which case index.faiss waits for a first vector search) and measures it. The
 * loaded version is closed afterwards.
 */
export async function measureVersionLoad(store: ObjectStore, version: string, retrieval: RetrievalSetting, traffic: SimulatedTraffic | null = null): Promise<LoadMeasurement> {
  const repository = createIndexRepository(store, {
    loadVectors: (bytes) => ThreadedIndex.load(bytes),
    deferVectors: (manifest) => resolveRetrievalMode(retrieval, manifest.embedder.id) === 'bm25',
  });
  const prepare = createServingIndexPreparer({ retrieval: { mode: retrieval } });
  const mib = () => round(process.memoryUsage.rss() / 2 ** 20, 1);
  collectGarbage();
  const before = mib();
  let peak = before;
  let maxBlock = 0;
  let last = performance.now();
  let ticks = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxBlock = Math.max(maxBlock, now - last - 1);
    last = now;
    // RSS is a read of /proc on this thread: every 10th tick, so the probe itself stays cheap.
    if (++ticks % 10 === 0) peak = Math.max(peak, mib());
  }, 1);
  const stopTraffic = traffic === null ? () => {} : simulateTraffic(traffic);
  const started = performance.now();
  const loaded = await repository.load(version);
  const repositoryLoadMs = performance.now() - started;
  const serving = await prepare(loaded);
  await serving.retriever.retrieve('mortgage down payment', 1);
  const loadMs = performance.now() - started;
  stopTraffic();
  clearInterval(probe);
  peak = Math.max(peak, mib());
  collectGarbage();
  const after = mib();
  loaded.index.close();
  return { repositoryLoadMs: round(repositoryLoadMs, 1), loadMs: round(loadMs, 1), maxEventLoopBlockMs: round(maxBlock, 1), rssMiB: { before, peak, after } };
}

/** RSS (MiB, each after a full GC but the peak) around a swap simulated in one process. */
export interface SwapMemory {
  /** Before any version. */
  empty: number;
  /** One version loaded and held (the live one). */
  held: number;
  /** Highest while a second copy loads beside it (1 ms samples). */
  peak: number;
  /** Both held. */
  both: number;
}

/**
 * The memory of a swap without the rest of a service around it: `version` is loaded (as the live
 * version) and held, then loaded again beside it, as an API instance loads the next version while
 * the live one still answers. `held − empty` is one version's resident size, `peak − held` what
 * the swap adds at its highest.
 */
export async function measureSwapMemory(store: ObjectStore, version: string, retrieval: RetrievalSetting): Promise<SwapMemory> {
  const repository = createIndexRepository(store, {
    loadVectors: (bytes) => ThreadedIndex.load(bytes),
    deferVectors: (manifest) => resolveRetrievalMode(retrieval, manifest.embedder.id) === 'bm25',
  });
  const prepare = createServingIndexPreparer({ retrieval: { mode: retrieval } });
  const load = async () => {
    const loaded = await repository.load(version);
    const serving = await prepare(loaded);
    await serving.retriever.retrieve('mortgage down payment', 1);
    return serving;
  };
  const mib = () => round(process.memoryUsage.rss() / 2 ** 20, 1);
  collectGarbage();
  const empty = mib();
  const live = await load();
  collectGarbage();
  const held = mib();
  let peak = held;
  const probe = setInterval(() => (peak = Math.max(peak, mib())), 1);
  const next = await load();
  clearInterval(probe);
  peak = Math.max(peak, mib());
  collectGarbage();
  const both = mib();
  live.loaded.index.close();
  next.loaded.index.close();
  return { empty, held, peak, both };
}

/**
 * {@link measureVersionLoad} in a fresh process (bench/support/version-load-child.ts): its RSS
 * figures are one version's alone. `folder` is a LocalFolderObjectStore's root.
 */
export async function measureVersionLoadInChild(folder: string, version: string, retrieval: RetrievalSetting): Promise<LoadMeasurement> {
  return inChild<LoadMeasurement>([folder, version, retrieval, 'load']);
}

/** {@link measureSwapMemory} in a fresh process. */
export async function measureSwapMemoryInChild(folder: string, version: string, retrieval: RetrievalSetting): Promise<SwapMemory> {
  return inChild<SwapMemory>([folder, version, retrieval, 'swap']);
}

async function inChild<T>(args: string[]): Promise<T> {
  const child = fileURLToPath(new URL('./version-load-child.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, ...args], { maxBuffer: 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}
