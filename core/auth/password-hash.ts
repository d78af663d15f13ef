import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters: N = 2^log2N, block size r, parallelism p. */
export interface PasswordHashCost {
  log2N: number;
  r: number;
  p: number;
}

/**
 * OWASP's current minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, which
 * needs 128·N·r = 128 MiB per hash. Every hash core writes in production uses it.
 */
export const PASSWORD_HASH_COST: Readonly<PasswordHashCost> = Object.freeze({ log2N: 17, r: 8, p: 1 });

/**
 * A deliberately cheap cost for test harnesses only (about 1 ms a hash instead of ~0.4 s). It is
 * not reachable from configuration or the environment: only code that passes it explicitly
 * (test/support) gets it, and a login with such a hash is re-hashed at the production cost.
 */
export const TEST_ONLY_PASSWORD_HASH_COST: Readonly<PasswordHashCost> = Object.freeze({ log2N: 10, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const ENCODED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** scrypt needs 128·N·r bytes; Node refuses above `maxmem` (default 32 MiB), so allow twice that. */
const maxMemory = (cost: PasswordHashCost): number => 256 * 2 ** cost.log2N * cost.r;

// NFC (as RFC 8265 OpaqueString) so the same password typed on different devices hashes alike.
function deriveKey(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The cost a stored hash was made with, or null when the encoding is malformed. */
export function hashCost(encoded: string): PasswordHashCost | null {
  const match = ENCODED.exec(encoded);
  if (!match) return null;
  return { log2N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
}

/**
 * Hashes a password with scrypt and a random salt as `scrypt$<log2N>$<r>$<p>$<salt>$<hash>`
 * (base64): the hash keeps its parameters, so raising the cost never breaks existing logins.
 */
export async function hashPassword(password: string, cost: PasswordHashCost = PASSWORD_HASH_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, { N: 2 ** cost.log2N, r: cost.r, p: cost.p, maxmem: maxMemory(cost) });
  return `scrypt$${cost.log2N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether a stored hash is weaker than `cost` (a smaller N, r or p) or unreadable: the password
 * grant re-hashes such a password after a successful login.
 */
export function needsRehash(encoded: string, cost: PasswordHashCost = PASSWORD_HASH_COST): boolean {
  const stored = hashCost(encoded);
  return stored === null || stored.log2N < cost.log2N || stored.r < cost.r || stored.p < cost.p;
}

/**
 * Checks a password against an encoded hash in constant time. Parameters are read from the
 * encoding, so hashes made with other costs still verify; a malformed encoding never matches.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  const cost = hashCost(encoded);
  if (!match || !cost) return false;
  // Bounds keep a tampered row from making one login burn unbounded CPU or memory.
  if (cost.log2N < 10 || cost.log2N > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) return false;
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const expected = Buffer.from(match[5] ?? '', 'base64');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await deriveKey(password, salt, expected.length, { N: 2 ** cost.log2N, r: cost.r, p: cost.p, maxmem: maxMemory(cost) });
  return timingSafeEqual(actual, expected);
}
