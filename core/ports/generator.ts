import type { BorrowerProfile } from '../../shared/contracts/advice.ts';

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
  profile?: BorrowerProfile | undefined;
  passages: readonly Passage[];
  signal?: AbortSignal | undefined;
}

export interface GenerationResult {
  text: string;
  /** Citation numbers actually used in `text`. */
  citations: number[];
  /** Generator id, e.g. 'extractive-v1'. */
  generator: string;
}

/** Writes advice grounded only in the given passages. */
export interface Generator {
  readonly id: string;
  generate(input: GenerationInput): Promise<GenerationResult>;
}
