import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AccessClaimsSchema, TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessClaims } from '../contracts/auth.ts';
import { AppError } from '../errors/app-error.ts';

/** Asymmetric algorithms APFA signs with. `none` and HMAC are never accepted with a key set. */
export const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256'] as const;
/** The only algorithm accepted with a shared secret. */
export const SECRET_ALGORITHMS = ['HS256'] as const;
export type AccessTokenAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number] | (typeof SECRET_ALGORITHMS)[number];

export type VerifiedAccessClaims = AccessClaims & { jti?: string; exp: number };

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccessClaims>;
}

export const unauthorized = (detail: string): AppError =>
  new AppError('unauthorized', { detail, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });

/** A short reason safe to show the client; never the token or key material. */
export function accessTokenErrorReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token is for a different audience.';
    if (error.claim === 'iss') return 'The access token is from an unexpected issuer.';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'The access token is not valid yet.';
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

/** Checks the APFA claims of a verified payload. */
export function parseAccessClaims(payload: Record<string, unknown>): VerifiedAccessClaims {
  const claims = AccessClaimsSchema.safeParse(payload);
  if (!claims.success || typeof payload.exp !== 'number') throw unauthorized('The access token claims are not valid.');
  return {
    ...claims.data,
    exp: payload.exp,
    ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
  };
}

export interface AccessTokenVerifierOptions {
  /** A key set (remote via jose's createRemoteJWKSet, or static), or an HS256 secret. */
  keys: JWTVerifyGetKey | JSONWebKeySet | Uint8Array;
  issuer?: string;
  audience?: string;
  /** Narrows the accepted algorithms: a subset of EdDSA/ES256 for a key set, HS256 for a secret. */
  algorithms?: readonly AccessTokenAlgorithm[];
  clockToleranceSeconds?: number;
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
 * secret is configured), issuer, audience, expiry and role. Every token failure is a 401
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
  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0) throw unauthorized('The access token is missing.');
      try {
        const verifyOptions = {
          issuer,
          audience,
          algorithms,
          requiredClaims: ['sub', 'exp'],
          clockTolerance: options.clockToleranceSeconds ?? 5,
          ...(options.now ? { currentDate: new Date(options.now()) } : {}),
        };
        const { payload } =
          key instanceof Uint8Array ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
        return parseAccessClaims(payload as Record<string, unknown>);
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
