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

/** Below this a copy costs less than a round trip to the hashing thread. */
const TRANSFER_MIN_BYTES = 4 * 2 ** 20;
const workerUrl = new URL('./sha256-worker.mjs', import.meta.url);

interface Pending {
  resolve: (result: { hex: string; bytes: Uint8Array }) => void;
  reject: (error: unknown) => void;
}

/**
 * The process's hashing thread, started on first use and kept: starting a thread took 35–80 ms
 * of a load on this project's 2-core machine, about as long as hashing 70 MB. It is unref'd while
 * idle (it keeps no process alive) and answers one buffer at a time, in order.
 */
let thread: HashingThread | null = null;

interface HashingThread {
  worker: Worker;
  pending: Map<number, Pending>;
  next: number;
}

function hashingThread(): HashingThread {
  if (thread !== null) return thread;
  // Plain JavaScript: no loader (tsx) inherited.
  const worker = new Worker(workerUrl, { execArgv: [] });
  const started: HashingThread = { worker, pending: new Map(), next: 0 };
  const fail = (error: unknown) => {
    if (thread === started) thread = null;
    for (const { reject } of started.pending.values()) reject(error);
    started.pending.clear();
  };
  worker.on('message', (reply: { id: number; hex: string; buffer: ArrayBuffer }) => {
    const pending = started.pending.get(reply.id);
    started.pending.delete(reply.id);
    if (started.pending.size === 0) worker.unref();
    pending?.resolve({ hex: reply.hex, bytes: new Uint8Array(reply.buffer) });
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the sha256 worker exited with code ${code}`)));
  worker.unref();
  thread = started;
  return started;
}

/**
 * sha256 of a large buffer with no copy and no work on the event loop: the ArrayBuffer is
 * transferred to the hashing thread, hashed there and transferred back. WebCrypto
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
  const hasher = hashingThread();
  const id = hasher.next++;
  return new Promise((resolve, reject) => {
    hasher.pending.set(id, { resolve, reject });
    // Referenced while it owes an answer, so a process waiting only on this hash stays alive.
    hasher.worker.ref();
    hasher.worker.postMessage({ id, buffer }, [buffer]);
  });
}
