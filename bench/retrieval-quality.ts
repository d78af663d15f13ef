/**
 * Retrieval quality on a BEIR dataset, with settings chosen on held-out data.
 *
 * SciFact ships one judged split (test), so its judged queries are cut into two fixed halves by
 * a hash of the query id (core/eval/beir-query-split.ts). On the **dev** half only, this chooses
 * BM25's parameters (k1, b, title weight) by grid search, then whether fusing the lexical-hash
 * embedder helps and at what weight. Both halves and the full set are then reported for the
 * textbook BM25, the dev choice and the best fusion, and the service's default configuration is
 * run through the eval command (`scripts/eval.ts beir <dir> --json`) with the comparison rows,
 * each reported on both halves and the full set. Saved to bench/results/retrieval-quality.json.
 *
 * `npm run bench:quality [-- --dataset ../shared/eval/beir/scifact]`
 * With `EMBEDDER=onnx` and the real model in MODEL_DIR (`npm run models:fetch`), the eval
 * command's dense and hybrid rows are the MiniLM ones; the dev search always uses the lexical embedder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LexicalEmbedder } from '../core/embedding/lexical-embedder.ts';
import { beirDocumentText, evaluateRetriever, loadBeirDataset, type BeirDataset } from '../core/eval/beir.ts';
import { selectQueryHalf } from '../core/eval/beir-query-split.ts';
import { FaissFlatIndex } from '../core/index/faiss-flat-index.ts';
import { Bm25Retriever, DEFAULT_BM25_OPTIONS } from '../core/retrieval/bm25-retriever.ts';
import { DenseRetriever } from '../core/retrieval/dense-retriever.ts';
import { HybridRetriever, type FusionMethod } from '../core/retrieval/hybrid-retriever.ts';
import type { Retriever } from '../core/retrieval/retriever.ts';
import { round, saveResults } from './support/results.ts';

const at = process.argv.indexOf('--dataset');
const dataset = resolve(at > 0 ? process.argv[at + 1]! : '../shared/eval/beir/scifact');
if (!existsSync(resolve(dataset, 'corpus.jsonl'))) {
  console.error(`bench:quality: no BEIR dataset at ${dataset} (corpus.jsonl, queries.jsonl, qrels/test.tsv); pass --dataset <dir>`);
  process.exit(2);
}

const data = await loadBeirDataset(dataset);
const halves = { dev: selectQueryHalf(data, 'dev'), test: selectQueryHalf(data, 'test'), all: data };
const ndcg = async (retriever: Retriever, on: BeirDataset) => round((await evaluateRetriever(retriever, on)).ndcgAt10, 4);
const everywhere = async (retriever: Retriever) => ({ dev: await ndcg(retriever, halves.dev), test: await ndcg(retriever, halves.test), all: await ndcg(retriever, halves.all) });

// 1. BM25's parameters on the dev half: the index is built once; k1, b and the title weight apply at load.
const bm25State = Bm25Retriever.build(data.corpus).toJSON();
const grid: { k1: number; b: number; titleBoost: number; dev: number }[] = [];
for (const titleBoost of [1, 1.5, 2, 3]) {
  for (const k1 of [0.6, 0.9, 1.2, 1.5, 2, 2.5, 3]) {
    for (const b of [0.3, 0.5, 0.75, 0.9, 1]) {
      grid.push({ k1, b, titleBoost, dev: await ndcg(Bm25Retriever.fromJSON(bm25State, { k1, b, titleBoost }), halves.dev) });
    }
  }
}
const bestBm25 = grid.reduce((best, row) => (row.dev > best.dev ? row : best));
const chosenBm25 = Bm25Retriever.fromJSON(bm25State, bestBm25);
console.log(`dev BM25 grid (${grid.length} settings): best k1 ${bestBm25.k1}, b ${bestBm25.b}, title weight ${bestBm25.titleBoost} → dev nDCG@10 ${bestBm25.dev}`);

// 2. Does fusing the lexical-hash embedder help BM25 (the dev choice) on the dev half, and at what weight?
const texts = data.corpus.map(beirDocumentText);
const embedder = LexicalEmbedder.fit(texts);
const index = FaissFlatIndex.fromVectors(await embedder.embed(texts), embedder.dimension);
const dense = new DenseRetriever({ embedder, index });
const fusions: { fusion: FusionMethod; weights: [number, number] }[] = [
  { fusion: 'rrf', weights: [1, 1] },
  ...[0.05, 0.1, 0.2, 0.3, 0.5, 1].map((weight) => ({ fusion: 'weighted' as const, weights: [weight, 1] as [number, number] })),
];
const fused = [];
for (const setting of fusions) {
  fused.push({ ...setting, dev: await ndcg(new HybridRetriever({ retrievers: [dense, chosenBm25], ...setting }), halves.dev) });
}
const bestFusion = fused.reduce((best, row) => (row.dev > best.dev ? row : best));
const fusionHelps = bestFusion.dev > bestBm25.dev;
console.log(`dev fusion: best ${bestFusion.fusion} [${bestFusion.weights.join(', ')}] → ${bestFusion.dev} (BM25 alone ${bestBm25.dev}): ${fusionHelps ? 'fuse' : 'BM25 alone'}`);

const reported = {
  'BM25 textbook (k1 1.2, b 0.75, title weight 1)': await everywhere(Bm25Retriever.fromJSON(bm25State, { k1: 1.2, b: 0.75, titleBoost: 1 })),
  [`BM25 chosen on dev (k1 ${bestBm25.k1}, b ${bestBm25.b}, title weight ${bestBm25.titleBoost})`]: await everywhere(chosenBm25),
  [`best fusion on dev (${bestFusion.fusion} [${bestFusion.weights.join(', ')}] over the dev BM25)`]: await everywhere(
    new HybridRetriever({ retrievers: [dense, chosenBm25], fusion: bestFusion.fusion, weights: bestFusion.weights }),
  ),
};
index.close();
console.table(reported);

// 3. The service's configurations through the eval command, as the service builds them.
/** What `scripts/eval.ts beir --json` prints (the parts read here). */
interface EvalReport {
  retrieval: string;
  'ndcg@10': number;
  seconds: number;
  parameters: Record<string, unknown>;
  halves: Record<'dev' | 'test', { 'ndcg@10': number }>;
}
/** [label, extra eval flags]: the default first, then each part alone and the fusions. */
const CONFIGURATIONS: Array<[string, string[]]> = [
  ['default (RETRIEVAL=auto)', []],
  ['BM25 alone, textbook (k1 1.2, b 0.75, title weight 1)', ['--retrieval', 'bm25', '--k1', '1.2', '--b', '0.75', '--title-boost', '1']],
  ['embedder alone (dense)', ['--retrieval', 'dense']],
  ['hybrid, RRF 1:1', ['--retrieval', 'hybrid', '--fusion', 'rrf', '--weights', '1,1']],
];
const configurations = CONFIGURATIONS.map(([label, flags]) => {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', 'beir', dataset, '--json', ...flags], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as EvalReport;
  console.log(`${label}: nDCG@10 all ${report['ndcg@10']}, dev ${report.halves.dev['ndcg@10']}, test ${report.halves.test['ndcg@10']} (${report.seconds} s)`);
  return { label, ...report };
});
const [service, textbook] = configurations;
const serviceParameters = service!.parameters;

saveResults('retrieval-quality', {
  dataset,
  embedderSetting: process.env.EMBEDDER ?? 'auto (lexical without model files)',
  anchors: { 'all-MiniLM-L6-v2 (MTEB)': 0.645, 'BM25 (Anserini)': 0.679 },
  split: 'judged queries halved by an FNV-1a hash of the query id (core/eval/beir-query-split.ts); settings chosen on dev only',
  devSearch: { bm25Grid: grid, bestBm25, fusions: fused, bestFusion, fusionHelps, reported },
  configurations,
  // The default is what dev chose: its BM25 parameters and whether it fuses.
  defaultIsDevChoice:
    serviceParameters['k1'] === bestBm25.k1 &&
    serviceParameters['b'] === bestBm25.b &&
    serviceParameters['titleBoost'] === bestBm25.titleBoost &&
    (service!.retrieval === 'hybrid') === fusionHelps,
  // The issue-14 rule: the default is never worse than BM25 alone, here on the held-out half and the full set.
  defaultNotWorseThanBm25OnTest: service!.halves.test['ndcg@10']! >= textbook!.halves.test['ndcg@10']!,
  defaultNotWorseThanBm25: service!['ndcg@10'] >= textbook!['ndcg@10'],
  defaultBm25Constants: DEFAULT_BM25_OPTIONS,
});
