/**
 * Cloudflare Workers entry (module syntax). Reads bindings only from `env`; builds the app once per
 * isolate and reuses it, so the Upstash clients, rate-limit ephemeral caches and the live-version
 * memo live in module scope.
 */
import { AppError } from '../shared/errors/app-error.ts';
import { problemResponse } from '../shared/errors/problem.ts';
import { createEdgeApp, type EdgeApp } from './app.ts';
import { parseEdgeConfig } from './config.ts';
import { createEdgeDeps } from './create-edge-deps.ts';
import type { ClientAddressBindings } from './http/client-ip.ts';
import { toHonoExecutionContext, type ExecutionContextLike } from './http/execution-context.ts';

/** Bindings declared in wrangler.toml ([vars]) and set with `wrangler secret put` / .dev.vars. */
export interface Env {
  CORE_URL: string;
  UPSTASH_REDIS_REST_URL: string;
  /** Secret. */
  UPSTASH_REDIS_REST_TOKEN: string;
  JWKS_URL?: string;
  JWKS_JSON?: string;
  /** Secret (HS256 deployments only). */
  JWT_SECRET?: string;
  /** Secret: when set, requests to core carry an HMAC service signature. */
  EDGE_SHARED_SECRET?: string;
  RATE_LIMIT_REQUESTS?: string;
  RATE_LIMIT_WINDOW?: string;
  AUTH_RATE_LIMIT_REQUESTS?: string;
  AUTH_RATE_LIMIT_WINDOW?: string;
  CACHE_TTL_SECONDS?: string;
  STALE_TTL_SECONDS?: string;
  CORE_TIMEOUT_MS?: string;
  STREAM_HEARTBEAT_MS?: string;
  REDIS_TIMEOUT_MS?: string;
  KEY_PREFIX?: string;
  LIVE_VERSION_CACHE_MS?: string;
  JWKS_COOLDOWN_MS?: string;
  JWKS_CACHE_MAX_AGE_MS?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** Secret when it holds a collector key. */
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_SERVICE_NAME?: string;
}

const apps = new WeakMap<Env, EdgeApp>();

function appFor(env: Env): EdgeApp {
  let app = apps.get(env);
  if (!app) {
    app = createEdgeApp(createEdgeDeps(parseEdgeConfig({ ...env })));
    apps.set(env, app);
  }
  return app;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContextLike): Response | Promise<Response> {
    let app: EdgeApp;
    try {
      app = appFor(env);
    } catch (error) {
      // The message names the bad variables, never their values.
      console.error(error instanceof Error ? error.message : 'invalid edge configuration');
      return problemResponse(new AppError('internal', { detail: 'The edge is misconfigured.' }), new URL(request.url).pathname);
    }
    // Cloudflare sets CF-Connecting-IP on every request it forwards, overwriting one a client sent.
    // (Under `wrangler dev`, Miniflare keeps a client's own header: local development only.)
    const bindings: ClientAddressBindings = { clientAddress: request.headers.get('cf-connecting-ip') };
    return app.fetch(request, bindings, toHonoExecutionContext(ctx));
  },
};
