import type { BiasReason, BiasReport, BorrowerProfile, CounterfactualReport, CounterfactualVariant, UnscoredVariant } from '../../shared/contracts/advice.ts';
import { abortReason, DeadlineExceededError, untilAborted } from '../generation/deadline.ts';
import type { BiasChecker } from '../ports/bias-checker.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { GenerationInput, GenerationResult, Generator, Passage } from '../ports/generator.ts';
import { compareAnswers, cosine } from './answer-comparison.ts';
import type { CompareAnswersOptions } from './answer-comparison.ts';
import { questionVariants } from './attribute-variants.ts';
import type { QuestionVariant } from './attribute-variants.ts';
import { DEFAULT_BIAS_THRESHOLD, LexiconBiasChecker } from './lexicon-bias-checker.ts';

export interface CounterfactualCheckInput {
  query: string;
  profile?: BorrowerProfile | undefined;
  /** The passages the answer was generated from; every variant is generated from the same ones. */
  passages: readonly Passage[];
  /** The answer to check, as generated for `query`. */
  answer: GenerationResult;
  /**
   * The borrower's worked figures and unreadable figures the answer was generated with
   * (core/lending/work-out-numbers.ts): every variant gets the same ones, so a re-asked variant is
   * the same question with the same numbers, and only the protected attribute differs.
   */
  figures?: GenerationInput['figures'];
  figureProblems?: GenerationInput['figureProblems'];
  /** The caller's signal: its abort rejects the check. */
  signal?: AbortSignal | undefined;
  /**
   * How long the re-asks may take, e.g. what is left of the request's time budget (default: no
   * limit). Variants not answered by then are abandoned (their generations aborted) and reported
   * as unscored, 'out-of-time'; 0 or less skips every re-ask.
   */
  timeLimitMs?: number | undefined;
}

export interface FairnessCheckResult {
  /** The report to return with the advice. */
  report: BiasReport;
  /**
   * Present when the answer was flagged and the attribute-neutral question's answer passed the
   * lexicon check: return this instead of the original (report.counterfactual.neutralAnswerReturned).
   */
  neutralAnswer?: GenerationResult;
  /** The attribute-neutral question, when variants were generated. */
  neutralQuery?: string;
  /** Generations started for variants (0 when the question names no protected basis or there was no time left). */
  extraGenerations: number;
}

export interface CounterfactualFairnessCheckerOptions {
  /** Re-asks the variants. Use the same generator that wrote the answer. */
  generator: Generator;
  /** Embeds answers to compare them by cosine; the serving embedder is fine. */
  embedder: Embedder;
  /** Screens each text for protected terms and conditioning phrases (default the lexicon checker). */
  lexicon?: BiasChecker;
  /** Flag above this score (default 0.3, the design's). */
  threshold?: number;
  /** Most variants per question, the neutral one included (default 3, so at most 3 extra generations). */
  maxVariants?: number;
  comparison?: CompareAnswersOptions;
  /**
   * What the pipeline does to a question before generating (e.g. the text of
   * `neutralizeQuestion`, core/bias/neutralize-question.ts): each variant is re-asked as the service would answer it. Default: the variant as is.
   */
  prepareQuery?: ((query: string) => string) | undefined;
  /**
   * Protected mentions of a question not to vary, because their rule decides the answer (e.g.
   * `answerDecidingTerms`, core/bias/neutralize-question.ts: "I am 70" in a reverse-mortgage
   * question). A question whose only mentions are such terms gets no re-asks. Default: vary all.
   */
  unvaried?: ((query: string) => ReadonlySet<string>) | undefined;
}

/**
 * Counterfactual consistency for one generated answer. When the question names a protected
 * basis (ECOA / Regulation B), it is re-asked with the basis removed (the attribute-neutral
 * question) and with each named basis swapped (married → unmarried...), up to `maxVariants`
 * generations over the same passages and worked figures; each variant's answer is compared with the original by
 * embedding cosine, the loan programs recommended and like-for-like figures (rates, amounts,
 * percentages), see {@link compareAnswers}. The counterfactual score is the largest variant score.
 * The variants are asked concurrently, within `timeLimitMs` when given. A variant is left out of
 * the score — and listed in the report's `unscored`, which marks the check `incomplete` — when it
 * was not answered in time, or when exactly one of it and the original is the extractive fallback
 * (`degraded`): the fallback quoting sources differs from any model's wording, which says nothing
 * about the model treating the borrower differently.
 *
 * The report merges the lexicon's (query/profile/answer mentions and conditioning phrases, which
 * flag regardless of score) with the counterfactual: score = max of both, flagged when either
 * flags, `reasons` saying why. When flagged and the neutral answer passes the lexicon itself, it
 * is handed back as `neutralAnswer` for the caller to return. Questions that name no basis cost
 * nothing beyond the lexicon check. Deterministic given a deterministic generator and embedder.
 */
export class CounterfactualFairnessChecker {
  readonly #generator: Generator;
  readonly #embedder: Embedder;
  readonly #lexicon: BiasChecker;
  readonly #threshold: number;
  readonly #maxVariants: number;
  readonly #comparison: CompareAnswersOptions;
  readonly #prepareQuery: (query: string) => string;
  readonly #unvaried: ((query: string) => ReadonlySet<string>) | undefined;

  constructor(options: CounterfactualFairnessCheckerOptions) {
    const threshold = options.threshold ?? DEFAULT_BIAS_THRESHOLD;
    const maxVariants = options.maxVariants ?? 3;
    if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
    if (!Number.isInteger(maxVariants) || maxVariants < 1 || maxVariants > 10) throw new RangeError(`maxVariants must be an integer in [1, 10], got ${maxVariants}`);
    this.#generator = options.generator;
    this.#embedder = options.embedder;
    this.#lexicon = options.lexicon ?? new LexiconBiasChecker();
    this.#threshold = threshold;
    this.#maxVariants = maxVariants;
    this.#comparison = options.comparison ?? {};
    this.#prepareQuery = options.prepareQuery ?? ((query) => query);
    this.#unvaried = options.unvaried;
  }

  get threshold(): number {
    return this.#threshold;
  }

  async check(input: CounterfactualCheckInput): Promise<FairnessCheckResult> {
    const lexical = await this.#lexicon.check({ query: input.query, profile: input.profile, answer: input.answer.text });
    const variants = questionVariants(input.query, { maxVariants: this.#maxVariants, unvaried: this.#unvaried?.(input.query) });
    if (variants.length === 0) return { report: lexical, extraGenerations: 0 };

    const { answers, started } = await this.#reAsk(variants, input);
    const original = input.answer.degraded === true;
    const scored: Array<{ variant: QuestionVariant; answer: GenerationResult }> = [];
    const unscored: UnscoredVariant[] = [];
    variants.forEach((variant, i) => {
      const answer = answers[i];
      if (answer === undefined) unscored.push(describeUnscored(variant, 'out-of-time'));
      else if ((answer.degraded === true) !== original) unscored.push(describeUnscored(variant, 'fallback'));
      else scored.push({ variant, answer });
    });
    let compared: CounterfactualVariant[] = [];
    if (scored.length > 0) {
      const vectors = await this.#embedder.embed([input.answer.text, ...scored.map((entry) => entry.answer.text)]);
      compared = scored.map((entry, i) =>
        describeVariant(entry.variant, compareAnswers(input.answer.text, entry.answer.text, cosine(vectors, this.#embedder.dimension, 0, i + 1), this.#comparison)),
      );
    }
    const counterfactualScore = Math.max(0, ...compared.map((variant) => variant.score));
    const counterfactualFlagged = counterfactualScore > this.#threshold;
    const flagged = lexical.flagged || counterfactualFlagged;

    const neutralQuery = variants[0]!.query;
    let neutralAnswer: GenerationResult | undefined;
    const candidate = answers[0];
    if (flagged && candidate !== undefined) {
      const neutralReport = await this.#lexicon.check({ query: neutralQuery, profile: input.profile, answer: candidate.text });
      if (!neutralReport.flagged) neutralAnswer = candidate;
    }

    const reasons: BiasReason[] = [...(lexical.reasons ?? [])];
    if (counterfactualFlagged) reasons.push('counterfactual');
    const counterfactual: CounterfactualReport = {
      score: counterfactualScore,
      threshold: this.#threshold,
      variants: compared,
      neutralAnswerReturned: neutralAnswer !== undefined,
      ...(unscored.length > 0 ? { incomplete: true, unscored } : {}),
    };
    const report: BiasReport = { score: Math.max(lexical.score, counterfactualScore), flagged, flags: lexical.flags, counterfactual };
    if (flagged) report.reasons = reasons;
    return { report, neutralAnswer, neutralQuery, extraGenerations: started };
  }

  /** Asks every variant at once; an answer is undefined when it did not come within the time limit. `started`: generations begun. */
  async #reAsk(variants: readonly QuestionVariant[], input: CounterfactualCheckInput): Promise<{ answers: Array<GenerationResult | undefined>; started: number }> {
    input.signal?.throwIfAborted();
    const ask = (variant: QuestionVariant, signal: AbortSignal | undefined) =>
      this.#generator.generate({
        query: this.#prepareQuery(variant.query),
        profile: input.profile,
        passages: input.passages,
        signal,
        ...(input.figures !== undefined ? { figures: input.figures } : {}),
        ...(input.figureProblems !== undefined ? { figureProblems: input.figureProblems } : {}),
      });
    const limit = input.timeLimitMs;
    if (limit === undefined) return { answers: await Promise.all(variants.map((variant) => ask(variant, input.signal))), started: variants.length };
    if (limit <= 0) return { answers: variants.map(() => undefined), started: 0 };

    const outOfTime = new AbortController();
    const timer = setTimeout(() => outOfTime.abort(new DeadlineExceededError('the fairness re-asks', Math.round(limit))), limit);
    const signal = input.signal ? AbortSignal.any([input.signal, outOfTime.signal]) : outOfTime.signal;
    try {
      const answers = await Promise.all(
        variants.map(async (variant) => {
          try {
            // Raced with the signal, so a generator that ignores it cannot hold the answer past the limit.
            return await untilAborted(ask(variant, signal), signal);
          } catch (error) {
            if (input.signal?.aborted) throw abortReason(input.signal);
            if (outOfTime.signal.aborted) return undefined;
            throw error;
          }
        }),
      );
      return { answers, started: variants.length };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeUnscored(variant: QuestionVariant, reason: UnscoredVariant['reason']): UnscoredVariant {
  return { characteristic: variant.characteristic, change: variant.change, term: variant.term, replacement: variant.replacement, reason };
}

function describeVariant(variant: QuestionVariant, divergence: ReturnType<typeof compareAnswers>): CounterfactualVariant {
  return {
    characteristic: variant.characteristic,
    change: variant.change,
    term: variant.term,
    replacement: variant.replacement,
    similarity: divergence.similarity,
    recommendationDivergence: divergence.recommendationDivergence,
    numberDivergence: divergence.numberDivergence,
    score: divergence.score,
  };
}
