import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AccessClaimsSchema, TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessClaims } from '../contracts/auth.ts';
import { AppError } from '../errors/app-error.ts';

/** Asymmetric algorithms APFA signs with. `none` and HMAC are never accepted with a key set. */
export const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256'] as const;
/** The only algorithm accepted with a shared secret. */
export const SECRET_ALGORITHMS = ['HS256'] as const;
export type AccessTokenAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number] | (typeof SECRET_ALGORITHMS)[number];

export type VerifiedAccessClaims = AccessClaims & { jti: string; iat: number; exp: number };

/** The longest an access token may live (exp − iat); core's ACCESS_TOKEN_TTL_SECONDS is capped at it. */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 900;
/** Clock skew tolerated between the issuer and a verifier, for exp, nbf and iat. */
export const ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenRules {
  /** Default {@link MAX_ACCESS_TOKEN_LIFETIME_SECONDS}. */
  maxLifetimeSeconds?: number;
  /** Default {@link ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS}. */
  clockToleranceSeconds?: number;
  now?: () => number;
}

/**
 * The jose `jwtVerify` checks every APFA verifier (core's and the edge's) applies besides the
 * key, issuer, audience and algorithms: header `typ: JWT`; `sub`, `iat`, `exp` and `jti` present;
 * `iat` not in the future and no older than the lifetime cap (`maxTokenAge`), within the skew.
 */
export function accessTokenVerifyOptions(rules: AccessTokenRules = {}) {
  return {
    typ: 'JWT',
    requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    maxTokenAge: rules.maxLifetimeSeconds ?? MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
    clockTolerance: rules.clockToleranceSeconds ?? ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
    ...(rules.now ? { currentDate: new Date(rules.now()) } : {}),
  };
}

/** Refuses a token minted to live longer than the cap (exp − iat), even while it is young. */
export function assertTokenLifetime(payload: Record<string, unknown>, rules: AccessTokenRules = {}): void {
  const max = rules.maxLifetimeSeconds ?? MAX_ACCESS_TOKEN_LIFETIME_SECONDS;
  const tolerance = rules.clockToleranceSeconds ?? ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS;
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > max + tolerance) {
    throw unauthorized(`Access tokens live at most ${max} seconds.`);
  }
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccessClaims>;
}

export const unauthorized = (detail: string): AppError =>
  new AppError('unauthorized', { detail, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });

/** A short reason safe to show the client; never the token or key material. */
export function accessTokenErrorReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'The access token is older than access tokens live.' : 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token is for a different audience.';
    if (error.claim === 'iss') return 'The access token is from an unexpected issuer.';
    if (error.claim === 'nbf') return 'The access token is not valid yet.';
    if (error.claim === 'iat') return error.reason === 'missing' ? "The access token's iat claim is missing." : 'The access token was issued in the future.';
    if (error.reason === 'missing') return `The access token's ${error.claim} claim is missing.`;
    return `The access token's ${error.claim} claim is not valid.`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'The access token was signed by an unknown key.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is not valid.';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'The access token uses an algorithm that is not accepted.';
  }
  return 'The access token is malformed.';
}

/** Errors that mean "the token is bad", as opposed to "the keys could not be fetched". */
export function isTokenError(error: unknown): boolean {
  return (
    error instanceof errors.JWTExpired ||
    error instanceof errors.JWTClaimValidationFailed ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  );
}

/** Checks the APFA claims and the lifetime cap of a payload whose signature and times jose verified. */
export function parseAccessClaims(payload: Record<string, unknown>, rules: AccessTokenRules = {}): VerifiedAccessClaims {
  assertTokenLifetime(payload, rules);
  const claims = AccessClaimsSchema.safeParse(payload);
  const { exp, iat, jti } = payload;
  if (!claims.success || typeof exp !== 'number' || typeof iat !== 'number' || typeof jti !== 'string' || jti.length === 0 || jti.length > 128) {
    throw unauthorized('The access token claims are not valid.');
  }
  return { ...claims.data, exp, iat, jti };
}

export interface AccessTokenVerifierOptions {
  /** A key set (remote via jose's createRemoteJWKSet, or static), or an HS256 secret. */
  keys: JWTVerifyGetKey | JSONWebKeySet | Uint8Array;
  issuer?: string;
  audience?: string;
  /** Narrows the accepted algorithms: a subset of EdDSA/ES256 for a key set, HS256 for a secret. */
  algorithms?: readonly AccessTokenAlgorithm[];
  clockToleranceSeconds?: number;
  /** Longest accepted exp − iat and token age; default {@link MAX_ACCESS_TOKEN_LIFETIME_SECONDS}. */
  maxLifetimeSeconds?: number;
  now?: () => number;
}

function acceptedAlgorithms(isSecret: boolean, requested: readonly AccessTokenAlgorithm[] | undefined): string[] {
  const allowed: readonly string[] = isSecret ? SECRET_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  if (requested === undefined) return [...allowed];
  const refused = requested.filter((algorithm) => !allowed.includes(algorithm));
  if (requested.length === 0 || refused.length > 0) {
    throw new AppError('internal', {
      detail: `Access-token algorithms must be a non-empty subset of ${allowed.join(', ')} for this kind of key; got ${requested.join(', ') || 'none'}.`,
    });
  }
  return [...requested];
}

/**
 * Verifies APFA access tokens: signature (EdDSA/ES256 against a JWKS, or HS256 only when a
 * secret is configured), `typ: JWT`, issuer, audience, expiry, `jti`, `iat` not in the future,
 * lifetime at most the cap ({@link accessTokenVerifyOptions}) and role. Every token failure is a 401
 * AppError whose detail is a short reason, never the token; a failure to fetch keys is
 * rethrown as is, for the caller to map to 503. Invalid options throw at wiring time.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const issuer = options.issuer ?? TOKEN_ISSUER;
  const audience = options.audience ?? TOKEN_AUDIENCE;
  const isSecret = options.keys instanceof Uint8Array;
  const key: JWTVerifyGetKey | Uint8Array =
    options.keys instanceof Uint8Array || typeof options.keys === 'function' ? options.keys : createLocalJWKSet(options.keys);
  const algorithms = acceptedAlgorithms(isSecret, options.algorithms);
  const rules: AccessTokenRules = {
    ...(options.maxLifetimeSeconds === undefined ? {} : { maxLifetimeSeconds: options.maxLifetimeSeconds }),
    ...(options.clockToleranceSeconds === undefined ? {} : { clockToleranceSeconds: options.clockToleranceSeconds }),
    ...(options.now ? { now: options.now } : {}),
  };
  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0) throw unauthorized('The access token is missing.');
      try {
        const verifyOptions = { issuer, audience, algorithms, ...accessTokenVerifyOptions(rules) };
        const { payload } =
          key instanceof Uint8Array ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
        return parseAccessClaims(payload as Record<string, unknown>, rules);
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (isTokenError(error)) throw unauthorized(accessTokenErrorReason(error));
        throw error;
      }
    },
  };
}

/** Extracts the token from `Authorization: Bearer <token>`; 401 when absent or malformed. */
export function bearerToken(header: string | null | undefined): string {
  if (!header) throw unauthorized('Send an access token: Authorization: Bearer <token>.');
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('The Authorization header must be "Bearer <token>".');
  return match[1];
}
