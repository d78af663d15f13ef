import type { Context, ExecutionContext } from 'hono';

/** The one thing the edge needs from a platform's execution context (Workers' `ctx`, Deno's stand-in). */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

/** Adapts a minimal context to the shape `app.fetch` expects. */
export function toHonoExecutionContext(context: ExecutionContextLike): ExecutionContext {
  return {
    waitUntil: (promise) => context.waitUntil(promise),
    passThroughOnException: () => {},
    props: {},
  };
}

/**
 * Hands background work (cache writes, counters, rate-limit sync) to `waitUntil` so it outlives the
 * response. Failures are swallowed on purpose: background work must never fail a request. Without
 * an execution context (`app.request()` in tests, plain runtimes) the promise simply runs on.
 */
export function runInBackground(c: Context, task: Promise<unknown>): void {
  const settled = task.then(
    () => undefined,
    () => undefined,
  );
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // Hono throws when no execution context was passed; the task is already running.
  }
}
