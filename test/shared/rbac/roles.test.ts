import { describe, expect, it } from 'vitest';
import {
  hasAllPermissions,
  hasPermission,
  isPermission,
  isRole,
  PERMISSIONS,
  PermissionSchema,
  permissionsOf,
  ROLE_PERMISSIONS,
  ROLES,
  RoleSchema,
  type Permission,
  type Role,
} from '../../../shared/rbac/roles.ts';

// The table from the design, written out in full so a change to roles.ts has to change it too.
const EXPECTED: Record<Role, readonly Permission[]> = {
  user: ['advice:generate', 'advice:view_history'],
  financial_advisor: ['advice:generate', 'advice:view_history', 'admin:metrics:view'],
  admin: ['advice:generate', 'advice:view_history', 'admin:jobs:view', 'admin:jobs:manage', 'admin:metrics:view', 'admin:index:manage'],
  super_admin: [
    'advice:generate',
    'advice:view_history',
    'admin:jobs:view',
    'admin:jobs:manage',
    'admin:metrics:view',
    'admin:index:manage',
    'admin:users:manage',
    'admin:audit:view',
  ],
};

describe('RBAC', () => {
  it('lists the four roles and eight permissions', () => {
    expect(ROLES).toEqual(['user', 'financial_advisor', 'admin', 'super_admin']);
    expect([...PERMISSIONS].sort()).toEqual([...EXPECTED.super_admin].sort());
  });

  const cells = ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission, EXPECTED[role].includes(permission)] as const));

  it.each(cells)('%s holds %s: %s', (role, permission, expected) => {
    expect(hasPermission(role, permission)).toBe(expected);
    expect(ROLE_PERMISSIONS[role].has(permission)).toBe(expected);
  });

  it.each(ROLES)('permissionsOf(%s) matches the table', (role) => {
    expect([...permissionsOf(role)].sort()).toEqual([...EXPECTED[role]].sort());
  });

  it('each role holds every permission of the role below it', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = permissionsOf(ROLES[i - 1]!);
      expect(hasAllPermissions(ROLES[i]!, lower)).toBe(true);
      expect(permissionsOf(ROLES[i]!).length).toBeGreaterThan(lower.length);
    }
  });

  it('hasAllPermissions needs every permission', () => {
    expect(hasAllPermissions('admin', ['admin:jobs:view', 'admin:jobs:manage'])).toBe(true);
    expect(hasAllPermissions('admin', ['admin:jobs:view', 'admin:users:manage'])).toBe(false);
    expect(hasAllPermissions('user', [])).toBe(true);
  });

  const unknownRoles = ['root', 'guest', 'Admin', 'SUPER_ADMIN', 'super-admin', '', '__proto__', 'constructor', 'toString'];

  it.each(unknownRoles)('unknown role %j holds no permission at all', (role) => {
    expect(PERMISSIONS.filter((permission) => hasPermission(role, permission))).toEqual([]);
    expect(hasAllPermissions(role, ['advice:generate'])).toBe(false);
  });

  it('recognises roles and permissions', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect([isRole('Admin'), isRole('superadmin'), isRole(undefined), isRole(1), isRole('toString')]).toEqual([false, false, false, false, false]);
    expect(PERMISSIONS.every(isPermission)).toBe(true);
    expect(isPermission('admin:everything')).toBe(false);
  });

  it('parses roles and permissions with zod', () => {
    expect(RoleSchema.parse('financial_advisor')).toBe('financial_advisor');
    expect(RoleSchema.safeParse('owner').success).toBe(false);
    expect(PermissionSchema.parse('admin:audit:view')).toBe('admin:audit:view');
    expect(PermissionSchema.safeParse('admin:audit').success).toBe(false);
  });
});
