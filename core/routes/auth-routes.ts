import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { TokenRequestSchema, TokenResponseSchema, type TokenRequest, type TokenResponse } from '../../shared/contracts/auth.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';

export interface TokenGrants {
  passwordGrant(username: string, password: string): Promise<TokenResponse>;
  refreshGrant(refreshToken: string): Promise<TokenResponse>;
}

export interface AuthRouteDeps {
  tokens: TokenGrants;
  jwks: () => Promise<{ keys: Record<string, unknown>[] }>;
  /** Extra middleware before parsing (e.g. the edge signature check). */
  guard?: MiddlewareHandler;
  maxBodyBytes: number;
}

const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi('JsonWebKeySet');

export function authRoutes(deps: AuthRouteDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const guards: MiddlewareHandler[] = [
    jsonBodyGuard({ maxBytes: deps.maxBodyBytes, mediaTypes: ['application/json', 'application/x-www-form-urlencoded'] }),
    ...(deps.guard ? [deps.guard] : []),
  ];
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/token',
      summary: 'Issue tokens (OAuth2 password and refresh_token grants)',
      tags: ['auth'],
      middleware: guards,
      request: {
        body: {
          content: {
            'application/json': { schema: TokenRequestSchema },
            'application/x-www-form-urlencoded': { schema: TokenRequestSchema },
          },
        },
      },
      responses: {
        200: { description: 'Tokens', content: { 'application/json': { schema: TokenResponseSchema } } },
        ...pickProblems(400, 401, 413, 415, 422, 429),
      },
    }),
    async (c) => {
      const isForm = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
      const body = (isForm ? c.req.valid('form') : c.req.valid('json')) as TokenRequest;
      const tokens =
        body.grant_type === 'refresh_token'
          ? await deps.tokens.refreshGrant(body.refresh_token)
          : await deps.tokens.passwordGrant(body.username, body.password);
      return c.json(tokens, 200, { 'cache-control': 'no-store', pragma: 'no-cache' });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      summary: 'Public keys that verify APFA access tokens',
      tags: ['auth'],
      responses: { 200: { description: 'JWKS', content: { 'application/json': { schema: JwksSchema } } } },
    }),
    // Verifiers cache the set themselves (the edge per isolate, refetching on an unknown kid); an HTTP cache in between would hide a rotation.
    async (c) => c.json(await deps.jwks(), 200, { 'cache-control': 'no-cache' }),
  );
  return app;
}
