/** Graded judgements for one query: document id → relevance (> 0 relevant). */
export type QueryJudgements = ReadonlyMap<string, number>;

/** Per-query scores, each in [0, 1]. */
export interface QueryMetrics {
  ndcgAt10: number;
  recallAt100: number;
  mrrAt10: number;
}

/**
 * Scores one ranking (document ids, best first) against its judgements with trec_eval
 * semantics: nDCG@10 with gain = judged relevance and discount 1 / log2(rank + 1), normalised
 * by the ideal ordering of all judged relevances; Recall@100 over documents judged > 0;
 * MRR@10 = 1 / rank of the first document judged > 0 in the top 10, else 0.
 */
export function scoreRanking(ranking: readonly string[], judgements: QueryJudgements): QueryMetrics {
  const relevant = [...judgements.values()].filter((grade) => grade > 0);
  let dcg = 0;
  let reciprocalRank = 0;
  let found = 0;
  const seen = new Set<string>();
  ranking.slice(0, 100).forEach((id, i) => {
    if (seen.has(id)) return;
    seen.add(id);
    const grade = judgements.get(id) ?? 0;
    if (grade <= 0) return;
    found++;
    if (i < 10) {
      dcg += grade / Math.log2(i + 2);
      if (reciprocalRank === 0) reciprocalRank = 1 / (i + 1);
    }
  });
  const ideal = relevant
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, grade, i) => sum + grade / Math.log2(i + 2), 0);
  return {
    ndcgAt10: ideal > 0 ? dcg / ideal : 0,
    recallAt100: relevant.length > 0 ? found / relevant.length : 0,
    mrrAt10: reciprocalRank,
  };
}

/** Arithmetic mean of each metric (all 0 for no queries). */
export function meanMetrics(perQuery: readonly QueryMetrics[]): QueryMetrics {
  const n = perQuery.length || 1;
  const sum = (pick: (metrics: QueryMetrics) => number) => perQuery.reduce((total, metrics) => total + pick(metrics), 0) / n;
  return { ndcgAt10: sum((m) => m.ndcgAt10), recallAt100: sum((m) => m.recallAt100), mrrAt10: sum((m) => m.mrrAt10) };
}
