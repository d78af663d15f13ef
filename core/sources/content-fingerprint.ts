import { createHash } from 'node:crypto';

/** A short SHA-256 over the given parts (bytes or text), in order. */
export function contentFingerprint(...parts: Array<Uint8Array | string>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
