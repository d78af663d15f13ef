import { Worker } from 'node:worker_threads';
import type { VectorHit, VectorIndex } from '../ports/vector-index.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { describeIndexBytes } from './describe-index-bytes.ts';
import { faissStaticsLock } from './faiss-statics.ts';
import { splitHits, validateQuery } from './native-search.ts';

/** Options of {@link ThreadedIndex.load}. */
export interface ThreadedIndexOptions {
  /**
   * Keep the bytes so {@link ThreadedIndex.toBytes} works. Otherwise their ArrayBuffer is
   * transferred to the worker (detached here, no copy) when the view covers all of it.
   */
  retainBytes?: boolean;
  /** Told once when the worker dies unexpectedly; pending searches are rejected with the same error. */
  onError?: (error: AppError) => void;
  /** Most queries sent to FAISS in one call. */
  maxBatch?: number;
  /** The worker script; tests inject one that fails. */
  workerUrl?: URL;
}

interface PendingSearch {
  query: Float32Array;
  limit: number;
  resolve: (hits: VectorHit[]) => void;
  reject: (error: unknown) => void;
}

type WorkerReply =
  | { type: 'ready'; dimension: number; size: number }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; labels: Float64Array; distances: Float32Array }
  | { type: 'search-failed'; id: number; message: string };

const defaultWorkerUrl = new URL('./search-worker.mjs', import.meta.url);

/**
 * A VectorIndex whose FAISS index lives in a worker thread, so a search (≈40 ms for Flat at
 * 100k) never blocks the event loop. Searches queued while the worker is busy, or in the same
 * turn of the event loop, go to FAISS as one n × d multi-query call and are split back per query.
 * Works with any bytes {@link describeIndexBytes} accepts (Flat, IVF-Flat, IVF-SQ8).
 */
export class ThreadedIndex implements VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  readonly size: number;
  #worker: Worker;
  #bytes: Uint8Array | null;
  #onError: ((error: AppError) => void) | undefined;
  #maxBatch: number;
  #queue: PendingSearch[] = [];
  #inFlight: { id: number; batch: PendingSearch[]; k: number } | null = null;
  #nextId = 1;
  #flushScheduled = false;
  #stopped: AppError | null = null;
  #searchCount = 0;
  #batchCount = 0;

  private constructor(worker: Worker, kind: string, dimension: number, size: number, bytes: Uint8Array | null, options: ThreadedIndexOptions) {
    this.#worker = worker;
    this.kind = kind;
    this.dimension = dimension;
    this.size = size;
    this.#bytes = bytes;
    this.#onError = options.onError;
    this.#maxBatch = options.maxBatch ?? 256;
    worker.on('message', (reply: WorkerReply) => this.#receive(reply));
    worker.on('error', (error) => this.#fail(new AppError('internal', { detail: 'the search worker crashed', cause: error })));
    worker.on('exit', (code) => this.#fail(new AppError('internal', { detail: `the search worker exited with code ${code}` })));
  }

  /**
   * Starts a worker that loads `bytes` with FAISS and resolves once it is ready. Rejects with
   * AppError 'index-mismatch' / 'validation-failed' for bytes FAISS or this project cannot read.
   */
  static async load(bytes: Uint8Array, options: ThreadedIndexOptions = {}): Promise<ThreadedIndex> {
    const description = describeIndexBytes(bytes);
    const retained = options.retainBytes === true ? bytes : null;
    const coversBuffer = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const sent = retained === null && coversBuffer ? bytes : bytes.slice();
    const worker = new Worker(options.workerUrl ?? defaultWorkerUrl, {
      workerData: { bytes: sent, staticsLock: faissStaticsLock },
      transferList: [sent.buffer as ArrayBuffer],
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        cleanup();
        if (reply.type === 'ready') resolve();
        else {
          void worker.terminate();
          const detail = reply.type === 'load-failed' ? `FAISS could not read the index bytes: ${reply.message}` : 'unexpected first message from the search worker';
          reject(new AppError('validation-failed', { detail }));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new AppError('internal', { detail: 'the search worker failed to start', cause: error }));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new AppError('internal', { detail: `the search worker exited with code ${code} while loading` }));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    return new ThreadedIndex(worker, description.kind, description.dimension, description.count, retained, options);
  }

  search(query: Float32Array, k: number): Promise<VectorHit[]> {
    if (this.#stopped !== null) {
      return Promise.reject(new AppError('not-ready', { detail: 'the search worker is not running', cause: this.#stopped }));
    }
    try {
      validateQuery(query, k, this.dimension);
    } catch (error) {
      return Promise.reject(error);
    }
    const limit = Math.min(k, this.size);
    if (limit === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      // Copied: the caller may reuse its array before the batch is sent.
      this.#queue.push({ query: query.slice(), limit, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /** Searches answered and native FAISS calls made for them (fewer calls than searches means batching). */
  get stats(): { searches: number; batches: number } {
    return { searches: this.#searchCount, batches: this.#batchCount };
  }

  /** The bytes the index was loaded from; only kept with `retainBytes` (they were handed to the worker otherwise). */
  toBytes(): Uint8Array {
    if (this.#bytes === null) {
      throw new AppError('internal', { detail: 'ThreadedIndex gave its bytes to the worker; load it with retainBytes to keep them' });
    }
    return this.#bytes;
  }

  /** Terminates the worker; pending and later searches reject with AppError 'not-ready'. */
  close(): void {
    if (this.#stopped !== null) return;
    this.#stop(new AppError('not-ready', { detail: 'the index has been closed' }));
    void this.#worker.terminate();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#inFlight !== null) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#inFlight !== null || this.#queue.length === 0 || this.#stopped !== null) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    const queries = new Float32Array(batch.length * this.dimension);
    batch.forEach((pending, i) => queries.set(pending.query, i * this.dimension));
    const k = Math.max(...batch.map((pending) => pending.limit));
    const id = this.#nextId++;
    this.#inFlight = { id, batch, k };
    this.#worker.postMessage({ type: 'search', id, queries, k }, [queries.buffer]);
  }

  #receive(reply: WorkerReply): void {
    const inFlight = this.#inFlight;
    if ((reply.type !== 'result' && reply.type !== 'search-failed') || inFlight === null || reply.id !== inFlight.id) return;
    this.#inFlight = null;
    if (reply.type === 'result') {
      const hits = splitHits(reply.labels, reply.distances, inFlight.k, inFlight.batch.map((pending) => pending.limit));
      this.#batchCount += 1;
      this.#searchCount += inFlight.batch.length;
      inFlight.batch.forEach((pending, i) => pending.resolve(hits[i] ?? []));
    } else {
      const error = new AppError('internal', { detail: `FAISS search failed: ${reply.message}` });
      for (const pending of inFlight.batch) pending.reject(error);
    }
    this.#flush();
  }

  #fail(error: AppError): void {
    if (this.#stopped !== null) return;
    this.#stop(error);
    this.#onError?.(error);
  }

  #stop(error: AppError): void {
    this.#stopped = error;
    const pending = [...(this.#inFlight?.batch ?? []), ...this.#queue];
    this.#inFlight = null;
    this.#queue = [];
    for (const search of pending) search.reject(error);
  }
}
