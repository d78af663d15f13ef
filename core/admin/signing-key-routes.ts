import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { noteAudit } from '../audit/audit-mutations.ts';
import type { SigningKeyInfo, SigningKeyStore } from '../auth/signing-keys.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';
import { RotatedKeySchema, SigningKeyListSchema } from './admin-schemas.ts';
import type { AdminEnv } from './admin-variables.ts';

const toJson = (key: SigningKeyInfo) => ({
  kid: key.kid,
  algorithm: key.algorithm,
  createdAt: key.createdAt.toISOString(),
  retiredAt: key.retiredAt?.toISOString() ?? null,
  published: key.published,
});

/** Token-signing keys: list them, rotate to a new one (the previous stays in the JWKS for the overlap). */
export function signingKeyRoutes(deps: { keys: Pick<SigningKeyStore, 'list' | 'rotate'> }) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  const tags = ['admin: signing keys'];
  const security = [{ bearerAuth: [] }];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/signing-keys',
      summary: 'Stored signing keys (no key material)',
      tags,
      security,
      responses: { 200: { description: 'Keys', content: { 'application/json': { schema: SigningKeyListSchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => c.json({ keys: (await deps.keys.list()).map(toJson) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/signing-keys/rotate',
      summary: 'Rotate: a new key signs from now on; tokens signed by the previous key verify until the overlap ends',
      tags,
      security,
      responses: { 200: { description: 'Rotated', content: { 'application/json': { schema: RotatedKeySchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => {
      const { kid } = await deps.keys.rotate();
      noteAudit(c, { target: `signing-key:${kid}` });
      return c.json({ kid, keys: (await deps.keys.list()).map(toJson) }, 200);
    },
  );
  return app;
}
