import type { Migration } from './migration.ts';

/**
 * A per-user token epoch: raised on every change that must end the user's access tokens
 * (disable, enable, role change, password reset). Tokens carry the epoch they were issued
 * under; core refuses a token whose epoch is older than the user's, and core mirrors the epoch to
 * Redis so the edge refuses it too (docs/security.md, "User state changes").
 */
export const userTokenEpoch: Migration = {
  version: 3,
  name: 'user-token-epoch',
  up: `ALTER TABLE users ADD COLUMN token_epoch integer NOT NULL DEFAULT 0;`,
};
