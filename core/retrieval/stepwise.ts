/**
 * A long synchronous job written as a generator that yields between small slices of its work and
 * returns its result: a serving instance runs it in time-boxed runs with a turn of the event loop
 * between them (requests keep being answered while a version loads), a build or a test runs it
 * in one go.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * How long a run of steps holds the event loop before it yields. A turn of the event loop is not
 * free while requests are answered (each one lets the waiting requests run first), so steps are
 * small (≈ 1 ms) and grouped into runs of this length rather than yielding after each.
 */
const RUN_MS = 8;

/** Runs the steps, yielding (setImmediate: pending I/O first) whenever a run of them has taken {@link RUN_MS}. */
export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  let runStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - runStarted >= RUN_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      runStarted = performance.now();
    }
  }
}
