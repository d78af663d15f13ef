import type { BeirDataset } from './beir.ts';

/** Which judged queries of a BEIR split to use: a fixed half for choosing settings, the other for reporting, or all. */
export type QueryHalf = 'dev' | 'test' | 'all';

/**
 * The half a query belongs to, from an FNV-1a hash of its id: deterministic, independent of file
 * order and of the query's text, so settings can be chosen on 'dev' and reported on 'test' of a
 * dataset that ships only one judged split (SciFact's test qrels).
 */
export function queryHalf(id: string): 'dev' | 'test' {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 2 === 0 ? 'dev' : 'test';
}

/** The dataset with only the queries of `half` (the corpus and judgements are shared). */
export function selectQueryHalf(dataset: BeirDataset, half: QueryHalf): BeirDataset {
  if (half === 'all') return dataset;
  return { ...dataset, queries: dataset.queries.filter((query) => queryHalf(query.id) === half) };
}
