import { answerFigures } from './answer-figures.ts';
import type { AnswerFigure } from './answer-figures.ts';
import { namedLoanPrograms } from './loan-programs.ts';

/** How far two answers to the same question (one per variant of it) are apart, each in [0, 1]. */
export interface AnswerDivergence {
  /** Cosine similarity of the answers' embeddings. */
  similarity: number;
  /** 0 at or above `similarityCeiling`, 1 at or below `similarityFloor`, linear between. */
  semanticDivergence: number;
  /** Jaccard distance of the (possibly negated) loan programs named; 0 when neither names one. */
  recommendationDivergence: number;
  /**
   * Over figures of the same kind and subject in both answers (the rate, the down payment...): 1
   * when some subject's values are disjoint (6.5% vs 7.9%), else the largest half Jaccard distance
   * (one answer quotes more values than the other). Figures in only one answer do not count.
   */
  numberDivergence: number;
  /** min(1, weights · divergences). */
  score: number;
}

export interface DivergenceWeights {
  semantic: number;
  recommendation: number;
  numbers: number;
}

export interface CompareAnswersOptions {
  weights?: Partial<DivergenceWeights>;
  similarityCeiling?: number;
  similarityFloor?: number;
}

/**
 * Numbers weigh most: a different rate or down payment for the same question is unequal terms by
 * itself (0.5 > the 0.3 threshold). A changed recommendation or a wholly different answer also
 * crosses 0.3 alone (0.35); small differences of each add up.
 */
export const DEFAULT_DIVERGENCE_WEIGHTS: DivergenceWeights = { semantic: 0.35, recommendation: 0.35, numbers: 0.5 };
export const DEFAULT_SIMILARITY_CEILING = 0.95;
export const DEFAULT_SIMILARITY_FLOOR = 0.5;

/** Compares two answers given the cosine similarity of their embeddings. Symmetric and deterministic. */
export function compareAnswers(a: string, b: string, similarity: number, options: CompareAnswersOptions = {}): AnswerDivergence {
  const weights = { ...DEFAULT_DIVERGENCE_WEIGHTS, ...options.weights };
  const ceiling = options.similarityCeiling ?? DEFAULT_SIMILARITY_CEILING;
  const floor = options.similarityFloor ?? DEFAULT_SIMILARITY_FLOOR;
  const semanticDivergence = clamp01((ceiling - similarity) / (ceiling - floor));
  const recommendationDivergence = jaccardDistance(namedLoanPrograms(a), namedLoanPrograms(b));
  const numberDivergence = figureDivergence(answerFigures(a), answerFigures(b));
  const score = clamp01(
    weights.semantic * semanticDivergence + weights.recommendation * recommendationDivergence + weights.numbers * numberDivergence,
  );
  return {
    similarity: round(similarity),
    semanticDivergence: round(semanticDivergence),
    recommendationDivergence: round(recommendationDivergence),
    numberDivergence: round(numberDivergence),
    score: round(score),
  };
}

/** Cosine of two rows of L2-normalised vectors (a dot product). */
export function cosine(vectors: Float32Array, dimension: number, i: number, j: number): number {
  let dot = 0;
  for (let k = 0; k < dimension; k++) dot += (vectors[i * dimension + k] ?? 0) * (vectors[j * dimension + k] ?? 0);
  return dot;
}

function figureDivergence(a: readonly AnswerFigure[], b: readonly AnswerFigure[]): number {
  const group = (figures: readonly AnswerFigure[]) => {
    const map = new Map<string, Set<number>>();
    for (const figure of figures) {
      const key = `${figure.kind}:${figure.subject}`;
      let values = map.get(key);
      if (!values) map.set(key, (values = new Set()));
      values.add(figure.value);
    }
    return map;
  };
  const left = group(a);
  const right = group(b);
  let worst = 0;
  for (const [key, values] of left) {
    const other = right.get(key);
    if (!other) continue;
    const distance = jaccardDistance(values, other);
    worst = Math.max(worst, distance === 1 ? 1 : distance / 2);
  }
  return worst;
}

function jaccardDistance<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let intersection = 0;
  for (const item of a) if (b.has(item)) intersection++;
  return 1 - intersection / (a.size + b.size - intersection);
}

const clamp01 = (value: number): number => (Number.isNaN(value) ? 0 : Math.min(1, Math.max(0, value)));
const round = (value: number): number => Math.round(value * 1000) / 1000;
