import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { formatTraceparent, newTraceIds, type TraceIds } from '../../shared/tracing/traceparent.ts';
import { runInBackground } from '../http/execution-context.ts';
import { exportEdgeSpan } from './otlp-span-export.ts';

export interface TraceAtEdgeOptions {
  /** `<endpoint>/v1/traces` of the OTLP/HTTP collector. */
  tracesUrl: string;
  headers: Record<string, string>;
  serviceName: string;
  fetch: typeof fetch;
  now?: () => number;
}

/** The `traceparent` each request in flight sends to core, by its context (middleware may replace `c.req.raw`). */
const traceparents = new WeakMap<Context, string>();

/**
 * Headers that continue this request's trace in core (`{ traceparent }`), or none when tracing is
 * off. Added to what the edge forwards on a cache miss.
 */
export function traceHeaders(c: Context): Record<string, string> {
  const traceparent = traceparents.get(c);
  return traceparent === undefined ? {} : { traceparent };
}

/**
 * Starts a trace for every request: the edge is the public entry, so a client's `traceparent` is
 * ignored (as its x-request-id is) and no caller picks trace ids. The edge's server span is sent
 * to the collector as OTLP/JSON in the background (`waitUntil`) once the response is ready; core
 * continues the trace from the `traceparent` it is sent (traceHeaders).
 */
export function traceAtEdge(options: TraceAtEdgeOptions): MiddlewareHandler<{ Variables: { requestId: string } }> {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const ids: TraceIds = newTraceIds();
    traceparents.set(c, formatTraceparent(ids));
    const started = now();
    await next();
    // The last route matched: the handler (or `*` when nothing but middleware matched, a 404).
    const route = routePath(c, -1);
    const status = c.res.status;
    runInBackground(
      c,
      exportEdgeSpan(options, {
        ...ids,
        name: `${c.req.method} ${route}`,
        startMs: started,
        endMs: now(),
        failed: status >= 500,
        attributes: {
          'http.request.method': c.req.method,
          'http.route': route,
          'url.path': new URL(c.req.url).pathname,
          'http.response.status_code': status,
          'apfa.request_id': c.var.requestId,
          'apfa.cache': c.res.headers.get('x-cache') ?? undefined,
        },
      }),
    );
  };
}
