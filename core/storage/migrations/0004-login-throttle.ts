import type { Migration } from './migration.ts';

/**
 * Failed sign-ins per account (core/auth/login-throttle.ts). Keyed by a SHA-256 of the
 * lower-cased username, so names an attacker makes up are never stored as sent; rows whose last
 * failure is a day old are deleted as new failures come in.
 */
export const loginThrottle: Migration = {
  version: 4,
  name: 'login-throttle',
  up: `
CREATE TABLE login_throttle (
  account_key text PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  blocked_until timestamptz
);
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
`,
};
