import { AdviceResponseSchema, type AdviceResponse } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { AdviceCache, CacheableQuestion } from '../cache/advice-cache.ts';
import type { CoreClient, CoreOutcome } from '../core/core-client.ts';

export interface AnswerAtEdgeDeps {
  cache: AdviceCache;
  core: CoreClient;
  /** Runs work after the response (waitUntil); failures are dropped. */
  background: (task: Promise<unknown>) => void;
}

export interface ForwardedRequest {
  /** The exact JSON text the client sent (core validates it again). */
  body: string;
  headers: Record<string, string>;
}

/** HIT: fresh cache; MISS: core answered; STALE: core failed, last good answer served. */
export type EdgeAnswer =
  | { kind: 'answer'; cache: 'HIT' | 'MISS' | 'STALE'; response: AdviceResponse }
  | { kind: 'core-refused'; outcome: Extract<CoreOutcome, { kind: 'response' }> };

const RETRY_AFTER = { 'Retry-After': '5' };

/**
 * The edge's advice use case: cached answer for the live index version, else core (whose 200 is
 * cached in the background, whose 4xx is relayed), else the stale copy, else 503/504.
 */
export async function answerAtEdge(deps: AnswerAtEdgeDeps, question: CacheableQuestion, forward: ForwardedRequest): Promise<EdgeAnswer> {
  const hit = await deps.cache.lookup(question);
  if (hit) {
    deps.background(deps.cache.count('hit'));
    return { kind: 'answer', cache: 'HIT', response: { ...hit, cached: true } };
  }
  deps.background(deps.cache.count('miss'));

  const outcome = await deps.core.post('/v1/advice', { body: forward.body, contentType: 'application/json', headers: forward.headers });
  if (outcome.kind === 'response') {
    if (outcome.status === 200) {
      const response = parseAnswer(outcome.body);
      if (response) {
        deps.background(deps.cache.store(question, response));
        return { kind: 'answer', cache: 'MISS', response };
      }
    } else if (outcome.status >= 400 && outcome.status < 500) {
      return { kind: 'core-refused', outcome };
    }
  }

  const stale = await deps.cache.lookupStale(question);
  if (stale) return { kind: 'answer', cache: 'STALE', response: { ...stale, cached: true } };
  if (outcome.kind === 'timeout') {
    throw new AppError('upstream-timeout', { detail: 'Core did not answer in time.', headers: RETRY_AFTER });
  }
  throw new AppError('upstream-unavailable', { detail: describeFailure(outcome), headers: RETRY_AFTER, cause: 'cause' in outcome ? outcome.cause : undefined });
}

function parseAnswer(body: string): AdviceResponse | null {
  try {
    const parsed = AdviceResponseSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function describeFailure(outcome: CoreOutcome): string {
  if (outcome.kind === 'response') {
    return outcome.status === 200 ? 'Core returned an invalid answer.' : `Core failed (HTTP ${outcome.status}).`;
  }
  return 'Core is unreachable.';
}
