import { Redis } from '@upstash/redis/cloudflare';

/**
 * The Upstash commands the edge uses (the admission script through `createScript`: EVALSHA, EVAL on NOSCRIPT). The client must be created with
 * `automaticDeserialization: false` (see {@link createEdgeRedis}): values are stored as JSON text
 * the edge parses itself, and the live index version (16 hex characters, e.g. `12e4…`) must not be
 * turned into a number by the client's JSON guessing.
 */
export type EdgeRedis = Pick<Redis, 'get' | 'mget' | 'incr' | 'pipeline' | 'createScript'>;

export interface EdgeRedisOptions {
  url: string;
  token: string;
  /** Upper bound for one REST call (including its retry). */
  timeoutMs: number;
  /** false for the edge (answers are JSON text it parses itself). */
  automaticDeserialization: boolean;
}

/**
 * An Upstash REST client tuned for the request path: one quick retry instead of five exponential
 * ones, a per-call timeout, no telemetry headers, replies as plain JSON rather than base64 (every
 * value the edge stores or reads is UTF-8 text: answers as JSON, versions, counters, epochs — so
 * nothing needs base64's binary safety, and a hit's 2–3 KB answer is not encoded by Upstash and
 * decoded by a per-character loop in the Worker), and no auto-pipelining — in a Worker the client
 * lives for the whole isolate, and an automatic batch would mix commands of concurrent requests
 * into one fetch owned by whichever request started it (workerd forbids sharing I/O across
 * requests). Batches are explicit (`pipeline()`) and per request instead. Web-standard (fetch
 * only); runs in workerd, Deno and Node.
 */
export function createEdgeRedis(options: EdgeRedisOptions): Redis {
  return new Redis({
    url: options.url,
    token: options.token,
    automaticDeserialization: options.automaticDeserialization,
    enableTelemetry: false,
    responseEncoding: false,
    enableAutoPipelining: false,
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(options.timeoutMs),
  });
}
