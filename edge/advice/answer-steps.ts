import { AdviceResponseSchema, type AdviceResponse } from '../../shared/contracts/advice.ts';
import { unauthorized } from '../../shared/auth/access-token-verifier.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { AdviceCache, CacheableQuestion, CacheCaller, CachedAnswer, CacheRead } from '../cache/advice-cache.ts';
import type { CoreClient, CoreOutcome } from '../core/core-client.ts';

/**
 * The steps both advice routes (JSON and Server-Sent Events) take around the call to core, so the
 * two differ only in how they call core and how they write the answer.
 */
export interface AnswerAtEdgeDeps {
  cache: AdviceCache;
  core: CoreClient;
  /** The verified caller: the cache refuses them when their token epoch is revoked. */
  caller: CacheCaller;
  /** Runs work after the response (waitUntil); failures are dropped. */
  background: (task: Promise<unknown>) => void;
}

export interface ForwardedRequest {
  /** The exact JSON text the client sent (core validates it again). */
  body: string;
  headers: Record<string, string>;
}

/** Where an answer came from: HIT fresh cache, MISS core, STALE the last good answer while core fails. */
export type CacheStatus = 'HIT' | 'MISS' | 'STALE';

/** A 4xx from core (its problem+json), relayed to the client unchanged. */
export type CoreRefusal = { kind: 'core-refused'; outcome: Extract<CoreOutcome, { kind: 'response' }> };

const RETRY_AFTER = { 'Retry-After': '5' };

/** The answer of a cache read; 401 when the caller's account changed since their token was issued. */
function servable(read: CacheRead): CachedAnswer | null {
  if (read.revoked) throw unauthorized('This account was disabled or changed since the token was issued; sign in again.');
  return read.answer;
}

/**
 * The answer cached for the live index version (its body already marked `cached`), from the read
 * the admission script made together with the rate limit (edge/advice/admit-advice.ts), which also
 * counted the hit or the miss.
 */
export function freshAnswer(read: CacheRead): CachedAnswer | null {
  return servable(read);
}

/**
 * Whether an answer from core may be cached. A degraded answer (the model failed and core fell
 * back to the extractive one) is not: core's own answer cache refuses it too, and caching it would
 * keep serving the fallback after the model recovers, or overwrite a good stale copy.
 */
export const isCacheableAnswer = (response: AdviceResponse): boolean => response.degraded !== true;

/** Stores a cacheable answer under its index version plus the stale copy; run it in the background. */
export async function rememberAnswer(deps: AnswerAtEdgeDeps, question: CacheableQuestion, response: AdviceResponse): Promise<void> {
  if (isCacheableAnswer(response)) await deps.cache.store(question, response);
}

/** A status core uses to refuse this caller's request (relayed), as opposed to failing itself. */
export const isRefusal = (status: number): boolean => status >= 400 && status < 500;

/**
 * Core could not answer: the last good answer for the question (marked `cached`), else 504 when
 * core timed out, else 503 — both with Retry-After.
 */
export async function staleAnswerOrFail(deps: AnswerAtEdgeDeps, question: CacheableQuestion, outcome: CoreOutcome): Promise<CachedAnswer> {
  const stale = servable(await deps.cache.lookupStale(question, deps.caller));
  if (stale) return stale;
  if (outcome.kind === 'timeout') {
    throw new AppError('upstream-timeout', { detail: 'Core did not answer in time.', headers: RETRY_AFTER });
  }
  throw new AppError('upstream-unavailable', { detail: describeFailure(outcome), headers: RETRY_AFTER, cause: 'cause' in outcome ? outcome.cause : undefined });
}

function describeFailure(outcome: CoreOutcome): string {
  if (outcome.kind === 'response') {
    return outcome.status === 200 ? 'Core returned an invalid answer.' : `Core failed (HTTP ${outcome.status}).`;
  }
  return 'Core is unreachable.';
}

/** Core's answer text (a JSON body, a `done` event's data) as an AdviceResponse, or null when it is not one. */
export function parseAnswer(text: string): AdviceResponse | null {
  try {
    const parsed = AdviceResponseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
