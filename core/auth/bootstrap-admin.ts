import { randomBytes } from 'node:crypto';
import { isAppError } from '../../shared/errors/app-error.ts';
import { verifyPassword } from './password-hash.ts';
import type { UserRepository } from './user-repository.ts';

export interface BootstrapAdminOptions {
  users: Pick<UserRepository, 'count' | 'create' | 'findCredentials'>;
  /** The first admin's password (APFA_ADMIN_PASSWORD); generated when absent. */
  password?: string;
  generate?: () => string;
}

export interface BootstrapAdminResult {
  created: boolean;
  /** Only when this call created the admin with a generated password: show it once, never log it. */
  generatedPassword?: string;
  /**
   * A password was given but users already exist and `admin`'s password is another one (or
   * `admin` is gone): the given password was not applied. The database is the source of truth
   * for existing accounts (a reset through the audited admin API must survive a restart).
   */
  passwordIgnored?: true;
}

/** Name of the first user, who gets the super_admin role. */
export const BOOTSTRAP_USERNAME = 'admin';

/** 18 random bytes as base64url: 24 characters, 144 bits. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

/**
 * Creates the first user (`admin`, super_admin) when there are no users at all. Two instances
 * starting together race on the unique username; the loser reports `created: false`.
 */
export async function ensureBootstrapAdmin(options: BootstrapAdminOptions): Promise<BootstrapAdminResult> {
  const { users, password, generate = generatePassword } = options;
  if ((await users.count()) > 0) return password === undefined ? { created: false } : checkGivenPassword(users, password);
  const chosen = password ?? generate();
  try {
    await users.create({ username: BOOTSTRAP_USERNAME, password: chosen, role: 'super_admin' });
  } catch (error) {
    if (isAppError(error) && error.code === 'conflict') return { created: false };
    throw error;
  }
  return password === undefined ? { created: true, generatedPassword: chosen } : { created: true };
}

async function checkGivenPassword(users: Pick<UserRepository, 'findCredentials'>, password: string): Promise<BootstrapAdminResult> {
  const credentials = await users.findCredentials(BOOTSTRAP_USERNAME);
  if (credentials && (await verifyPassword(password, credentials.passwordHash))) return { created: false };
  return { created: false, passwordIgnored: true };
}
