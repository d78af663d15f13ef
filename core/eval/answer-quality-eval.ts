import type { BorrowerProfile } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { AnswerEvalQuestion, EvalSplit } from './answer-questions.ts';
import {
  citedDocumentIds,
  classifyOutcome,
  factRecall,
  leadsWithFact,
  missingFacts,
  namesAnsweredLanguage,
  refusalScores,
  type AnswerOutcome,
  type ScoredResponse,
} from './answer-quality-metrics.ts';

/** Asks the advice pipeline one question. */
export type AskQuestion = (request: { query: string; profile?: BorrowerProfile | undefined }) => Promise<ScoredResponse>;

export interface AnswerQualityOptions {
  /**
   * True when the generator answers only English (the extractive one): a `language-notice`
   * question then expects the notice (a refusal naming the answered language); with a language
   * model it expects an answer in the borrower's language with the key facts.
   */
  englishOnly: boolean;
}

/** One question's result. */
export interface AnswerQualityRow {
  id: string;
  split: EvalSplit;
  kind: string;
  expected: 'answer' | 'refuse';
  outcome: AnswerOutcome;
  /** For expected answers: share of key-fact groups found, a key fact in the lead, an expected document cited. */
  factRecall?: number;
  lead?: boolean;
  rightDocument?: boolean;
  /** For expected language notices: the notice names the language answered. */
  languageNotice?: boolean;
  missingFacts: string[][];
  cited: string[];
  /** The problem code when the pipeline answered with an error (AppError) instead of advice. */
  problem?: string;
  advice: string;
}

/** Metrics over one split (null where no question of that side exists). */
export interface AnswerQualityMetrics {
  questions: number;
  answerable: number;
  refusable: number;
  factRecall: number | null;
  lead: number | null;
  rightDocument: number | null;
  refusalPrecision: number | null;
  refusalRecall: number | null;
  /** Accuracy on answer-vs-refuse ("refusals correct both ways"). */
  refusalsCorrect: number | null;
  languageNotice: number | null;
}

/** Scores one response against its question. */
export function scoreAnswer(question: AnswerEvalQuestion, response: ScoredResponse, options: AnswerQualityOptions, problem?: string): AnswerQualityRow {
  const notice = question.expect === 'language-notice' && options.englishOnly;
  const expected = question.expect === 'refuse' || notice ? 'refuse' : 'answer';
  const outcome = classifyOutcome(response);
  const row: AnswerQualityRow = {
    id: question.id,
    split: question.split,
    kind: question.kind,
    expected,
    outcome,
    missingFacts: [],
    cited: citedDocumentIds(response),
    advice: response.advice,
    ...(problem !== undefined ? { problem } : {}),
  };
  if (expected === 'answer') {
    row.factRecall = factRecall(response.advice, question.facts);
    row.lead = leadsWithFact(response.advice, question.facts);
    row.rightDocument = question.documents.some((id) => row.cited.includes(id));
    row.missingFacts = missingFacts(response.advice, question.facts);
  }
  if (notice) row.languageNotice = outcome === 'refused' && namesAnsweredLanguage(response.advice);
  return row;
}

/** Aggregates rows into the split's metrics (rounded to 4 places). */
export function summarise(rows: readonly AnswerQualityRow[]): AnswerQualityMetrics {
  const answerable = rows.filter((row) => row.expected === 'answer');
  const notices = rows.filter((row) => row.languageNotice !== undefined);
  const mean = (values: readonly number[]) => (values.length === 0 ? null : round(values.reduce((sum, value) => sum + value, 0) / values.length));
  const share = (values: readonly boolean[]) => mean(values.map((value) => (value ? 1 : 0)));
  const refusals = refusalScores(rows);
  return {
    questions: rows.length,
    answerable: answerable.length,
    refusable: rows.length - answerable.length,
    factRecall: mean(answerable.map((row) => row.factRecall ?? 0)),
    lead: share(answerable.map((row) => row.lead === true)),
    rightDocument: share(answerable.map((row) => row.rightDocument === true)),
    refusalPrecision: refusals.precision === null ? null : round(refusals.precision),
    refusalRecall: refusals.recall === null ? null : round(refusals.recall),
    refusalsCorrect: refusals.correct === null ? null : round(refusals.correct),
    languageNotice: share(notices.map((row) => row.languageNotice === true)),
  };
}

/**
 * Runs every question through `ask` (the advice pipeline) and scores it. A problem (AppError)
 * raised instead of an answer counts as a refusal with no sources, its detail as the text; any
 * other error stops the run.
 */
export async function evaluateAnswerQuality(
  ask: AskQuestion,
  questions: readonly AnswerEvalQuestion[],
  options: AnswerQualityOptions,
): Promise<{ rows: AnswerQualityRow[]; results: Partial<Record<EvalSplit, AnswerQualityMetrics>> }> {
  const rows: AnswerQualityRow[] = [];
  for (const question of questions) {
    const request = question.profile === undefined ? { query: question.query } : { query: question.query, profile: question.profile };
    try {
      rows.push(scoreAnswer(question, await ask(request), options));
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') throw error;
      rows.push(scoreAnswer(question, { advice: error.detail ?? error.message, sources: [] }, options, error.code));
    }
  }
  const results: Partial<Record<EvalSplit, AnswerQualityMetrics>> = {};
  for (const split of ['dev', 'test'] as const) {
    const inSplit = rows.filter((row) => row.split === split);
    if (inSplit.length > 0) results[split] = summarise(inSplit);
  }
  return { rows, results };
}

const round = (value: number) => Number(value.toFixed(4));
