import { z } from 'zod';

/** Roles from the design notes, least to most privileged. */
export const ROLES = ['user', 'financial_advisor', 'admin', 'super_admin'] as const;
export type Role = (typeof ROLES)[number];

/** Everything a role may be allowed to do. */
export const PERMISSIONS = [
  'advice:generate',
  'advice:view_history',
  'admin:jobs:view',
  'admin:jobs:manage',
  'admin:metrics:view',
  'admin:index:manage',
  'admin:users:manage',
  'admin:audit:view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Parses a role name (token claims, user records). */
export const RoleSchema = z.enum(ROLES);
/** Parses a permission name. */
export const PermissionSchema = z.enum(PERMISSIONS);

const USER: readonly Permission[] = ['advice:generate', 'advice:view_history'];
const FINANCIAL_ADVISOR: readonly Permission[] = [...USER, 'admin:metrics:view'];
const ADMIN: readonly Permission[] = [...FINANCIAL_ADVISOR, 'admin:jobs:view', 'admin:jobs:manage', 'admin:index:manage'];

/** The permission table. super_admin holds every permission, including user management and audit. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  user: new Set(USER),
  financial_advisor: new Set(FINANCIAL_ADVISOR),
  admin: new Set(ADMIN),
  super_admin: new Set(PERMISSIONS),
};

/** True for one of the four role names (an exact list match, so `toString` is not a role). */
export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** True for one of the permission names. */
export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);

/** Permissions of a role, in table order. */
export const permissionsOf = (role: Role): Permission[] => PERMISSIONS.filter((permission) => ROLE_PERMISSIONS[role].has(permission));

/** True when `role` holds `permission`. Unknown roles hold nothing. */
export const hasPermission = (role: string, permission: Permission): boolean => isRole(role) && ROLE_PERMISSIONS[role].has(permission);

/** True when `role` holds every one of `permissions` (vacuously true for none). Unknown roles hold nothing. */
export const hasAllPermissions = (role: string, permissions: readonly Permission[]): boolean =>
  permissions.every((permission) => hasPermission(role, permission));
