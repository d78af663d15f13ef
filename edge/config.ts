import { z } from '@hono/zod-openapi';
import { OtlpEndpointSchema, OtlpHeadersSchema } from '../shared/tracing/otlp-settings.ts';

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** The duration syntax @upstash/ratelimit accepts: `60 s`, `10s`, `500 ms`, `1 h`. */
const DurationSchema = z
  .string()
  .trim()
  .regex(/^\d+ ?(ms|s|m|h|d)$/, 'a duration such as "60 s", "500 ms" or "1 h"')
  .transform((value) => value as `${number} ${'ms' | 's' | 'm' | 'h' | 'd'}` | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`);

const JsonWebKeySetSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) });

const JwksJsonSchema = optionalNonEmpty.transform((value, context) => {
  if (value === undefined) return undefined;
  try {
    return JsonWebKeySetSchema.parse(JSON.parse(value));
  } catch {
    context.addIssue({ code: 'custom', message: 'must be a JSON Web Key Set: {"keys":[...]}' });
    return z.NEVER;
  }
});

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Every binding the edge reads, parsed once per isolate. Vars arrive as strings (or JSON
 * values from wrangler.toml), so numbers are coerced.
 */
export const EdgeConfigSchema = z
  .object({
    CORE_URL: z
      .string()
      .url()
      .transform((value) => value.replace(/\/+$/, '')),
    UPSTASH_REDIS_REST_URL: z.string().url(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
    JWKS_URL: optionalNonEmpty.pipe(z.string().url().optional()),
    JWKS_JSON: JwksJsonSchema,
    JWT_SECRET: optionalNonEmpty.pipe(z.string().min(32, 'JWT_SECRET must be at least 32 characters (HS256)').optional()),
    EDGE_SHARED_SECRET: optionalNonEmpty.pipe(z.string().min(16, 'EDGE_SHARED_SECRET must be at least 16 characters').optional()),
    RATE_LIMIT_REQUESTS: positiveInt(10),
    RATE_LIMIT_WINDOW: DurationSchema.default('60 s'),
    AUTH_RATE_LIMIT_REQUESTS: positiveInt(10),
    AUTH_RATE_LIMIT_WINDOW: DurationSchema.default('60 s'),
    CACHE_TTL_SECONDS: positiveInt(600),
    STALE_TTL_SECONDS: positiveInt(86_400),
    /** Calls to core; for /v1/advice/stream, the longest core may stay silent (before its answer starts, between two events). */
    CORE_TIMEOUT_MS: positiveInt(10_000),
    /** A `: keep-alive` comment on an advice stream after this long without an event; a client that left is noticed (and core's request cancelled) by then. */
    STREAM_HEARTBEAT_MS: positiveInt(5_000),
    /** Upper bound for one Upstash REST call; past it the cache is skipped and rate limiting fails open. */
    REDIS_TIMEOUT_MS: positiveInt(2_000),
    KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]*$/, 'letters, digits and : _ - only').default('apfa:'),
    /**
     * How old a read may be and still admit an advice request from isolate memory
     * (edge/advice/admission-leases.ts): the live version, the caller's token-epoch record, a
     * cached answer and rate-limit tokens already counted in Redis. A publish, a disabled user or
     * a removed answer reaches every isolate within it. 0: one Upstash round trip per request.
     */
    LIVE_VERSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    /**
     * Least time between two JWKS fetches triggered by a token whose `kid` is not in the cached
     * set. Short, so a token signed by a key core has just rotated to is accepted at once (jose's
     * default, 30 s, would refuse it for up to that long after the last fetch); not zero, so
     * tokens with made-up kids cannot turn every request into a JWKS fetch.
     */
    JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(1_000),
    /** How long the fetched JWKS is used before it is fetched again anyway (a removed key stops verifying after this). */
    JWKS_CACHE_MAX_AGE_MS: z.coerce.number().int().positive().default(300_000),
    /**
     * OTLP/HTTP collector: when set, every request starts a trace, its span is exported (OTLP/JSON,
     * in the background) and core is sent the `traceparent` on a miss. Unset: no trace ids, nothing sent.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: OtlpEndpointSchema,
    OTEL_EXPORTER_OTLP_HEADERS: OtlpHeadersSchema,
    OTEL_SERVICE_NAME: z.string().trim().min(1).max(200).default('apfa-edge'),
  })
  .superRefine((config, context) => {
    if (config.JWKS_JSON && config.JWT_SECRET) {
      context.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'set either JWKS_JSON or JWT_SECRET, not both' });
    }
  })
  .transform((config) => ({ ...config, JWKS_URL: config.JWKS_URL ?? `${config.CORE_URL}/.well-known/jwks.json` }));

export type EdgeConfig = z.output<typeof EdgeConfigSchema>;

/**
 * Parses the platform's env bindings; throws one error naming every bad variable (never its value,
 * since some are secrets).
 */
export function parseEdgeConfig(env: Record<string, unknown>): EdgeConfig {
  const result = EdgeConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new Error(`Invalid edge configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
