import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { isAppError } from '../../shared/errors/app-error.ts';
import type { FallbackReason, GenerationInput, GenerationResult, Generator } from '../ports/generator.ts';
import { abortReason } from './deadline.ts';
import { generationKey } from './generation-key.ts';
import { SingleFlight } from './single-flight.ts';

export interface ResilienceOptions {
  /** Deadline of one call to the provider (default 15 s). */
  attemptTimeoutMs?: number;
  /** Time the provider gets per request, retries and queueing included (default 20 s); then the fallback answers. */
  budgetMs?: number;
  /** Retries after a failed call (default 1), with exponential backoff and decorrelated jitter. */
  retries?: number;
  /** First backoff delay (default 200 ms). */
  retryInitialDelayMs?: number;
  /** Largest backoff delay (default 2 s). */
  retryMaxDelayMs?: number;
  /** Consecutive failures that open the circuit (default 5). */
  breakerThreshold?: number;
  /** Time an open circuit waits before letting one trial call through (default 60 s). */
  halfOpenAfterMs?: number;
  /** Generations running at once against the provider (default 8). */
  maxConcurrent?: number;
  /** Generations waiting for a slot (default 32); beyond it requests get the fallback at once. */
  maxQueued?: number;
}

/** Default time a provider gets per request (LLM_BUDGET_MS). */
export const DEFAULT_BUDGET_MS = 20_000;

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

export interface ResilienceEvents {
  onFallback?: (event: { provider: string; reason: FallbackReason }) => void;
  onRetry?: (event: { provider: string; attempt: number; delayMs: number }) => void;
  onCircuitStateChange?: (event: { provider: string; state: CircuitStateName }) => void;
  /** A caller joined a generation already in flight for the same input (single flight) instead of calling the provider. */
  onSharedGeneration?: (event: { provider: string }) => void;
  /** The provider streamed `count` tokens for one generation (streamed generations only). */
  onTokens?: (event: { provider: string; count: number }) => void;
}

export interface ResilientGeneratorOptions extends ResilienceEvents {
  /** The model-backed generator (llama.cpp, OpenAI-compatible, Bedrock…). */
  provider: Generator;
  /** Deterministic generator used when the provider cannot answer (the extractive one). */
  fallback: Generator;
  resilience?: ResilienceOptions;
}

/** Thrown inside the policies when every caller has gone: not the provider's fault, never retried or counted. */
class CallerGoneError extends Error {
  override readonly name = 'CallerGoneError';
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Puts a provider generator behind cockatiel policies — a time budget, a bulkhead, retries with
 * exponential backoff and jitter, a circuit breaker (one per instance, so one per provider) and a
 * per-call timeout — and answers with the fallback, marked `degraded`, when the provider fails,
 * times out, is shed by the bulkhead, has its circuit open, or writes an answer with no valid
 * citation. Identical generations in flight at once (same question, profile, index version and
 * passages) share one provider call. A caller's abort is passed through, never answered.
 */
export class ResilientGenerator implements Generator {
  readonly id: string;
  readonly #provider: Generator;
  readonly #fallback: Generator;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #policy: IPolicy;
  readonly #flights = new SingleFlight<GenerationResult>();
  readonly #events: ResilienceEvents;

  constructor(options: ResilientGeneratorOptions) {
    const settings = {
      attemptTimeoutMs: 15_000,
      budgetMs: DEFAULT_BUDGET_MS,
      retries: 1,
      retryInitialDelayMs: 200,
      retryMaxDelayMs: 2_000,
      breakerThreshold: 5,
      halfOpenAfterMs: 60_000,
      maxConcurrent: 8,
      maxQueued: 32,
      ...options.resilience,
    };
    this.id = options.provider.id;
    this.#provider = options.provider;
    this.#fallback = options.fallback;
    this.#events = options;
    const providerFault = handleWhen((error) => !(error instanceof CallerGoneError) && !(error instanceof BrokenCircuitError));
    this.#breaker = circuitBreaker(providerFault, { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.breakerThreshold) });
    const retries = retry(providerFault, {
      maxAttempts: settings.retries,
      backoff: new ExponentialBackoff({ initialDelay: settings.retryInitialDelayMs, maxDelay: settings.retryMaxDelayMs }),
    });
    retries.onRetry((event) => this.#events.onRetry?.({ provider: this.id, attempt: event.attempt, delayMs: event.delay }));
    this.#breaker.onStateChange((state) => this.#events.onCircuitStateChange?.({ provider: this.id, state: STATE_NAMES[state] }));
    this.#policy = wrap(
      timeout(settings.budgetMs, TimeoutStrategy.Aggressive),
      bulkhead(settings.maxConcurrent, settings.maxQueued),
      retries,
      this.#breaker,
      timeout(settings.attemptTimeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  /** The provider's circuit: closed (calls go through), open (fallback at once), half-open (one trial call). */
  get circuitState(): CircuitStateName {
    return STATE_NAMES[this.#breaker.state];
  }

  /** Generations in flight against the provider (each possibly shared by several callers). */
  get inFlight(): number {
    return this.#flights.size;
  }

  generate(input: GenerationInput): Promise<GenerationResult> {
    const key = generationKey(input);
    if (this.#flights.has(key)) this.#events.onSharedGeneration?.({ provider: this.id });
    return this.#flights.run(key, { signal: input.signal, onToken: input.onToken }, (signal, emit) =>
      this.#generateShared({ ...input, signal, onToken: emit }),
    );
  }

  async #generateShared(input: GenerationInput & { signal: AbortSignal }): Promise<GenerationResult> {
    let streamed = false;
    let tokens = 0;
    const onToken = input.onToken
      ? (token: string) => {
          streamed = true;
          tokens++;
          input.onToken?.(token);
        }
      : undefined;
    let reason: FallbackReason;
    try {
      const result = await this.#policy.execute(async ({ signal: attemptSignal }) => {
        try {
          return await this.#provider.generate({ ...input, signal: attemptSignal, onToken });
        } catch (error) {
          throw input.signal.aborted ? new CallerGoneError('every caller went away', { cause: error }) : error;
        }
      }, input.signal);
      if (tokens > 0) this.#events.onTokens?.({ provider: this.id, count: tokens });
      if (result.citations.length > 0) return result;
      reason = 'uncited';
    } catch (error) {
      if (input.signal.aborted) throw abortReason(input.signal);
      reason = fallbackReasonOf(error);
    }
    this.#events.onFallback?.({ provider: this.id, reason });
    // The fallback streams only when nothing was streamed yet: a draft is never extended by another text.
    const fallback = await this.#fallback.generate({ ...input, onToken: streamed ? undefined : input.onToken });
    return { ...fallback, degraded: true, fallbackReason: reason };
  }
}

function fallbackReasonOf(error: unknown): FallbackReason {
  if (error instanceof BrokenCircuitError) return 'circuit-open';
  if (error instanceof BulkheadRejectedError) return 'busy';
  if (error instanceof TaskCancelledError || (isAppError(error) && error.code === 'upstream-timeout')) return 'timeout';
  return 'failed';
}
