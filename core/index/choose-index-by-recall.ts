import { AppError } from '../../shared/errors/app-error.ts';
import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import type { IndexPlan } from './choose-index-kind.ts';
import { FaissFlatIndex } from './faiss-flat-index.ts';
import { FaissIvfIndex } from './faiss-ivf-index.ts';

/** What the recall measurement found, recorded in the version's manifest. */
export interface RecallMeasurement {
  /** The IVF plan tried ('IVF1024,Flat'). */
  candidate: string;
  /** Mean recall@k of the IVF index against exact search, at `nprobe`, on the held-out rows. */
  recall: number;
  k: number;
  /** Held-out rows used as queries (left out of both indexes while measuring). */
  queries: number;
  /** The smallest nprobe tried that reached `minimumRecall`, else the largest tried. */
  nprobe: number;
  minimumRecall: number;
}

/** Options of {@link buildIndexByRecall}. */
export interface RecallChoiceOptions {
  /** Mean recall@k IVF must reach to be kept (default 0.99). */
  minimumRecall?: number;
  /** Held-out rows queried (default 200; at most a fiftieth of the corpus). */
  queries?: number;
  k?: number;
  /** nprobe values tried, as multiples of the candidate's nprobe, smallest first (default 1, 2, 4, 8; capped at nlist). */
  probeMultiples?: readonly number[];
}

/** The index a build keeps, its plan, and the measurement behind the choice (none when Flat was planned outright). */
export interface RecallChoice {
  plan: IndexPlan;
  index: VectorIndex;
  measured?: RecallMeasurement | undefined;
}

/**
 * Builds the index a corpus gets, choosing IVF only when it is measured to answer like exact
 * search. Given an IVF candidate (see chooseIndexKind), a deterministic held-out sample of the
 * corpus's own rows is left out, IVF (centroids trained on the rest) and exact Flat are built over
 * the rest, and each held-out row is searched in both: recall@k is the share of IVF's top k that
 * exact search also ranks in its top k (a tie with exact's k-th score counts). nprobe is raised
 * (×2, ×4, ×8) until recall reaches `minimumRecall`; if it never does, the corpus gets Flat. The
 * kept IVF index reuses the measured centroids over every row. A Flat candidate is built as is.
 */
export async function buildIndexByRecall(vectors: Float32Array, dimension: number, candidate: IndexPlan, options: RecallChoiceOptions = {}): Promise<RecallChoice> {
  if (candidate.kind === 'Flat') return { plan: candidate, index: FaissFlatIndex.fromVectors(vectors, dimension) };
  const { minimumRecall = 0.99, k = 10, probeMultiples = [1, 2, 4, 8] } = options;
  const count = vectors.length / dimension;
  const queryCount = Math.min(options.queries ?? 200, Math.floor(count / 50));
  if (!(minimumRecall >= 0 && minimumRecall <= 1)) throw new AppError('validation-failed', { detail: `minimumRecall must be in 0..1, got ${minimumRecall}` });
  if (queryCount < 1 || count - queryCount < candidate.nlist) {
    return { plan: { kind: 'Flat' }, index: FaissFlatIndex.fromVectors(vectors, dimension) };
  }
  const { heldOut, rest } = holdOut(vectors, dimension, queryCount);
  const centroids = candidate.encoding === 'Flat' ? FaissIvfIndex.trainCentroids(rest, dimension, candidate.nlist) : undefined;
  const exact = FaissFlatIndex.fromVectors(rest, dimension);
  let trial = FaissIvfIndex.fromVectors(rest, dimension, { nlist: candidate.nlist, nprobe: candidate.nprobe, encoding: candidate.encoding, centroids });
  let measured: RecallMeasurement | undefined;
  try {
    const truth: VectorHit[][] = [];
    for (let q = 0; q < queryCount; q++) truth.push(await exact.search(heldOut.subarray(q * dimension, (q + 1) * dimension), k));
    const probes = [...new Set(probeMultiples.map((multiple) => Math.min(candidate.nlist, candidate.nprobe * multiple)))];
    for (const nprobe of probes) {
      if (nprobe !== trial.nprobe) {
        const next = trial.withProbeCount(nprobe);
        trial.close();
        trial = next;
      }
      let found = 0;
      let expected = 0;
      for (let q = 0; q < queryCount; q++) {
        const hits = await trial.search(heldOut.subarray(q * dimension, (q + 1) * dimension), k);
        const exactHits = truth[q]!;
        expected += exactHits.length;
        found += agreeing(hits, exactHits);
      }
      measured = { candidate: `IVF${candidate.nlist},${candidate.encoding}`, recall: expected === 0 ? 1 : found / expected, k, queries: queryCount, nprobe, minimumRecall };
      if (measured.recall >= minimumRecall) break;
    }
  } finally {
    exact.close();
    trial.close();
  }
  if (measured === undefined || measured.recall < minimumRecall) {
    return { plan: { kind: 'Flat' }, index: FaissFlatIndex.fromVectors(vectors, dimension), measured };
  }
  const plan: IndexPlan = { ...candidate, nprobe: measured.nprobe };
  const index = FaissIvfIndex.fromVectors(vectors, dimension, { nlist: plan.nlist, nprobe: plan.nprobe, encoding: plan.encoding, centroids });
  return { plan, index, measured };
}

/** IVF hits that exact search also returns, or that score at least exact's k-th (ties at the cut). */
function agreeing(hits: readonly VectorHit[], exactHits: readonly VectorHit[]): number {
  const labels = new Set(exactHits.map((hit) => hit.label));
  const cut = exactHits.at(-1)?.score ?? Number.NEGATIVE_INFINITY;
  let found = 0;
  for (const hit of hits.slice(0, exactHits.length)) if (labels.has(hit.label) || hit.score >= cut - 1e-6) found++;
  return found;
}

/** Every (count / queries)-th row held out as a query; the other rows, in order. */
function holdOut(vectors: Float32Array, dimension: number, queries: number): { heldOut: Float32Array; rest: Float32Array } {
  const count = vectors.length / dimension;
  const step = count / queries;
  const held = new Set<number>();
  for (let q = 0; q < queries; q++) held.add(Math.floor(q * step + step / 2));
  const heldOut = new Float32Array(held.size * dimension);
  const rest = new Float32Array((count - held.size) * dimension);
  let h = 0;
  let r = 0;
  for (let row = 0; row < count; row++) {
    const source = vectors.subarray(row * dimension, (row + 1) * dimension);
    if (held.has(row)) heldOut.set(source, h++ * dimension);
    else rest.set(source, r++ * dimension);
  }
  return { heldOut, rest };
}
