import type { CacheableQuestion, CacheRead } from '../cache/advice-cache.ts';
import { freshAnswer, isRefusal, parseAnswer, rememberAnswer, staleAnswerOrFail, type AnswerAtEdgeDeps, type CacheStatus, type CoreRefusal, type ForwardedRequest } from './answer-steps.ts';

export type { AnswerAtEdgeDeps, ForwardedRequest } from './answer-steps.ts';

/** An answer as the JSON text of an AdviceResponse (a cached one is sent as it was stored), or core's refusal. */
export type EdgeAnswer = { kind: 'answer'; cache: CacheStatus; body: string } | CoreRefusal;

/**
 * The edge's advice use case for `POST /v1/advice`, given the fresh cache read made with the rate
 * limit (`fresh`): cached answer for the live index version, else
 * core (whose 200 is cached in the background, whose 4xx is relayed), else the stale copy, else
 * 503/504.
 */
export async function answerAtEdge(deps: AnswerAtEdgeDeps, question: CacheableQuestion, fresh: CacheRead, forward: ForwardedRequest): Promise<EdgeAnswer> {
  const hit = freshAnswer(fresh);
  if (hit) return { kind: 'answer', cache: 'HIT', body: hit.body };

  const outcome = await deps.core.post('/v1/advice', { body: forward.body, contentType: 'application/json', headers: forward.headers });
  if (outcome.kind === 'response') {
    if (outcome.status === 200) {
      const response = parseAnswer(outcome.body);
      if (response) {
        deps.background(rememberAnswer(deps, question, response));
        return { kind: 'answer', cache: 'MISS', body: JSON.stringify(response) };
      }
    } else if (isRefusal(outcome.status)) {
      return { kind: 'core-refused', outcome };
    }
  }
  return { kind: 'answer', cache: 'STALE', body: (await staleAnswerOrFail(deps, question, outcome)).body };
}
