import { createHash } from 'node:crypto';
import { sha256OnIoThread } from '../storage/io-thread.ts';
import type { HashedObject, ObjectStore, StructureCheck } from '../ports/object-store.ts';

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
async function sha256HexOffThread(bytes: Uint8Array): Promise<string> {
  // Object-store reads return ArrayBuffer-backed views (never shared memory).
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString('hex');
}

/** Below this a copy costs less than a round trip to the I/O thread. */
const TRANSFER_MIN_BYTES = 4 * 2 ** 20;

/**
 * sha256 of a large buffer with no copy and no work on the event loop: the ArrayBuffer is
 * transferred to the process's I/O thread (storage/io-thread.ts), hashed there and transferred back. WebCrypto
 * ({@link sha256HexOffThread}) hashes off-thread too, but first copies its input on the calling
 * thread (≈ 40 ms for 90 MB here, longer than a swap may block). `bytes` is detached: use the
 * returned `bytes` (same contents). Views that do not cover their whole buffer, and small ones,
 * go to WebCrypto.
 */
export async function sha256HexTransferred(bytes: Uint8Array): Promise<{ hex: string; bytes: Uint8Array }> {
  const { buffer } = bytes;
  if (bytes.length < TRANSFER_MIN_BYTES || !(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) {
    return { hex: await sha256HexOffThread(bytes), bytes };
  }
  const hashed = await sha256OnIoThread(buffer);
  return { hex: hashed.hex, bytes: new Uint8Array(hashed.buffer) };
}

/**
 * An object with its sha256, for checking against a manifest: hashed (and `check` run, when the
 * sha256 is the expected one) by the store where it reads it when it can
 * ({@link ObjectStore.getHashed}), else downloaded and hashed off the event loop
 * ({@link sha256HexTransferred}), `checked` false; null when the key does not exist. `pooled`: see
 * ObjectStore.getHashed (the result may then carry a `release` the caller must call).
 */
export async function getHashedObject(store: ObjectStore, key: string, check?: StructureCheck, options: { pooled?: boolean } = {}): Promise<HashedObject | null> {
  if (store.getHashed) return store.getHashed(key, { check, ...(options.pooled ? { pooled: true } : {}) });
  const downloaded = await store.get(key);
  if (downloaded === null) return null;
  const { hex, bytes } = await sha256HexTransferred(downloaded);
  return { bytes, sha256: hex, checked: false };
}
