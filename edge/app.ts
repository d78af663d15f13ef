import { OpenAPIHono } from '@hono/zod-openapi';
import { MAX_BODY_BYTES } from '../shared/contracts/advice.ts';
import { drainUnreadBody } from '../shared/http/drain-unread-body.ts';
import { createErrorHandler, notFoundHandler } from '../shared/http/error-handler.ts';
import { validationHook } from '../shared/http/validation-hook.ts';
import { createAdmissionLeases } from './advice/admission-leases.ts';
import { createAdviceCache } from './cache/advice-cache.ts';
import type { EdgeRedis } from './cache/edge-redis.ts';
import type { EdgeConfig } from './config.ts';
import { createCoreClient } from './core/core-client.ts';
import type { AccessTokenVerifier } from './http/authenticate.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import { requestId, type RequestIdVariables } from './http/request-id.ts';
import { completeEdgeOpenApi } from './http/openapi-completion.ts';
import { serveOpenApiDocument, type OpenApiDocument } from '../shared/http/openapi-document.ts';
import { adviceRoutes } from './routes/advice-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { otlpTracesUrl } from '../shared/tracing/otlp-settings.ts';
import { traceAtEdge } from './tracing/trace-at-edge.ts';

/** What the edge app is built from; entries (worker.ts, deno.ts) get them from create-edge-deps.ts. */
export interface EdgeAppDeps {
  config: EdgeConfig;
  /** Answer cache and live-version reads; an Upstash client with `automaticDeserialization: false`. */
  redis: EdgeRedis;
  /** Per-user limiter for /v1/advice and /v1/advice/stream (@upstash/ratelimit). */
  adviceLimiter: RateLimiter;
  /** Per-client-IP limiter for /v1/auth/token. */
  authLimiter: RateLimiter;
  verifier: AccessTokenVerifier;
  /** How to reach core; default the platform's fetch. */
  coreFetch?: typeof fetch;
  /** Clock in ms (rate-limit headers, admission leases). */
  now?: () => number;
}

/**
 * Builds the edge Worker's Hono app from injected dependencies. Nothing is fetched or opened here;
 * the admission leases (what the isolate remembers between round trips) live as long as the
 * returned app (one per isolate in the Worker).
 */
export function createEdgeApp(deps: EdgeAppDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  // Wrapped so fetch is never called with a foreign `this` (workerd throws "Illegal invocation").
  const coreFetch: typeof fetch = deps.coreFetch ?? ((input, init) => fetch(input, init));
  const core = createCoreClient({
    baseUrl: config.CORE_URL,
    fetch: coreFetch,
    timeoutMs: config.CORE_TIMEOUT_MS,
    sharedSecret: config.EDGE_SHARED_SECRET,
  });
  const cache = createAdviceCache({
    redis: deps.redis,
    prefix: config.KEY_PREFIX,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    staleTtlSeconds: config.STALE_TTL_SECONDS,
  });
  const leases = createAdmissionLeases({ memoryMs: config.LIVE_VERSION_CACHE_MS, now });

  const app = new OpenAPIHono<{ Variables: RequestIdVariables }>({ defaultHook: validationHook });
  app.onError(createErrorHandler());
  app.notFound(notFoundHandler);
  app.use('*', requestId());
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const tracesUrl = otlpTracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT);
    app.use('*', traceAtEdge({ tracesUrl, headers: config.OTEL_EXPORTER_OTLP_HEADERS ?? {}, serviceName: config.OTEL_SERVICE_NAME, fetch: (input, init) => fetch(input, init), now }));
  }
  app.use('*', drainUnreadBody({ maxBytes: MAX_BODY_BYTES }));
  app.route('/', healthRoutes());
  app.route('/', adviceRoutes({ verifier: deps.verifier, limiter: deps.adviceLimiter, cache, leases, core, now, streamHeartbeatMs: config.STREAM_HEARTBEAT_MS }));
  app.route('/', authRoutes({ limiter: deps.authLimiter, core, now }));

  // The generated document, completed once (operation ids, tags, servers, descriptions, body limits).
  serveOpenApiDocument(app, () =>
    completeEdgeOpenApi(
      app.getOpenAPIDocument({
        openapi: '3.0.0',
        info: { title: 'APFA edge', version: '0.1.0', description: 'Rate limiting, token checks, validation and the answer cache in front of APFA core.' },
      }) as unknown as OpenApiDocument,
    ),
  );
  return app;
}

export type EdgeApp = ReturnType<typeof createEdgeApp>;
