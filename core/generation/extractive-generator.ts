import type { GenerationInput, GenerationResult, Generator } from '../ports/generator.ts';
import { assembleAnswer, selectSentences, type SelectionOptions } from './answer-assembly.ts';
import type { AnswerVocabulary } from './answer-vocabulary.ts';
import { profileTerms } from './profile-summary.ts';
import { analyzeQuestion, withSituationTerms } from './question-analysis.ts';
import { DEFAULT_REFUSAL_THRESHOLDS, refusalFeatures, shouldAnswer, type RefusalThresholds } from './refusal-decision.ts';
import { DEFAULT_SCORING_WEIGHTS, scoreSentences, type ScoringWeights } from './sentence-scoring.ts';

export const EXTRACTIVE_GENERATOR_ID = 'extractive-v1';
/**
 * Passages the advice pipeline retrieves for the extractive generator to choose sentences from
 * (it cites only those it quotes). Chosen on the answer eval's dev split: lead 0.88 with 4
 * passages, 0.85 with 6, 0.91 with 8, 10 and 12 (refusals correct 0.95 → 0.98 from 8); the
 * smallest of the best.
 */
export const EXTRACTIVE_CANDIDATE_PASSAGES = 8;
export const NOT_COVERED_ANSWER =
  'The knowledge base does not cover this question, so there is no sourced answer to give. ' +
  'A licensed loan officer or HUD-approved housing counselor can help with it.';

export interface ExtractiveGeneratorOptions {
  /** Most quoted sentences in an answer (default 5). */
  maxSentences?: number;
  /** Sentences always taken when relevant ones exist (default 3); more only when nearly as good as the best. */
  minSentences?: number;
  /** Token-set Jaccard similarity at or above which two sentences count as one (default 0.6). */
  duplicateThreshold?: number;
  /** Overrides of the answer-or-refuse thresholds. */
  refusal?: Partial<RefusalThresholds>;
  /** Overrides of the sentence-scoring weights. */
  weights?: Partial<ScoringWeights>;
  /** Words that answer a question's words without sharing them (answer-vocabulary.ts); none by default. */
  answerVocabulary?: AnswerVocabulary | undefined;
}

/**
 * The text the extractive generator selects sentences by: the question without the statements that
 * only set the scene, when the pipeline gives it (`focus`), else the question. Its answer vocabulary
 * is learned from the same text (core/eval/answer-vocabulary-command.ts).
 */
export function selectionText(input: Pick<GenerationInput, 'query' | 'focus'>): string {
  return input.focus ?? input.query;
}

/**
 * Composes answers only from sentences of the retrieved passages: no model, no invented facts.
 * The question is read first (its intent, the programs and concepts it names, its terms and
 * numbers); every sentence is scored on how well it answers that (sentence-scoring.ts), and a
 * calibrated decision (refusal-decision.ts) refuses with {@link NOT_COVERED_ANSWER} and no
 * citations when the passages do not cover the question. Otherwise the answer opens with the
 * best sentence, puts the borrower's worked figures right after it (first, for a numbers
 * question that states numbers), states figure problems plainly, and adds up to four more
 * sentences that say something new, each quoted verbatim with its citation marker before the
 * final punctuation ("… 3.5% down [1]."). Deterministic for a given input.
 */
export class ExtractiveGenerator implements Generator {
  readonly id = EXTRACTIVE_GENERATOR_ID;
  readonly #selection: SelectionOptions;
  readonly #refusal: RefusalThresholds;
  readonly #weights: ScoringWeights;
  readonly #vocabulary: AnswerVocabulary | undefined;

  constructor(options: ExtractiveGeneratorOptions = {}) {
    const maxSentences = options.maxSentences ?? 5;
    this.#selection = {
      maxSentences,
      minSentences: Math.min(options.minSentences ?? 3, maxSentences),
      duplicateThreshold: options.duplicateThreshold ?? 0.6,
      relevanceFloor: 0.35,
      extraFloor: 0.6,
      samePassageBoost: 1.4,
    };
    this.#refusal = { ...DEFAULT_REFUSAL_THRESHOLDS, ...options.refusal };
    this.#weights = { ...DEFAULT_SCORING_WEIGHTS, ...options.weights };
    this.#vocabulary = options.answerVocabulary;
  }

  async generate(input: GenerationInput): Promise<GenerationResult> {
    input.signal?.throwIfAborted();
    const { figures = [], figureProblems = [] } = input;
    const asked = selectionText(input);
    const question = withSituationTerms(analyzeQuestion(asked), input.asked);
    const scores = scoreSentences(question, input.passages, profileTerms(input.profile), this.#weights, this.#vocabulary);
    // Figures worked out from the borrower's numbers answer a lending question by themselves (each
    // cites the rule it applies), however the borrower worded it: only a question with none is refused.
    // Whether it is about borrowing at all reads the whole text, or the asked sentences beside a situation (refusalFeatures).
    if (figures.length === 0 && !shouldAnswer(refusalFeatures(input.query, question, scores, input.asked), this.#refusal)) {
      input.onToken?.(NOT_COVERED_ANSWER);
      return { text: NOT_COVERED_ANSWER, citations: [], generator: this.id };
    }
    // Room for the figures: the answer stays short, but never below the minimum of quoted sentences.
    const maxSentences = Math.max(this.#selection.minSentences, this.#selection.maxSentences - Math.min(figures.length, 2));
    const selected = selectSentences(scores.ranked, scores.all, { ...this.#selection, maxSentences });
    // A question that states numbers ("620", "$620k") asks about them: its worked figures open the answer.
    const figuresFirst = figures.length > 0 && /\d/.test(asked);
    const { text, citations } = assembleAnswer(selected, figures, figureProblems, input.passages, figuresFirst);
    // Written all at once: a streaming caller gets the whole answer as one token.
    input.onToken?.(text);
    return { text, citations, generator: this.id };
  }
}
