import { z } from '@hono/zod-openapi';
import { RoleSchema } from '../../shared/rbac/roles.ts';
import { AUDIT_OUTCOMES } from '../audit/audit-log.ts';
import { RowCursorSchema } from '../http/row-cursor.ts';

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');
const limitQuery = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const UserIdParamsSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0b8f6f0e-8d7e-4a59-9b43-4f3f4a3f1b2c' }),
});

export const UserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('User');

export const UserPageSchema = z.object({ items: z.array(UserSchema), nextCursor: z.string().nullable() }).openapi('UserPage');

const Username = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only');
const NewPassword = z.string().min(12, 'passwords set by an admin must be at least 12 characters').max(256);

export const CreateUserRequestSchema = z
  .object({ username: Username, password: NewPassword, role: RoleSchema })
  .strict()
  .openapi('CreateUserRequest');

export const ChangeRoleRequestSchema = z.object({ role: RoleSchema }).strict().openapi('ChangeRoleRequest');
export const ResetPasswordRequestSchema = z.object({ password: NewPassword }).strict().openapi('ResetPasswordRequest');

export const UserListQuerySchema = z
  .object({
    limit: limitQuery(200, 50),
    cursor: Username.optional().openapi({ description: 'nextCursor of the previous page.' }),
    role: RoleSchema.optional(),
    disabled: booleanQuery.optional(),
  })
  .strict();

export const AuditRecordSchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    actorId: z.string().nullable(),
    actorUsername: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(AUDIT_OUTCOMES),
    clientIp: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditRecord');

export const AuditPageSchema = z.object({ items: z.array(AuditRecordSchema), nextCursor: z.string().nullable() }).openapi('AuditPage');

export const AuditQuerySchema = z
  .object({
    actorId: z.uuid().optional(),
    actor: Username.optional().openapi({ description: 'Actor username.' }),
    action: z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'an action name like user.create').optional(),
    target: z.string().min(1).max(300).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Inclusive, ISO 8601.' }),
    to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Exclusive, ISO 8601.' }),
    limit: limitQuery(500, 100),
    cursor: RowCursorSchema.optional(),
  })
  .strict()
  .refine((query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['from'],
  });

export const SigningKeyInfoSchema = z
  .object({
    kid: z.string(),
    algorithm: z.string(),
    createdAt: z.iso.datetime(),
    retiredAt: z.iso.datetime().nullable(),
    published: z.boolean().openapi({ description: 'Still in the JWKS: current, or retired within the overlap window.' }),
  })
  .openapi('SigningKeyInfo');

export const SigningKeyListSchema = z.object({ keys: z.array(SigningKeyInfoSchema) }).openapi('SigningKeyList');
export const RotatedKeySchema = z
  .object({ kid: z.string().openapi({ description: 'The new current key.' }), keys: z.array(SigningKeyInfoSchema) })
  .openapi('RotatedSigningKey');
