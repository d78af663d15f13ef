import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { AppError } from '../../shared/errors/app-error.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { noteAudit } from '../audit/audit-mutations.ts';
import type { User, UserRepository } from '../auth/user-repository.ts';
import { pickProblems, problemResponse } from '../../shared/http/problem-responses.ts';
import {
  ChangeRoleRequestSchema,
  CreateUserRequestSchema,
  ResetPasswordRequestSchema,
  UserIdParamsSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserSchema,
} from './admin-schemas.ts';
import type { AdminEnv } from './admin-variables.ts';
import type { UserDirectory } from './user-directory.ts';

export interface UserRouteDeps {
  users: UserRepository;
  directory: UserDirectory;
  /** Ends every session of a user (their refresh tokens). */
  tokens: { revokeAllForUser(userId: string): Promise<number> };
  maxBodyBytes: number;
}

const toJson = (user: User) => ({
  id: user.id,
  username: user.username,
  role: user.role,
  disabled: user.disabled,
  createdAt: user.createdAt.toISOString(),
  updatedAt: user.updatedAt.toISOString(),
});

const security = [{ bearerAuth: [] }];
const tags = ['admin: users'];
const userResponse = (description: string) => ({ description, content: { 'application/json': { schema: UserSchema } } });

/** User management for super_admins: create, list, change role, disable/enable, reset password. */
export function userRoutes(deps: UserRouteDeps) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  const body = jsonBodyGuard({ maxBytes: deps.maxBodyBytes });

  const findUser = async (id: string): Promise<User> => {
    const user = await deps.users.findById(id);
    if (!user) throw new AppError('not-found', { detail: 'No such user.' });
    return user;
  };
  /** Refuses changes that would leave no enabled super_admin (only ever the caller themselves). */
  const keepOneSuperAdmin = async (user: User, action: string) => {
    if (user.role === 'super_admin' && !user.disabled && (await deps.directory.countOtherActiveSuperAdmins(user.id)) === 0) {
      throw new AppError('conflict', { detail: `Cannot ${action} the last enabled super_admin.` });
    }
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      summary: 'Create a user',
      tags,
      security,
      middleware: [body] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CreateUserRequestSchema } } } },
      responses: { 201: userResponse('Created'), ...pickProblems(400, 401, 403, 413, 415, 422), 409: problemResponse('Username taken') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      noteAudit(c, { details: { username: input.username.toLowerCase(), role: input.role } });
      const user = await deps.users.create(input);
      noteAudit(c, { target: `user:${user.id}` });
      return c.json(toJson(user), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      summary: 'List users (paged, by username)',
      tags,
      security,
      request: { query: UserListQuerySchema },
      responses: { 200: { description: 'Users', content: { 'application/json': { schema: UserPageSchema } } }, ...pickProblems(401, 403, 422) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await deps.directory.list({ limit: query.limit, after: query.cursor?.toLowerCase(), role: query.role, disabled: query.disabled });
      return c.json({ items: page.items.map(toJson), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      summary: 'One user',
      tags,
      security,
      request: { params: UserIdParamsSchema },
      responses: { 200: userResponse('The user'), ...pickProblems(401, 403, 422), 404: problemResponse('No such user') },
    }),
    async (c) => c.json(toJson(await findUser(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}/role',
      summary: "Change a user's role (their current access tokens stop working; refreshing gives the new role)",
      tags,
      security,
      middleware: [body] as const,
      request: { params: UserIdParamsSchema, body: { required: true, content: { 'application/json': { schema: ChangeRoleRequestSchema } } } },
      responses: { 200: userResponse('Updated'), ...pickProblems(400, 401, 403, 413, 415, 422), 404: problemResponse('No such user'), 409: problemResponse('Last super_admin') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { role } = c.req.valid('json');
      noteAudit(c, { target: `user:${id}`, details: { to: role } });
      const user = await findUser(id);
      noteAudit(c, { details: { from: user.role } });
      if (role !== 'super_admin') await keepOneSuperAdmin(user, 'demote');
      return c.json(toJson(await deps.users.setRole(id, role)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/disable',
      summary: 'Disable a user: their access tokens stop working and their refresh tokens are revoked at once',
      tags,
      security,
      request: { params: UserIdParamsSchema },
      responses: { 200: userResponse('Disabled'), ...pickProblems(401, 403, 422), 404: problemResponse('No such user'), 409: problemResponse('Own account') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      noteAudit(c, { target: `user:${id}` });
      if (id === c.get('user').sub) throw new AppError('conflict', { detail: 'You cannot disable your own account.' });
      const user = await findUser(id);
      await keepOneSuperAdmin(user, 'disable');
      const updated = await deps.users.setDisabled(id, true);
      noteAudit(c, { details: { revokedRefreshTokens: await deps.tokens.revokeAllForUser(id) } });
      return c.json(toJson(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/enable',
      summary: 'Enable a disabled user (they sign in again; old refresh tokens stay revoked)',
      tags,
      security,
      request: { params: UserIdParamsSchema },
      responses: { 200: userResponse('Enabled'), ...pickProblems(401, 403, 422), 404: problemResponse('No such user') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      noteAudit(c, { target: `user:${id}` });
      return c.json(toJson(await deps.users.setDisabled(id, false)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/password',
      summary: "Reset a user's password (revokes their refresh tokens)",
      tags,
      security,
      middleware: [body] as const,
      request: { params: UserIdParamsSchema, body: { required: true, content: { 'application/json': { schema: ResetPasswordRequestSchema } } } },
      responses: { 204: { description: 'Password changed' }, ...pickProblems(400, 401, 403, 413, 415, 422), 404: problemResponse('No such user') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { password } = c.req.valid('json');
      noteAudit(c, { target: `user:${id}` });
      await deps.users.setPassword(id, password);
      noteAudit(c, { details: { revokedRefreshTokens: await deps.tokens.revokeAllForUser(id) } });
      return c.body(null, 204);
    },
  );

  return app;
}
