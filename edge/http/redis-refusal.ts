/**
 * True when Upstash answered with an error of its own (bad token, script error, wrong type): the
 * store is reachable but refuses. @upstash/redis raises those as `UpstashError`. Every other
 * failure of a REST call means the store could not be reached — and fetch failures differ per
 * runtime (TypeError in Node and Deno, `Error: Network connection lost.` in workerd,
 * DOMException `TimeoutError` on our per-call timeout, a non-JSON gateway page).
 */
export function isRedisRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'UpstashError';
}
