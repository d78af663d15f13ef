import { Counter, Gauge, type Registry } from 'prom-client';

/** How an answer ended, for `apfa_answers_total`. */
export type AnswerOutcome = 'answered' | 'refused' | 'degraded';

/** What an answer's outcome is read from (the advice response). */
export interface AnsweredAdvice {
  generator: string;
  sources: readonly unknown[];
  degraded?: boolean | undefined;
}

/** The circuit states a dependency's breaker reports, and their gauge values. */
export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;

/** Observers the advice pipeline and the generator call; they record into the advice metrics. */
export interface AdviceMetrics {
  /** One answer sent (JSON or stream): counted by generator and outcome. */
  observeAnswer(advice: AnsweredAdvice): void;
  /** A generator's circuit breaker changed state (also called once with its initial state). */
  onCircuitStateChange(event: { provider: string; state: keyof typeof CIRCUIT_STATE_VALUES }): void;
  /** The semantic answer cache was consulted. */
  onAnswerCacheLookup(event: { hit: boolean }): void;
  /** A caller joined a generation already in flight for the same question (single flight). */
  onSharedGeneration(event: { provider: string }): void;
  /** A language model streamed `count` tokens. */
  onTokens(event: { provider: string; count: number }): void;
}

/** Refused: the answer cites nothing (the knowledge base does not cover the question); degraded: the extractive fallback stood in for the model. */
export function answerOutcome(advice: AnsweredAdvice): AnswerOutcome {
  if (advice.degraded) return 'degraded';
  return advice.sources.length === 0 ? 'refused' : 'answered';
}

/** Registers the advice families on `registry` (once per registry). */
export function registerAdviceMetrics(registry: Registry): AdviceMetrics {
  const answers = new Counter({
    name: 'apfa_answers_total',
    help: 'Answers sent, by generator and outcome (answered; refused: nothing in the knowledge base covers the question; degraded: the extractive fallback answered for the model).',
    labelNames: ['generator', 'outcome'],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'apfa_llm_tokens_generated_total',
    help: 'Tokens a language model streamed while writing answers (one per streamed text chunk), by generator.',
    labelNames: ['generator'],
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'apfa_circuit_breaker_state',
    help: 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open, 3 isolated.',
    labelNames: ['dependency'],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'apfa_semantic_cache_lookups_total',
    help: "Core's semantic answer-cache lookups, by result (hit, miss).",
    labelNames: ['result'],
    registers: [registry],
  });
  const shared = new Counter({
    name: 'apfa_single_flight_shared_total',
    help: 'Callers that joined a generation already in flight for the same question instead of calling the model again, by generator.',
    labelNames: ['generator'],
    registers: [registry],
  });
  for (const result of ['hit', 'miss']) cache.inc({ result }, 0);
  return {
    observeAnswer: (advice) => answers.inc({ generator: advice.generator, outcome: answerOutcome(advice) }),
    onCircuitStateChange: ({ provider, state }) => circuit.set({ dependency: provider }, CIRCUIT_STATE_VALUES[state]),
    onAnswerCacheLookup: ({ hit }) => cache.inc({ result: hit ? 'hit' : 'miss' }),
    onSharedGeneration: ({ provider }) => shared.inc({ generator: provider }),
    onTokens: ({ provider, count }) => tokens.inc({ generator: provider }, count),
  };
}
