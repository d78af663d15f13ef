import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors/app-error.ts';
import type { SqlClient } from '../ports/sql-client.ts';

/** The per-account limits: free attempts, then a wait that doubles with every further failure. */
export interface LoginThrottlePolicy {
  /** Failed sign-ins allowed before any wait (default 5). */
  freeAttempts: number;
  /** The longest wait between two attempts, in seconds (default 900: 15 minutes). */
  maxBackoffSeconds: number;
  /** A day without a failure starts the count again (default 86,400 s). */
  forgetAfterSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE_POLICY: LoginThrottlePolicy = { freeAttempts: 5, maxBackoffSeconds: 900, forgetAfterSeconds: 86_400 };

/** Whether a sign-in may go ahead; when not, how long until it may. */
export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed sign-ins counted per account in the database (PostgreSQL or PGlite, table
 * `login_throttle`), so every core process sees the same count. After `freeAttempts` failures an
 * account waits 1 s, then 2 s, 4 s … up to `maxBackoffSeconds` before each further attempt; an
 * attempt in the wait is refused without checking the password, even a right one. A success
 * clears the count. An attacker can slow down the accounts they guess at, never lock out others.
 */
export interface LoginThrottle {
  /** Counts this attempt as a failure up front (so parallel guesses are counted too) unless the account is waiting. */
  begin(username: string): Promise<LoginAttempt>;
  /** The password was right: forget the account's failures. */
  succeeded(username: string): Promise<void>;
}

/** The account's key: SHA-256 of the lower-cased name, never the name a client sent. */
const accountKey = (username: string): string => createHash('sha256').update(username.trim().toLowerCase()).digest('base64url');

export function createLoginThrottle(options: { sql: Pick<SqlClient, 'query'>; policy?: Partial<LoginThrottlePolicy>; now?: () => number }): LoginThrottle {
  const { sql, now = Date.now } = options;
  const policy = { ...DEFAULT_LOGIN_THROTTLE_POLICY, ...options.policy };
  return {
    async begin(username) {
      const at = new Date(now());
      const key = accountKey(username);
      const forgetBefore = new Date(at.getTime() - policy.forgetAfterSeconds * 1000);
      // One statement, so concurrent attempts are counted one by one. While the account waits the
      // row is left as it is and no row comes back: the attempt is refused.
      const { rows } = await sql.query<{ failures: number }>(
        `INSERT INTO login_throttle AS t (account_key, failures, last_failure_at, blocked_until)
         VALUES ($1, 1, $2, CASE WHEN 1 >= $4::int THEN $2::timestamptz + make_interval(secs => 1) END)
         ON CONFLICT (account_key) DO UPDATE SET
           failures = CASE WHEN t.last_failure_at < $3 THEN 1 ELSE t.failures + 1 END,
           blocked_until = CASE
             WHEN t.last_failure_at < $3 THEN CASE WHEN 1 >= $4::int THEN $2::timestamptz + make_interval(secs => 1) END
             WHEN t.failures + 1 >= $4::int THEN $2::timestamptz + make_interval(secs => least(power(2, t.failures + 1 - $4::int), $5::int))
           END,
           last_failure_at = $2
         WHERE t.blocked_until IS NULL OR t.blocked_until <= $2
         RETURNING t.failures`,
        [key, at, forgetBefore, policy.freeAttempts, policy.maxBackoffSeconds],
      );
      if (rows.length === 0) {
        const blocked = await sql.query<{ blocked_until: Date | null }>('SELECT blocked_until FROM login_throttle WHERE account_key = $1', [key]);
        const until = blocked.rows[0]?.blocked_until?.getTime() ?? at.getTime();
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - at.getTime()) / 1000)) };
      }
      await sql.query('DELETE FROM login_throttle WHERE last_failure_at < $1', [forgetBefore]);
      return { allowed: true };
    },
    async succeeded(username) {
      await sql.query('DELETE FROM login_throttle WHERE account_key = $1', [accountKey(username)]);
    },
  };
}

/** The 429 for an attempt made while the account waits. */
export function loginThrottled(retryAfterSeconds: number): AppError {
  return new AppError('login-throttled', {
    detail: `Too many failed sign-ins for this account; try again in ${retryAfterSeconds} s.`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/**
 * The password grant behind the throttle: refused with 429 `login-throttled` and Retry-After
 * while the account waits, otherwise checked as before, a success clearing the count.
 */
export function withLoginThrottle<T extends { passwordGrant(username: string, password: string): Promise<R> }, R>(tokens: T, throttle: LoginThrottle): T {
  return {
    ...tokens,
    async passwordGrant(username: string, password: string): Promise<R> {
      const attempt = await throttle.begin(username);
      if (!attempt.allowed) throw loginThrottled(attempt.retryAfterSeconds);
      const granted = await tokens.passwordGrant(username, password);
      await throttle.succeeded(username);
      return granted;
    },
  };
}
