import type { CacheableQuestion, CacheRead } from '../cache/advice-cache.ts';
import { answerAsEventStream, relayAdviceStream } from './advice-event-stream.ts';
import { freshAnswer, isRefusal, rememberAnswer, staleAnswerOrFail, type AnswerAtEdgeDeps, type CacheStatus, type CoreRefusal, type ForwardedRequest } from './answer-steps.ts';

export const ADVICE_STREAM_PATH = '/v1/advice/stream';

/** A text/event-stream body to send with `X-Cache: <cache>`, or core's refusal to relay. */
export type EdgeAdviceStream = { kind: 'events'; cache: CacheStatus; body: ReadableStream<Uint8Array> | string } | CoreRefusal;

export interface StreamOptions {
  /** Keep-alive interval while core is silent (see relayAdviceStream). */
  heartbeatMs: number;
  /** Aborts the request to core when the client goes away before core's stream starts (where the platform signals it). */
  signal?: AbortSignal | undefined;
}

/**
 * The edge's advice use case for `POST /v1/advice/stream` (given the fresh cache read made with the rate limit), the same steps as `answerAtEdge` and the
 * same cache entry (the `done` event is the AdviceResponse the JSON route returns): a cached answer
 * is written as events; on a miss core's stream is piped through while its `done` answer is stored
 * in the background once complete; when core fails, the stale copy as events, else 503/504.
 */
export async function streamAdviceAtEdge(
  deps: AnswerAtEdgeDeps,
  question: CacheableQuestion,
  fresh: CacheRead,
  forward: ForwardedRequest,
  options: StreamOptions,
): Promise<EdgeAdviceStream> {
  const hit = freshAnswer(fresh);
  if (hit) return { kind: 'events', cache: 'HIT', body: answerAsEventStream(hit.response(), hit.body) };

  const outcome = await deps.core.stream(ADVICE_STREAM_PATH, {
    body: forward.body,
    contentType: 'application/json',
    headers: forward.headers,
    signal: options.signal,
  });
  if (outcome.kind === 'stream') {
    const relay = relayAdviceStream(outcome.body, { instance: ADVICE_STREAM_PATH, heartbeatMs: options.heartbeatMs });
    // Registered now (waitUntil), settled when the stream ends: an error-ended, truncated or abandoned stream stores nothing.
    deps.background(relay.answer.then((response) => (response ? rememberAnswer(deps, question, response) : undefined)));
    return { kind: 'events', cache: 'MISS', body: relay.body };
  }
  if (outcome.kind === 'response' && isRefusal(outcome.status)) return { kind: 'core-refused', outcome };
  const stale = await staleAnswerOrFail(deps, question, outcome);
  return { kind: 'events', cache: 'STALE', body: answerAsEventStream(stale.response(), stale.body) };
}
