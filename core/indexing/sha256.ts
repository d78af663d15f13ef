import { createHash } from 'node:crypto';

/** Lower-case hex sha256 over the parts, in order (strings as UTF-8). */
export function sha256Hex(...parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * sha256 of one buffer as lower-case hex, computed by WebCrypto on libuv's thread pool, so a
 * 150 MB index is verified without blocking the event loop (loading while serving).
 */
export async function sha256HexOffThread(bytes: Uint8Array): Promise<string> {
  // Object-store reads return ArrayBuffer-backed views (never shared memory).
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString('hex');
}
