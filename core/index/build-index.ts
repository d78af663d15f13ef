import type { VectorIndex } from '../ports/vector-index.ts';
import type { IndexPlan } from './choose-index-kind.ts';
import { FaissFlatIndex } from './faiss-flat-index.ts';
import { FaissIvfIndex } from './faiss-ivf-index.ts';

/** Builds the in-thread index a plan describes from row-major `vectors` (see chooseIndexKind). */
export function buildIndex(vectors: Float32Array, dimension: number, plan: IndexPlan): VectorIndex {
  if (plan.kind === 'Flat') return FaissFlatIndex.fromVectors(vectors, dimension);
  return FaissIvfIndex.fromVectors(vectors, dimension, { nlist: plan.nlist, nprobe: plan.nprobe, encoding: plan.encoding });
}
