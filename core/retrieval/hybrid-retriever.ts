import { AppError } from '../../shared/errors/app-error.ts';
import { reciprocalRankFusion, weightedScoreFusion } from './rank-fusion.ts';
import type { RetrievalHit, RetrieveOptions, Retriever } from './retriever.ts';

export type FusionMethod = 'rrf' | 'weighted';

export interface HybridRetrieverOptions {
  /** Retrievers over the same corpus (same labels). */
  retrievers: readonly Retriever[];
  /** 'rrf' (reciprocal rank fusion, default) or 'weighted' (min-max normalised weighted sum). */
  fusion?: FusionMethod;
  /** RRF's rank offset (default 60). */
  rrfK?: number;
  /** One weight per retriever (default all 1); used by both fusions. */
  weights?: readonly number[];
  /** How many hits to take from each retriever before fusing (default 100; at least k). */
  candidates?: number;
}

/** Runs several retrievers on the query and fuses their rankings into one. */
export class HybridRetriever implements Retriever {
  readonly kind: string;
  readonly #retrievers: readonly Retriever[];
  readonly #fusion: FusionMethod;
  readonly #rrfK: number;
  readonly #weights: readonly number[];
  readonly #candidates: number;

  constructor(options: HybridRetrieverOptions) {
    const { retrievers, fusion = 'rrf', rrfK = 60, candidates = 100 } = options;
    const weights = options.weights ?? retrievers.map(() => 1);
    if (retrievers.length === 0) throw invalid('a hybrid retriever needs at least one retriever');
    if (fusion !== 'rrf' && fusion !== 'weighted') throw invalid(`unknown fusion '${String(fusion)}'`);
    if (!Number.isFinite(rrfK) || rrfK < 0) throw invalid(`rrfK must be a non-negative number, got ${rrfK}`);
    if (!Number.isInteger(candidates) || candidates < 1) throw invalid(`candidates must be a positive integer, got ${candidates}`);
    if (weights.length !== retrievers.length || weights.some((weight) => !Number.isFinite(weight) || weight < 0)) {
      throw invalid(`weights must be ${retrievers.length} non-negative numbers, got [${weights.join(', ')}]`);
    }
    this.#retrievers = retrievers;
    this.#fusion = fusion;
    this.#rrfK = rrfK;
    this.#weights = weights;
    this.#candidates = candidates;
    this.kind = `hybrid-${fusion}(${retrievers.map((retriever) => retriever.kind).join('+')})`;
  }

  /** The largest frequency any part knows (the lexical one's, when fused with dense). */
  documentFrequency(term: string): number {
    return this.#retrievers.reduce((most, retriever) => Math.max(most, retriever.documentFrequency?.(term) ?? 0), 0);
  }

  async retrieve(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievalHit[]> {
    if (k <= 0) return [];
    const depth = Math.max(k, this.#candidates);
    const rankings = await Promise.all(this.#retrievers.map((retriever) => retriever.retrieve(query, depth, options)));
    const fused =
      this.#fusion === 'rrf' ? reciprocalRankFusion(rankings, this.#rrfK, this.#weights) : weightedScoreFusion(rankings, this.#weights);
    return fused.slice(0, k);
  }
}

function invalid(detail: string): AppError {
  return new AppError('validation-failed', { detail });
}
