/**
 * Runs tasks one at a time, in the order they were handed in. A task that fails rejects only its
 * own caller; the next task still runs.
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** The one lock of the codebase: index activations (serving) and admin pointer moves use it. */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const next = tail.then(task);
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
