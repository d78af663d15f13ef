/**
 * A long synchronous job written as a generator that yields between slices of its work and
 * returns its result: a serving instance runs it with a turn of the event loop between slices
 * (requests keep being answered while a version loads), a build or a test runs it in one go.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the steps with a turn of the event loop (setImmediate: pending I/O first) between them. */
export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
