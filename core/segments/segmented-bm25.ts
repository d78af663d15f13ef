import { DEFAULT_EXPANSION_WEIGHT, weighQueryTerms, type Bm25QueryOptions } from '../retrieval/bm25-retriever.ts';
import type { RetrievalHit, RetrieveOptions, Retriever } from '../retrieval/retriever.ts';
import { topK } from '../retrieval/top-k.ts';
import type { SegmentChain } from './segment-chain.ts';

/**
 * BM25 over a chain of segments: each segment is scored with its own postings and length norms
 * (taken against the base's average length), with one IDF per term from statistics summed over
 * the segments (N = all rows, df = Σ df), Lucene's formula ln(1 + (N − df + 0.5)/(df + 0.5)).
 * Rows hidden by a tombstone are never returned, but still count in N and df until a merge
 * (docs/segments.md). With no deltas the scores are exactly the base's Bm25Retriever's.
 */
export class SegmentedBm25Retriever implements Retriever {
  readonly kind = 'bm25';
  readonly #chain: SegmentChain;
  readonly #expansion: Bm25QueryOptions['expansion'];
  readonly #expansionWeight: number;
  readonly #scores: Float64Array[];
  readonly #touched: Int32Array[];

  constructor(chain: SegmentChain, query: Bm25QueryOptions = {}) {
    this.#chain = chain;
    this.#expansion = query.expansion;
    this.#expansionWeight = query.expansionWeight ?? DEFAULT_EXPANSION_WEIGHT;
    this.#scores = chain.segments.map((segment) => new Float64Array(segment.documents.length));
    this.#touched = chain.segments.map((segment) => new Int32Array(segment.documents.length));
  }

  async retrieve(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievalHit[]> {
    return this.search(query, k, options.asked);
  }

  /** BM25 scores over live rows of every segment, best first, ties to the lower global label. */
  search(query: string, k: number, asked?: string): RetrievalHit[] {
    const chain = this.#chain;
    const { k1, titleBoost } = chain.base.postings;
    const queryTerms = new Map<string, number>();
    for (const [term, weight] of weighQueryTerms(query, asked, this.#expansion, this.#expansionWeight)) {
      if (this.#inAnySegment(term)) queryTerms.set(term, weight);
    }
    const segments = chain.segments;
    let totalDocuments = 0;
    for (const segment of segments) totalDocuments += segment.postings?.documentCount ?? 0;
    const touchedCounts = new Int32Array(segments.length);
    const k1Plus1 = k1 + 1;
    for (const [term, queryFrequency] of queryTerms) {
      const termIds = segments.map((segment) => segment.postings?.terms.get(term));
      let df = 0;
      segments.forEach((segment, s) => {
        const t = termIds[s];
        if (t !== undefined) df += segment.postings!.offsets[t + 1]! - segment.postings!.offsets[t]!;
      });
      const idf = Math.log(1 + (totalDocuments - df + 0.5) / (df + 0.5)) * queryFrequency;
      segments.forEach((segment, s) => {
        const t = termIds[s];
        if (t === undefined) return;
        const { offsets, documents, bodyFrequencies, titleFrequencies } = segment.postings!;
        const norms = segment.lengthNorms!;
        const scores = this.#scores[s]!;
        const touched = this.#touched[s]!;
        for (let p = offsets[t]!, end = offsets[t + 1]!; p < end; p++) {
          const document = documents[p]!;
          // Through a float32, as Bm25Retriever stores posting weights: identical scores with no deltas.
          const tf = Math.fround(bodyFrequencies[p]! + titleBoost * titleFrequencies[p]!);
          if (tf === 0) continue;
          if (scores[document] === 0) touched[touchedCounts[s]!++] = document;
          scores[document]! += (idf * tf * k1Plus1) / (tf + norms[document]!);
        }
      });
    }
    const hits: RetrievalHit[] = [];
    segments.forEach((segment, s) => {
      const scores = this.#scores[s]!;
      const touched = this.#touched[s]!.subarray(0, touchedCounts[s]!);
      const hidden = chain.tombstoned[s]!;
      const offset = chain.offsets[s]!;
      const best = topK(segment.documents.length, k, (label) => (hidden.has(label) ? Number.NaN : scores[label]!), touched);
      for (const hit of best) hits.push({ label: hit.label + offset, score: hit.score });
      for (const label of touched) scores[label] = 0;
    });
    return hits.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, k);
  }

  #inAnySegment(term: string): boolean {
    return this.#chain.segments.some((segment) => segment.postings?.terms.get(term) !== undefined);
  }
}
