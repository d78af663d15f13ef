import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { MAX_BODY_BYTES } from '../../shared/contracts/advice.ts';
import { TokenRequestSchema, TokenResponseSchema } from '../../shared/contracts/auth.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import type { CoreClient } from '../core/core-client.ts';
import { clientAddress } from '../http/client-ip.ts';
import { passThrough } from '../http/pass-through.ts';
import { rateLimit, type RateLimiter } from '../http/rate-limit.ts';
import type { RequestIdVariables } from '../http/request-id.ts';
import { pickEdgeProblems } from './edge-problem-responses.ts';

export interface AuthRouteDeps {
  limiter: RateLimiter;
  core: CoreClient;
  now: () => number;
}

const TOKEN_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

/**
 * POST /v1/auth/token: rate-limited per client address as the platform knows it
 * (edge/http/client-ip.ts; password guessing per account is core's login throttle), checked for
 * media type, size and shape, then relayed byte for byte to core, whose status and body come back unchanged.
 */
export function authRoutes(deps: AuthRouteDeps) {
  const app = new OpenAPIHono<{ Variables: RequestIdVariables }>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/token',
      summary: 'Issue tokens (relayed to core; OAuth2 password and refresh_token grants)',
      tags: ['auth'],
      middleware: [
        rateLimit({ limiter: deps.limiter, identify: (c) => clientAddress(c), now: deps.now }),
        jsonBodyGuard({ maxBytes: MAX_BODY_BYTES, mediaTypes: TOKEN_MEDIA_TYPES }),
      ] as const,
      request: {
        body: {
          content: {
            'application/json': { schema: TokenRequestSchema },
            'application/x-www-form-urlencoded': { schema: TokenRequestSchema },
          },
        },
      },
      responses: {
        200: { description: 'Tokens (from core)', content: { 'application/json': { schema: TokenResponseSchema } } },
        ...pickEdgeProblems(400, 401, 413, 415, 422, 429, 503, 504),
      },
    }),
    async (c) => {
      const outcome = await deps.core.post('/v1/auth/token', {
        body: await c.req.text(),
        contentType: c.req.header('content-type') ?? 'application/json',
        headers: { 'x-request-id': c.var.requestId },
      });
      // Core's status and body relayed byte for byte (tokens or problem+json), hence untyped here.
      if (outcome.kind === 'response') return passThrough(outcome) as never;
      const headers = { 'Retry-After': '5' };
      if (outcome.kind === 'timeout') throw new AppError('upstream-timeout', { detail: 'Core did not answer in time.', headers });
      throw new AppError('upstream-unavailable', { detail: 'Core is unreachable.', headers, cause: outcome.cause });
    },
  );
  return app;
}
