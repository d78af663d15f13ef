import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, PASSWORD_HASH_COST, TEST_ONLY_PASSWORD_HASH_COST, verifyPassword } from '../../../core/auth/password-hash.ts';

const cheap = TEST_ONLY_PASSWORD_HASH_COST;

describe('password hash', () => {
  it('hashes at OWASP\'s minimum scrypt cost (N=2^17, r=8, p=1: 128 MiB, within maxmem) by default, encoding the parameters, a 16-byte salt and a 32-byte key', async () => {
    expect(PASSWORD_HASH_COST).toEqual({ log2N: 17, r: 8, p: 1 });
    const encoded = await hashPassword('correct horse battery staple');
    const parts = encoded.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '17', '8', '1']);
    expect(await verifyPassword('correct horse battery staple', encoded)).toBe(true);
    expect(needsRehash(encoded)).toBe(false);
    expect(Buffer.from(parts[4] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? '', 'base64')).toHaveLength(32);
    expect(encoded).not.toContain('correct horse');
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const encoded = await hashPassword('s3cret-Password', cheap);
    expect(await verifyPassword('s3cret-Password', encoded)).toBe(true);
    expect(await verifyPassword('s3cret-password', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const [first, second] = await Promise.all([hashPassword('same', cheap), hashPassword('same', cheap)]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('same', second ?? '')).toBe(true);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const encoded = await hashPassword('caf\u00e9', cheap);
    expect(await verifyPassword('cafe\u0301', encoded)).toBe(true);
  });

  it('never matches a malformed or tampered encoding', async () => {
    const encoded = await hashPassword('pw', cheap);
    const parts = encoded.split('$');
    const tamperedKey = Buffer.from(parts[5] ?? '', 'base64');
    tamperedKey[0] = (tamperedKey[0] ?? 0) ^ 1;
    expect(await verifyPassword('pw', [...parts.slice(0, 5), tamperedKey.toString('base64')].join('$'))).toBe(false);
    expect(await verifyPassword('pw', '')).toBe(false);
    expect(await verifyPassword('pw', 'bcrypt$2b$10$abc')).toBe(false);
    expect(await verifyPassword('pw', encoded.replace('scrypt$10$', 'scrypt$30$'))).toBe(false);
  });

  it('says which stored hashes are weaker than the current cost (the login re-hashes them)', async () => {
    const old = await hashPassword('pw', { log2N: 15, r: 8, p: 1 });
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, { log2N: 15, r: 8, p: 1 })).toBe(false);
    expect(needsRehash(await hashPassword('pw', { log2N: 17, r: 4, p: 1 }))).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });
});
