import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AdviceRequestSchema, AdviceResponseSchema, MAX_BODY_BYTES } from '../../shared/contracts/advice.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { assertQueryAllowed } from '../../shared/policy/text-policy.ts';
import { answerAtEdge } from '../advice/answer-at-edge.ts';
import type { AdviceCache } from '../cache/advice-cache.ts';
import type { CoreClient } from '../core/core-client.ts';
import { authenticate, type AccessTokenVerifier, type AuthVariables } from '../http/authenticate.ts';
import { runInBackground } from '../http/execution-context.ts';
import { passThrough } from '../http/pass-through.ts';
import { rateLimit, type RateLimiter } from '../http/rate-limit.ts';
import type { RequestIdVariables } from '../http/request-id.ts';
import { pickProblems } from './problem-responses.ts';

export interface AdviceRouteDeps {
  verifier: AccessTokenVerifier;
  limiter: RateLimiter;
  cache: AdviceCache;
  core: CoreClient;
  now: () => number;
}

type AdviceEnv = { Variables: AuthVariables & RequestIdVariables };

/**
 * POST /v1/advice in the order that keeps work cheapest for abusers: token, per-user rate limit,
 * media type and size, JSON, schema, text policy — then cache, then core.
 */
export function adviceRoutes(deps: AdviceRouteDeps) {
  const app = new OpenAPIHono<AdviceEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/advice',
      summary: 'Loan advice, served from the edge cache when the live index already answered it',
      tags: ['advice'],
      security: [{ bearerAuth: [] }],
      middleware: [
        authenticate(deps.verifier),
        rateLimit<Context<AdviceEnv>>({ limiter: deps.limiter, identify: (c) => c.var.claims.sub, now: deps.now }),
        jsonBodyGuard({ maxBytes: MAX_BODY_BYTES }),
      ] as const,
      request: { body: { required: true, content: { 'application/json': { schema: AdviceRequestSchema } } } },
      responses: {
        200: {
          description: 'Advice; `X-Cache` says HIT, MISS or STALE (core down, last good answer)',
          content: { 'application/json': { schema: AdviceResponseSchema } },
        },
        ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503, 504),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      const question = { query: assertQueryAllowed(request.query), profile: request.profile };
      const result = await answerAtEdge(
        { cache: deps.cache, core: deps.core, background: (task) => runInBackground(c, task) },
        question,
        {
          body: await c.req.text(),
          headers: { authorization: c.req.header('authorization') ?? '', 'x-request-id': c.var.requestId },
        },
      );
      // Core's own problem+json relayed byte for byte; not one of this route's typed bodies.
      if (result.kind === 'core-refused') return passThrough(result.outcome) as never;
      return c.json(result.response, 200, { 'X-Cache': result.cache });
    },
  );
  return app;
}
