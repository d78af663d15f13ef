import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKeyStore } from '../../../core/auth/signing-keys.ts';
import { openMigrated, sqlAdapters, type OpenedDatabase } from '../storage/sql-adapters.ts';

const DAY_MS = 24 * 3600 * 1000;

describe.each(sqlAdapters)('signing keys on $name', (adapter) => {
  let database: OpenedDatabase;
  let clock = Date.now();
  const now = () => clock;

  beforeAll(async () => {
    database = await openMigrated(adapter);
  });
  afterAll(async () => {
    await database?.close();
  });

  const currentCount = async () =>
    (await database.sql.query<{ count: number }>('SELECT count(*)::int AS count FROM signing_keys WHERE retired_at IS NULL')).rows[0]?.count;

  it('creates one Ed25519 key when instances start together, and every instance uses it', async () => {
    const stores = [createSigningKeyStore(database.sql, { now }), createSigningKeyStore(await database.openAnother(), { now })];
    const keys = await Promise.all([...stores, createSigningKeyStore(database.sql)].map((store) => store.current()));
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect(keys[0]?.algorithm).toBe('EdDSA');
    expect(await currentCount()).toBe(1);
    expect((await createSigningKeyStore(database.sql).current()).kid).toBe(keys[0]?.kid);
  });

  it('publishes only public members with kid, alg and use', async () => {
    const store = createSigningKeyStore(database.sql, { now });
    const { kid } = await store.current();
    const { keys } = await store.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid, alg: 'EdDSA', use: 'sig' });
    expect(JSON.stringify(keys)).not.toContain('"d"');
  });

  it('rotates: the new key signs, the old one stays published during the overlap, then drops out', async () => {
    const store = createSigningKeyStore(database.sql, { now, overlapSeconds: 3600 });
    const old = await store.current();
    const oldToken = await new SignJWT({}).setProtectedHeader({ alg: old.algorithm, kid: old.kid }).setExpirationTime('2h').sign(old.privateKey);

    const { kid: newKid } = await store.rotate();
    expect(newKid).not.toBe(old.kid);
    expect((await store.current()).kid).toBe(newKid);
    expect(await currentCount()).toBe(1);
    const published = (await store.jwks()).keys.map((key) => key.kid);
    expect(published).toEqual([newKid, old.kid]);
    await expect(jwtVerify(oldToken, createLocalJWKSet(await store.jwks()))).resolves.toBeTruthy();

    clock += 3600 * 1000 + 1;
    expect((await store.jwks({ refresh: true })).keys.map((key) => key.kid)).toEqual([newKid]);
    await expect(jwtVerify(oldToken, createLocalJWKSet(await store.jwks()))).rejects.toThrow();
  });

  it('serialises concurrent rotations so exactly one key stays current', async () => {
    const stores = [createSigningKeyStore(database.sql, { now }), createSigningKeyStore(await database.openAnother(), { now })];
    const rotated = await Promise.all(stores.map((store) => store.rotate()));
    expect(new Set(rotated.map((result) => result.kid)).size).toBe(2);
    expect(await currentCount()).toBe(1);
    clock += DAY_MS;
  });

  it('makes ES256 keys when asked', async () => {
    const store = createSigningKeyStore(database.sql, { algorithm: 'ES256', now });
    await store.rotate();
    const key = await store.current();
    expect(key.algorithm).toBe('ES256');
    expect((await store.jwks()).keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' });
  });
});
