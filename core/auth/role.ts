import { AccessClaimsSchema, type AccessClaims } from '../../shared/contracts/auth.ts';

/**
 * A user's role. Taken from the access-token contract so the two cannot drift; move to
 * shared/rbac once that module exports a role schema.
 */
export type Role = AccessClaims['role'];

/** Every role, lowest privilege first. */
export const ROLES: readonly Role[] = AccessClaimsSchema.shape.role.options;

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
