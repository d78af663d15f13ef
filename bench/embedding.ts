/**
 * ONNX embedder throughput and latency on the all-MiniLM-L6-v2 architecture (random weights of the
 * real shape, built by test/support/onnx-graphs.ts, since the real weights cannot be downloaded
 * here; cost depends on shape, not values). `npm run bench:embedding`.
 *
 * Measures docs/s for 512 passages of ~60 words (batch 32) and single-query latency p50/p99 over
 * 100 queries, with intraOpThreads 1 and 2, for the fp32 graph and an int8 one (weights as
 * DynamicQuantizeLinear + MatMulInteger, the form onnxruntime's dynamic quantisation produces).
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OnnxEmbedder } from '../core/embedding/onnx-embedder.ts';
import { WordPieceTokenizer } from '../core/embedding/wordpiece-tokenizer.ts';
import { MINILM_TOKENIZER_DIR, miniLmArchitectureGraph, writeModelDirectory } from '../test/support/onnx-graphs.ts';
import { percentile, random, round, saveResults } from './support/results.ts';

const PASSAGES = 512;
const QUERIES = 100;
const BATCH_SIZE = 32;

const WORDS = (
  'mortgage loan borrower lender credit score down payment interest rate fixed adjustable escrow closing costs ' +
  'appraisal underwriting refinance equity principal amortization insurance premium FHA VA conventional jumbo ' +
  'debt income ratio approval application preapproval points origination fee property tax homeowner title ' +
  'the a of to and for with on your is can may if when your their this that be are will which monthly annual'
).split(' ');

function sentence(next: () => number, words: number): string {
  const picked = Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]!);
  return `${picked.join(' ')}.`;
}

const next = random(42);
const passages = Array.from({ length: PASSAGES }, () => sentence(next, 55 + Math.floor(next() * 11)));
const queries = Array.from({ length: QUERIES }, () => `${sentence(next, 6 + Math.floor(next() * 8)).slice(0, -1)}?`);

async function measure(modelDir: string, intraOpThreads: number) {
  const embedder = await OnnxEmbedder.load({ modelDir, intraOpThreads, batchSize: BATCH_SIZE });
  await embedder.embed(passages.slice(0, BATCH_SIZE)); // warm-up: first run allocates and plans
  let started = performance.now();
  const vectors = await embedder.embed(passages);
  const passageSeconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  for (const query of queries) {
    started = performance.now();
    await embedder.embed([query]);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  await embedder.release();
  return {
    vectors,
    result: {
      docsPerSecond: round(PASSAGES / passageSeconds, 1),
      passagesSeconds: round(passageSeconds, 2),
      queryP50Ms: round(percentile(latencies, 50), 2),
      queryP99Ms: round(percentile(latencies, 99), 2),
    },
  };
}

const tokenizer = await WordPieceTokenizer.fromDirectory(MINILM_TOKENIZER_DIR);
const meanTokens = (texts: string[]) => round(texts.reduce((sum, text) => sum + tokenizer.encode(text).ids.length, 0) / texts.length, 1);

const results: Record<string, unknown> = {
  model: 'all-MiniLM-L6-v2 architecture, random weights (6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522)',
  passages: PASSAGES,
  meanPassageTokens: meanTokens(passages),
  queries: QUERIES,
  meanQueryTokens: meanTokens(queries),
  batchSize: BATCH_SIZE,
};
const vectorsByVariant: Record<string, Float32Array> = {};
for (const variant of ['fp32', 'int8'] as const) {
  const started = performance.now();
  const graph = miniLmArchitectureGraph({ seed: 1, weights: variant });
  const modelDir = await writeModelDirectory(graph, { name: `all-MiniLM-L6-v2-${variant}`, tokenizerDir: MINILM_TOKENIZER_DIR });
  results[`${variant}GraphMiB`] = round(graph.byteLength / 2 ** 20, 1);
  results[`${variant}BuildMs`] = round(performance.now() - started);
  for (const threads of [1, 2]) {
    const { vectors, result } = await measure(modelDir, threads);
    results[`${variant}Threads${threads}`] = result;
    vectorsByVariant[variant] = vectors;
    console.log(`${variant} intraOpThreads=${threads}: ${JSON.stringify(result)}`);
  }
  await rm(dirname(modelDir), { recursive: true, force: true });
}

// How far int8 moves the vectors of the same weights (vectors are unit length, so dot = cosine).
const fp32 = vectorsByVariant.fp32!;
const int8 = vectorsByVariant.int8!;
let cosineSum = 0;
let cosineMin = 1;
for (let row = 0; row < PASSAGES; row++) {
  let dot = 0;
  for (let d = 0; d < 384; d++) dot += fp32[row * 384 + d]! * int8[row * 384 + d]!;
  cosineSum += dot;
  cosineMin = Math.min(cosineMin, dot);
}
results.int8VersusFp32Cosine = { mean: round(cosineSum / PASSAGES, 5), min: round(cosineMin, 5) };
saveResults('embedding', results);
