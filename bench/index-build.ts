/**
 * Index build and load time for N × 384 vectors (default 100k), plus exact-search latency.
 * `npm run bench:index [-- --count 100000]`. Target (issue 2): build from vectors < 1 s at 100k.
 */
import { FaissFlatIndex } from '../core/index/faiss-flat-index.ts';
import { clusteredVectors, percentile, round, saveResults } from './support/results.ts';

const countArg = process.argv.indexOf('--count');
const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 100_000;
const dimension = 384;

const vectors = clusteredVectors(count, dimension, 200);
const rssBefore = process.memoryUsage().rss;
let started = performance.now();
const index = FaissFlatIndex.fromVectors(vectors, dimension);
const buildMs = performance.now() - started;

started = performance.now();
const bytes = index.toBytes();
const serializeMs = performance.now() - started;

started = performance.now();
const loaded = FaissFlatIndex.fromBytes(bytes);
const loadMs = performance.now() - started;

const latencies: number[] = [];
const queries = clusteredVectors(100, dimension, 200, 7);
for (let q = 0; q < 100; q++) {
  const query = queries.subarray(q * dimension, (q + 1) * dimension);
  const t0 = performance.now();
  await loaded.search(query, 10);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);

saveResults('index-build', {
  vectors: count,
  dimension,
  indexKind: 'Flat (IndexFlatIP)',
  buildFromVectorsMs: round(buildMs),
  serializeMs: round(serializeMs),
  loadFromBytesMs: round(loadMs),
  indexBytes: bytes.byteLength,
  bytesPerVector: round(bytes.byteLength / count, 1),
  rssGrowthMiB: round((process.memoryUsage().rss - rssBefore) / 2 ** 20, 1),
  searchTop10P50Ms: round(percentile(latencies, 50), 3),
  searchTop10P99Ms: round(percentile(latencies, 99), 3),
  targetBuildUnder1s: buildMs < 1000,
});
