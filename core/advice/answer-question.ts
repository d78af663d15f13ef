import { ADVICE_DISCLAIMER, type AdviceRequest, type AdviceResponse, type AdviceSource } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { CounterfactualFairnessChecker } from '../bias/counterfactual-fairness-checker.ts';
import { answerDecidingTerms, neutralizeQuestion } from '../bias/neutralize-question.ts';
import { detectLanguage } from '../../shared/text/detect-language.ts';
import { LANGUAGE_NOTICE_GENERATOR_ID, languageNotice } from './language-notice.ts';
import { EXTRACTIVE_CANDIDATE_PASSAGES, EXTRACTIVE_GENERATOR_ID } from '../generation/extractive-generator.ts';
import { keepCitedSources } from './cited-sources.ts';
import type { BiasReport } from '../../shared/contracts/advice.ts';
import type { BiasChecker } from '../ports/bias-checker.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { Generator, GenerationInput, GenerationResult, Passage } from '../ports/generator.ts';
import type { LiveIndex, ServingIndex } from './live-index.ts';
import { addRulePassages } from './rule-passages.ts';
import { focusOnQuestion, topicTerms } from './scene-sentences.ts';
import { correctSpelling, type IsWord } from '../../shared/text/spelling.ts';
import { workOutNumbers, type WorkedNumbers } from '../lending/work-out-numbers.ts';

export type PipelineStage = 'embed' | 'search' | 'generate' | 'bias';

export interface AnswerQuestionDeps {
  live: LiveIndex;
  generator: Generator;
  biasChecker: BiasChecker;
  /** Passages a model generator is given (and the response lists as sources). */
  topK: number;
  /**
   * Passages the extractive generator chooses its sentences from (default the larger of `topK`
   * and {@link EXTRACTIVE_CANDIDATE_PASSAGES}). It picks sentences from all of them and cites what
   * it uses; the response then lists only the cited passages, numbered in the order the answer
   * first cites them.
   */
  candidatePassages?: number | undefined;
  /** Hits scoring at or below this are not shown as sources. */
  minScore?: number;
  observeStage?: (stage: PipelineStage, seconds: number) => void;
  /** Runs each stage (a span per stage when tracing is on); default: runs it as is. */
  traceStage?: <T>(stage: PipelineStage, run: () => Promise<T>) => Promise<T>;
  now?: () => number;
  /**
   * Counterfactual fairness for model-written answers: 'auto' (default) re-asks only when the
   * answer came from a language model (extractive answers quote sources and are checked by the
   * lexicon alone), 'always', or 'off'.
   */
  fairness?: { mode?: 'auto' | 'always' | 'off'; threshold?: number; maxVariants?: number } | undefined;
  /**
   * One time budget for the request's generations (LLM_BUDGET_MS), from the start of the generate
   * stage: the answer (which its generator bounds by the same budget) and then the counterfactual
   * re-asks, which get what is left; re-asks not answered by then are skipped and the report says
   * so (`counterfactual.incomplete`). Default: no limit.
   */
  budgetMs?: number | undefined;
  /**
   * Remove protected-attribute mentions that bear on no lending rule before retrieval, selection
   * and generation (core/bias/neutralize-question.ts). Default true; false only to measure the
   * generator on the borrower's raw words (`npm run eval -- fairness --raw`).
   */
  neutralizeQuestions?: boolean | undefined;
  /**
   * An English dictionary for spelling correction, so a real word the knowledge base does not use
   * is never "corrected" into one it does (core/advice/english-words.ts). Without it, only
   * left-out letters and swapped neighbours are corrected.
   */
  isEnglishWord?: IsWord | undefined;
  /** Answers when a flagged model answer has no acceptable attribute-neutral alternative (the extractive generator). */
  fallbackGenerator?: Generator | undefined;
  /** Told about every report (metrics, audit of flagged answers). */
  onBiasReport?: ((report: BiasReport, context: BiasReportContext) => void) | undefined;
}

/** Who asked, from the verified token and the request (for the audit of flagged answers). */
export interface AnswerCaller {
  userId: string;
  username?: string | undefined;
  requestId?: string | undefined;
  /** The caller's IP as core sees it (socket peer, or X-Forwarded-For when trusted), for the audit row. */
  clientIp?: string | null | undefined;
}

/** What `onBiasReport` is told besides the report. `query` and `answer` are raw text: never log or store them unredacted. */
export interface BiasReportContext {
  query: string;
  /** The answer returned to the borrower. */
  answer: string;
  /** The returned answer is the one written for the attribute-neutral question. */
  neutralAnswerReturned: boolean;
  /** The returned answer is not the checked one (the neutral answer or the extractive fallback replaced it). */
  answerReplaced: boolean;
  /** The generator whose answer was checked, and the one whose answer is returned. */
  checkedGenerator: string;
  returnedGenerator: string;
  indexVersion: string;
  caller?: AnswerCaller | undefined;
}

const EXCERPT_CHARS = 240;

/** Progress of one answer, for streaming: the sources once retrieved, then the generator's tokens. */
export interface AnswerObserver {
  onRetrieved?: (meta: { sources: AdviceSource[]; indexVersion: string }) => void;
  /** Draft tokens; the response's `advice` is authoritative (see GenerationInput.onToken). */
  onToken?: (token: string) => void;
}

/**
 * The advice use case: embed → retrieve (dense, BM25 or hybrid) → generate → bias check, with
 * per-stage timings. The request holds a lease on the live index, so a hot swap never closes
 * the index under it. `caller` is passed on to `onBiasReport`.
 */
export async function answerQuestion(
  deps: AnswerQuestionDeps,
  request: AdviceRequest,
  signal?: AbortSignal,
  observer?: AnswerObserver,
  caller?: AnswerCaller,
): Promise<AdviceResponse> {
  const lease = deps.live.acquire();
  if (!lease) throw new AppError('not-ready', { detail: 'No index is loaded yet. Try again shortly.', headers: { 'Retry-After': '5' } });
  try {
    return await answerWith(deps, lease.serving, request, signal, observer, caller);
  } finally {
    lease.release();
  }
}

async function answerWith(
  deps: AnswerQuestionDeps,
  serving: ServingIndex,
  request: AdviceRequest,
  signal?: AbortSignal,
  observer?: AnswerObserver,
  caller?: AnswerCaller,
): Promise<AdviceResponse> {
  const now = deps.now ?? (() => performance.now());
  const { loaded, embedder, retriever } = serving;
  const built = loaded.manifest.embedder;
  if (built.id !== embedder.id || built.modelHash !== embedder.modelHash) {
    throw new AppError('index-mismatch', {
      detail: `Index ${loaded.manifest.version} was built by ${built.id}@${built.modelHash}, but queries are embedded by ${embedder.id}@${embedder.modelHash}.`,
    });
  }
  const started = now();
  /*
   * A question in a language we do not answer. Decision: a normal 200 answer whose `advice` is a
   * fixed notice in the borrower's language (language-notice.ts) with no sources and
   * `generator: 'language-notice-v1'` as the stable machine field — not a problem type, because the
   * request is valid and the borrower should read the explanation where the answer goes. With a
   * language model configured, the question is answered (the model writes in the borrower's
   * language from the English sources); if that falls back to the extractive generator, the
   * notice replaces the English quotes.
   */
  const notice = languageNotice(detectLanguage(request.query));
  if (notice !== undefined && deps.generator.id === EXTRACTIVE_GENERATOR_ID) {
    observer?.onRetrieved?.({ sources: [], indexVersion: loaded.manifest.version });
    return noticeResponse(deps, request, notice, loaded.manifest.version, now() - started);
  }
  // Retrieval, sentence selection and generation see the question without protected-attribute
  // mentions that bear on no lending rule; the bias report, the counterfactual check and the audit
  // see the borrower's own words (request.query).
  const neutral = deps.neutralizeQuestions === false ? request.query : neutralizeQuestion(request.query).text;
  // Misspelt words read as the knowledge base's own ("apprasal" → "appraisal"), where the retriever knows its vocabulary.
  const query = retriever.documentFrequency === undefined ? neutral : correctSpelling(neutral, (term) => retriever.documentFrequency!(term), { isWord: deps.isEnglishWord }).text;
  // Retrieval and the extractive generator read it without the statements that only set the scene
  // ("A friend told me to ask here."); a model, which can read the tone, gets it whole (GenerationInput.focus).
  // The asked sentences' words weigh above those of the situation stated beside them (`asked`).
  const { focus: focused, asked } = focusOnQuestion(query, topicTerms(loaded.documents));
  const stage = async <T>(name: PipelineStage, run: () => Promise<T>): Promise<[T, number]> => {
    const t0 = now();
    const value = await (deps.traceStage ? deps.traceStage(name, run) : run());
    const ms = now() - t0;
    deps.observeStage?.(name, ms / 1000);
    return [value, ms];
  };

  // The extractive generator chooses sentences from more passages than a model is given, and
  // the response lists the ones it cites (see candidatePassages).
  const selective = deps.generator.id === EXTRACTIVE_GENERATOR_ID;
  const depth = selective ? Math.max(deps.topK, deps.candidatePassages ?? EXTRACTIVE_CANDIDATE_PASSAGES) : deps.topK;
  // BM25-only retrieval needs no query vector; dense and hybrid reuse the one embedded here.
  const needsVector = retriever.kind !== 'bm25';
  const [vector, embedMs] = await stage('embed', async () => (needsVector ? embedder.embed([focused]) : undefined));
  const [hits, searchMs] = await stage('search', () => retriever.retrieve(focused, depth, { queryVector: vector, asked }));
  // A cosine floor only means something for dense scores; BM25 and fused hits already share a query term.
  const minScore = retriever.kind === 'dense' ? (deps.minScore ?? 0) : 0;
  const passages: Passage[] = [];
  for (const hit of hits) {
    const document = loaded.documents[hit.label];
    if (!document || hit.score <= minScore) continue;
    passages.push({ citation: passages.length + 1, id: document.id, title: document.title, text: document.text, score: hit.score });
  }
  // The borrower's numbers worked out from the question and the profile; each figure's rule document is cited.
  const numbers = workOutNumbers(query, request.profile);
  addRulePassages(passages, loaded.documents, numbers.figures);
  const sources: AdviceSource[] = passages.map((passage) => ({
    id: passage.id,
    title: passage.title,
    score: round(passage.score, 4),
    excerpt: excerpt(passage.text),
  }));
  // A selective answer's sources are known once it is written; it is written at once, so meta and its one token follow it.
  if (!selective) observer?.onRetrieved?.({ sources, indexVersion: loaded.manifest.version });
  // Real time (not deps.now, which may be a test clock): the deadline drives timers.
  const deadline = deps.budgetMs === undefined ? undefined : performance.now() + deps.budgetMs;
  const [generation, generateMs] = await stage('generate', () =>
    deps.generator.generate({
      query,
      focus: focused,
      asked,
      profile: request.profile,
      passages,
      signal,
      onToken: selective ? undefined : observer?.onToken,
      indexVersion: loaded.manifest.version,
      queryVector: vector,
      figures: numbers.figures,
      figureProblems: numbers.problems,
    }),
  );
  const [checked, biasMs] = await stage('bias', () => checkFairness(deps, embedder, request, query, passages, generation, signal, deadline, numbers));
  const { bias } = checked;
  const fellBack = checked.final.generator === EXTRACTIVE_GENERATOR_ID || checked.final.degraded === true;
  const answered: GenerationResult =
    notice !== undefined && fellBack ? { text: notice, citations: [], generator: LANGUAGE_NOTICE_GENERATOR_ID, ...(checked.final.degraded ? { degraded: true } : {}) } : checked.final;
  const shown = selective ? keepCitedSources(answered.text, answered.citations, sources) : { text: answered.text, sources };
  const final: GenerationResult = { ...answered, text: shown.text };
  if (selective) {
    observer?.onRetrieved?.({ sources: shown.sources, indexVersion: loaded.manifest.version });
    observer?.onToken?.(final.text);
  }
  deps.onBiasReport?.(bias, {
    query: request.query,
    answer: final.text,
    neutralAnswerReturned: bias.counterfactual?.neutralAnswerReturned === true,
    answerReplaced: answered !== generation,
    checkedGenerator: generation.generator,
    returnedGenerator: final.generator,
    indexVersion: loaded.manifest.version,
    caller,
  });
  return {
    advice: final.text,
    // An answer citing nothing (a refusal: the knowledge base does not cover the question) lists no sources.
    sources: final.generator === LANGUAGE_NOTICE_GENERATOR_ID || final.citations.length === 0 ? [] : shown.sources,
    bias,
    indexVersion: loaded.manifest.version,
    generator: final.generator,
    cached: final.cacheHit === true,
    ...(final.degraded ? { degraded: true } : {}),
    disclaimer: ADVICE_DISCLAIMER,
    timings: {
      embedMs: round(embedMs, 3),
      searchMs: round(searchMs, 3),
      generateMs: round(generateMs, 3),
      biasMs: round(biasMs, 3),
      totalMs: round(now() - started, 3),
    },
  };
}

/**
 * The bias stage. Extractive answers (and degraded ones, which are extractive) get the lexicon
 * check; model answers in 'auto' mode also get the counterfactual re-ask (within what is left of
 * the budget at `deadline`, a performance.now() time), and a flagged one is replaced by the
 * attribute-neutral answer or, failing that, the extractive answer.
 */
async function checkFairness(
  deps: AnswerQuestionDeps,
  embedder: Embedder,
  request: AdviceRequest,
  query: string,
  passages: readonly Passage[],
  generation: GenerationResult,
  signal?: AbortSignal,
  deadline?: number,
  numbers?: WorkedNumbers,
): Promise<{ bias: BiasReport; final: GenerationResult }> {
  const mode = deps.fairness?.mode ?? 'auto';
  const modelAnswer = generation.generator !== EXTRACTIVE_GENERATOR_ID && generation.degraded !== true;
  if (mode === 'off' || (mode === 'auto' && !modelAnswer)) {
    return { bias: await deps.biasChecker.check({ query: request.query, profile: request.profile, answer: generation.text }), final: generation };
  }
  const checker = new CounterfactualFairnessChecker({
    generator: deps.generator,
    embedder,
    lexicon: deps.biasChecker,
    ...(deps.fairness?.threshold !== undefined ? { threshold: deps.fairness.threshold } : {}),
    ...(deps.fairness?.maxVariants !== undefined ? { maxVariants: deps.fairness.maxVariants } : {}),
    // Each variant is re-asked as the pipeline would answer it: neutralised like the question.
    // …and a mention whose rule decides the answer (an age for a HECM) is not varied.
    ...(deps.neutralizeQuestions === false ? {} : { prepareQuery: (variant: string) => neutralizeQuestion(variant).text, unvaried: answerDecidingTerms }),
  });
  const timeLimitMs = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
  // The re-asks get the same worked figures as the answer: only the protected attribute differs.
  const result = await checker.check({
    query: request.query,
    profile: request.profile,
    passages,
    answer: generation,
    signal,
    timeLimitMs,
    figures: numbers?.figures,
    figureProblems: numbers?.problems,
  });
  if (!result.report.flagged) return { bias: result.report, final: generation };
  if (result.neutralAnswer) return { bias: result.report, final: result.neutralAnswer };
  if (deps.fallbackGenerator && modelAnswer) {
    const input: GenerationInput = { query, profile: request.profile, passages, signal, figures: numbers?.figures, figureProblems: numbers?.problems };
    const fallback = await deps.fallbackGenerator.generate(input);
    return { bias: result.report, final: fallback };
  }
  return { bias: result.report, final: generation };
}

/** The language notice as an answer: no sources, no generation; the bias report is the lexicon's on the question. */
async function noticeResponse(deps: AnswerQuestionDeps, request: AdviceRequest, notice: string, indexVersion: string, elapsedMs: number): Promise<AdviceResponse> {
  const bias = await deps.biasChecker.check({ query: request.query, profile: request.profile, answer: notice });
  return {
    advice: notice,
    sources: [],
    bias,
    indexVersion,
    generator: LANGUAGE_NOTICE_GENERATOR_ID,
    cached: false,
    disclaimer: ADVICE_DISCLAIMER,
    timings: { embedMs: 0, searchMs: 0, generateMs: 0, biasMs: 0, totalMs: round(elapsedMs, 3) },
  };
}

function excerpt(text: string): string {
  if (text.length <= EXCERPT_CHARS) return text;
  const cut = text.lastIndexOf(' ', EXCERPT_CHARS);
  return `${text.slice(0, cut > 0 ? cut : EXCERPT_CHARS)}…`;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
