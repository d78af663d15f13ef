import { userFromRow, type User, type UserRow } from '../auth/user-repository.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import type { Role } from '../../shared/rbac/roles.ts';

export interface UserListQuery {
  role?: Role | undefined;
  disabled?: boolean | undefined;
  /** Usernames after this one (the previous page's `nextCursor`). */
  after?: string | undefined;
  limit: number;
}

export interface UserPage {
  items: User[];
  nextCursor: string | null;
}


/** Read-side queries over `users` that the admin API needs beyond the auth repository. */
export interface UserDirectory {
  /** Users in username order, one page at a time. */
  list(query: UserListQuery): Promise<UserPage>;
  /** Enabled super_admins other than `exceptId`: the last one may not be demoted or disabled. */
  countOtherActiveSuperAdmins(exceptId: string): Promise<number>;
}

export function createUserDirectory(sql: Pick<SqlClient, 'query'>): UserDirectory {
  return {
    async list(query) {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const add = (column: string, operator: string, value: unknown) => {
        params.push(value);
        conditions.push(`${column} ${operator} $${params.length}`);
      };
      if (query.role !== undefined) add('role', '=', query.role);
      if (query.disabled !== undefined) add('disabled', '=', query.disabled);
      if (query.after !== undefined) add('username', '>', query.after);
      const limit = Math.max(1, Math.min(200, Math.floor(query.limit)));
      params.push(limit + 1);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await sql.query<UserRow>(
        `SELECT id, username, role, disabled, token_epoch, created_at, updated_at FROM users ${where} ORDER BY username LIMIT $${params.length}`,
        params,
      );
      // Rows with a role this version does not know are left out of the page.
      const items = rows.slice(0, limit).flatMap((row) => userFromRow(row) ?? []);
      return { items, nextCursor: rows.length > limit ? (rows[limit - 1]?.username ?? null) : null };
    },
    async countOtherActiveSuperAdmins(exceptId) {
      const { rows } = await sql.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM users WHERE role = 'super_admin' AND NOT disabled AND id <> $1`,
        [exceptId],
      );
      return rows[0]?.count ?? 0;
    },
  };
}
