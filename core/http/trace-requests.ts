import type { MiddlewareHandler } from 'hono';
import type { Tracing } from '../tracing/tracing.ts';
import { matchedRoute } from './matched-route.ts';

/**
 * One server span per request, continuing the caller's W3C `traceparent` (the edge sends one on
 * a cache miss) or starting a trace; everything the request does runs inside it (advice stages,
 * jobs it enqueues, log lines). Named `METHOD /route/{param}` once routed, with the status and the
 * request id; a 5xx marks it failed. For an event stream it ends when the response starts.
 */
export function traceRequests(tracing: Tracing): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return (c, next) => {
    const method = c.req.method;
    return tracing.span(
      method,
      {
        kind: 'server',
        remoteParent: { traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate') },
        attributes: { 'http.request.method': method, 'url.path': new URL(c.req.url).pathname, 'apfa.request_id': c.get('requestId') },
      },
      async (span) => {
        await next();
        const route = matchedRoute(c)?.path;
        if (route !== undefined) span.updateName(`${method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.fail();
      },
    );
  };
}
