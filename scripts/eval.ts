/**
 * Retrieval quality on a BEIR dataset: nDCG@10, Recall@100, MRR@10 over the split's judged queries.
 *
 *   npm run eval -- fairness [--json] [--verbose] [--limit N] [--generator kind]   (the configured GENERATOR; see core/eval/fairness-eval-command.ts)
 *   npm run eval -- answers [--split dev|test|all] [--json] [--verbose] [--limit N] [--generator kind]   (answer quality; see core/eval/answer-quality-eval-command.ts)
 *   npm run eval -- vocabulary [--questions path] [--corpus path] [--out path]   (learns the answer vocabulary from the dev questions; see core/eval/answer-vocabulary-command.ts)
 *   npm run eval -- beir <dir> [--json] [--retrieval auto|dense|bm25|hybrid] [--limit N] [--split test]
 *     [--k1 1.2] [--b 0.75] [--title-boost 2] [--bigram-weight 1] [--dimension 384]
 *     [--fusion rrf|weighted] [--rrf-k 60] [--weights dense,bm25] [--candidates 100] [--expansion none|lending]
 *
 * Every run reports the full set of judged queries and its two fixed halves (core/eval/beir-query-split.ts:
 * by a hash of the query id), 'dev' for choosing settings and 'test' for reporting them.
 * BM25 query expansion is off unless `--expansion lending` (the service's lending vocabulary).
 *
 * Ingests the corpus the way the service does, with the service's configuration (EMBEDDER,
 * MODEL_DIR, RETRIEVAL, HYBRID_FUSION; flags override): dense = the configured embedder (the
 * lexical one is fitted on the corpus, documents as `title + ' ' + text`) into a FAISS flat index;
 * bm25 = Bm25Retriever over title and text; hybrid = both, fused with the same defaults core
 * uses. The dataset is read from <dir>; nothing is copied.
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { createEmbedderProvider } from '../core/embedding/embedder-provider.ts';
import { LexicalEmbedder } from '../core/embedding/lexical-embedder.ts';
import type { Embedder } from '../core/ports/embedder.ts';
import { parseCoreConfig } from '../core/config.ts';
import { hybridDefaults } from '../core/serving/prepare-serving-index.ts';
import type { RetrievalSetting } from '../core/serving/prepare-serving-index.ts';
import { FaissFlatIndex } from '../core/index/faiss-flat-index.ts';
import { beirDocumentText, evaluateRetriever, loadBeirDataset } from '../core/eval/beir.ts';
import { queryHalf } from '../core/eval/beir-query-split.ts';
import { meanMetrics } from '../core/eval/retrieval-metrics.ts';
import { bm25QueryOptions } from '../core/serving/prepare-serving-index.ts';
import { createRetriever, DEFAULT_HYBRID } from '../core/retrieval/create-retriever.ts';
import type { RetrievalMode } from '../core/retrieval/create-retriever.ts';
import { DEFAULT_BM25_OPTIONS } from '../core/retrieval/bm25-retriever.ts';
import type { FusionMethod } from '../core/retrieval/hybrid-retriever.ts';

if (process.argv[2] === 'fairness') {
  const { runFairnessEvalCommand } = await import('../core/eval/fairness-eval-command.ts');
  process.exit(await runFairnessEvalCommand(process.argv.slice(3)));
}
if (process.argv[2] === 'vocabulary') {
  const { runAnswerVocabularyCommand } = await import('../core/eval/answer-vocabulary-command.ts');
  process.exit(await runAnswerVocabularyCommand(process.argv.slice(3)));
}
if (process.argv[2] === 'answers') {
  const { runAnswerQualityEvalCommand } = await import('../core/eval/answer-quality-eval-command.ts');
  process.exit(await runAnswerQualityEvalCommand(process.argv.slice(3)));
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    retrieval: { type: 'string' },
    limit: { type: 'string' },
    split: { type: 'string', default: 'test' },
    k1: { type: 'string' },
    b: { type: 'string' },
    'title-boost': { type: 'string' },
    'bigram-weight': { type: 'string' },
    dimension: { type: 'string' },
    fusion: { type: 'string' },
    'rrf-k': { type: 'string' },
    weights: { type: 'string' },
    candidates: { type: 'string' },
    expansion: { type: 'string', default: 'none' },
  },
});

const fail = (message: string): never => {
  console.error(`eval: ${message}\nusage: npm run eval -- beir <dir> [--json] [--retrieval auto|dense|bm25|hybrid] [--limit N]`);
  process.exit(2);
};
const number = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : fail(`--${name} must be a number, got '${value}'`);
};

const [command, dir] = positionals;
if (command !== 'beir' || dir === undefined) fail('expected: beir <dir>');
const config = parseCoreConfig(process.env);
const setting = (values.retrieval ?? config.RETRIEVAL) as RetrievalSetting;
if (!['auto', 'dense', 'bm25', 'hybrid'].includes(setting)) fail(`unknown --retrieval '${values.retrieval}'`);
const fusion = (values.fusion ?? config.HYBRID_FUSION) as FusionMethod | undefined;
if (fusion !== undefined && fusion !== 'rrf' && fusion !== 'weighted') fail(`unknown --fusion '${values.fusion}'`);
const weightList = values.weights?.split(',').map((weight) => number('weights', weight) ?? 1);
if (weightList && weightList.length !== 2) fail('--weights takes two numbers: dense,bm25');
const limit = number('limit', values.limit);
const expansion = values.expansion;
if (expansion !== 'none' && expansion !== 'lending') fail(`unknown --expansion '${expansion}' (none or lending)`);

const started = performance.now();
const dataset = await loadBeirDataset(dir!, values.split).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
const texts = dataset.corpus.map(beirDocumentText);
const loadedAt = performance.now();

let embedder: Embedder | undefined;
let index: FaissFlatIndex | undefined;
const embedders = setting === 'bm25' ? undefined : await createEmbedderProvider({ mode: config.EMBEDDER, modelDir: config.MODEL_DIR, batchSize: config.EMBED_BATCH_SIZE, intraOpThreads: config.EMBED_THREADS });
// 'auto' as the service resolves it: BM25 alone with the lexical embedder, hybrid with ONNX.
const mode: RetrievalMode = setting === 'auto' ? (embedders?.choice.kind === 'lexical' ? 'bm25' : 'hybrid') : setting;
if (embedders && mode !== 'bm25') {
  if (!values.json) console.log(`embedder: ${embedders.choice.kind} (${embedders.choice.reason})`);
  embedder =
    embedders.choice.kind === 'lexical'
      ? LexicalEmbedder.fit(texts, { dimension: number('dimension', values.dimension), bigramWeight: number('bigram-weight', values['bigram-weight']) })
      : await embedders.forBuild([]);
  index = FaissFlatIndex.fromVectors(await embedder.embed(texts), embedder.dimension);
}
const bm25 = { k1: number('k1', values.k1), b: number('b', values.b), titleBoost: number('title-boost', values['title-boost']) };
const bm25Query = bm25QueryOptions(expansion as 'none' | 'lending');
const serviceHybrid = hybridDefaults(embedder?.id ?? '');
const hybrid = {
  fusion: fusion ?? serviceHybrid.fusion,
  rrfK: number('rrf-k', values['rrf-k']),
  weights: (weightList as [number, number] | undefined) ?? (fusion === undefined ? serviceHybrid.weights : undefined),
  candidates: number('candidates', values.candidates),
};
const retriever = createRetriever({ mode, embedder, index, documents: dataset.corpus, bm25: { ...bm25, ...bm25Query }, hybrid });
const indexedAt = performance.now();

const result = await evaluateRetriever(retriever, dataset, limit === undefined ? {} : { limit });
const finishedAt = performance.now();
index?.close();
await embedders?.close();

const round = (value: number) => Number(value.toFixed(4));
const parameters = {
  ...(mode !== 'bm25' ? { embedder: embedder?.id, dimension: embedder?.dimension, bigramWeight: number('bigram-weight', values['bigram-weight']) ?? 1 } : {}),
  ...(mode !== 'dense'
    ? { ...DEFAULT_BM25_OPTIONS, ...Object.fromEntries(Object.entries(bm25).filter(([, value]) => value !== undefined)), expansion }
    : {}),
  ...(mode === 'hybrid'
    ? {
        fusion: hybrid.fusion ?? DEFAULT_HYBRID.fusion,
        rrfK: hybrid.rrfK ?? DEFAULT_HYBRID.rrfK,
        weights: hybrid.weights ?? DEFAULT_HYBRID.weights,
        candidates: hybrid.candidates ?? DEFAULT_HYBRID.candidates,
      }
    : {}),
};
const metrics = (values: { ndcgAt10: number; recallAt100: number; mrrAt10: number }) => ({
  'ndcg@10': round(values.ndcgAt10),
  'recall@100': round(values.recallAt100),
  'mrr@10': round(values.mrrAt10),
});
const half = (name: 'dev' | 'test') => {
  const perQuery = [...result.perQuery].filter(([id]) => queryHalf(id) === name).map(([, value]) => value);
  return { ...metrics(meanMetrics(perQuery)), queries: perQuery.length };
};
const report = {
  dataset: basename(dir!.replace(/\/+$/, '')),
  retrieval: mode,
  ...metrics(result),
  queries: result.queries,
  /** The fixed halves of the judged queries: 'dev' to choose settings on, 'test' to report. */
  halves: { dev: half('dev'), test: half('test') },
  documents: dataset.corpus.length,
  seconds: Number(((finishedAt - started) / 1000).toFixed(2)),
  parameters,
  timings: {
    loadSeconds: Number(((loadedAt - started) / 1000).toFixed(2)),
    indexSeconds: Number(((indexedAt - loadedAt) / 1000).toFixed(2)),
    querySeconds: Number(((finishedAt - indexedAt) / 1000).toFixed(2)),
  },
};

if (values.json) console.log(JSON.stringify(report));
else {
  console.log(`${report.dataset} (${report.documents} documents, ${report.queries} queries), retrieval ${retriever.kind} ${JSON.stringify(parameters)}`);
  const row = (values: { 'ndcg@10': number; 'recall@100': number; 'mrr@10': number }) => ({ 'nDCG@10': values['ndcg@10'], 'Recall@100': values['recall@100'], 'MRR@10': values['mrr@10'] });
  console.table({ [`${mode} (all ${report.queries})`]: row(report), [`dev half (${report.halves.dev.queries})`]: row(report.halves.dev), [`test half (${report.halves.test.queries})`]: row(report.halves.test) });
  console.log(`load ${report.timings.loadSeconds}s, index ${report.timings.indexSeconds}s, queries ${report.timings.querySeconds}s, total ${report.seconds}s`);
}
