import { AppError } from '../../shared/errors/app-error.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { hashPassword, PASSWORD_HASH_COST, type PasswordHashCost } from './password-hash.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { isRole, type Role } from '../../shared/rbac/roles.ts';

/** A stored user, without the password hash. */
export interface User {
  id: string;
  /** Always lower-case: usernames are case-insensitive. */
  username: string;
  role: Role;
  disabled: boolean;
  /**
   * Raised by every change that ends the user's access tokens (disable, enable, role, password):
   * a token issued under an older epoch is refused by core and, through Redis, by the edge.
   */
  tokenEpoch: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

export interface UserRepository {
  /** Throws AppError 'conflict' when the username (in any case) is taken, 'validation-failed' on bad input. */
  create(input: NewUser): Promise<User>;
  findByUsername(username: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  /** The user and their password hash, for the password grant only. */
  findCredentials(username: string): Promise<{ user: User; passwordHash: string } | null>;
  count(): Promise<number>;
  /** These throw AppError 'not-found' for an unknown id. */
  setDisabled(id: string, disabled: boolean): Promise<User>;
  setRole(id: string, role: Role): Promise<User>;
  setPassword(id: string, password: string): Promise<User>;
  /**
   * Replaces a password hash with a stronger one of the same password (re-hash on login), only
   * while the stored hash is still `previousHash`; the token epoch is not raised. Returns whether it did.
   */
  upgradePasswordHash(id: string, previousHash: string, newHash: string): Promise<boolean>;
}

/** Why a user's access tokens ended. */
export type UserStateChange = 'disabled' | 'enabled' | 'role-changed' | 'password-reset';

export interface UserRepositoryOptions {
  /** scrypt cost for new hashes (production: PASSWORD_HASH_COST; test harnesses pass a cheaper one explicitly). */
  hashCost?: PasswordHashCost;
  /**
   * Told after every change that raised a user's token epoch (the row is already updated): core
   * mirrors the epoch to Redis for the edge here. A rejection reaches the caller; repeating the
   * action raises the epoch again and republishes.
   */
  onTokensEnded?: (user: User, change: UserStateChange) => Promise<void>;
}

/** A `users` row as selected with the user columns. */
export type UserRow = {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
  token_epoch: number;
  password_hash?: string;
};

const COLUMNS = 'id, username, role, disabled, token_epoch, created_at, updated_at';
const USERNAME = /^[a-z0-9_.@-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Usernames are compared and stored lower-case (and trimmed). */
export const normalizeUsername = (username: string): string => username.trim().toLowerCase();

/** The user a row describes, or null when its role is not one this version knows. */
export function userFromRow(row: UserRow): User | null {
  if (!isRole(row.role)) return null;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled,
    tokenEpoch: row.token_epoch,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toUser(row: UserRow): User {
  const user = userFromRow(row);
  if (!user) throw new Error(`users row ${row.id} has an unknown role`);
  return user;
}

function checkRole(role: unknown): asserts role is Role {
  if (!isRole(role)) throw new AppError('validation-failed', { detail: 'Unknown role.' });
}

const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

/** Users in the `users` table; passwords are stored only as scrypt hashes. */
export function createUserRepository(sql: Pick<SqlClient, 'query'>, options: UserRepositoryOptions = {}): UserRepository {
  const { hashCost = PASSWORD_HASH_COST, onTokensEnded } = options;
  /** Updates one user and raises their token epoch in the same statement, then tells the listener. */
  const endTokens = async (id: string, change: UserStateChange, assignments: string, params: unknown[]): Promise<User> => {
    const user = await updateOne(id, `${assignments}, token_epoch = token_epoch + 1`, params);
    await onTokensEnded?.(user, change);
    return user;
  };
  const updateOne = async (id: string, assignments: string, params: unknown[]): Promise<User> => {
    if (!UUID.test(id)) throw new AppError('not-found', { detail: 'No such user.' });
    const { rows } = await sql.query<UserRow>(
      `UPDATE users SET ${assignments}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...params],
    );
    const row = rows[0];
    if (!row) throw new AppError('not-found', { detail: 'No such user.' });
    return toUser(row);
  };

  const findOne = async (where: string, value: string, withHash: boolean): Promise<UserRow | null> => {
    const { rows } = await sql.query<UserRow>(`SELECT ${COLUMNS}${withHash ? ', password_hash' : ''} FROM users WHERE ${where} = $1`, [value]);
    return rows[0] ?? null;
  };

  return {
    async create({ username, password, role }) {
      const name = normalizeUsername(username);
      if (!USERNAME.test(name)) {
        throw new AppError('validation-failed', { detail: 'Usernames are 1 to 64 letters, digits and _ . @ - characters.' });
      }
      checkRole(role);
      assertPasswordAcceptable(password);
      const passwordHash = await hashPassword(password, hashCost);
      try {
        const { rows } = await sql.query<UserRow>(
          `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
          [name, passwordHash, role],
        );
        const row = rows[0];
        if (!row) throw new Error('INSERT ... RETURNING gave no row');
        return toUser(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('conflict', { detail: `The username "${name}" is already taken.` });
        throw error;
      }
    },
    async findByUsername(username) {
      const row = await findOne('username', normalizeUsername(username), false);
      return row ? toUser(row) : null;
    },
    async findById(id) {
      if (!UUID.test(id)) return null;
      const row = await findOne('id', id, false);
      return row ? toUser(row) : null;
    },
    async findCredentials(username) {
      const row = await findOne('username', normalizeUsername(username), true);
      if (!row || row.password_hash === undefined) return null;
      return { user: toUser(row), passwordHash: row.password_hash };
    },
    async count() {
      const { rows } = await sql.query<{ count: number }>('SELECT count(*)::int AS count FROM users');
      return rows[0]?.count ?? 0;
    },
    setDisabled: (id, disabled) => endTokens(id, disabled ? 'disabled' : 'enabled', 'disabled = $2', [disabled]),
    async setRole(id, role) {
      checkRole(role);
      return endTokens(id, 'role-changed', 'role = $2', [role]);
    },
    async setPassword(id, password) {
      assertPasswordAcceptable(password);
      return endTokens(id, 'password-reset', 'password_hash = $2', [await hashPassword(password, hashCost)]);
    },
    async upgradePasswordHash(id, previousHash, newHash) {
      if (!UUID.test(id)) return false;
      const { rows } = await sql.query('UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 RETURNING id', [id, previousHash, newHash]);
      return rows.length > 0;
    },
  };
}
