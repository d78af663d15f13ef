import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, createAccessTokenVerifier, type AccessTokenVerifier } from '../../../shared/auth/access-token-verifier.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../shared/contracts/auth.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const KID = 'test-key-1';
let privateKey: CryptoKey;
let otherPrivateKey: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  privateKey = pair.privateKey;
  otherPrivateKey = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' }] };
});

const claims = { sub: 'user-1', role: 'user', username: 'alice' };
const encoder = new TextEncoder();

function token(options: { payload?: JWTPayload; kid?: string; key?: CryptoKey | Uint8Array; alg?: string; expiresIn?: string | number } = {}) {
  return new SignJWT(options.payload ?? claims)
    .setProtectedHeader({ alg: options.alg ?? 'EdDSA', kid: options.kid ?? KID, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setJti('jti-1')
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(options.key ?? privateKey);
}

const base64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** Verifies `jwt` expecting a 401 AppError with a WWW-Authenticate header and a detail that does not echo the token. */
async function rejection(verifier: AccessTokenVerifier, jwt: string): Promise<AppError> {
  const error = await verifier.verify(jwt).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('unauthorized');
  expect(appError.status).toBe(401);
  expect(appError.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  expect(appError.detail).toEqual(expect.any(String));
  if (jwt.length > 0) {
    expect(appError.detail).not.toContain(jwt);
    for (const part of jwt.split('.').filter((segment) => segment.length > 8)) expect(appError.detail).not.toContain(part);
  }
  return appError;
}

describe('createAccessTokenVerifier with a key set', () => {
  it('returns the claims of a valid EdDSA token', async () => {
    const verified = await createAccessTokenVerifier({ keys: jwks }).verify(await token());
    expect(verified).toEqual({ sub: 'user-1', role: 'user', username: 'alice', jti: 'jti-1', iat: expect.any(Number), exp: expect.any(Number) });
    expect(verified.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('accepts a key-lookup function as well as a static key set', async () => {
    const getKey = async () => crypto.subtle.importKey('jwk', jwks.keys[0]!, { name: 'Ed25519' }, false, ['verify']);
    expect(await createAccessTokenVerifier({ keys: getKey }).verify(await token())).toMatchObject({ sub: 'user-1' });
  });

  it('refuses an expired token beyond the clock tolerance', async () => {
    const expired = await token({ expiresIn: Math.floor(Date.now() / 1000) - 30 });
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), expired)).detail).toMatch(/expired/);
    // Within a generous tolerance the same token still passes, so the refusal above is about expiry.
    await expect(createAccessTokenVerifier({ keys: jwks, clockToleranceSeconds: 60 }).verify(expired)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await token()).split('.');
    const forged = `${header}.${base64url({ ...claims, role: 'super_admin', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: 9_999_999_999 })}.${signature}`;
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), forged)).detail).toMatch(/signature/);
  });

  it('refuses a token signed by another key under a known kid', async () => {
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), await token({ key: otherPrivateKey }))).detail).toMatch(/signature/);
  });

  it('refuses a token for another audience', async () => {
    const wrongAudience = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: KID, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience('another-service')
      .setIssuedAt()
      .setJti('jti-1')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), wrongAudience)).detail).toMatch(/audience/);
    expect((await rejection(createAccessTokenVerifier({ keys: jwks, audience: 'someone-else' }), await token())).detail).toMatch(/audience/);
  });

  it('refuses a token from another issuer', async () => {
    const wrongIssuer = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: KID, typ: 'JWT' })
      .setIssuer('https://evil.example')
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setJti('jti-1')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), wrongIssuer)).detail).toMatch(/issuer/);
  });

  it('refuses a token without a role, or with an unknown role', async () => {
    const verifier = createAccessTokenVerifier({ keys: jwks });
    expect((await rejection(verifier, await token({ payload: { sub: 'user-1' } }))).detail).toMatch(/claims/);
    expect((await rejection(verifier, await token({ payload: { sub: 'user-1', role: 'root' } }))).detail).toMatch(/claims/);
    expect((await rejection(verifier, await token({ payload: { sub: 'user-1', role: 'Admin' } }))).detail).toMatch(/claims/);
  });

  it('refuses a hand-built alg:none token', async () => {
    const payload = { ...claims, role: 'super_admin', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 };
    const unsecured = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
    await rejection(createAccessTokenVerifier({ keys: jwks }), unsecured);
  });

  it("refuses an HS256 token HMAC-signed with the public key's bytes (algorithm confusion)", async () => {
    const publicJwk = jwks.keys[0]!;
    for (const keyBytes of [encoder.encode(JSON.stringify(publicJwk)), encoder.encode(publicJwk.x!)]) {
      const confused = await token({ alg: 'HS256', key: keyBytes });
      expect((await rejection(createAccessTokenVerifier({ keys: jwks }), confused)).detail).toMatch(/algorithm/);
    }
  });

  it('refuses an HS256 token signed with any secret when only a key set is configured', async () => {
    const anySecret = await token({ alg: 'HS256', key: encoder.encode('any-shared-secret-at-least-32-bytes!') });
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), anySecret)).detail).toMatch(/algorithm/);
  });

  it('refuses a token with an unknown kid', async () => {
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), await token({ kid: 'rotated-away' }))).detail).toMatch(/unknown key/);
  });

  it.each(['', 'not-a-token', 'a.b.c', 'eyJhbGciOiJFZERTQSJ9.e30'])('refuses malformed token %j', async (malformed) => {
    expect((await rejection(createAccessTokenVerifier({ keys: jwks }), malformed)).detail).toMatch(/malformed|missing/);
  });

  it('narrows algorithms when asked and refuses options outside the allowed set', async () => {
    const es256Only = createAccessTokenVerifier({ keys: jwks, algorithms: ['ES256'] });
    expect((await rejection(es256Only, await token())).detail).toMatch(/algorithm/);
    expect(() => createAccessTokenVerifier({ keys: jwks, algorithms: ['HS256'] })).toThrow(/subset of EdDSA, ES256/);
    expect(() => createAccessTokenVerifier({ keys: new Uint8Array(32), algorithms: ['EdDSA'] })).toThrow(/subset of HS256/);
  });
});

describe('createAccessTokenVerifier with an HS256 secret', () => {
  const secret = encoder.encode('a-test-secret-of-at-least-32-bytes!!');

  it('accepts an HS256 token signed with the secret', async () => {
    expect(await createAccessTokenVerifier({ keys: secret }).verify(await token({ alg: 'HS256', key: secret }))).toEqual({
      sub: 'user-1',
      role: 'user',
      username: 'alice',
      jti: 'jti-1',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
  });

  it('refuses an HS256 token signed with another secret, and an EdDSA token', async () => {
    const verifier = createAccessTokenVerifier({ keys: secret });
    const otherSecret = await token({ alg: 'HS256', key: encoder.encode('another-secret-of-at-least-32-bytes!') });
    expect((await rejection(verifier, otherSecret)).detail).toMatch(/signature/);
    expect((await rejection(verifier, await token())).detail).toMatch(/algorithm/);
  });
});

describe('bearerToken', () => {
  it('extracts the token', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc.def-_ghi')).toBe('abc.def-_ghi');
  });

  it.each([null, undefined, '', 'Basic x', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'Token abc'])('throws unauthorized for %j', (header) => {
    let thrown: unknown;
    try {
      bearerToken(header);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'unauthorized', status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
  });
});
