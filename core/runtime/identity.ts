import { createActiveUserCheck } from '../admin/active-user-check.ts';
import { createUserDirectory, type UserDirectory } from '../admin/user-directory.ts';
import { ensureBootstrapAdmin } from '../auth/bootstrap-admin.ts';
import { createLoginThrottle, withLoginThrottle } from '../auth/login-throttle.ts';
import { createSigningKeyStore, type SigningKeyStore } from '../auth/signing-keys.ts';
import { createLocalAccessTokenVerifier, createTokenService, type AccessTokenVerifier, type TokenService } from '../auth/token-service.ts';
import type { Redis } from 'ioredis';
import type { PasswordHashCost } from '../auth/password-hash.ts';
import { createRedisTokenEpochPublisher } from '../auth/token-epoch-publisher.ts';
import { createUserRepository, type UserRepository } from '../auth/user-repository.ts';
import type { CoreConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ActiveUserCheck } from '../http/authenticate.ts';
import type { SqlClient } from '../ports/sql-client.ts';

/** Users, the first admin, signing keys and tokens. */
export interface Identity {
  users: UserRepository;
  directory: UserDirectory;
  keys: SigningKeyStore;
  tokens: TokenService;
  verifier: AccessTokenVerifier;
  isUserActive: ActiveUserCheck;
}

type IdentityConfig = Pick<CoreConfig, 'APFA_ADMIN_PASSWORD' | 'SIGNING_KEY_OVERLAP_SECONDS' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_SECONDS' | 'KEY_PREFIX'>;

export interface IdentityOptions {
  /** REDIS_URL's connection: user token epochs are mirrored there for the edge. Null: no edge to tell. */
  redis?: Redis | null;
  /** scrypt cost of new password hashes; only test harnesses pass one (default PASSWORD_HASH_COST). */
  passwordHashCost?: PasswordHashCost | undefined;
}

/**
 * Creates the first user `admin` on a fresh database (its generated password is written once to
 * the terminal, never to the log), makes sure a signing key exists, and builds the token service.
 */
export async function createIdentity(config: IdentityConfig, sql: SqlClient, logger: Logger, options: IdentityOptions = {}): Promise<Identity> {
  const { redis = null, passwordHashCost } = options;
  const publishEpoch = redis ? createRedisTokenEpochPublisher(redis, { prefix: config.KEY_PREFIX, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }) : undefined;
  const users = createUserRepository(sql, {
    ...(passwordHashCost ? { hashCost: passwordHashCost } : {}),
    ...(publishEpoch ? { onTokensEnded: (user) => publishEpoch(user) } : {}),
  });
  const bootstrap = await ensureBootstrapAdmin({ users, ...(config.APFA_ADMIN_PASSWORD ? { password: config.APFA_ADMIN_PASSWORD } : {}) });
  if (bootstrap.created) {
    logger.info({ username: 'admin', role: 'super_admin' }, 'created the first user');
    if (bootstrap.generatedPassword) {
      process.stderr.write(
        `\n  First start: created user "admin" (super_admin) with password: ${bootstrap.generatedPassword}\n  Set APFA_ADMIN_PASSWORD to choose it yourself. This is the only time it is shown.\n\n`,
      );
    }
  }
  if (bootstrap.passwordIgnored) {
    logger.warn(
      { username: 'admin', setting: 'APFA_ADMIN_PASSWORD' },
      'APFA_ADMIN_PASSWORD was NOT applied: it only sets the first admin\'s password on a fresh database, and users already exist with another password for admin. ' +
        'Sign in with the current password (an admin can change it: POST /admin/users/{id}/password), or start over with `npm run reset` (deletes the embedded database and index under APFA_DATA_DIR; PostgreSQL and S3 data are not touched).',
    );
  }
  const keys = createSigningKeyStore(sql, { overlapSeconds: config.SIGNING_KEY_OVERLAP_SECONDS });
  await keys.current();
  // Password guessing is slowed per account (core/auth/login-throttle.ts), counted in the database.
  const tokens = withLoginThrottle(createTokenService({
    sql,
    keys,
    users,
    ...(passwordHashCost ? { hashCost: passwordHashCost } : {}),
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  }), createLoginThrottle({ sql }));
  return {
    users,
    directory: createUserDirectory(sql),
    keys,
    tokens,
    verifier: createLocalAccessTokenVerifier(keys),
    isUserActive: createActiveUserCheck(users),
  };
}
