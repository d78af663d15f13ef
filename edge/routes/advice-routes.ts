import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AdviceRequestSchema, AdviceResponseSchema, MAX_BODY_BYTES, type AdviceRequest } from '../../shared/contracts/advice.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { evaluateQuery, type QueryVerdict } from '../../shared/policy/text-policy.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { createBoundedMemo } from '../../shared/memo/bounded-memo.ts';
import { EVENT_STREAM_HEADERS } from '../advice/advice-event-stream.ts';
import type { AdmissionLeases } from '../advice/admission-leases.ts';
import { admitAdvice } from '../advice/admit-advice.ts';
import { answerAtEdge } from '../advice/answer-at-edge.ts';
import type { AnswerAtEdgeDeps, ForwardedRequest } from '../advice/answer-steps.ts';
import { ADVICE_STREAM_PATH, streamAdviceAtEdge } from '../advice/stream-advice-at-edge.ts';
import type { AdviceCache, CacheableQuestion, CacheRead } from '../cache/advice-cache.ts';
import type { CoreClient } from '../core/core-client.ts';
import { authenticate, type AccessTokenVerifier, type AuthVariables } from '../http/authenticate.ts';
import { runInBackground } from '../http/execution-context.ts';
import { passThrough } from '../http/pass-through.ts';
import { traceHeaders } from '../tracing/trace-at-edge.ts';
import { rateLimitAfter, type RateLimiter, type RateLimitVariables } from '../http/rate-limit.ts';
import type { RequestIdVariables } from '../http/request-id.ts';
import { pickEdgeProblems } from './edge-problem-responses.ts';

export interface AdviceRouteDeps {
  verifier: AccessTokenVerifier;
  /** One per-user limiter for both advice routes: a request to either counts against the same bucket. */
  limiter: RateLimiter;
  cache: AdviceCache;
  /** What the isolate remembers between round trips (LIVE_VERSION_CACHE_MS). */
  leases: AdmissionLeases;
  core: CoreClient;
  now: () => number;
  /** Keep-alive comment interval on an advice stream while core is silent (STREAM_HEARTBEAT_MS). */
  streamHeartbeatMs: number;
}

type AdviceEnv = { Variables: AuthVariables & RequestIdVariables & RateLimitVariables };

const STREAM_DESCRIPTION = [
  'The advice of `POST /v1/advice` as Server-Sent Events, in the shapes core streams them:',
  '`meta` — `{ sources, indexVersion }`; `token` — `{ text }` per piece of the draft;',
  '`done` — the complete AdviceResponse (authoritative: it replaces the draft);',
  '`error` — problem+json when the answer failed after the stream started (nothing follows it).',
  'On a MISS core’s events are piped through as they arrive and the `done` answer is stored in the answer cache, the same entry `POST /v1/advice` uses;',
  'an answer from that cache (`X-Cache: HIT`, or `STALE` while core is down) is sent as `meta`, one `token` holding the whole advice, and `done` with `cached: true`.',
  'Failures before the stream starts (token, rate limit, body, validation, text policy, core down with no stored answer) are ordinary problem+json responses.',
].join(' ');

/**
 * POST /v1/advice and POST /v1/advice/stream, one pipeline: token, media type and size, JSON,
 * schema, text policy (all in isolate memory) — then admission: from isolate memory when the
 * caller holds a counted token and the answer was read within LIVE_VERSION_CACHE_MS, else ONE
 * round trip to Upstash that counts the request in the per-user window and reads the answer cache
 * (admit-advice.ts) — then core. A body
 * refused before that is counted after the refusal (rateLimitAfter), as when the limit ran first.
 * The routes differ only in how they ask core and write the answer.
 */
export function adviceRoutes(deps: AdviceRouteDeps) {
  const app = new OpenAPIHono<AdviceEnv>({ defaultHook: validationHook });
  const middleware = [
    rateLimitAfter<Context<AdviceEnv>>({ limiter: deps.limiter, identify: (c) => c.var.claims?.sub ?? null, now: deps.now }),
    authenticate(deps.verifier),
    jsonBodyGuard({ maxBytes: MAX_BODY_BYTES }),
  ] as const;
  const request = { body: { required: true, content: { 'application/json': { schema: AdviceRequestSchema } } } };
  const answerDeps = (c: Context<AdviceEnv>): AnswerAtEdgeDeps => ({
    cache: deps.cache,
    core: deps.core,
    caller: { sub: c.var.claims.sub, epoch: c.var.claims.epoch },
    background: (task) => runInBackground(c, task),
  });
  /** Rate limit + fresh cache read in one round trip; the RateLimit-* fields go on whatever response follows. */
  const admit = async (c: Context<AdviceEnv>, steps: AnswerAtEdgeDeps, question: CacheableQuestion): Promise<CacheRead> => {
    const admission = await admitAdvice({ limiter: deps.limiter, cache: deps.cache, leases: deps.leases, now: deps.now }, steps.caller.sub, question, steps.caller);
    if (admission.rateLimitHeaders) c.set('rateLimitHeaders', admission.rateLimitHeaders);
    return admission.read;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/advice',
      summary: 'Loan advice, served from the edge cache when the live index already answered it',
      tags: ['advice'],
      security: [{ bearerAuth: [] }],
      middleware: [...middleware],
      request,
      responses: {
        200: {
          description: 'Advice; `X-Cache` says HIT, MISS or STALE (core down, last good answer)',
          content: { 'application/json': { schema: AdviceResponseSchema } },
        },
        ...pickEdgeProblems(400, 401, 403, 413, 415, 422, 429, 503, 504),
      },
    }),
    async (c) => {
      const { question, forward } = await adviceInput(c, c.req.valid('json'));
      const steps = answerDeps(c);
      const result = await answerAtEdge(steps, question, await admit(c, steps, question), forward);
      // Core's own problem+json relayed byte for byte; not one of this route's typed bodies.
      if (result.kind === 'core-refused') return passThrough(result.outcome) as never;
      // The AdviceResponse's JSON text as it is (a hit's is stored ready to send): what c.json would write, without re-serialising.
      return c.body(result.body, 200, { 'content-type': 'application/json', 'X-Cache': result.cache }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: ADVICE_STREAM_PATH,
      summary: 'Loan advice streamed as it is written (Server-Sent Events), cached at the edge once complete',
      description: STREAM_DESCRIPTION,
      tags: ['advice'],
      security: [{ bearerAuth: [] }],
      middleware: [...middleware],
      request,
      responses: {
        200: {
          description: `${STREAM_DESCRIPTION} \`X-Cache\` says HIT, MISS or STALE.`,
          content: { 'text/event-stream': { schema: z.string().openapi({ example: 'event: token\ndata: {"text":"FHA loans"}\n\n' }) } },
        },
        ...pickEdgeProblems(400, 401, 403, 413, 415, 422, 429, 503, 504),
      },
    }),
    async (c) => {
      const { question, forward } = await adviceInput(c, c.req.valid('json'));
      const steps = answerDeps(c);
      const result = await streamAdviceAtEdge(steps, question, await admit(c, steps, question), forward, { heartbeatMs: deps.streamHeartbeatMs, signal: c.req.raw.signal });
      if (result.kind === 'core-refused') return passThrough(result.outcome) as never;
      // An event stream is not one of the typed JSON bodies either.
      return new Response(result.body, { status: 200, headers: { ...EVENT_STREAM_HEADERS, 'X-Cache': result.cache } }) as never;
    },
  );
  return app;
}

/** The validated request after the text policy, and what core is sent: the client's exact body, its token and the request id. */
async function adviceInput(c: Context<AdviceEnv>, request: AdviceRequest): Promise<{ question: CacheableQuestion; forward: ForwardedRequest }> {
  const question = { query: allowedQuery(request.query), profile: request.profile };
  const forward = {
    body: await c.req.text(),
    headers: { authorization: c.req.header('authorization') ?? '', 'x-request-id': c.var.requestId, ...traceHeaders(c) },
  };
  return { question, forward };
}

/**
 * The text policy's verdict (shared/policy/text-policy.ts: assertQueryAllowed's rules) through a
 * bounded per-isolate memo: the verdict is a pure function of the text, so a question asked again
 * is not normalised, scanned and classified again. Refusals throw a fresh 422 each time.
 */
const verdicts = createBoundedMemo<QueryVerdict>({ maxEntries: 1_000, maxKeyLength: 1_024 });
function allowedQuery(text: string): string {
  let verdict = verdicts.get(text);
  if (verdict === undefined) {
    verdict = evaluateQuery(text);
    verdicts.set(text, verdict);
  }
  if (!verdict.ok) throw new AppError(verdict.code, { detail: verdict.detail });
  return verdict.text;
}
