import { z } from '@hono/zod-openapi';
import { RoleSchema } from '../rbac/roles.ts';

export const TokenPasswordRequestSchema = z
  .object({
    grant_type: z.literal('password').optional(),
    username: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only'),
    password: z.string().min(1).max(256),
    scope: z.string().max(512).optional(),
  })
  .strict()
  .openapi('TokenPasswordRequest');

export const TokenRefreshRequestSchema = z
  .object({
    grant_type: z.literal('refresh_token'),
    refresh_token: z.string().min(16).max(512),
  })
  .strict()
  .openapi('TokenRefreshRequest');

export const TokenRequestSchema = z.union([TokenPasswordRequestSchema, TokenRefreshRequestSchema]).openapi('TokenRequest');

export const TokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Access-token lifetime in seconds.' }),
    refresh_token: z.string(),
  })
  .openapi('TokenResponse');

export type TokenRequest = z.infer<typeof TokenRequestSchema>;
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** Claims APFA puts in its access tokens (besides iss/aud/sub/iat/exp/jti). */
export const AccessClaimsSchema = z.object({
  sub: z.string(),
  role: RoleSchema,
  username: z.string().optional(),
  /**
   * The user's token epoch when the token was issued (shared/auth/user-token-epoch.ts): a token
   * older than the user's current epoch is refused. Absent in tokens from before epochs: 0.
   */
  epoch: z.number().int().nonnegative().optional(),
});
export type AccessClaims = z.infer<typeof AccessClaimsSchema>;

export const TOKEN_ISSUER = 'apfa-core';
export const TOKEN_AUDIENCE = 'apfa';
