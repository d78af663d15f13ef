/**
 * How a user state change reaches every place that recognises the user. Core raises the user's
 * token epoch (users.token_epoch) on disable, enable, role change and password reset, and writes
 * it to Redis under {@link userTokenEpochKey} for the access-token lifetime; tokens carry the epoch
 * they were issued under (claim `epoch`). Core compares with the database, the edge with the Redis
 * record it reads in the same round trip as its cache entry. Web-standard: both tiers import it.
 */

/** Redis key of a user's current token epoch: `<prefix>auth:epoch:<userId>`. */
export const userTokenEpochKey = (prefix: string, userId: string): string => `${prefix}auth:epoch:${userId}`;

/**
 * How long core keeps the Redis record after a change: the access-token lifetime plus a minute.
 * Every token issued under an older epoch was issued before the change (or, racing it, within
 * moments after) and has expired by then, so an absent record means "nothing to refuse".
 */
export const userTokenEpochTtlSeconds = (accessTokenTtlSeconds: number): number => accessTokenTtlSeconds + 60;

/** The epoch a token was issued under; tokens without the claim predate epochs (0). */
export const tokenEpoch = (claims: { epoch?: number | undefined }): number => claims.epoch ?? 0;

/**
 * Whether a token's epoch is older than the recorded one (Redis text or the database number).
 * Nothing recorded, or a record that is not a non-negative integer, refuses nothing: the record
 * only ever tightens what the signature and expiry already allow.
 */
export function isEpochRevoked(claims: { epoch?: number | undefined }, recorded: unknown): boolean {
  if (recorded === null || recorded === undefined) return false;
  const current = typeof recorded === 'number' ? recorded : typeof recorded === 'string' && /^\d{1,15}$/.test(recorded) ? Number(recorded) : Number.NaN;
  return Number.isSafeInteger(current) && tokenEpoch(claims) < current;
}
