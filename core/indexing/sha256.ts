import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

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

/** Below this a copy costs less than starting a thread. */
const TRANSFER_MIN_BYTES = 4 * 2 ** 20;
const workerUrl = new URL('./sha256-worker.mjs', import.meta.url);

/**
 * sha256 of a large buffer with no copy and no work on the event loop: the ArrayBuffer is
 * transferred to a short-lived worker thread, hashed there and transferred back. WebCrypto
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
  return new Promise((resolve, reject) => {
    // Plain JavaScript: no loader (tsx) inherited, so the thread starts in a few ms.
    const worker = new Worker(workerUrl, { workerData: { buffer }, transferList: [buffer], execArgv: [] });
    worker.once('message', (reply: { hex: string; buffer: ArrayBuffer }) => resolve({ hex: reply.hex, bytes: new Uint8Array(reply.buffer) }));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the sha256 worker exited with code ${code} before answering`)));
  });
}
