import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenResponse } from '../../shared/contracts/auth.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import type { SqlClient } from '../ports/sql-client.ts';
import { hashPassword, needsRehash, PASSWORD_HASH_COST, verifyPassword, type PasswordHashCost } from './password-hash.ts';
import { isRole, type Role } from '../../shared/rbac/roles.ts';
import type { SigningKeyStore } from './signing-keys.ts';
import type { UserRepository } from './user-repository.ts';

export { createLocalAccessTokenVerifier, type AccessTokenVerifier } from './local-access-token-verifier.ts';

export interface TokenServiceOptions {
  sql: Pick<SqlClient, 'query' | 'transaction'>;
  keys: Pick<SigningKeyStore, 'current'>;
  users: Pick<UserRepository, 'findCredentials' | 'upgradePasswordHash'>;
  /** The cost of new hashes: a login whose stored hash is weaker re-hashes it (default PASSWORD_HASH_COST). */
  hashCost?: PasswordHashCost;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  now?: () => number;
}

export interface TokenService {
  /** Throws AppError 'invalid-credentials' (one detail for every cause) on failure. */
  passwordGrant(username: string, password: string): Promise<TokenResponse>;
  /**
   * Exchanges a refresh token for new tokens, rotating it. Reusing a rotated token revokes its
   * whole family. Throws AppError 'unauthorized' on any failure.
   */
  refreshGrant(refreshToken: string): Promise<TokenResponse>;
  /** Revokes every live refresh token of the user; returns how many. */
  revokeAllForUser(userId: string): Promise<number>;
  /** Sign-out: revokes the refresh token's whole family (the session it belongs to); false when it matched none. */
  revokeRefreshToken(refreshToken: string): Promise<boolean>;
}

interface Subject {
  id: string;
  username: string;
  role: Role;
  /** The user's token epoch now, carried in the token (claim `epoch`). */
  tokenEpoch: number;
}

type RefreshRow = {
  id: string;
  family_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  replaced_by: string | null;
  user_id: string;
  username: string;
  role: string;
  disabled: boolean;
  token_epoch: number;
};

type RefreshOutcome = { ok: true; subject: Subject; refreshToken: string } | { ok: false };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidCredentials = () => new AppError('invalid-credentials', { detail: 'The username or password is wrong, or the account is disabled.' });
const invalidRefreshToken = () => new AppError('unauthorized', { detail: 'The refresh token is invalid, expired or revoked.' });

/** Refresh tokens are stored only as this hash; the token itself is 256 random bits, so no salt is needed. */
const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * OAuth2 password and refresh_token grants: short-lived EdDSA access tokens signed with the
 * store's current key, and rotating refresh tokens kept in `refresh_tokens` as hashes.
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { sql, keys, users, hashCost = PASSWORD_HASH_COST, accessTtlSeconds = 900, refreshTtlSeconds = 30 * 24 * 3600, now = Date.now } = options;
  if (!Number.isInteger(accessTtlSeconds) || accessTtlSeconds < 1) throw new Error('accessTtlSeconds must be a positive integer');
  if (!Number.isInteger(refreshTtlSeconds) || refreshTtlSeconds < 1) throw new Error('refreshTtlSeconds must be a positive integer');

  // A hash (at the current cost) of a random password nobody kept: unknown usernames cost one verification too.
  let dummyHash: Promise<string> | undefined;
  const unknownUserHash = () => (dummyHash ??= hashPassword(randomBytes(18).toString('base64url'), hashCost));

  const signAccessToken = async (subject: Subject): Promise<string> => {
    const key = await keys.current();
    const issuedAt = Math.floor(now() / 1000);
    return new SignJWT({ role: subject.role, username: subject.username, epoch: subject.tokenEpoch })
      .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(subject.id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + accessTtlSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
  };

  /** Stores a new refresh token of the family; returns the token and its row id. */
  const insertRefreshToken = async (target: Pick<SqlClient, 'query'>, userId: string, familyId: string) => {
    const token = randomBytes(32).toString('base64url');
    const { rows } = await target.query<{ id: string }>(
      'INSERT INTO refresh_tokens (user_id, token_hash, family_id, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [userId, hashRefreshToken(token), familyId, new Date(now() + refreshTtlSeconds * 1000)],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('INSERT ... RETURNING gave no row');
    return { token, id };
  };

  const respond = async (subject: Subject, refreshToken: string): Promise<TokenResponse> => ({
    access_token: await signAccessToken(subject),
    token_type: 'Bearer',
    expires_in: accessTtlSeconds,
    refresh_token: refreshToken,
  });

  return {
    async passwordGrant(username, password) {
      const credentials = await users.findCredentials(username);
      const matches = await verifyPassword(password, credentials?.passwordHash ?? (await unknownUserHash()));
      if (!credentials || !matches || credentials.user.disabled) throw invalidCredentials();
      const { user } = credentials;
      // Hashes keep their parameters: one made at an older, lower cost is replaced now that the password is known.
      if (needsRehash(credentials.passwordHash, hashCost)) {
        await users.upgradePasswordHash(user.id, credentials.passwordHash, await hashPassword(password, hashCost));
      }
      const refresh = await insertRefreshToken(sql, user.id, randomUUID());
      return respond({ id: user.id, username: user.username, role: user.role, tokenEpoch: user.tokenEpoch }, refresh.token);
    },

    async refreshGrant(refreshToken) {
      if (typeof refreshToken !== 'string' || refreshToken.length < 16 || refreshToken.length > 512) throw invalidRefreshToken();
      const tokenHash = hashRefreshToken(refreshToken);
      // The outcome is returned, not thrown, so revoking a family on reuse is committed.
      const outcome = await sql.transaction(async (tx): Promise<RefreshOutcome> => {
        const { rows } = await tx.query<RefreshRow>(
          `SELECT t.id, t.family_id, t.expires_at, t.revoked_at, t.replaced_by, u.id AS user_id, u.username, u.role, u.disabled, u.token_epoch
           FROM refresh_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.token_hash = $1 FOR UPDATE OF t`,
          [tokenHash],
        );
        const row = rows[0];
        if (!row) return { ok: false };
        const at = new Date(now());
        if (row.revoked_at !== null) {
          if (row.replaced_by !== null) {
            // A rotated token came back: it was stolen or replayed, so end the whole session.
            await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id, at]);
          }
          return { ok: false };
        }
        if (row.expires_at.getTime() <= at.getTime() || row.disabled || !isRole(row.role)) return { ok: false };
        const next = await insertRefreshToken(tx, row.user_id, row.family_id);
        await tx.query('UPDATE refresh_tokens SET revoked_at = $2, replaced_by = $3 WHERE id = $1', [row.id, at, next.id]);
        return {
          ok: true,
          subject: { id: row.user_id, username: row.username, role: row.role, tokenEpoch: row.token_epoch },
          refreshToken: next.token,
        };
      });
      if (!outcome.ok) throw invalidRefreshToken();
      return respond(outcome.subject, outcome.refreshToken);
    },

    async revokeAllForUser(userId) {
      if (!UUID.test(userId)) return 0;
      const { rows } = await sql.query(
        'UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
        [userId, new Date(now())],
      );
      return rows.length;
    },

    async revokeRefreshToken(refreshToken) {
      if (typeof refreshToken !== 'string' || refreshToken.length < 16 || refreshToken.length > 512) return false;
      const { rows } = await sql.query(
        `UPDATE refresh_tokens SET revoked_at = $2
         WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL RETURNING id`,
        [hashRefreshToken(refreshToken), new Date(now())],
      );
      return rows.length > 0;
    },
  };
}
