import { AppError } from '../../shared/errors/app-error.ts';
import type { IvfEncoding } from './faiss-ivf-index.ts';

/** Which index to build for a corpus: exact Flat, or IVF with its list counts. */
export type IndexPlan =
  | { kind: 'Flat' }
  | { kind: 'IVF'; nlist: number; nprobe: number; encoding: IvfEncoding };

/** Options of {@link chooseIndexKind}. */
export interface ChooseIndexOptions {
  /**
   * Vector count from which IVF is proposed (default 25 000: FAISS's k-means wants ≥ 39 rows per
   * list, and nlist = 4·√n gets that from ≈24k). A build keeps the proposal only when its recall
   * is measured high enough (core/index/choose-index-by-recall.ts). Flat search is ≈0.3 µs a vector.
   */
  threshold?: number;
  encoding?: IvfEncoding;
}

/** Default of {@link ChooseIndexOptions.threshold}. */
export const DEFAULT_IVF_THRESHOLD = 25_000;

/**
 * The index proposed for a corpus: Flat below `threshold` vectors; above it IVF with nlist = 4·√n rounded down to a power of two
 * (2048 at 500k–1M, 4096 from ≈1.05M) and nprobe = nlist / 64 (32 at 2048), which visits ≈1.6 %
 * of the lists and kept recall@10 ≥ 0.95 on clustered data (see bench/retrieval.ts).
 */
export function chooseIndexKind(count: number, options: ChooseIndexOptions = {}): IndexPlan {
  const { threshold = DEFAULT_IVF_THRESHOLD, encoding = 'Flat' } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new AppError('validation-failed', { detail: `count must be a non-negative integer, got ${count}` });
  }
  if (count < threshold || count < 64) return { kind: 'Flat' };
  const nlist = 2 ** Math.floor(Math.log2(4 * Math.sqrt(count)));
  return { kind: 'IVF', nlist, nprobe: Math.max(1, nlist / 64), encoding };
}

/** The FAISS factory-style name of a plan ('Flat', 'IVF2048,Flat', 'IVF2048,SQ8'), as `VectorIndex.kind` reports it. */
export function describePlan(plan: IndexPlan): string {
  return plan.kind === 'Flat' ? 'Flat' : `IVF${plan.nlist},${plan.encoding}`;
}

/**
 * Serialised bytes per stored vector: Flat keeps d float32 values; IVF-Flat adds an int64 id;
 * SQ8 stores one byte per dimension plus the id. Excludes fixed costs (headers, nlist × d
 * float32 centroids, SQ8's 2·d trained ranges), which the bench reports in its total.
 */
export function bytesPerVector(plan: IndexPlan, dimension: number): number {
  if (plan.kind === 'Flat') return 4 * dimension;
  return (plan.encoding === 'Flat' ? 4 * dimension : dimension) + 8;
}
