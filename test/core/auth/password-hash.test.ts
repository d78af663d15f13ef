import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../core/auth/password-hash.ts';

describe('password hash', () => {
  it('encodes scrypt parameters, a 16-byte salt and a 32-byte key', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    const parts = encoded.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '15', '8', '1']);
    expect(Buffer.from(parts[4] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? '', 'base64')).toHaveLength(32);
    expect(encoded).not.toContain('correct horse');
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const encoded = await hashPassword('s3cret-Password');
    expect(await verifyPassword('s3cret-Password', encoded)).toBe(true);
    expect(await verifyPassword('s3cret-password', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const [first, second] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('same', second ?? '')).toBe(true);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const encoded = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', encoded)).toBe(true);
  });

  it('never matches a malformed or tampered encoding', async () => {
    const encoded = await hashPassword('pw');
    const parts = encoded.split('$');
    const tamperedKey = Buffer.from(parts[5] ?? '', 'base64');
    tamperedKey[0] = (tamperedKey[0] ?? 0) ^ 1;
    expect(await verifyPassword('pw', [...parts.slice(0, 5), tamperedKey.toString('base64')].join('$'))).toBe(false);
    expect(await verifyPassword('pw', '')).toBe(false);
    expect(await verifyPassword('pw', 'bcrypt$2b$10$abc')).toBe(false);
    expect(await verifyPassword('pw', encoded.replace('scrypt$15$', 'scrypt$30$'))).toBe(false);
  });
});
