// Worker thread behind ThreadedIndex (threaded-index.ts). Plain JavaScript so it runs the same
// under node, tsx and vitest without a TypeScript loader in the worker.
// Protocol: workerData { bytes: Uint8Array, staticsLock: Int32Array } -> posts
// { type: 'ready', dimension, size } or { type: 'load-failed', message }. Then
// { type: 'search', id, queries: Float32Array, k } -> { type: 'result', id, labels: Float64Array,
// distances: Float32Array } or { type: 'search-failed', id, message }.
//
// faiss-node's static constructors use a process-wide class reference that loading the addon
// on this thread overwrites (see faiss-statics.ts), so loading the addon and the one
// fromBuffer call happen under the lock shared with the main thread; afterwards only instance
// methods (search) run here, and those do not touch the shared reference.
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (port === null) throw new Error('search-worker.mjs must run as a worker thread');
const lock = workerData.staticsLock;

let native;
while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1, 100);
try {
  const faiss = (await import('faiss-node')).default;
  Atomics.add(lock, 1, 1);
  const bytes = workerData.bytes;
  native = faiss.Index.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
} catch (error) {
  port.postMessage({ type: 'load-failed', message: String(error?.message ?? error) });
} finally {
  Atomics.store(lock, 0, 0);
  Atomics.notify(lock, 0);
}
if (native !== undefined) port.postMessage({ type: 'ready', dimension: native.getDimension(), size: native.ntotal() });

port.on('message', (message) => {
  if (message.type !== 'search' || native === undefined) return;
  try {
    // One native call for the whole batch: n queries × d values in, n × k results out.
    const result = native.search(Array.from(message.queries), message.k);
    const labels = Float64Array.from(result.labels);
    const distances = Float32Array.from(result.distances);
    port.postMessage({ type: 'result', id: message.id, labels, distances }, [labels.buffer, distances.buffer]);
  } catch (error) {
    port.postMessage({ type: 'search-failed', id: message.id, message: String(error?.message ?? error) });
  }
});
