import { Worker } from 'node:worker_threads';
import { AppError, type ProblemCode } from '../../shared/errors/app-error.ts';
import type { StructureCheck } from '../ports/object-store.ts';

/** A file read whole by the I/O thread, with its sha256 when asked for. */
export interface ThreadRead {
  bytes: Uint8Array;
  /** Lower-case hex sha256 of `bytes` (when requested). */
  sha256?: string;
  /** Whether the requested structure check ran on these bytes and passed (it runs only when their sha256 is the expected one). */
  checked: boolean;
  /**
   * A pooled read only: gives the bytes' buffer back to the pool, for a later pooled read to
   * overwrite. Nothing may read `bytes` (or a view of them) afterwards. Idempotent.
   */
  release?: () => void;
}

interface Reply {
  id: number;
  buffer?: ArrayBuffer;
  slot?: number;
  length?: number;
  /** New pool slots (a slot and its spare), numbered from `createdFrom`. */
  created?: SharedArrayBuffer[];
  createdFrom?: number;
  hex?: string;
  missing?: true;
  checked?: true;
  invalid?: { code: ProblemCode; detail: string };
  error?: { message: string; code?: string };
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

interface IoThread {
  worker: Worker;
  pending: Map<number, Pending>;
  next: number;
  /** The shared-buffer pool's slots, numbered as the thread numbers them (see io-worker.mjs). */
  slots: SharedArrayBuffer[];
}

const workerUrl = new URL('./io-worker.mjs', import.meta.url);

/**
 * The process's I/O helper thread, started on first use and kept: starting a thread took 35–80 ms
 * on this project's 2-core machine, about as long as hashing 70 MB. It hashes buffers and reads
 * (and hashes) local files, one request at a time, in order, so that work costs the event loop
 * one turn per request whatever its size: a serving instance loading a version while it answers
 * requests waits a turn behind them at each completion, and open, fstat, read, close and a hash
 * on the event loop are five. Unref'd while idle (it keeps no process alive).
 */
let thread: IoThread | null = null;

function ioThread(): IoThread {
  if (thread !== null) return thread;
  // Plain JavaScript: no loader (tsx) inherited.
  const worker = new Worker(workerUrl, { execArgv: [] });
  const started: IoThread = { worker, pending: new Map(), next: 0, slots: [] };
  const fail = (error: unknown) => {
    if (thread === started) thread = null;
    for (const { reject } of started.pending.values()) reject(error);
    started.pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const pending = started.pending.get(reply.id);
    started.pending.delete(reply.id);
    if (started.pending.size === 0) worker.unref();
    pending?.resolve(reply);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the I/O worker thread exited with code ${code}`)));
  worker.unref();
  thread = started;
  return started;
}

function ask(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
  const io = ioThread();
  const id = io.next++;
  return new Promise((resolve, reject) => {
    io.pending.set(id, { resolve, reject });
    // Referenced while it owes an answer, so a process waiting only on it stays alive.
    io.worker.ref();
    io.worker.postMessage({ ...message, id }, transfer);
  });
}

/** sha256 of a whole ArrayBuffer on the I/O thread, with no copy: `buffer` is transferred there and back (use the returned one). */
export async function sha256OnIoThread(buffer: ArrayBuffer): Promise<{ hex: string; buffer: ArrayBuffer }> {
  const reply = await ask({ buffer }, [buffer]);
  return { hex: reply.hex!, buffer: reply.buffer! };
}

/**
 * Reads the file at `path` whole on the I/O thread (into its own ArrayBuffer), with its sha256
 * when `sha256` is true, and runs `check` there too when that sha256 is the one it expects;
 * null when there is no such file (or it is a folder). A failed check rejects with the AppError
 * it threw (code and detail); other failures with an Error carrying the system `code`.
 *
 * `pooled`: into a buffer of the process's shared-buffer pool instead, kept until `release` (see
 * {@link ThreadRead.release}). A serving instance reads each index version's large files so:
 * a new ArrayBuffer of ~100 MB per version raised V8's external memory by that much at every
 * swap, and the full garbage collection that set off took ~150 ms of CPU from V8's helper
 * threads on a 2-core machine while requests waited for a core; a released buffer is reused by
 * the next version's file (the smallest free one it fits, made with a quarter of headroom and a
 * spare beside it), so a swap in a steady corpus allocates nothing, the first one included. Free
 * buffers stay with the process (resident once used).
 */
export async function readFileOnIoThread(path: string, options: { sha256: boolean; check?: StructureCheck | undefined; pooled?: boolean }): Promise<ThreadRead | null> {
  const io = ioThread();
  const reply = await ask({ path, sha256: options.sha256, ...(options.pooled ? { pooled: true } : {}), ...(options.check && options.sha256 ? { check: options.check } : {}) });
  reply.created?.forEach((buffer, i) => (io.slots[reply.createdFrom! + i] = buffer));
  if (reply.missing) return null;
  if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  if (reply.invalid) throw new AppError(reply.invalid.code, { detail: reply.invalid.detail });
  const hashed = { ...(reply.hex === undefined ? {} : { sha256: reply.hex }), checked: reply.checked === true };
  if (reply.slot === undefined) return { bytes: new Uint8Array(reply.buffer!), ...hashed };
  const slot = reply.slot;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // The same thread (a new one after a crash has a new pool and never hears of this slot).
    if (thread === io) io.worker.postMessage({ releaseSlot: slot });
  };
  return { bytes: new Uint8Array(io.slots[slot]!, 0, reply.length!), ...hashed, release };
}

/** How many buffers the shared-buffer pool holds, free or taken (for tests). */
export function ioThreadPoolBuffers(): number {
  return thread?.slots.length ?? 0;
}
