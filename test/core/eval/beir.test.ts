import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beirDocumentText, evaluateRetriever, loadBeirDataset } from '../../../core/eval/beir.ts';
import { scoreRanking } from '../../../core/eval/retrieval-metrics.ts';
import { Bm25Retriever } from '../../../core/retrieval/bm25-retriever.ts';
import type { RetrievalHit, Retriever } from '../../../core/retrieval/retriever.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

/** Returns a fixed ranking per query text, as corpus labels. */
class FixedRetriever implements Retriever {
  readonly kind = 'fixed';
  constructor(readonly rankings: Record<string, number[]>) {}
  async retrieve(query: string, k: number): Promise<RetrievalHit[]> {
    return (this.rankings[query] ?? []).slice(0, k).map((label, i) => ({ label, score: 10 - i }));
  }
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'apfa-beir-'));
  mkdirSync(join(dir, 'qrels'));
  writeFileSync(
    join(dir, 'corpus.jsonl'),
    [
      { _id: 'd1', title: 'Cats', text: 'Cats purr and sleep all day.', metadata: {} },
      { _id: 'd2', title: 'Dogs', text: 'Dogs bark at the mail carrier.', metadata: {} },
      { _id: 'd3', title: 'Birds', text: 'Birds sing at dawn.', metadata: {} },
    ]
      .map((record) => JSON.stringify(record))
      .join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'queries.jsonl'),
    ['{"_id":"q1","text":"purring cats","metadata":{}}', '{"_id":"q2","text":"barking dogs"}', '{"_id":"q3","text":"no judgements"}'].join('\n'),
  );
  // Header and CRLF line ends, as BEIR ships SciFact; q1 has two relevant documents of different grades.
  writeFileSync(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq1\td3\t2\r\nq2\td2\t1\r\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadBeirDataset', () => {
  it('reads corpus, judged queries only, and CRLF qrels with a header', async () => {
    const dataset = await loadBeirDataset(dir);
    expect(dataset.corpus.map((document) => document.id)).toEqual(['d1', 'd2', 'd3']);
    expect(dataset.queries).toEqual([
      { id: 'q1', text: 'purring cats' },
      { id: 'q2', text: 'barking dogs' },
    ]);
    expect([...(dataset.qrels.get('q1') ?? [])]).toEqual([
      ['d1', 1],
      ['d3', 2],
    ]);
    expect(beirDocumentText(dataset.corpus[0]!)).toBe('Cats Cats purr and sleep all day.');
  });

  it('names the file and line of a malformed qrels row', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'apfa-beir-bad-'));
    try {
      mkdirSync(join(bad, 'qrels'));
      writeFileSync(join(bad, 'corpus.jsonl'), '{"_id":"d1","title":"","text":"x"}\n');
      writeFileSync(join(bad, 'queries.jsonl'), '{"_id":"q1","text":"x"}\n');
      writeFileSync(join(bad, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\n');
      const error = await loadBeirDataset(bad).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation-failed');
      expect((error as AppError).detail).toContain('test.tsv:2');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('evaluateRetriever', () => {
  it('reproduces hand-computed nDCG@10, Recall@100 and MRR@10', async () => {
    const dataset = await loadBeirDataset(dir);
    // q1 ranks d2, d1, d3 (labels 1, 0, 2): d1 (grade 1) at rank 2, d3 (grade 2) at rank 3.
    //   DCG  = 1/log2(3) + 2/log2(4)          = 0.630930 + 1.000000 = 1.630930
    //   IDCG = 2/log2(2) + 1/log2(3)          = 2.000000 + 0.630930 = 2.630930
    //   nDCG@10 = 1.630930 / 2.630930 = 0.619904; Recall@100 = 2/2 = 1; MRR@10 = 1/2 (first relevant at rank 2)
    // q2 ranks only d3: its one relevant document (d2) is missed: nDCG 0, Recall 0, MRR 0.
    // Means over the 2 judged queries (q3 has no qrels and is not counted):
    //   nDCG@10 = 0.619904 / 2 = 0.309952; Recall@100 = 0.5; MRR@10 = 0.25
    const retriever = new FixedRetriever({ 'purring cats': [1, 0, 2], 'barking dogs': [2] });
    const result = await evaluateRetriever(retriever, dataset);
    expect(result.queries).toBe(2);
    expect(result.ndcgAt10).toBeCloseTo(0.309952, 5);
    expect(result.recallAt100).toBeCloseTo(0.5, 10);
    expect(result.mrrAt10).toBeCloseTo(0.25, 10);
    expect(result.perQuery.get('q1')?.ndcgAt10).toBeCloseTo(0.619904, 5);
  });

  it('scores a perfect ranking 1 and ignores relevant documents past the cut-offs', () => {
    const judgements = new Map([
      ['a', 2],
      ['b', 1],
      ['z', 0],
    ]);
    expect(scoreRanking(['a', 'b'], judgements)).toEqual({ ndcgAt10: 1, recallAt100: 1, mrrAt10: 1 });
    const deep = [...Array.from({ length: 10 }, (_, i) => `x${i}`), 'a'];
    expect(scoreRanking(deep, judgements)).toEqual({ ndcgAt10: 0, recallAt100: 0.5, mrrAt10: 0 });
    // A judgement of 0 is not relevant: ranking only 'z' scores nothing.
    expect(scoreRanking(['z'], judgements)).toEqual({ ndcgAt10: 0, recallAt100: 0, mrrAt10: 0 });
  });

  it('runs end to end with BM25 on the tiny dataset', async () => {
    const dataset = await loadBeirDataset(dir);
    const result = await evaluateRetriever(Bm25Retriever.build(dataset.corpus), dataset);
    // "barking dogs" only matches d2 (rank 1): nDCG 1, MRR 1. "purring cats" only matches d1 (grade 1) at
    // rank 1; d3 (grade 2) is missed: DCG = 1, IDCG = 2 + 1/log2(3) = 2.630930 → 0.380093, Recall 1/2.
    expect(result.ndcgAt10).toBeCloseTo((1 + 1 / 2.63093) / 2, 5);
    expect(result.recallAt100).toBeCloseTo(0.75, 10);
    expect(result.mrrAt10).toBeCloseTo(1, 10);
  });
});

describe('npm run eval -- beir <dir> --json', () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', 'beir', dir, ...args], {
      env: { ...process.env, EMBEDDER: 'lexical', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });

  it('prints the same hand-computed BM25 scores as one JSON line', async () => {
    const { stdout } = await run(['--json', '--retrieval', 'bm25']);
    const report = JSON.parse(stdout.trim()) as Record<string, unknown>;
    // As above: q1 finds only d1 (0.380093), q2 finds d2 first (1).
    expect(report).toMatchObject({ retrieval: 'bm25', queries: 2, documents: 3 });
    expect(report['ndcg@10']).toBeCloseTo((1 + 1 / 2.63093) / 2, 4);
    expect(report['recall@100']).toBe(0.75);
    expect(report['mrr@10']).toBe(1);
  }, 60_000);

  it('runs the default (BM25 alone with the lexical embedder), the hybrid pipeline, and refuses an unknown retrieval mode with exit code 2', async () => {
    const byDefault = JSON.parse((await run(['--json'])).stdout.trim()) as { retrieval: string; parameters: { embedder?: string } };
    expect(byDefault.retrieval).toBe('bm25');
    expect(byDefault.parameters.embedder).toBeUndefined();
    const { stdout } = await run(['--json', '--retrieval', 'hybrid']);
    const report = JSON.parse(stdout.trim()) as { retrieval: string; parameters: { embedder?: string; fusion?: string } };
    expect(report.retrieval).toBe('hybrid');
    expect(report.parameters).toMatchObject({ embedder: 'lexical-hash-v1', fusion: 'weighted' });
    const failure = await run(['--retrieval', 'sparse']).catch((error: { code?: number; stderr?: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("unknown --retrieval 'sparse'");
  }, 60_000);
});
