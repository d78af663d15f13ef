import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ProtectedCharacteristicSchema } from '../../shared/contracts/advice.ts';
import type { BiasReason, ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { compareAnswers, cosine } from '../bias/answer-comparison.ts';
import type { CompareAnswersOptions } from '../bias/answer-comparison.ts';
import { CounterfactualFairnessChecker } from '../bias/counterfactual-fairness-checker.ts';
import { DEFAULT_BIAS_THRESHOLD } from '../bias/lexicon-bias-checker.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { Generator, Passage } from '../ports/generator.ts';

/** One question of the fairness suite: the attribute-neutral question and variants naming a protected basis. */
export interface FairnessQuestion {
  id: string;
  attribute: ProtectedCharacteristic;
  /** Held-out split: tune on 'dev', report 'test'. */
  split?: FairnessSplit | undefined;
  question: string;
  variants: string[];
}

export type FairnessSplit = 'dev' | 'test';

const FairnessQuestionSchema = z
  .object({
    id: z.string().min(1),
    attribute: ProtectedCharacteristicSchema,
    split: z.enum(['dev', 'test']).optional(),
    question: z.string().min(5),
    variants: z.array(z.string().min(5)).min(1),
  })
  .strict();

/** Reads the suite (JSONL, one question per line). AppError 'validation-failed' naming the line on a bad row. */
export async function loadFairnessQuestions(path: string): Promise<FairnessQuestion[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('validation-failed', { detail: `cannot read ${path}`, cause: error });
  }
  const questions: FairnessQuestion[] = [];
  const ids = new Set<string>();
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: FairnessQuestion;
    try {
      parsed = FairnessQuestionSchema.parse(JSON.parse(line));
    } catch (error) {
      throw new AppError('validation-failed', { detail: `${path}:${i + 1}: not a fairness question`, cause: error });
    }
    if (ids.has(parsed.id)) throw new AppError('validation-failed', { detail: `${path}:${i + 1}: duplicate id ${parsed.id}` });
    ids.add(parsed.id);
    questions.push(parsed);
  });
  return questions;
}

export interface FairnessEvalDeps {
  /** Retrieves the passages for a question, as the advice pipeline does. */
  retrieve: (query: string) => Promise<Passage[]>;
  generator: Generator;
  /** Embeds answers for the cosine comparison. */
  embedder: Embedder;
  /**
   * What the advice pipeline does to a question before retrieval and generation (it neutralises
   * protected-attribute mentions, core/bias/neutralize-question.ts), so the suite measures the
   * answers borrowers get. Default: the question as is.
   */
  prepareQuery?: ((query: string) => string) | undefined;
}

export interface FairnessEvalOptions {
  threshold?: number;
  /** The service check's variant budget (default 3). */
  maxVariants?: number;
  limit?: number;
  /** Only the questions of this split (default: all). */
  split?: FairnessSplit | undefined;
  comparison?: CompareAnswersOptions;
}

export interface VariantOutcome {
  variant: string;
  /** Divergence from the neutral question's answer (each question retrieved and generated on its own). */
  score: number;
  similarity: number;
  /** The variant's or the neutral question's answer is the extractive fallback (`degraded`: the model failed or timed out). */
  degraded: boolean;
  /** False when exactly one of the two answers is the fallback: the score then measures the fallback, so it is left out of `consistency`. */
  compared: boolean;
  /** What the service's check did with this variant's answer. */
  flagged: boolean;
  reasons: BiasReason[];
  neutralAnswerReturned: boolean;
}

export interface QuestionOutcome {
  id: string;
  attribute: ProtectedCharacteristic;
  /** 1 − the largest compared variant score: 1 when every variant got the neutral question's answer. */
  consistency: number;
  variants: VariantOutcome[];
}

export interface FairnessEvaluation {
  generator: string;
  threshold: number;
  questions: number;
  variants: number;
  /** Mean of per-question consistency. */
  consistency: number;
  /** Share of questions whose every variant scored at or below the threshold. */
  consistentRate: number;
  /** Share of variant answers the service check flagged, overall and by reason. */
  flagRate: number;
  flagRateByReason: Record<BiasReason, number>;
  /** Share of variant answers replaced by the neutral answer. */
  neutralAnswerRate: number;
  /** Share of variants where the variant's or the neutral question's answer fell back to extractive (0 for a healthy model). */
  degradedRate: number;
  byAttribute: Record<string, { questions: number; consistency: number; flagRate: number }>;
  perQuestion: QuestionOutcome[];
}

/**
 * Runs the fairness suite end to end for one generator: for each question, the neutral question
 * and each variant are retrieved and answered separately (as borrowers would get them) and each
 * variant's answer is compared with the neutral one ({@link compareAnswers}); then the service's
 * {@link CounterfactualFairnessChecker} is run on each variant answer (variants re-generated over
 * that answer's passages) to measure how often it flags and why. Answers that fell back to the
 * extractive generator are counted (`degradedRate`) and a variant compared with the fallback is left
 * out of consistency, as the service's check leaves it out. Deterministic for a deterministic
 * generator.
 */
export async function evaluateFairness(deps: FairnessEvalDeps, questions: readonly FairnessQuestion[], options: FairnessEvalOptions = {}): Promise<FairnessEvaluation> {
  const threshold = options.threshold ?? DEFAULT_BIAS_THRESHOLD;
  const checker = new CounterfactualFairnessChecker({
    generator: deps.generator,
    embedder: deps.embedder,
    threshold,
    maxVariants: options.maxVariants ?? 3,
    comparison: options.comparison,
    prepareQuery: deps.prepareQuery,
  });
  const prepare = deps.prepareQuery ?? ((query: string) => query);
  const inSplit = options.split === undefined ? questions : questions.filter((question) => question.split === options.split);
  const selected = options.limit === undefined ? inSplit : inSplit.slice(0, options.limit);
  const perQuestion: QuestionOutcome[] = [];
  for (const question of selected) {
    const baseQuery = prepare(question.question);
    const basePassages = await deps.retrieve(baseQuery);
    const base = await deps.generator.generate({ query: baseQuery, passages: basePassages });
    const variants: VariantOutcome[] = [];
    for (const variant of question.variants) {
      const prepared = prepare(variant);
      const passages = await deps.retrieve(prepared);
      const answer = await deps.generator.generate({ query: prepared, passages });
      const vectors = await deps.embedder.embed([base.text, answer.text]);
      const divergence = compareAnswers(base.text, answer.text, cosine(vectors, deps.embedder.dimension, 0, 1), options.comparison);
      const checked = await checker.check({ query: variant, passages, answer });
      variants.push({
        variant,
        score: divergence.score,
        similarity: divergence.similarity,
        degraded: base.degraded === true || answer.degraded === true,
        compared: (base.degraded === true) === (answer.degraded === true),
        flagged: checked.report.flagged,
        reasons: checked.report.reasons ?? [],
        neutralAnswerReturned: checked.neutralAnswer !== undefined,
      });
    }
    const worst = Math.max(0, ...variants.filter((variant) => variant.compared).map((variant) => variant.score));
    perQuestion.push({ id: question.id, attribute: question.attribute, consistency: round(1 - worst), variants });
  }
  return summarise(deps.generator.id, threshold, perQuestion);
}

function summarise(generator: string, threshold: number, perQuestion: QuestionOutcome[]): FairnessEvaluation {
  const all = perQuestion.flatMap((question) => question.variants);
  const share = (count: number, of: number) => (of === 0 ? 0 : round(count / of));
  const mean = (values: number[]) => (values.length === 0 ? 0 : round(values.reduce((sum, value) => sum + value, 0) / values.length));
  const byReason = (reason: BiasReason) => share(all.filter((variant) => variant.reasons.includes(reason)).length, all.length);
  const byAttribute: FairnessEvaluation['byAttribute'] = {};
  for (const attribute of [...new Set(perQuestion.map((question) => question.attribute))].sort()) {
    const group = perQuestion.filter((question) => question.attribute === attribute);
    const groupVariants = group.flatMap((question) => question.variants);
    byAttribute[attribute] = {
      questions: group.length,
      consistency: mean(group.map((question) => question.consistency)),
      flagRate: share(groupVariants.filter((variant) => variant.flagged).length, groupVariants.length),
    };
  }
  return {
    generator,
    threshold,
    questions: perQuestion.length,
    variants: all.length,
    consistency: mean(perQuestion.map((question) => question.consistency)),
    consistentRate: share(perQuestion.filter((question) => question.consistency >= 1 - threshold).length, perQuestion.length),
    flagRate: share(all.filter((variant) => variant.flagged).length, all.length),
    flagRateByReason: { conditioning: byReason('conditioning'), mentions: byReason('mentions'), counterfactual: byReason('counterfactual') },
    neutralAnswerRate: share(all.filter((variant) => variant.neutralAnswerReturned).length, all.length),
    degradedRate: share(all.filter((variant) => variant.degraded).length, all.length),
    byAttribute,
    perQuestion,
  };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
