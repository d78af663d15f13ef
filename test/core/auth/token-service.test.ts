import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, TEST_ONLY_PASSWORD_HASH_COST } from '../../../core/auth/password-hash.ts';
import { createSigningKeyStore, type SigningKeyStore } from '../../../core/auth/signing-keys.ts';
import { createLocalAccessTokenVerifier, createTokenService, type TokenService } from '../../../core/auth/token-service.ts';
import { createUserRepository, type User, type UserRepository } from '../../../core/auth/user-repository.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../../shared/contracts/auth.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe.each(sqlAdapters)('token service on $name', (adapter) => {
  let database: OpenedDatabase;
  let users: UserRepository;
  let keys: SigningKeyStore;
  let tokens: TokenService;
  let alice: User;
  let clock = Date.now();
  const now = () => clock;

  beforeAll(async () => {
    database = await openMigrated(adapter);
    users = createUserRepository(database.sql, { hashCost: TEST_ONLY_PASSWORD_HASH_COST });
    keys = createSigningKeyStore(database.sql, { now });
    tokens = createTokenService({ sql: database.sql, keys, users, now, hashCost: TEST_ONLY_PASSWORD_HASH_COST });
    alice = await users.create({ username: 'alice', password: 'alice-password', role: 'financial_advisor' });
  });
  afterAll(async () => {
    await database?.close();
  });

  const tokenRows = async (userId: string) =>
    (
      await database.sql.query<{ id: string; family_id: string; revoked_at: Date | null; replaced_by: string | null; token_hash: string }>(
        'SELECT id, family_id, revoked_at, replaced_by, token_hash FROM refresh_tokens WHERE user_id = $1 ORDER BY created_at, id',
        [userId],
      )
    ).rows;

  it('issues an EdDSA access token that verifies with the JWKS', async () => {
    const response = await tokens.passwordGrant('Alice', 'alice-password');
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const header = decodeProtectedHeader(response.access_token);
    expect(header).toEqual({ alg: 'EdDSA', kid: (await keys.current()).kid, typ: 'JWT' });
    const { payload } = await jwtVerify(response.access_token, createLocalJWKSet(await keys.jwks()), {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      currentDate: new Date(clock),
    });
    expect(payload).toMatchObject({ sub: alice.id, role: 'financial_advisor', username: 'alice', epoch: 0 });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    expect(payload.iat).toBe(Math.floor(clock / 1000));
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await createLocalAccessTokenVerifier(keys, { now }).verify(response.access_token)).toEqual({
      sub: alice.id,
      role: 'financial_advisor',
      username: 'alice',
      epoch: 0,
    });
  });

  it('carries the user\'s current token epoch, in password and refresh grants alike', async () => {
    const judy = await users.create({ username: 'judy', password: 'judy-first-password', role: 'user' });
    const first = await tokens.passwordGrant('judy', 'judy-first-password');
    expect(decodeJwt(first.access_token).epoch).toBe(0);
    await users.setRole(judy.id, 'financial_advisor');
    const refreshed = await tokens.refreshGrant(first.refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ epoch: 1, role: 'financial_advisor' });
    await users.setPassword(judy.id, 'judy-second-password');
    expect(decodeJwt((await tokens.passwordGrant('judy', 'judy-second-password')).access_token).epoch).toBe(2);
  });

  it('re-hashes a password stored at a lower cost on a successful login, and only then', async () => {
    const kate = await users.create({ username: 'kate', password: 'kate-first-password', role: 'user' });
    const weakHash = await hashPassword('kate-first-password', { log2N: 10, r: 1, p: 1 });
    await database.sql.query('UPDATE users SET password_hash = $2 WHERE id = $1', [kate.id, weakHash]);
    await expect(tokens.passwordGrant('kate', 'wrong-password-entirely')).rejects.toMatchObject({ code: 'invalid-credentials' });
    expect((await users.findCredentials('kate'))?.passwordHash).toBe(weakHash);
    await tokens.passwordGrant('kate', 'kate-first-password');
    const upgraded = (await users.findCredentials('kate'))?.passwordHash ?? '';
    expect(upgraded).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(upgraded).not.toBe(weakHash);
    await expect(tokens.passwordGrant('kate', 'kate-first-password')).resolves.toMatchObject({ token_type: 'Bearer' });
    expect((await users.findById(kate.id))?.tokenEpoch).toBe(0);
  });

  it('stores the refresh token only as its SHA-256 hash', async () => {
    const { refresh_token } = await tokens.passwordGrant('alice', 'alice-password');
    expect(Buffer.from(refresh_token, 'base64url')).toHaveLength(32);
    const hashes = (await tokenRows(alice.id)).map((row) => row.token_hash);
    expect(hashes).toContain(createHash('sha256').update(refresh_token).digest('base64url'));
    expect(hashes).not.toContain(refresh_token);
  });

  it('refuses a wrong password, an unknown user and a disabled user alike', async () => {
    const bob = await users.create({ username: 'bob', password: 'bob-password', role: 'user' });
    await users.setDisabled(bob.id, true);
    const errors = await Promise.all([
      failure(tokens.passwordGrant('alice', 'wrong-password')),
      failure(tokens.passwordGrant('nobody', 'alice-password')),
      failure(tokens.passwordGrant('bob', 'bob-password')),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'invalid-credentials', status: 401, detail: (errors[0] as AppError).detail });
    }
  });

  it('rotates a refresh token once; reusing it revokes the whole family', async () => {
    const first = await tokens.passwordGrant('alice', 'alice-password');
    const second = await tokens.refreshGrant(first.refresh_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token).sub).toBe(alice.id);
    const third = await tokens.refreshGrant(second.refresh_token);

    const replay = await failure(tokens.refreshGrant(first.refresh_token));
    expect(replay).toMatchObject({ code: 'unauthorized', status: 401 });
    // The thief's replay also ends the legitimate holder's session.
    await expect(tokens.refreshGrant(third.refresh_token)).rejects.toMatchObject({ code: 'unauthorized' });

    const familyId = (await tokenRows(alice.id)).find((row) => row.token_hash === createHash('sha256').update(first.refresh_token).digest('base64url'))?.family_id;
    const family = (await tokenRows(alice.id)).filter((row) => row.family_id === familyId);
    expect(family).toHaveLength(3);
    expect(family.every((row) => row.revoked_at !== null)).toBe(true);
    expect(family.filter((row) => row.replaced_by !== null)).toHaveLength(2);
    // Other sessions of the same user are untouched.
    const other = await tokens.passwordGrant('alice', 'alice-password');
    await expect(tokens.refreshGrant(other.refresh_token)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('refuses unknown, malformed and expired refresh tokens', async () => {
    await expect(tokens.refreshGrant('x'.repeat(43))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(tokens.refreshGrant('short')).rejects.toMatchObject({ code: 'unauthorized' });
    const shortLived = createTokenService({ sql: database.sql, keys, users, now, refreshTtlSeconds: 60 });
    const { refresh_token } = await shortLived.passwordGrant('alice', 'alice-password');
    const saved = clock;
    clock += 61_000;
    try {
      await expect(shortLived.refreshGrant(refresh_token)).rejects.toMatchObject({ code: 'unauthorized' });
    } finally {
      clock = saved;
    }
  });

  it("refuses a disabled user's refresh token", async () => {
    const carol = await users.create({ username: 'carol', password: 'carol-password', role: 'user' });
    const { refresh_token } = await tokens.passwordGrant('carol', 'carol-password');
    await users.setDisabled(carol.id, true);
    await expect(tokens.refreshGrant(refresh_token)).rejects.toMatchObject({ code: 'unauthorized' });
    await users.setDisabled(carol.id, false);
    await expect(tokens.refreshGrant(refresh_token)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('revokes every refresh token of a user', async () => {
    const dave = await users.create({ username: 'dave', password: 'dave-password', role: 'user' });
    const sessions = await Promise.all([tokens.passwordGrant('dave', 'dave-password'), tokens.passwordGrant('dave', 'dave-password')]);
    expect(await tokens.revokeAllForUser(dave.id)).toBe(2);
    for (const session of sessions) await expect(tokens.refreshGrant(session.refresh_token)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await tokens.revokeAllForUser(dave.id)).toBe(0);
  });

  it('keeps verifying tokens signed before a key rotation', async () => {
    const verifier = createLocalAccessTokenVerifier(keys, { now });
    const before = await tokens.passwordGrant('alice', 'alice-password');
    await verifier.verify(before.access_token);
    const { kid } = await keys.rotate();
    const after = await tokens.passwordGrant('alice', 'alice-password');
    expect(decodeProtectedHeader(after.access_token).kid).toBe(kid);
    expect(decodeProtectedHeader(before.access_token).kid).not.toBe(kid);
    await expect(verifier.verify(before.access_token)).resolves.toMatchObject({ sub: alice.id });
    await expect(verifier.verify(after.access_token)).resolves.toMatchObject({ sub: alice.id });
  });

  it('picks up a key rotated by another instance', async () => {
    const verifier = createLocalAccessTokenVerifier(keys, { now });
    await verifier.verify((await tokens.passwordGrant('alice', 'alice-password')).access_token);
    const otherInstance = createSigningKeyStore(await database.openAnother(), { now });
    await otherInstance.rotate();
    const otherTokens = createTokenService({ sql: database.sql, keys: otherInstance, users, now });
    const fromOther = await otherTokens.passwordGrant('alice', 'alice-password');
    await expect(verifier.verify(fromOther.access_token)).resolves.toMatchObject({ sub: alice.id });
  });

  it('rejects expired, foreign, tampered and malformed access tokens with invalid_token', async () => {
    const verifier = createLocalAccessTokenVerifier(keys, { now });
    const { access_token } = await tokens.passwordGrant('alice', 'alice-password');
    const key = await keys.current();
    const sign = (claims: Record<string, unknown>, audience = TOKEN_AUDIENCE) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: 'JWT' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(audience)
        .setSubject(alice.id)
        .setIssuedAt(Math.floor(clock / 1000))
        .setExpirationTime(Math.floor(clock / 1000) + 60)
        .setJti('00000000-0000-4000-8000-000000000000')
        .sign(key.privateKey);
    const [header, payload, signature] = access_token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(access_token), role: 'super_admin' })).toString('base64url');
    const cases: Array<[string, string | (() => Promise<string>)]> = [
      ['expired', access_token],
      ['tampered', `${header}.${forged}.${signature}`],
      ['wrong audience', () => sign({ role: 'user' }, 'someone-else')],
      ['unknown role', () => sign({ role: 'root' })],
      ['malformed', 'not.a.jwt'],
      ['empty', ''],
    ];
    for (const [name, token] of cases) {
      const saved = clock;
      if (name === 'expired') clock += 901_000;
      try {
        const error = await failure(verifier.verify(typeof token === 'string' ? token : await token()));
        expect(error, name).toBeInstanceOf(AppError);
        expect(error, name).toMatchObject({ code: 'unauthorized', headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
        expect((error as AppError).detail, name).not.toContain(payload ?? '');
      } finally {
        clock = saved;
      }
    }
  });
});
