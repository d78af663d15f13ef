import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const LOG2_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// scrypt needs 128 * N * r bytes (32 MiB here); Node's default cap is exactly that, so leave headroom.
const MAX_MEMORY = 64 * 1024 * 1024;
const ENCODED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

// NFC (as RFC 8265 OpaqueString) so the same password typed on different devices hashes alike.
function deriveKey(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password with scrypt (N=2^15, r=8, p=1) and a random salt: `scrypt$15$8$1$<salt>$<hash>` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, { N: 2 ** LOG2_N, r: BLOCK_SIZE, p: PARALLELISM, maxmem: MAX_MEMORY });
  return `scrypt$${LOG2_N}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a password against an encoded hash in constant time. Parameters are read from the
 * encoding, so hashes made with other costs still verify; a malformed encoding never matches.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) return false;
  const [, log2N, blockSize, parallelism, saltText, hashText] = match;
  const cost = { log2N: Number(log2N), r: Number(blockSize), p: Number(parallelism) };
  // Bounds keep a tampered row from making one login burn unbounded CPU or memory.
  if (cost.log2N < 10 || cost.log2N > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) return false;
  const salt = Buffer.from(saltText ?? '', 'base64');
  const expected = Buffer.from(hashText ?? '', 'base64');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await deriveKey(password, salt, expected.length, {
    N: 2 ** cost.log2N,
    r: cost.r,
    p: cost.p,
    maxmem: Math.max(MAX_MEMORY, 256 * 2 ** cost.log2N * cost.r),
  });
  return timingSafeEqual(actual, expected);
}
