/**
 * One serving instance for bench/change-latency.ts, its own process: loads the version the
 * segmented live pointer names through the segment loader, follows the Redis channel for new
 * versions (loading only the segments it does not hold), swaps them into a live index, and
 * answers GET /search?q=&k= under a lease with { version, hits: [{ id, text }] }. A stand-in for
 * the API's retrieval path (segments are not wired into core/main yet: docs/segments.md).
 * `--root <store folder> --port <port> --channel <redis channel>`; prints `ready` and `swapped <version> <ms>`.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { createLiveIndex } from '../../core/advice/live-index.ts';
import { lexicalEmbedderFromManifest } from '../../core/embedding/lexical-embedder-state.ts';
import { createIndexRepository } from '../../core/indexing/index-repository.ts';
import { createSegmentLoader } from '../../core/segments/segment-loader.ts';
import { readSegmentedLatest } from '../../core/segments/segment-store.ts';
import { servingIndexOfChain } from '../../core/segments/segmented-serving.ts';
import { LocalFolderObjectStore } from '../../core/storage/local-folder-object-store.ts';

const option = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) throw new Error(`--${name} is required`);
  return process.argv[at + 1]!;
};
const store = new LocalFolderObjectStore(option('root'));
const port = Number(option('port'));
const channel = option('channel');
// BM25 alone, as the service serves with the lexical embedder: vectors load on a first dense search only.
const repository = createIndexRepository(store, { deferVectors: () => true });
const loader = createSegmentLoader({ store, repository });
const live = createLiveIndex();
let activation = Promise.resolve();

function activate(version: string): Promise<void> {
  activation = activation.then(async () => {
    if (live.current()?.loaded.manifest.version === version) return;
    const started = performance.now();
    const loaded = await loader.load(version);
    const embedder = lexicalEmbedderFromManifest(loaded.chain.base.loaded.manifest);
    live.swap(servingIndexOfChain(loaded, { mode: 'bm25', embedder }));
    console.log(`swapped ${version} ${(performance.now() - started).toFixed(1)}`);
  }).catch((error: unknown) => console.log(`failed ${version} ${error instanceof Error ? error.message : String(error)}`));
  return activation;
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const lease = live.acquire();
  if (lease === null) {
    response.writeHead(503).end();
    return;
  }
  try {
    const { serving } = lease;
    const hits = await serving.retriever.retrieve(url.searchParams.get('q') ?? '', Number(url.searchParams.get('k') ?? 10));
    const body = { version: serving.loaded.manifest.version, hits: hits.map((hit) => ({ id: serving.loaded.documents[hit.label]!.id, text: serving.loaded.documents[hit.label]!.text })) };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  } catch (error) {
    response.writeHead(500).end(error instanceof Error ? error.message : String(error));
  } finally {
    lease.release();
  }
});

const subscriber = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
subscriber.on('message', (_channel, message: string) => void activate((JSON.parse(message) as { version: string }).version));
await subscriber.subscribe(channel);
const first = await readSegmentedLatest(store);
if (first === null) throw new Error('no segmented live pointer');
await activate(first);
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => {
  server.close();
  subscriber.disconnect();
  live.close();
  process.exit(0);
});
