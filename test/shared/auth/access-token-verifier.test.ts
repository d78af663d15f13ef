import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, createAccessTokenVerifier } from '../../../shared/auth/access-token-verifier.ts';
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

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('unauthorized');
  expect(appError.status).toBe(401);
  expect(appError.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  return appError;
}

describe('createAccessTokenVerifier', () => {
  it('returns the claims of a valid EdDSA token', async () => {
    const verified = await createAccessTokenVerifier({ keys: jwks }).verify(await token());
    expect(verified).toEqual({ sub: 'user-1', role: 'user', username: 'alice', jti: 'jti-1', exp: expect.any(Number) });
  });

  it('accepts a key-lookup function as well as a static key set', async () => {
    const getKey = async () => crypto.subtle.importKey('jwk', jwks.keys[0]!, { name: 'Ed25519' }, false, ['verify']);
    expect(await createAccessTokenVerifier({ keys: getKey }).verify(await token())).toMatchObject({ sub: 'user-1' });
  });

  it('refuses an expired token beyond the clock tolerance', async () => {
    const expired = await token({ expiresIn: Math.floor(Date.now() / 1000) - 30 });
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(expired));
    expect(error.detail).toMatch(/expired/);
    // Within a generous tolerance the same token still passes.
    await expect(createAccessTokenVerifier({ keys: jwks, clockToleranceSeconds: 60 }).verify(expired)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await token()).split('.');
    const forged = `${header}.${base64url({ ...claims, role: 'super_admin', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: 9_999_999_999 })}.${signature}`;
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(forged));
    expect(error.detail).toMatch(/signature/);
    expect(error.detail).not.toContain(forged);
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(await token({ key: otherPrivateKey })));
    expect(error.detail).toMatch(/signature/);
  });

  it('refuses a token for another audience', async () => {
    const error = await rejection(createAccessTokenVerifier({ keys: jwks, audience: 'someone-else' }).verify(await token()));
    expect(error.detail).toMatch(/audience/);
  });

  it('refuses a token from another issuer', async () => {
    const error = await rejection(createAccessTokenVerifier({ keys: jwks, issuer: 'evil-issuer' }).verify(await token()));
    expect(error.detail).toMatch(/issuer/);
  });

  it('refuses an unsecured alg:none token', async () => {
    const payload = { ...claims, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 };
    const unsecured = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(unsecured));
    expect(error.detail).not.toContain(unsecured);
  });

  it('refuses an HS256 token when only a key set is configured (algorithm confusion)', async () => {
    // The classic attack: HMAC-sign with the public key's bytes and hope the verifier uses it as a secret.
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const confused = await token({ alg: 'HS256', key: publicKeyBytes });
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(confused));
    expect(error.detail).toMatch(/algorithm/);
  });

  it('refuses a token with an unknown kid', async () => {
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(await token({ kid: 'rotated-away' })));
    expect(error.detail).toMatch(/unknown key/);
  });

  it('refuses a token without a role, or with an unknown role', async () => {
    const verifier = createAccessTokenVerifier({ keys: jwks });
    expect((await rejection(verifier.verify(await token({ payload: { sub: 'user-1' } })))).detail).toMatch(/claims/);
    expect((await rejection(verifier.verify(await token({ payload: { sub: 'user-1', role: 'root' } })))).detail).toMatch(/claims/);
  });

  it.each(['', 'not-a-token', 'a.b.c', 'eyJhbGciOiJFZERTQSJ9.e30'])('refuses malformed token %j', async (malformed) => {
    const error = await rejection(createAccessTokenVerifier({ keys: jwks }).verify(malformed));
    expect(error.detail).toMatch(/malformed|missing/);
  });

  it('accepts HS256 only when given a secret', async () => {
    const secret = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!');
    const verifier = createAccessTokenVerifier({ keys: secret });
    expect(await verifier.verify(await token({ alg: 'HS256', key: secret }))).toMatchObject({ role: 'user' });
    expect((await rejection(verifier.verify(await token()))).detail).toMatch(/algorithm/);
  });

  it('narrows algorithms when asked and refuses options outside the allowed set', async () => {
    const es256Only = createAccessTokenVerifier({ keys: jwks, algorithms: ['ES256'] });
    expect((await rejection(es256Only.verify(await token()))).detail).toMatch(/algorithm/);
    expect(() => createAccessTokenVerifier({ keys: jwks, algorithms: ['HS256'] })).toThrow(/subset of EdDSA, ES256/);
    expect(() => createAccessTokenVerifier({ keys: new Uint8Array(32), algorithms: ['EdDSA'] })).toThrow(/subset of HS256/);
  });
});

describe('bearerToken', () => {
  it('extracts the token', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc.def-_ghi')).toBe('abc.def-_ghi');
  });

  it.each([null, undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'Token abc'])('throws unauthorized for %j', (header) => {
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
