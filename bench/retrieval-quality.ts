/**
 * Retrieval quality of the service's configurations on a BEIR dataset, by running the eval
 * command (`scripts/eval.ts beir <dir> --json`) once per configuration, and saving them all to
 * bench/results/retrieval-quality.json beside the published anchors.
 *
 * `npm run bench:quality [-- --dataset ../shared/eval/beir/scifact]`
 * With `EMBEDDER=onnx` and the real model in MODEL_DIR (`npm run models:fetch`), the dense and
 * hybrid rows are the MiniLM ones; by default they are the lexical embedder's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { saveResults } from './support/results.ts';

const at = process.argv.indexOf('--dataset');
const dataset = resolve(at > 0 ? process.argv[at + 1]! : '../shared/eval/beir/scifact');
if (!existsSync(resolve(dataset, 'corpus.jsonl'))) {
  console.error(`bench:quality: no BEIR dataset at ${dataset} (corpus.jsonl, queries.jsonl, qrels/test.tsv); pass --dataset <dir>`);
  process.exit(2);
}

/** [label, extra eval flags]: the default first, then each part alone and the other fusion. */
const CONFIGURATIONS: Array<[string, string[]]> = [
  ['default (auto: BM25 alone with the lexical embedder, hybrid with ONNX)', []],
  ['BM25 alone', ['--retrieval', 'bm25']],
  ['embedder alone (dense)', ['--retrieval', 'dense']],
  ['hybrid, RRF 1:1', ['--retrieval', 'hybrid', '--fusion', 'rrf', '--weights', '1,1']],
  ['hybrid, weighted 0.2:1', ['--retrieval', 'hybrid', '--fusion', 'weighted', '--weights', '0.2,1']],
];

const configurations = CONFIGURATIONS.map(([label, flags]) => {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', 'beir', dataset, '--json', ...flags], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  console.log(`${label}: nDCG@10 ${report['ndcg@10']}, Recall@100 ${report['recall@100']}, MRR@10 ${report['mrr@10']} (${report.seconds} s)`);
  return { label, ...report } as Record<string, unknown> & { label: string };
});

saveResults('retrieval-quality', {
  dataset,
  embedderSetting: process.env.EMBEDDER ?? 'auto (lexical without model files)',
  anchors: { 'all-MiniLM-L6-v2 (MTEB)': 0.645, 'BM25 (Anserini)': 0.679 },
  configurations,
  defaultBeatsBm25Anchor: (configurations[0]!['ndcg@10'] as number) > 0.679,
  // The issue-14 rule: the default is never worse than our BM25 alone.
  defaultNotWorseThanBm25: (configurations[0]!['ndcg@10'] as number) >= (configurations[1]!['ndcg@10'] as number),
});
