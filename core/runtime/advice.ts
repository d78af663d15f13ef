import type { AnswerQuestionDeps } from '../advice/answer-question.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { flaggedAnswerAuditEntry } from '../audit/fairness-audit.ts';
import { registerFairnessMetrics } from '../bias/fairness-metrics.ts';
import { LexiconBiasChecker } from '../bias/lexicon-bias-checker.ts';
import type { CoreConfig } from '../config.ts';
import { createGenerator } from '../generation/create-generator.ts';
import { ExtractiveGenerator } from '../generation/extractive-generator.ts';
import { loadAnswerVocabulary } from '../generation/load-answer-vocabulary.ts';
import { DEFAULT_BUDGET_MS } from '../generation/resilient-generator.ts';
import { englishWords } from '../advice/english-words.ts';
import { createAdviceHistory, type AdviceHistory } from '../history/advice-history.ts';
import { startHistoryRetention } from '../history/history-retention.ts';
import type { CoreMetrics } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { redactPersonalData } from '../privacy/personal-data.ts';
import { createClosers } from './closers.ts';

type AdviceConfig = Pick<
  CoreConfig,
  'KEY_PREFIX' | 'generator' | 'RETRIEVAL_TOP_K' | 'ANSWER_VOCABULARY' | 'FAIRNESS_COUNTERFACTUAL' | 'FAIRNESS_THRESHOLD' | 'FAIRNESS_MAX_VARIANTS' | 'HISTORY_RETENTION_DAYS'
>;

/** What answering needs besides the live index: metrics, the generator, the fairness check, history. */
export interface Advice {
  metrics: CoreMetrics;
  pipeline: Omit<AnswerQuestionDeps, 'live' | 'observeStage'>;
  history: AdviceHistory;
  describe: { generator: string; biasChecker: string };
  close(): Promise<void>;
}

export interface AdviceDependencies {
  sql: SqlClient;
  audit: AuditLog;
  logger: Logger;
  /** Whether this process answers (history retention runs only there). */
  serves: boolean;
  /** The process's metrics (createRuntimeMetrics): answering records into them. */
  metrics: CoreMetrics;
}

const redact = (text: string) => redactPersonalData(text).text;

/** Hits scoring at or below this cosine are not shown as sources (dense retrieval only). */
const DENSE_SCORE_FLOOR = 0.05;

/** The advice pipeline's settings that involve no I/O until first used: what every answer is retrieved, budgeted and checked with. */
export type AdvicePipelineSettings = Pick<AnswerQuestionDeps, 'biasChecker' | 'topK' | 'minScore' | 'fairness' | 'budgetMs' | 'isEnglishWord'>;

/**
 * The pipeline settings from the config, written once for the service (createAdvice) and the
 * evals over the demo corpus (core/eval/demo-pipeline.ts), so an eval measures exactly what the
 * service runs: RETRIEVAL_TOP_K, the dense score floor, the lexicon bias checker, the
 * counterfactual check's mode, threshold and variant budget (FAIRNESS_*), one generation
 * budget (LLM_BUDGET_MS) shared by the answer and its fairness re-asks (none for the extractive
 * generator), and the English dictionary spelling correction consults.
 */
export function advicePipelineSettings(config: Pick<CoreConfig, 'generator' | 'RETRIEVAL_TOP_K' | 'FAIRNESS_COUNTERFACTUAL' | 'FAIRNESS_THRESHOLD' | 'FAIRNESS_MAX_VARIANTS'>): AdvicePipelineSettings {
  return {
    biasChecker: new LexiconBiasChecker(),
    topK: config.RETRIEVAL_TOP_K,
    minScore: DENSE_SCORE_FLOOR,
    fairness: { mode: config.FAIRNESS_COUNTERFACTUAL, threshold: config.FAIRNESS_THRESHOLD, maxVariants: config.FAIRNESS_MAX_VARIANTS },
    budgetMs: config.generator.kind === 'extractive' ? undefined : (config.generator.resilience.budgetMs ?? DEFAULT_BUDGET_MS),
    // Read on its first lookup (createAdvice looks one up at start).
    isEnglishWord: englishWords(),
  };
}

/** The extractive generator, the default and every model's fallback, with the configured answer vocabulary. */
export function createExtractiveGenerator(config: Pick<CoreConfig, 'ANSWER_VOCABULARY'>): ExtractiveGenerator {
  return new ExtractiveGenerator({ answerVocabulary: loadAnswerVocabulary(config.ANSWER_VOCABULARY) });
}

export async function createAdvice(config: AdviceConfig, dependencies: AdviceDependencies): Promise<Advice> {
  const { sql, audit, logger, metrics } = dependencies;
  const closers = createClosers();
  const settings = advicePipelineSettings(config);
  // Compile the checker's patterns now, and read the dictionary where answers are served, not on the first borrower's request
  // (a worker process that never answers does not hold it).
  await settings.biasChecker.check({ query: 'warm-up', answer: 'warm-up' });
  if (dependencies.serves) settings.isEnglishWord?.('warm');
  const fairnessMetrics = registerFairnessMetrics(metrics.registry);

  const extractive = createExtractiveGenerator(config);
  const created = createGenerator(config.generator, {
    fallback: extractive,
    redact,
    onCircuitStateChange: (event) => {
      metrics.advice.onCircuitStateChange(event);
      logger.warn({ provider: event.provider, state: event.state }, 'generator circuit changed state');
    },
    onAnswerCacheLookup: (event) => metrics.advice.onAnswerCacheLookup(event),
    onSharedGeneration: (event) => metrics.advice.onSharedGeneration(event),
    onTokens: (event) => metrics.advice.onTokens(event),
    onFallback: ({ provider, reason }) => logger.warn({ provider, reason }, 'generator fell back to the extractive answer'),
  });
  closers.add(() => created.close());
  const circuit = created.circuitState();
  if (circuit) metrics.advice.onCircuitStateChange({ provider: created.generator.id, state: circuit });
  await created.warmUp().catch((error: unknown) => logger.error({ err: error }, 'could not warm up the generator; answers fall back to extractive until it loads'));

  const history = createAdviceHistory({ sql, retentionDays: config.HISTORY_RETENTION_DAYS, redact });
  if (dependencies.serves) {
    closers.add(
      startHistoryRetention({
        history,
        onPurged: (count) => logger.info({ count }, 'purged expired advice history'),
        onError: (error) => logger.warn({ err: error }, 'advice history purge failed'),
      }),
    );
  }

  return {
    metrics,
    history,
    pipeline: {
      ...settings,
      generator: created.generator,
      fallbackGenerator: extractive,
      onBiasReport: (report, context) => {
        fairnessMetrics.observe(report);
        // Flagged answers are logged and audited without the question's or answer's text (personal data); the audit write never holds up the answer.
        if (report.flagged) {
          const requestId = context.caller?.requestId;
          logger.warn({ requestId, score: report.score, reasons: report.reasons, neutralAnswerReturned: context.neutralAnswerReturned }, 'answer flagged by the fairness check');
          audit.append(flaggedAnswerAuditEntry(report, context)).catch((error: unknown) => logger.error({ err: error, requestId }, 'could not audit a flagged answer'));
        }
      },
    },
    describe: { generator: created.description, biasChecker: 'lexicon-v1' },
    close: () => closers.close(),
  };
}
