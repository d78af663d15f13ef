import type { BorrowerProfile } from '../../shared/contracts/advice.ts';
import type { WorkedFigure } from './worked-figure.ts';

export type { WorkedFigure } from './worked-figure.ts';

export interface Passage {
  /** 1-based citation number as shown to the reader: [1], [2]... */
  citation: number;
  id: string;
  title: string;
  text: string;
  score: number;
}

export interface GenerationInput {
  query: string;
  /**
   * The question without the statements that only set the scene ("A friend told me to ask here.",
   * core/advice/scene-sentences.ts), for a generator that selects from the passages by the
   * question's words (extractive); a model reads `query`, tone included. Defaults to `query`.
   */
  focus?: string | undefined;
  /**
   * The sentences of `focus` that ask, when the others state the borrower's situation
   * (core/advice/scene-sentences.ts `focusOnQuestion`): a selecting generator weighs words found only
   * in the situation below the question's. Undefined: every word of `focus` counts alike.
   */
  asked?: string | undefined;
  profile?: BorrowerProfile | undefined;
  passages: readonly Passage[];
  signal?: AbortSignal | undefined;
  /**
   * Called with each piece of text as a streaming generator writes it. The pieces are a draft:
   * the result's `text` is authoritative (citations are cleaned, and a fallback may replace it).
   */
  onToken?: ((token: string) => void) | undefined;
  /** The index version the passages come from; part of single-flight and answer-cache keys. */
  indexVersion?: string | undefined;
  /** The question's embedding (L2-normalised), when the pipeline computed one; used by the answer cache. */
  queryVector?: Float32Array | undefined;
  /**
   * The borrower's numbers worked out by the service (core/lending/work-out-numbers.ts) from the
   * question and the profile. Render or quote them; never recompute. Each names the document that
   * states its rule (`sourceDocumentId`), which is among `passages` when the pipeline could add it.
   */
  figures?: readonly WorkedFigure[] | undefined;
  /** Sentences naming figures in the question that could not be read or are implausible (never guessed). */
  figureProblems?: readonly string[] | undefined;
}

/** Why a generation fell back to the extractive answer. */
export type FallbackReason = 'uncited' | 'failed' | 'timeout' | 'circuit-open' | 'busy';

export interface GenerationResult {
  text: string;
  /** Citation numbers actually used in `text`. */
  citations: number[];
  /** Generator id, e.g. 'extractive-v1'. */
  generator: string;
  /** True when the configured model could not answer and this is the extractive fallback. */
  degraded?: boolean;
  /** Set with `degraded`: why the fallback was used. */
  fallbackReason?: FallbackReason;
  /** True when the answer was reused from the semantic answer cache. */
  cacheHit?: boolean;
}

/** Writes advice grounded only in the given passages. */
export interface Generator {
  readonly id: string;
  generate(input: GenerationInput): Promise<GenerationResult>;
}
