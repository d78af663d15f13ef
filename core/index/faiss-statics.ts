import faiss from 'faiss-node';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * A lock shared with search workers: [0] = 0 free / 1 held, [1] = how many times a worker has
 * loaded the faiss-node addon. Passed to every worker as `workerData.staticsLock`.
 */
export const faissStaticsLock = new Int32Array(new SharedArrayBuffer(8));

let seenLoads = 0;
let addonPath: string | undefined;

/**
 * Runs `use` with faiss-node's static constructors (`Index.fromBuffer`, `fromFactory`, `read`)
 * safe to call on this thread. faiss-node keeps the class those return in a process-wide
 * static that each thread loading the addon overwrites with its own, so after a worker has
 * loaded it the main thread's calls would touch the worker's heap (a crash, or a segfault once
 * the worker exits). Under the lock, this re-runs the addon's init on this thread when a worker
 * loaded it since the last call; workers take the same lock around their load-and-fromBuffer.
 */
export function withFaissStatics<T>(use: (module: typeof faiss) => T): T {
  acquireFaissStaticsLock(faissStaticsLock);
  try {
    const loads = Atomics.load(faissStaticsLock, 1);
    if (loads !== seenLoads) {
      // Re-opening an already loaded N-API addon calls its init again on this thread.
      process.dlopen({ exports: {} }, resolveAddonPath());
      seenLoads = loads;
    }
    return use(faiss);
  } finally {
    releaseFaissStaticsLock(faissStaticsLock);
  }
}

/** Blocks (Atomics.wait) until the lock is free, then takes it. */
export function acquireFaissStaticsLock(lock: Int32Array): void {
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1, 100);
}

export function releaseFaissStaticsLock(lock: Int32Array): void {
  Atomics.store(lock, 0, 0);
  Atomics.notify(lock, 0);
}

function resolveAddonPath(): string {
  if (addonPath === undefined) {
    const packageJson = createRequire(import.meta.url).resolve('faiss-node/package.json');
    const bindings = createRequire(packageJson)('bindings') as (options: Record<string, unknown>) => string;
    addonPath = bindings({ bindings: 'faiss-node', path: true, module_root: dirname(packageJson) });
  }
  return addonPath;
}
