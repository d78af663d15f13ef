import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalAccessTokenVerifier } from '../../../core/auth/local-access-token-verifier.ts';
import type { JsonWebKeySet } from '../../../core/auth/signing-keys.ts';
import { createAccessTokenVerifier, MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '../../../shared/auth/access-token-verifier.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../shared/contracts/auth.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const KID = 'rules-key';
let privateKey: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' }] };
});

interface Shape {
  typ?: string | null;
  jti?: string | null;
  /** Seconds relative to now; null leaves iat out. */
  iat?: number | null;
  /** Seconds relative to now. */
  exp?: number;
}

/** A correctly signed token whose header and time claims follow `shape` (defaults: a normal 10-minute token). */
async function mint(shape: Shape = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { role: 'user', username: 'rules' };
  const typ = shape.typ === undefined ? 'JWT' : shape.typ;
  let builder = new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: KID, ...(typ === null ? {} : { typ }) })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject('user-rules')
    .setExpirationTime(now + (shape.exp ?? 600));
  const iat = shape.iat === undefined ? -5 : shape.iat;
  if (iat !== null) builder = builder.setIssuedAt(now + iat);
  const jti = shape.jti === undefined ? crypto.randomUUID() : shape.jti;
  if (jti !== null) builder = builder.setJti(jti);
  return builder.sign(privateKey);
}

const verifiers = () => [
  ['edge (shared verifier)', createAccessTokenVerifier({ keys: jwks })],
  ['core (local verifier)', createLocalAccessTokenVerifier({ jwks: async () => jwks as unknown as JsonWebKeySet })],
] as const;

async function refusal(verify: Promise<unknown>): Promise<string> {
  const error = await verify.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(401);
  return (error as AppError).detail ?? '';
}

describe('both tiers apply one set of access-token rules', () => {
  it('accept a normal token, and one at exactly the lifetime cap', async () => {
    for (const [, verifier] of verifiers()) {
      await expect(verifier.verify(await mint())).resolves.toMatchObject({ sub: 'user-rules', role: 'user' });
      await expect(verifier.verify(await mint({ iat: 0, exp: MAX_ACCESS_TOKEN_LIFETIME_SECONDS }))).resolves.toMatchObject({ sub: 'user-rules' });
    }
  });

  it.each([
    ['no typ header', { typ: null }, /typ|malformed/],
    ['a typ other than JWT', { typ: 'at+jwt' }, /typ|malformed/],
    ['no jti', { jti: null }, /jti/],
    ['no iat', { iat: null }, /iat/],
    ['an iat in the future (beyond the skew)', { iat: 120, exp: 600 }, /future/],
    ['a lifetime over the cap (exp − iat = 1 day)', { iat: -5, exp: 24 * 3600 }, /at most 900 seconds/],
    ['a lifetime just over the cap', { iat: 0, exp: MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 60 }, /at most 900 seconds/],
    ['an iat older than the cap (still unexpired)', { iat: -(MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 60), exp: 30 }, /older|at most/],
  ] as const)('refuse a token with %s', async (_name, shape, detail) => {
    for (const [tier, verifier] of verifiers()) {
      expect(await refusal(verifier.verify(await mint(shape))), tier).toMatch(detail);
    }
  });
});
